"""Aggregate commune values to EPCI, département, région and France.

The catalogue's rule of each indicator decides how (see
:mod:`trajectoires.indicators.catalogue`): counts are summed; ratios are
recomputed from their summed numerator and denominator, over the communes
where both are known; shares published without counts are averaged, weighted
by the commune weight the catalogue gives them: the population of the reference
passed in (the latest imported legal populations when it comes from
``indicators.populations.current_reference``, else those of 2017) for shares of
people, the commune area (``area_km2``)
for shares of the surface (``arcep_part_surf_4g``, ``arcep_taux_non_4g_surf``).

Examples
--------
>>> import tempfile, pathlib
>>> import pandas as pd
>>> from trajectoires.territory import FIXTURE_DIR, load_reference
>>> ref = load_reference(pathlib.Path(tempfile.mkdtemp()), data_dir=FIXTURE_DIR)
>>> values = pd.DataFrame({
...     "commune_code": ["29232", "29019", "29232", "29019", "29232", "29019"],
...     "indicator": ["arcep_locaux", "arcep_locaux", "arcep_locaux_thd30",
...                   "arcep_locaux_thd30", "arcep_taux_thd30", "arcep_taux_thd30"],
...     "period": "2019-09-30",
...     "value": [100.0, 300.0, 50.0, 250.0, 50.0, 83.3],
... })
>>> out = aggregate(values, ref, "departement")
>>> for row in out[["indicator", "unit_code", "value", "communes"]].values.tolist():
...     print(row)
['arcep_locaux', '29', 400.0, 2]
['arcep_locaux_thd30', '29', 300.0, 2]
['arcep_taux_thd30', '29', 75.0, 2]

"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pandas as pd

from trajectoires.indicators.catalogue import INDICATORS, UNDATED, WEIGHTS, find

if TYPE_CHECKING:
    from trajectoires.territory import Reference

__all__ = ["COLUMNS", "LEVELS", "aggregate", "latest_values"]

LEVELS = ("commune", "epci", "departement", "region", "pays")
"""Levels of :func:`aggregate` (the values of ``trajectoires.territory.UnitKind``)."""

COLUMNS = ["unit_code", "indicator", "period", "value", "communes"]
_KEYS = ["unit_code", "indicator", "period"]


def aggregate(
    values: pd.DataFrame,
    reference: Reference,
    level: str,
    communes: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Values of every unit of ``level`` from commune values, by the catalogue's rules.

    Parameters
    ----------
    values : pandas.DataFrame
        Long format: ``commune_code``, ``indicator``, ``period``, ``value``.
        A ratio indicator needs its numerator and denominator in ``values``.
    reference : trajectoires.territory.Reference
        Gives each commune's EPCI, département, région, population and area.
    level : str
        One of :data:`LEVELS` (``"pays"`` is France, code ``FR``).
    communes : pandas.DataFrame, optional
        ``reference.communes_of(reference.france)``, when the caller already has it.

    Returns
    -------
    pandas.DataFrame
        ``unit_code``, ``indicator``, ``period``, ``value`` and ``communes``
        (how many communes contributed), sorted by unit, indicator and period.

    Raises
    ------
    ValueError
        Unknown level, missing column, or a ratio without its components.

    Notes
    -----
    Recomputing a rate from summed counts rather than averaging rates follows
    ``FORMATS.md`` §3.7 ("recompute rates from their numerators and
    denominators"); communes lacking either count are left out of both sums.

    """
    _check(values, level)
    table = reference.communes_of(reference.france) if communes is None else communes
    frame = values[["commune_code", "indicator", "period", "value"]].copy()
    if level == "commune":
        units = frame["commune_code"]
    elif level == "pays":
        units = pd.Series("FR", index=frame.index)
    else:
        units = frame["commune_code"].map(table[f"{level}_code"])
    frame["unit_code"] = units
    frame = frame[frame["unit_code"].notna() & frame["value"].notna()]
    rules = frame["indicator"].map({i: find(i).rule for i in pd.unique(frame["indicator"])})
    parts = [
        _sums(frame[rules == "sum"]),
        _ratios(frame, sorted(set(frame.loc[rules == "ratio", "indicator"]))),
        *(_weighted(frame[frame["indicator"].isin(ids)], table[WEIGHTS[weight]])
          for weight, ids in _by_weight(frame[rules == "weighted_mean"]).items()),
    ]
    parts = [p for p in parts if len(p)]
    if not parts:
        return pd.DataFrame(columns=COLUMNS)
    out = pd.concat(parts, ignore_index=True)
    out["communes"] = out["communes"].astype(int)
    return out.sort_values(_KEYS, ignore_index=True)[COLUMNS]


