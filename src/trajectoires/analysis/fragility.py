"""Digital-fragility index (Indice de fragilité numérique, IFN).

Default method ``national-2023``: the current national index
(fragilite-numerique.fr, La MedNum and ANSA, supervised by CREDOC, 2023): five
indicators, each scored 1 to 10 (10 = highest risk) by national deciles, and
the index is the mean of the scores. See ``docs/analysis.md`` for sources and
assumptions. A comparison mode expresses each commune relative to its
reference territory (EPCI, département, région or France) = 100.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from trajectoires.indicators.catalogue import INDICATORS

__all__ = ["CRITERIA", "METHODS", "REFERENCE_LEVELS", "TIE_RULES", "Criterion",
           "FragilityIndex", "decile_scores", "fragility_index"]


@dataclass(frozen=True)
class Criterion:
    """An input of the index: a column of the values table and its direction.

    ``key`` is a key of the indicator catalogue (``trajectoires.indicators.INDICATORS``,
    dataset « derived »), which gives the label, unit and source; any other column
    of ``values`` can be a criterion too (its label is then its key).
    ``higher_is_fragile`` is False when a higher value means less risk (the score
    is then computed on the opposite).

    >>> CRITERIA["poverty_rate"].label, CRITERIA["library_distance_km"].unit
    ('Taux de pauvreté', 'km')
    >>> Criterion("my_rate", higher_is_fragile=False).label
    'my_rate'
    """

    key: str
    higher_is_fragile: bool = True

    @property
    def label(self) -> str:
        """French label, from the catalogue (the key for a column it does not know)."""
        entry = INDICATORS.get(self.key)
        return entry.label if entry else self.key

    @property
    def unit(self) -> str:
        """Unit of the values, from the catalogue (``%`` for a column it does not know)."""
        entry = INDICATORS.get(self.key)
        return entry.unit if entry else "%"

    @property
    def source(self) -> str:
        """Where the values come from, from the catalogue (empty when it does not know)."""
        entry = INDICATORS.get(self.key)
        return entry.source if entry else ""


CRITERIA: dict[str, Criterion] = {
    key: Criterion(key)
    for key in ("no_thd_coverage", "no_4g_coverage", "share_65_plus", "share_low_diploma",
                "poverty_rate", "share_single_person", "share_single_parent",
                "unemployment_rate", "library_distance_km", "france_services_distance_km")
}
"""The criteria the methods can use, by catalogue key (higher is more fragile for all)."""


@dataclass(frozen=True)
class Method:
    """A scoring method: its indicators, how it scores and what it assumes."""

    key: str
    label: str
    indicators: tuple[str, ...]
    description: str
    source: str


METHODS: dict[str, Method] = {
    "national-2023": Method(
        "national-2023",
        "Indice de fragilité numérique (méthode nationale 2023)",
        ("no_thd_coverage", "no_4g_coverage", "share_65_plus", "share_low_diploma",
         "poverty_rate"),
        "Each indicator is scored 1 to 10 by deciles of its distribution over all the "
        "communes given (pass the national table: 10 = the most fragile tenth; tied values "
        "take the highest rank of their group, TIE_RULES['max']); the index is the mean of "
        "the scores (1 to 10).",
        "La MedNum, ANSA, CREDOC: fragilite-numerique.fr (2023); CREDOC-ANCT, « La société "
        "numérique française : définir et mesurer l'éloignement numérique » (2023).",
    ),
}

REFERENCE_LEVELS = {"epci": "epci_code", "departement": "departement_code",
                    "region": "region_code", "france": None}


@dataclass(frozen=True, eq=False)
class FragilityIndex:
    """The index of each commune, its indicator scores and what was missing.

    Attributes
    ----------
    index : pandas.Series
        Index (1 to 10), NaN where an input is missing (unless partial).
    scores : pandas.DataFrame
        Score (1 to 10) of each indicator.
    missing : pandas.DataFrame
        True where an input value is missing (never counted as zero).
    relative : pandas.Series or None
        Index relative to the reference territory of each commune (= 100).
    reference_value : pandas.Series or None
        The reference territory's index (population-weighted mean).

    """

    method: Method
    indicators: tuple[Criterion, ...]
    index: pd.Series
    scores: pd.DataFrame
    missing: pd.DataFrame
    reference: str | None
    relative: pd.Series | None
    reference_value: pd.Series | None
    partial: bool

    def missing_report(self) -> pd.Series:
        """Count the communes missing each indicator (indicators with none are kept)."""
        return self.missing.sum().astype(int)


def _indicators(method: Method, indicators: object) -> tuple[Criterion, ...]:
    chosen = method.indicators if indicators is None else indicators
    result = []
    for item in chosen:
        if isinstance(item, Criterion):
            result.append(item)
        elif item in CRITERIA:
            result.append(CRITERIA[item])
        else:
            raise ValueError(f"indicators: unknown criterion {item!r}; known: "
                             f"{sorted(CRITERIA)} (or pass a Criterion for a new column)")
    if not result:
        raise ValueError("indicators: at least one indicator is needed")
    return tuple(result)


TIE_RULES = {
    "max": "les communes à égalité prennent le rang le plus élevé du groupe : la note est le "
           "décile de la part des communes dont la valeur est au plus la leur",
    "average": "les communes à égalité prennent le rang moyen du groupe",
    "min": "les communes à égalité prennent le rang le plus bas du groupe",
}
"""Rules for values tied over a decile boundary, with their French wording.

