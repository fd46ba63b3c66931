"""Inequality indices: population-weighted Theil (between/within groups) and Gini.

Each commune counts for its inhabitants: a value per commune (a rate, a
distance, a score) is read as the value of every inhabitant of the commune.
With unit weights the results equal ``inequality.theil.TheilD`` and
``inequality.gini.Gini``, which are unweighted only.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

__all__ = ["Gini", "Theil", "gini", "theil"]


@dataclass(frozen=True, eq=False)
class Theil:
    """Theil T index and its decomposition between and within groups.

    ``total = between + within``; ``between_share = between / total``;
    ``groups`` has one row per group: ``population``, ``mean``, ``theil``
    (inequality inside the group) and ``contribution`` to ``within``.
    """

    total: float
    between: float
    within: float
    between_share: float
    groups: pd.DataFrame
    weighted: bool
    n: int


@dataclass(frozen=True)
class Gini:
    """Gini coefficient (0 = equality, 1 = one unit holds everything)."""

    value: float
    weighted: bool
    n: int


def _inputs(values: object, population: object | None) -> tuple[np.ndarray, np.ndarray]:
    y = np.asarray(values, dtype=float).ravel()
    p = np.ones_like(y) if population is None else np.asarray(population, dtype=float).ravel()
    if len(p) != len(y):
        raise ValueError(f"population: {len(p)} values for {len(y)} values")
    bad = np.isnan(y) | np.isnan(p)
    if bad.any():
        raise ValueError(f"values/population: {int(bad.sum())} missing, drop them first "
                         "(they are never counted as zero)")
    if (y < 0).any() or (p < 0).any():
        raise ValueError("values/population: must be non-negative")
    if p.sum() == 0 or (y * p).sum() == 0:
        raise ValueError("values/population: the total is zero, the index is undefined")
    return y, p


def _theil_terms(y: np.ndarray, mean: np.ndarray) -> np.ndarray:
    ratio = y / mean
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(ratio > 0, ratio * np.log(ratio), 0.0)


def theil(values: object, population: object | None = None,
          groups: object | None = None) -> Theil:
    """Population-weighted Theil T index, decomposed between and within groups.

    Parameters
    ----------
    values : array-like
        Non-negative value of each unit (no missing value).
    population : array-like, optional
        Weight of each unit (inhabitants); unit weights when omitted.
    groups : array-like, optional
        Group of each unit (EPCI or département code); one group when omitted.

    Returns
    -------
    Theil

    Notes
    -----
    Theil, H. (1967), Economics and Information Theory; decomposition of
    Shorrocks, A. F. (1980), The class of additively decomposable inequality
    measures, Econometrica 48(3). With ``s_i = p_i / P`` and ``μ`` the weighted
    mean: ``T = Σ s_i (y_i/μ) ln(y_i/μ)``; ``T_between = Σ_g S_g (μ_g/μ) ln(μ_g/μ)``;
    ``T_within = Σ_g S_g (μ_g/μ) T_g``. Computed with group sums (bincount), in
    linear time.

    Examples
    --------
    >>> result = theil([1, 1, 4, 4], population=[10, 10, 5, 5], groups=["a", "a", "b", "b"])
    >>> round(result.total, 4), round(result.between, 4), round(result.within, 4)
    (0.231, 0.231, 0.0)

    """
    y, p = _inputs(values, population)
    labels = np.zeros(len(y), dtype=int) if groups is None else np.asarray(groups)
    if len(labels) != len(y):
        raise ValueError(f"groups: {len(labels)} labels for {len(y)} values")
    names, code = np.unique(labels, return_inverse=True)
    big_p = p.sum()
    mu = (p * y).sum() / big_p
    total = float((p * _theil_terms(y, mu)).sum() / big_p)
    group_p = np.bincount(code, weights=p, minlength=len(names))
    group_mu = np.bincount(code, weights=p * y, minlength=len(names)) / group_p
    group_share = group_p / big_p
    between = float((group_share * _theil_terms(group_mu, mu)).sum())
    inner = np.bincount(code, weights=p * _theil_terms(y, group_mu[code]),
                        minlength=len(names)) / group_p
    contribution = group_share * group_mu / mu * inner
    table = pd.DataFrame({"population": group_p, "mean": group_mu, "theil": inner,
                          "contribution": contribution}, index=pd.Index(names, name="group"))
    within = float(contribution.sum())
    share = between / total if total > 0 else float("nan")
    return Theil(total, between, within, share, table, population is not None, len(y))


def gini(values: object, population: object | None = None) -> Gini:
    """Population-weighted Gini coefficient.

    Parameters
    ----------
    values : array-like
        Non-negative value of each unit.
    population : array-like, optional
        Weight of each unit (inhabitants); unit weights when omitted.

    Notes
    -----
    Gini, C. (1912); computed as one minus twice the area under the weighted
    Lorenz curve, which equals the mean absolute difference over all pairs of
    inhabitants divided by twice the mean: ``Σ_ij p_i p_j |y_i - y_j| / (2 P² μ)``.
    With unit weights it equals ``inequality.gini.Gini``.

    Examples
    --------
    >>> round(gini([1, 2, 3, 4]).value, 4), round(gini([1, 4], population=[3, 1]).value, 4)
    (0.25, 0.3214)

    """
    y, p = _inputs(values, population)
    order = np.argsort(y, kind="stable")
    y, p = y[order], p[order]
    share_p = p / p.sum()
    income = p * y
    lorenz = np.cumsum(income) / income.sum()
    previous = np.r_[0.0, lorenz[:-1]]
    value = 1.0 - float((share_p * (lorenz + previous)).sum())
    return Gini(value, population is not None, len(y))