def latest_values(values: pd.DataFrame) -> pd.DataFrame:
    """Keep, for each indicator, the rows of its most recent period.

    A period :data:`~trajectoires.indicators.catalogue.UNDATED` is kept only when the
    indicator has no dated one (as a string it would sort after every date). The
    numerator and denominator of a ratio follow the ratio's period, so that it can
    still be recomputed from them.

    >>> import pandas as pd
    >>> values = pd.DataFrame({"commune_code": "29232", "indicator": "bibliotheques",
    ...                        "period": ["2023", "non daté", "2022"], "value": [3.0, 9.0, 2.0]})
    >>> latest_values(values)["period"].tolist()
    ['2023']
    """
    periods = values["period"]
    dated = periods.where(periods != UNDATED)
    latest = dated.groupby(values["indicator"]).max().to_dict()
    latest = {i: UNDATED if pd.isna(p) else p for i, p in latest.items()}
    for indicator_id, period in list(latest.items()):
        indicator = find(indicator_id)
        for component in (indicator.numerator, indicator.denominator):
            if component in latest:
                latest[component] = period
    keep = periods == values["indicator"].map(latest)
    return values[keep].reset_index(drop=True)


def _check(values: pd.DataFrame, level: str) -> None:
    if level not in LEVELS:
        raise ValueError(f"niveau inconnu « {level} » : attendu l'un de {', '.join(LEVELS)}")
    missing = {"commune_code", "indicator", "period", "value"} - set(values.columns)
    if missing:
        raise ValueError(f"colonnes absentes des valeurs : {', '.join(sorted(missing))}")
    present = set(pd.unique(values["indicator"].to_numpy(dtype=object)))
    for indicator_id in present:
        indicator = find(indicator_id)
        needed = {indicator.numerator, indicator.denominator} - {None} - present
        if needed:
            raise ValueError(
                f"« {indicator_id} » est un rapport : ses composantes "
                f"{', '.join(sorted(needed))} doivent figurer dans les valeurs"
            )


def _sums(frame: pd.DataFrame) -> pd.DataFrame:
    grouped = frame.groupby(_KEYS, sort=False)["value"]
    return pd.DataFrame({"value": grouped.sum(), "communes": grouped.count()}).reset_index()


def _ratios(frame: pd.DataFrame, ratio_ids: list[str]) -> pd.DataFrame:
    parts = []
    for indicator_id in ratio_ids:
        indicator = INDICATORS[indicator_id]
        keys = ["commune_code", "unit_code", "period"]
        num = frame[frame["indicator"] == indicator.numerator].set_index(keys)["value"]
        den = frame[frame["indicator"] == indicator.denominator].set_index(keys)["value"]
        both = pd.concat({"num": num, "den": den}, axis=1, join="inner").reset_index()
        grouped = both.groupby(["unit_code", "period"], sort=False)
        sums = grouped[["num", "den"]].sum()
        ratio = (sums["num"] / sums["den"].where(sums["den"] > 0)) * indicator.scale
        part = pd.DataFrame({"value": ratio, "communes": grouped.size()}).reset_index()
        part["indicator"] = indicator_id
        parts.append(part)
    return pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(columns=COLUMNS)


def _by_weight(frame: pd.DataFrame) -> dict[str, list[str]]:
    """Ids of the weighted means present in ``frame``, grouped by their catalogue weight."""
    groups: dict[str, list[str]] = {}
    for indicator_id in pd.unique(frame["indicator"]):
        groups.setdefault(INDICATORS[indicator_id].weight, []).append(indicator_id)
    return groups


def _weighted(frame: pd.DataFrame, weight: pd.Series) -> pd.DataFrame:
    """Mean of each unit's values weighted by ``weight`` (by commune; unknown or 0 left out)."""
    weights = frame["commune_code"].map(weight).astype(float)
    frame = frame.assign(weight=weights, product=frame["value"] * weights)
    frame = frame[frame["weight"] > 0]
    grouped = frame.groupby(_KEYS, sort=False)
    sums = grouped[["product", "weight"]].sum()
    return pd.DataFrame(
        {"value": sums["product"] / sums["weight"], "communes": grouped.size()}
    ).reset_index()
