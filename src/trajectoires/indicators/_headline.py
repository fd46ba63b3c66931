"""Which indicators a territory page compares with its parents, and when a value is shown.

The choice (:data:`HEADLINE`, an official indicator or else its first stand-in
loaded, :data:`STAND_INS`), the counts of places that are 0 rather than unknown
(:data:`PLACE_COUNTS`, added by :func:`with_zero_counts`), and the coverage rule
(:data:`SHOWN_SHARE`, :data:`COMPLETE_SHARE`) of :mod:`trajectoires.indicators.profile`,
which computes the values.
"""

from __future__ import annotations

import pandas as pd

__all__ = ["COMPLETE_SHARE", "HEADLINE", "PLACE_COUNTS", "SHOWN_SHARE", "STAND_INS",
           "coverage_fields", "headline", "with_zero_counts"]

SHOWN_SHARE = 0.5
"""A territory's value is shown only when its communes with a value hold at least this
share of its population: below, it would speak for a few of its communes (France's
mobile sites per 1,000 inhabitants from La Réunion's 24 communes alone)."""

COMPLETE_SHARE = 0.95
"""At or above this share of the population the value is shown without its coverage."""

HEADLINE: tuple[str, ...] = (
    "arcep_taux_thd30",
    "arcep_taux_inel_hd",
    "ftth_taux",
    "arcep_part_pop_4g",
    "arcep_part_surf_4g",
    "arcep_sites_4g_1000hab",
    "insee_part_65p",
    "insee_part_peu_diplomes",
    "insee_part_men_seul",
    "insee_part_men_fammono",
    "insee_taux_chomage",
    "insee_taux_pauvrete",
    "france_services_sites",
    "mediation_lieux",
    "bibliotheques",
)
"""Indicators a territory page compares with the parents, in this order, when loaded.

The 4G shares of the population and of the surface both come from the
``arcep-mobile`` table and are both shown; the site count per 1,000 inhabitants
is labelled as a proxy (« indicateur indirect »), never as coverage."""

STAND_INS: dict[str, tuple[str, ...]] = {
    "insee_part_65p": ("dfg_part_65p_sur_15p",),
    "insee_part_peu_diplomes": ("dfg_part_peu_diplomes",),
    "insee_part_men_seul": ("dfg_part_men_seul",),
    "insee_part_men_fammono": ("dfg_part_men_fammono",),
    "insee_taux_pauvrete": ("ircom_part_foyers_rfr_12000",),
}
"""Official indicator → its stand-ins, preferred first (the pairs of the fragility
index inputs, ``diagnosis.inputs``). A stand-in carries its own label and note saying
what it is; a page shows it only when the official indicator is not loaded."""

PLACE_COUNTS: tuple[str, ...] = ("france_services_sites", "mediation_lieux", "bibliotheques")
"""Counts of places per commune: a list is exhaustive for the départements it covers,
so a commune of those départements without a place counts 0."""


def coverage_fields(coverage: tuple[int, int, float | None] | None) -> dict:
    """Return the coverage keys of a value of a profile's rows (counts and population share).

    See :meth:`trajectoires.indicators.profile.IndicatorProfile.rows`.
    """
    communes, total, share = coverage if coverage else (0, 0, None)
    thin = share is not None and share < SHOWN_SHARE
    return {"communes": communes, "communes_total": total, "population_share": share,
            "comparable": not thin and communes > 0,
            "complete": share is None or share >= COMPLETE_SHARE}


def headline(present: set[str]) -> list[str]:
    """Each headline indicator loaded, or else its first stand-in loaded."""
    chosen = []
    for official in HEADLINE:
        loaded = [i for i in (official, *STAND_INS.get(official, ())) if i in present]
        chosen += loaded[:1]
    return chosen


def with_zero_counts(values: pd.DataFrame, communes: pd.DataFrame) -> pd.DataFrame:
    """Add a 0 for each commune without a place in the départements a place list covers."""
    zeros = []
    departements = communes["departement_code"]
    for indicator_id in PLACE_COUNTS:
        rows = values[values["indicator"] == indicator_id]
        if rows.empty:
            continue
        covered = set(departements.reindex(rows["commune_code"]).dropna())
        missing = communes.index[departements.isin(covered) & ~communes.index.isin(
            rows["commune_code"])]
        zeros.append(pd.DataFrame({"commune_code": missing, "indicator": indicator_id,
                                   "period": rows["period"].iloc[0], "value": 0.0}))
    if not zeros:
        return values
    return pd.concat([values, *zeros], ignore_index=True)