``max`` is the default, read from the published 2023 scores (``FORMATS.md`` § 2.5):
there the units tied at 0 % 4G non-coverage all score 5 and none scores 1 to 4,
which the highest rank gives (about 40-50 % of units at or below 0 %) and neither
the average rank (2 or 3) nor the lowest (1) does."""


def decile_scores(values: pd.Series, higher_is_fragile: bool = True, *,
                  ties: str = "max") -> pd.Series:
    """Score 1 to 10 by deciles of the known values (10 = most fragile tenth).

    The score is ``ceil(10 × rank / n)`` over the ``n`` known values. Tied
    values share one score (:data:`TIE_RULES`): by default the highest rank of
    their group, i.e. the share of values at most theirs (the empirical
    distribution function), so the worst possible value always scores 10.

    Examples
    --------
    >>> decile_scores(pd.Series(range(20))).tolist()[:4]
    [1.0, 1.0, 2.0, 2.0]
    >>> tied = pd.Series([1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 100.0, 100.0, 100.0, 100.0])
    >>> decile_scores(tied).tolist()[-1], decile_scores(tied, ties="average").tolist()[-1]
    (10.0, 9.0)

    """
    if ties not in TIE_RULES:
        raise ValueError(f"ties: expected one of {sorted(TIE_RULES)}, got {ties!r}")
    oriented = values if higher_is_fragile else -values
    pct = oriented.rank(method=ties, pct=True)
    return np.ceil(pct * 10).clip(1, 10)


def fragility_index(
    values: pd.DataFrame,
    *,
    method: str = "national-2023",
    indicators: object = None,
    reference: str | None = None,
    territories: pd.DataFrame | None = None,
    population: pd.Series | None = None,
    partial: bool = False,
) -> FragilityIndex:
    """Compute the digital-fragility index of each commune.

    Parameters
    ----------
    values : pandas.DataFrame
        Wide table, one row per commune (index: code), one column per indicator
        key (``no_thd_coverage``, ``share_65_plus``...), NaN when unknown.
    method : str
        A key of :data:`METHODS`; ``national-2023`` (the current national index).
    indicators : sequence of str or Criterion, optional
        Replaces the method's criteria (keys of :data:`CRITERIA`): drop some, or add
        a :class:`Criterion` for another column of ``values``.
    reference : {"epci", "departement", "region", "france"}, optional
        Also express the index relative to each commune's reference territory
        (= 100), the 2019 IFN's comparison mode.
    territories : pandas.DataFrame, optional
        ``epci_code``, ``departement_code``, ``region_code`` of each commune
        (``Reference.communes_of``); needed for a reference other than France.
    population : pandas.Series, optional
        Inhabitants, to weight the reference territory's mean (unweighted without).
    partial : bool
        Average the known scores when some are missing, instead of NaN.

    Notes
    -----
    Source: fragilite-numerique.fr (La MedNum, ANSA, CREDOC, 2023) and the
    CREDOC-ANCT study « La société numérique française : définir et mesurer
    l'éloignement numérique » (2023); indicators from ARCEP (THD and 4G
    coverage), INSEE RP (65+, diplomas) and INSEE Filosofi (poverty). The 1-10
    scale per criterion and the five criteria are published; the decile
    transform and the plain mean are our reading (the transform is not
    published). The reference mode follows the 2019 IFN (MedNum/ANSA): 100 =
    the reference territory.

    Examples
    --------
    >>> table = pd.DataFrame({"share_65_plus": [10.0, 20, 30, 40],
    ...                       "share_low_diploma": [40.0, 30, None, 10]},
    ...                      index=["a", "b", "c", "d"])
    >>> result = fragility_index(table, indicators=["share_65_plus", "share_low_diploma"],
    ...                          reference="france")
    >>> result.index.tolist(), result.missing_report().tolist()
    ([6.5, 6.0, nan, 7.0], [0, 1])

    """
    if method not in METHODS:
        raise ValueError(f"method: expected one of {sorted(METHODS)}, got {method!r}")
    spec = METHODS[method]
    chosen = _indicators(spec, indicators)
    absent = [i.key for i in chosen if i.key not in values.columns]
    if absent:
        raise ValueError(f"values: no column for {absent}; import these indicators or drop "
                         "them with indicators=[...]")
    raw = values[[i.key for i in chosen]].apply(pd.to_numeric, errors="coerce")
    missing = raw.isna()
    scores = pd.DataFrame({i.key: decile_scores(raw[i.key], i.higher_is_fragile)
                           for i in chosen}, index=values.index)
    index = scores.mean(axis=1, skipna=True)
    if not partial:
        index = index.where(~missing.any(axis=1))
    index = index.where(~missing.all(axis=1)).rename("fragility_index")
    relative = reference_value = None
    if reference is not None:
        reference_value = _reference_values(index, reference, territories, population)
        relative = (100 * index / reference_value).rename("relative")
    return FragilityIndex(spec, chosen, index, scores, missing, reference, relative,
                          reference_value, partial)


def _reference_values(index: pd.Series, reference: str, territories: pd.DataFrame | None,
                      population: pd.Series | None) -> pd.Series:
    if reference not in REFERENCE_LEVELS:
        raise ValueError(f"reference: expected one of {sorted(REFERENCE_LEVELS)}, "
                         f"got {reference!r}")
    column = REFERENCE_LEVELS[reference]
    if column is None:
        groups = pd.Series("FR", index=index.index)
    elif territories is None or column not in territories.columns:
        raise ValueError(f"territories: a table with a {column!r} column is needed for "
                         f"reference={reference!r}")
    else:
        groups = territories[column].reindex(index.index)
    weight = pd.Series(1.0, index=index.index) if population is None else (
        pd.to_numeric(population.reindex(index.index), errors="coerce").astype(float))
    known = index.notna() & weight.notna()
    frame = pd.DataFrame({"g": groups[known], "wx": (index * weight)[known], "w": weight[known]})
    sums = frame.groupby("g", dropna=True)[["wx", "w"]].sum()
    means = sums["wx"] / sums["w"]
    return groups.map(means).astype(float).rename("reference_value")
