r"""Per-commune stand-ins: the official value where it is published, an estimate elsewhere.

INSEE publishes the Filosofi poverty rate only for communes of about 1,000
households or more (4,283 of today's communes in the 2018 file); elsewhere it is
secret. Leaving those communes without a poverty criterion would score them on
four criteria; taking another indicator as it is would mix two scales (the IRCOM
share of households under 12,000 € is about twice the poverty rate). So each
commune keeps INSEE's rate where it exists, and elsewhere gets a rate
**estimated** from an indicator published for it, calibrated on the communes
where both are published:

    log(rate) = a + b · log(stand-in)        (least squares; rates > 0)

The median income per consumption unit (Filosofi, ~31,000 communes) is tried
first, then the IRCOM share. The estimate keeps the rate's scale and orders the
communes by their income; the fit's R² and mean absolute error are reported,
and every commune that uses an estimate is listed (:data:`STAND_IN` columns).

Examples
--------
>>> import numpy as np, pandas as pd
>>> median = pd.Series([15000.0, 20000, 25000, 30000, 18000], index=list("abcde"))
>>> rate = pd.Series(np.exp(28.0) * median[:4] ** -2.6)
>>> values, used, notes = fill(rate, {"insee_revenu_median": median}, minimum=3)
>>> used.tolist(), round(float(values["e"]), 1), round(float(np.exp(28.0) * 18000 ** -2.6), 1)
([None, None, None, None, 'insee_revenu_median'], 12.5, 12.5)
>>> print(notes[0])  # doctest: +ELLIPSIS
estimé pour 1 commune où il n'est pas publié, d'après « Revenu disponible médian ... ; R² 1,00, ...

Notes
-----
Filosofi: INSEE, « Revenus et pauvreté des ménages » (the commune rate is
published above the secrecy threshold). Measured on the shared files as imported
(rate 2018, median 2019, 4,283 communes with both): b = −2.71, R² = 0.77, mean
absolute error 2.6 points, 26,954 communes estimated; the medians of the estimated
communes lie within the range of the fit.

"""

from __future__ import annotations

import numpy as np
import pandas as pd

from trajectoires.indicators.catalogue import INDICATORS

__all__ = ["MINIMUM_FIT", "STAND_IN", "STAND_INS", "complete", "fill", "needed",
           "territory_stand_ins"]

STAND_IN = "_stand_in_"
"""Prefix of the column naming, per commune, the stand-in its criterion value comes from
(None: the official value), in :attr:`Inputs.values`."""

STAND_INS: dict[str, tuple[str, tuple[str, ...]]] = {
    "poverty_rate": ("insee_taux_pauvrete", ("insee_revenu_median",
                                             "ircom_part_foyers_rfr_12000")),
}
"""Criterion → (official indicator, indicators it is estimated from where unpublished)."""

MINIMUM_FIT = 30
"""Fewest communes with both values for a calibration."""


def _fr(value: float, digits: int = 2) -> str:
    """French number: narrow no-break space for thousands, decimal comma, true minus sign.

    >>> _fr(-2.7134), _fr(26954, 0)
    ('−2,71', '26\u202f954')
    """
    text = f"{abs(value):,.{digits}f}".replace(",", "\u202f").replace(".", ",")
    return f"−{text}" if value < 0 and text.strip("0,\u202f") else text


def fill(official: pd.Series, candidates: dict[str, pd.Series], *,
         minimum: int = MINIMUM_FIT) -> tuple[pd.Series, pd.Series, list[str]]:
    """Official values, completed per commune by calibrated estimates.

    Parameters
    ----------
    official : pandas.Series
        The official value per commune (NaN where unpublished).
    candidates : dict
        Stand-in indicator id → its values per commune, in order of preference.
    minimum : int
        Fewest communes with both values for a calibration.

    Returns
    -------
    values : pandas.Series
        Official value, else the estimate (index: every commune of the inputs).
    used : pandas.Series
        The stand-in indicator of each estimated commune, None elsewhere.
    notes : list of str
        One French sentence per stand-in used: how many communes, the fit, its quality.

    """
    index = official.index
    for series in candidates.values():
        index = index.union(series.index)
    values = official.reindex(index).astype(float)
    used = pd.Series(None, index=index, dtype=object)
    notes = []
    for indicator, series in candidates.items():
        proxy = series.reindex(index).astype(float)
        both = values.gt(0) & proxy.gt(0) & used.isna()
        todo = values.isna() & proxy.gt(0)
        if both.sum() < minimum or not todo.any():
            continue
        x, y = np.log(proxy[both]), np.log(values[both])
        slope, intercept = np.polyfit(x, y, 1)
        fitted = np.exp(intercept + slope * x)
        error = float((values[both] - fitted).abs().mean())
        r2 = 1 - float(((values[both] - fitted) ** 2).sum() / ((values[both] - values[both]
                                                                 .mean()) ** 2).sum())
        values[todo] = np.exp(intercept + slope * np.log(proxy[todo])).clip(upper=100.0)
        used[todo] = indicator
        count = int(todo.sum())
        notes.append(
            f"estimé pour {_fr(count, 0)} commune{'s' * (count > 1)} où il n'est pas publié, "
            f"d'après « {INDICATORS[indicator].label} » : log(taux) = a + b × log(valeur), "
            f"ajusté sur les {_fr(int(both.sum()), 0)} communes où les deux sont publiés "
            f"(b = {_fr(slope)}) ; R² {_fr(r2)}, écart absolu moyen {_fr(error, 1)} "
            f"point{'s' * (error >= 2)}")
    return values, used.astype(object).where(used.notna(), None), notes


def needed(loaded_kinds: set[str]) -> list[str]:
    """Store indicators the stand-ins are estimated from, among the loaded datasets.

    >>> needed({"insee-poverty"})
    ['insee_revenu_median', 'ircom_part_foyers_rfr_12000']
    """
    return [i for _, ids in STAND_INS.values() for i in ids
            if INDICATORS[i].dataset in loaded_kinds]


def complete(columns: dict[str, pd.Series], chosen: dict, wide: pd.DataFrame
             ) -> dict[str, list[str]]:
    """Fill the criteria of :data:`STAND_INS` read from their official indicator.

    ``columns`` (criterion → values) gets, for each such criterion, the completed
    values and a :data:`STAND_IN` column naming the stand-in of each estimated
    commune; ``chosen`` is criterion → the ``Source`` used; ``wide`` the store
    values by indicator. Returns criterion → the French notes of the estimates.
    """
    notes = {}
    for key, (official, candidates) in STAND_INS.items():
        source = chosen.get(key)
        if source is None or source.indicator != official or official not in wide:
            continue
        available = {i: wide[i] for i in candidates if i in wide and wide[i].notna().any()}
        values, used, sentences = fill(wide[official], available)
        if sentences:
            columns[key], columns[STAND_IN + key], notes[key] = values, used, sentences
    return notes


def territory_stand_ins(values: pd.DataFrame, codes: pd.Index) -> dict[str, list[str]]:
    """Criterion → the communes among ``codes`` whose value is an estimate (sorted codes).

    >>> table = pd.DataFrame({STAND_IN + "poverty_rate": [None, "insee_revenu_median"]},
    ...                      index=["29019", "29083"])
    >>> territory_stand_ins(table, pd.Index(["29019", "29083", "29232"]))
    {'poverty_rate': ['29083']}
    """
    found = {}
    for column in values.columns:
        if not column.startswith(STAND_IN):
            continue
        used = values[column].reindex(codes)
        found[column[len(STAND_IN):]] = sorted(used.index[used.notna()])
    return found
