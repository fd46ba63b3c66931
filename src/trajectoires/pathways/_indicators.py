"""The indicators a trajectory projects, by catalogue id, with their CSV names.

Every projected indicator is an entry of the one catalogue
(:mod:`trajectoires.indicators.catalogue`); ``csv`` is its name in the
``indicateur`` column of ``communes.csv``. ``editable`` indicators can be moved by an
``indicator`` effect; the others are computed (distances and 2SFCA by the analysis
engine, the fragility index from the projected criteria).
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["BEYOND_KM", "CRITERIA", "NETWORKS", "PROJECTED", "REACH", "Projected", "ftth_missing",
           "beyond_key"]

NETWORKS: dict[str, str] = {
    "france-services": "France Services",
    "mediation-places": "lieux de médiation numérique",
    "libraries": "bibliothèques",
}
"""Networks of places an action may open or close (the diagnosis's place kinds)."""

BEYOND_KM = 10.0
"""Distance beyond which inhabitants count as far from a place (the diagnosis's default)."""

CRITERIA = ("no_thd_coverage", "no_4g_coverage", "share_65_plus", "share_low_diploma",
            "poverty_rate")
"""Criteria of the national fragility index (method national-2023), recomputed each year."""

REACH = "personnes_accompagnees"
"""CSV name of the people a ``reach`` programme helps (cumulated since the start year)."""


@dataclass(frozen=True)
class Projected:
    """How one catalogue indicator is projected: CSV name, bounds, editable, total."""

    csv: str
    editable: bool = True
    low: float = 0.0
    high: float = float("inf")
    total: str = "mean"
    """``sum`` (counts) or ``mean`` (population-weighted mean of the communes)."""


_SLUG = {"france-services": "france_services", "mediation-places": "mediation_numerique",
         "libraries": "bibliotheque"}

PROJECTED: dict[str, Projected] = {
    "population": Projected("population", total="sum"),
    "no_thd_coverage": Projected("non_couverture_thd_pct", high=100.0),
    "no_4g_coverage": Projected("non_couverture_4g_pct", high=100.0),
    "share_65_plus": Projected("part_65_ans_et_plus_pct", high=100.0),
    "share_low_diploma": Projected("part_peu_diplomes_pct", high=100.0),
    "poverty_rate": Projected("taux_pauvrete_pct", high=100.0),
    "ftth_taux": Projected("part_locaux_fibre_pct", high=100.0),
    "insee_revenu_median": Projected("revenu_median_uc"),
    "fragility_index": Projected("indice_fragilite", editable=False, low=1.0, high=10.0),
    **{f"dist_{kind}": Projected(f"distance_{slug}_km", editable=False)
       for kind, slug in _SLUG.items()},
    **{f"access_{kind}": Projected(f"accessibilite_{slug}_pour_10000", editable=False)
       for kind, slug in _SLUG.items()},
}
"""Catalogue id → how it is projected; the keys a target or an effect may name."""


def beyond_key(kind: str) -> str:
    """Key of the territory series « inhabitants beyond :data:`BEYOND_KM` of a place ».

    >>> beyond_key("france-services")
    'population_au_dela_10km_france_services'
    """
    return f"population_au_dela_{BEYOND_KM:.0f}km_{_SLUG[kind]}"


def ftth_missing(premises: bool, connectable: bool) -> str:
    """Say which of ARCEP's FttH files the share lacks, and the command that loads it.

    >>> ftth_missing(False, True).startswith("fichier communes.csv de l'ARCEP")
    True
    """
    from trajectoires.indicators.store import loading_hint

    command = loading_hint("arcep-ftth")
    if connectable and not premises:
        return ("fichier communes.csv de l'ARCEP non importé (les locaux de chaque commune, "
                "dénominateur de la part ; seul ftthCommunes.csv l'est) : chargez celui de la "
                f"même édition avec {command}")
    if premises and not connectable:
        return ("fichier ftthCommunes.csv de l'ARCEP non importé (les locaux raccordables "
                f"par trimestre ; seul communes.csv l'est) : chargez-le avec {command}")
    return ("déploiements FttH de l'ARCEP non importés (ftthCommunes.csv et communes.csv, "
            f"ou le classeur des communes) : chargez-les avec {command}")
