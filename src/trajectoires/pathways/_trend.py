"""The trend of an indicator without action: linear, log-linear or flat, with a band.

Each commune's trend is the slope of an ordinary least-squares fit over its
vintages (of the logarithm for a log-linear trend: a constant growth rate),
anchored at its latest value so that the projection starts from the data. A
single vintage gives a flat trend, and says so. The uncertainty band is the 95 %
prediction interval of the same fit over the territory's total, per year.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

__all__ = ["METHODS", "MIN_TREND_SPAN", "Band", "band", "commune_trend", "describe",
           "last_known"]

MIN_TREND_SPAN = 2.0
"""Years the vintages of a criterion of the index must span for a trend to be fitted.

Closer vintages leave the criterion flat: two files six months apart (the overseas
4G coverage, 2018-07 and 2019-01) would otherwise carry Saint-Denis (La Réunion)
from 20 % not covered to the 100 % bound within four years.
"""

METHODS = {
    "linear": "tendance linéaire : pente des moindres carrés sur les {n} millésimes ({first}"
              "–{last}), prolongée depuis la dernière valeur de chaque commune",
    "log-linear": "tendance log-linéaire (taux de croissance constant) : moindres carrés sur "
                  "le logarithme des {n} millésimes ({first}–{last}), prolongée depuis la "
                  "dernière valeur de chaque commune",
    "flat": "un seul millésime ({last}) : tendance plate, la dernière valeur est prolongée "
            "sans évolution (aucune tendance ne peut être estimée)",
    "close": "{count} millésimes à moins de deux ans d'écart : pas de tendance ; la "
             "dernière valeur ({last}, après {first}) est prolongée sans évolution",
}
"""French method of each kind of trend (``{n}``, ``{first}``, ``{last}``: the vintages).

``close`` is the text of a flat trend over several vintages too close to fit one
(:data:`MIN_TREND_SPAN`); ``{count}`` is their number, in words for two.
"""


@dataclass(frozen=True, eq=False)
class Band:
    """Relative or absolute half-widths of the 95 % prediction band, per year."""

    low: np.ndarray
    high: np.ndarray


def last_known(values: np.ndarray, times: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Latest known value of each row and its time (NaN when the row has none)."""
    known = ~np.isnan(values)
    last = np.where(known.any(axis=1), values.shape[1] - 1 - np.argmax(known[:, ::-1], axis=1),
                    0)
    rows = np.arange(len(values))
    value = np.where(known.any(axis=1), values[rows, last], np.nan)
    return value, np.where(known.any(axis=1), times[last], np.nan)


def _slopes(y: np.ndarray, times: np.ndarray) -> np.ndarray:
    """Least-squares slope of each row over its known points (0 with fewer than two)."""
    known = ~np.isnan(y)
    t = np.where(known, times[None, :], 0.0)
    count = known.sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        t_mean = t.sum(axis=1) / count
        y_mean = np.where(known, y, 0.0).sum(axis=1) / count
        dt = np.where(known, times[None, :] - t_mean[:, None], 0.0)
        dy = np.where(known, y - y_mean[:, None], 0.0)
        slope = (dt * dy).sum(axis=1) / (dt * dt).sum(axis=1)
    return np.where((count >= 2) & np.isfinite(slope), slope, 0.0)


def commune_trend(values: np.ndarray, times: np.ndarray, method: str,
                  years: np.ndarray) -> np.ndarray:
    """Projected value of each commune (rows) in each year (columns).

    Examples
    --------
    >>> values = np.array([[100.0, 110.0, 121.0], [50.0, np.nan, np.nan]])
    >>> commune_trend(values, np.array([2020.0, 2021, 2022]), "log-linear",
    ...               np.array([2022, 2023])).round(1).tolist()
    [[121.0, 133.1], [50.0, 50.0]]
    >>> commune_trend(values, np.array([2020.0, 2021, 2022]), "linear",
    ...               np.array([2024])).round(1).tolist()
    [[142.0], [50.0]]

    """
    last, at = last_known(values, times)
    years = np.asarray(years, dtype=float)[None, :]
    if method == "flat" or values.shape[1] < 2:
        return np.repeat(last[:, None], years.shape[1], axis=1)
    step = years - np.nan_to_num(at)[:, None]
    if method == "log-linear":
        with np.errstate(invalid="ignore", divide="ignore"):
            logs = np.where(values > 0, np.log(values), np.nan)
        return last[:, None] * np.exp(_slopes(logs, times)[:, None] * step)
    return last[:, None] + _slopes(values, times)[:, None] * step


def band(totals: np.ndarray, times: np.ndarray, method: str,
         years: np.ndarray) -> Band | None:
    """95 % prediction band of the territory's total, as offsets from its anchored trend.

    ``totals`` are the territory's values per vintage. The offsets are ratios for a
    log-linear trend (multiply the trend), differences otherwise (add them). None
    with fewer than three vintages: the residual variance cannot be estimated.

    Examples
    --------
    >>> b = band(np.array([100.0, 102, 103, 106]), np.array([2019.0, 2020, 2021, 2022]),
    ...          "linear", np.array([2022, 2030]))
    >>> bool(b.high[1] > b.high[0] > 0 > b.low[0] > b.low[1])
    True

    """
    from scipy.special import stdtrit  # Student's t quantile (scipy.stats is slow to import)

    known = ~np.isnan(totals)
    y, t = totals[known], times[known]
    if method == "flat" or len(y) < 3:
        return None
    if method == "log-linear":
        if (y <= 0).any():
            return None
        y = np.log(y)
    slope, intercept = np.polyfit(t, y, 1)
    residual = y - (intercept + slope * t)
    s2 = float(residual @ residual) / (len(y) - 2)
    sxx = float(((t - t.mean()) ** 2).sum())
    q = float(stdtrit(len(y) - 2, 0.975))
    ahead = np.asarray(years, dtype=float) - t.max()
    half = q * np.sqrt(s2 * (1 + 1 / len(y)) + s2 / sxx * ahead ** 2)
    if method == "log-linear":
        return Band(np.exp(-half), np.exp(half))
    return Band(-half, half)


def describe(method: str, periods: tuple[str, ...]) -> str:
    """French method line of a trend over ``periods``.

    >>> describe("flat", ("2017",))
    'un seul millésime (2017) : tendance plate, la dernière valeur est prolongée sans évolution (aucune tendance ne peut être estimée)'
    >>> describe("flat", ("2018-07", "2019-01"))
    "deux millésimes à moins de deux ans d'écart : pas de tendance ; la dernière valeur (2019-01, après 2018-07) est prolongée sans évolution"
    """  # noqa: E501
    if method == "flat" and len(periods) > 1:
        method = "close"
    return METHODS[method].format(count="deux" if len(periods) == 2 else len(periods),
                                  n=len(periods), first=periods[0] if periods else "",
                                  last=periods[-1] if periods else "non daté")
