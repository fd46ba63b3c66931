"""Spatial autocorrelation: global Moran's I, local Moran (LISA) and Getis-Ord Gi*.

Every statistic is a function that returns a frozen dataclass with the same
attribute names: ``statistic``, ``p_sim``, ``z_sim``, ``permutations``, ``seed``.
Permutation inference takes ``rng`` (a seed or a numpy Generator); the seed
actually used is kept in the result, so any map can be reproduced.

The local statistics reproduce esda's conditional randomisation exactly: the
same shared table of neighbour ids (``esda.crand.vec_permutations``) for a
seed, the same arithmetic, hence the same pseudo p-values, without esda's
per-observation copy of the data and per-process compilation (numpy only).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from trajectoires.analysis import _kernels
from trajectoires.analysis._permutation import (
    RandomLike,
    conditional_permutations,
    folded_p_values,
    resolve_seed,
    significance,
)
from trajectoires.analysis.weights import Weights

__all__ = ["HotSpots", "LocalClusters", "Moran", "getis_ord", "local_moran", "moran"]

QUADRANTS = {1: "high-high", 2: "low-high", 3: "low-low", 4: "high-low"}
NOT_SIGNIFICANT = "not significant"
NO_NEIGHBOURS = "no neighbours"


@dataclass(frozen=True)
class Moran:
    """Global Moran's I with normal and permutation inference.

    ``statistic`` is I; ``expected`` is E[I] = -1/(n-1); ``z_norm``/``p_norm``
    under normality (two-sided); ``p_sim`` is the folded pseudo p-value of the
    permutations, ``z_sim`` the z-score against their mean and spread.
    """

    statistic: float
    expected: float
    z_norm: float
    p_norm: float
    p_sim: float
    z_sim: float
    permutations: int
    seed: int
    n: int


class _Labelled:
    """Results that give each unit a label (cluster, hot spot…)."""

    labels: np.ndarray

    def counts(self) -> dict[str, int]:
        """Count the units of each label."""
        names, counts = np.unique(self.labels, return_counts=True)
        return {str(k): int(v) for k, v in zip(names, counts, strict=True)}


@dataclass(frozen=True, eq=False)
class LocalClusters(_Labelled):
    """Local Moran (LISA): clusters and outliers of each unit.

    ``labels`` is one of ``high-high``, ``low-low`` (clusters), ``high-low``,
    ``low-high`` (outliers), ``not significant`` or ``no neighbours``;
    ``quadrant`` is esda's code (1 HH, 2 LH, 3 LL, 4 HL); ``significant`` applies
    ``alpha`` after ``correction`` (``cutoff`` is the p-value threshold used).
    Units without neighbours are not tested: their p-values are NaN.
    """

    ids: np.ndarray
    statistic: np.ndarray
    quadrant: np.ndarray
    p_sim: np.ndarray
    z_sim: np.ndarray
    significant: np.ndarray
    labels: np.ndarray
    alpha: float
    correction: str
    cutoff: float
    permutations: int
    seed: int


@dataclass(frozen=True, eq=False)
class HotSpots(_Labelled):
    """Getis-Ord Gi* (or Gi): hot and cold spots of each unit.

    ``statistic`` is G_i; ``z_norm`` its analytical z-score; ``labels`` is
    ``hot spot``, ``cold spot``, ``not significant`` or ``no neighbours``.
    """

    ids: np.ndarray
    statistic: np.ndarray
    z_norm: np.ndarray
    p_sim: np.ndarray
    z_sim: np.ndarray
    significant: np.ndarray
    labels: np.ndarray
    star: bool
    alpha: float
    correction: str
    cutoff: float
    permutations: int
    seed: int


def _values(values: object, weights: Weights) -> np.ndarray:
    y = np.asarray(values, dtype=float).ravel()
    if len(y) != weights.n:
        raise ValueError(f"values: {len(y)} values for {weights.n} units in the weights")
    if np.isnan(y).any():
        missing = weights.ids[np.isnan(y)][:5].tolist()
        raise ValueError(f"values: {int(np.isnan(y).sum())} missing values, e.g. {missing}; "
                         "drop these units (and subset the weights) first")
    return y


def moran(values: object, weights: Weights, *, permutations: int = 999,
          rng: RandomLike = None) -> Moran:
    """Global Moran's I on row-standardised weights.

    Parameters
    ----------
    values : array-like
        One value per unit, aligned with ``weights.ids``; no missing value.
    weights : Weights
        Spatial weights (row-standardised here, as ``esda.Moran`` does).
    permutations : int
        Number of random permutations of the values (0 to skip).
    rng : numpy.random.Generator, int or None
        Source of the permutations.

    Notes
    -----
    Moran (1950); moments under normality from Cliff & Ord (1981), as in
    ``esda.Moran`` (same I, E[I], z_norm and p_norm). The permutations are those
    of ``numpy.random.RandomState(seed)``, which esda draws from numpy's global
    state: after ``numpy.random.seed(seed)``, ``esda.Moran`` gives the same
    ``p_sim``.

    Examples
    --------
    >>> from shapely import box
    >>> from trajectoires.analysis import queen_weights
    >>> w = queen_weights([box(i, 0, i + 1, 1) for i in range(6)])
    >>> result = moran([1, 2, 3, 4, 5, 6], w, permutations=99, rng=1)
    >>> round(result.statistic, 3), result.seed
    (0.714, 1)
    >>> moran([2, 2, 2, 2, 2, 2], w, permutations=99).statistic  # constant: undefined
    nan

    """
    y = _values(values, weights)
    w = weights.row_standardised().sparse
    n = len(y)
    z = y - y.mean()
    z2 = float((z * z).sum())  # esda's operations, so that ties are decided alike
    s0 = float(w.sum())
    if z2 == 0.0:  # every value alike: no autocorrelation to measure (esda gives NaN too)
        nan = float("nan")
        return Moran(nan, -1.0 / (n - 1), nan, nan, nan, nan, permutations,
                     resolve_seed(rng), n)
    observed = n / s0 * _kernels.cross_product(z, w) / z2
    expected = -1.0 / (n - 1)
    sym = w + w.T
    s1 = float((sym.multiply(sym)).sum()) / 2.0
    s2 = float(((np.asarray(w.sum(axis=1)).ravel() + np.asarray(w.sum(axis=0)).ravel()) ** 2).sum())
    variance = (n * n * s1 - n * s2 + 3 * s0 * s0) / ((n - 1) * (n + 1) * s0 * s0) - expected**2
    z_norm = (observed - expected) / np.sqrt(variance)
    seed = resolve_seed(rng)
    p_sim = z_sim = np.nan
    if permutations:
        sims = n / s0 * _kernels.moran_permutations(z, w, permutations, seed) / z2
        larger = int((sims >= observed).sum())
        p_sim = (min(larger, permutations - larger) + 1.0) / (permutations + 1.0)
        z_sim = float((observed - sims.mean()) / sims.std())
    p_norm = math.erfc(abs(z_norm) / math.sqrt(2.0))  # two-sided normal tail
    return Moran(float(observed), expected, float(z_norm), float(p_norm),
                 float(p_sim), float(z_sim), permutations, seed, n)


def local_moran(values: object, weights: Weights, *, permutations: int = 999,
                rng: RandomLike = None, alpha: float = 0.05, correction: str = "none",
                threads: int | None = None) -> LocalClusters:
    """Local Moran's I (LISA) with conditional permutation inference.

    Parameters
    ----------
    values : array-like
        One value per unit, aligned with ``weights.ids``; no missing value.
    weights : Weights
        Spatial weights (row-standardised here, as ``esda.Moran_Local`` does).
    permutations : int
        Number of conditional permutations (999 by default).
    rng : numpy.random.Generator, int or None
        Seed of esda's permutation table: the same int gives esda's p-values.
    alpha : float
        Significance level for ``labels``.
    correction : {"none", "fdr", "bonferroni"}
        Multiple-testing correction (FDR as ``esda.fdr``, Benjamini & Hochberg 1995).
    threads : int, optional
        Threads for the permutations (default: all cores).

    Notes
    -----
    Anselin, L. (1995). Local Indicators of Spatial Association - LISA.
    Geographical Analysis 27(2). Statistic, quadrants, conditional randomisation
    and folded p-values as ``esda.Moran_Local`` (esda 2.9, ``seed``): p-values are
    identical for the same seed. Units without neighbours are not tested
    (esda gives them p = 1/(P+1), an artefact of its constant null).

    Examples
    --------
    >>> from shapely import box
    >>> from trajectoires.analysis import queen_weights
    >>> w = queen_weights([box(i % 5, i // 5, i % 5 + 1, i // 5 + 1) for i in range(25)])
    >>> lisa = local_moran([i // 5 for i in range(25)], w, permutations=99, rng=7)
    >>> lisa.labels[:3].tolist(), lisa.seed
    (['low-low', 'low-low', 'low-low'], 7)
    >>> local_moran([3] * 25, w, permutations=99).counts()  # constant: nothing to test
    {'not significant': 25}

    """
    y = _values(values, weights)
    w = weights.row_standardised()
    n = len(y)
    if not np.ptp(y) > 0:  # every value alike: nothing to test (esda's p-values are noise)
        nan = np.full(n, np.nan)
        return LocalClusters(w.ids, nan, np.zeros(n, dtype=int), nan, nan, np.zeros(n, bool),
                             np.full(n, NOT_SIGNIFICANT, dtype=object), alpha, correction,
                             float("nan"), permutations, resolve_seed(rng))
    z, lag, den = _moran_parts(y, w)
    observed = (n - 1) * z * lag / den
    quadrant = np.select([(z > 0) & (lag > 0), (z <= 0) & (lag > 0), (z <= 0) & (lag <= 0)],
                         [1, 2, 3], 4)
    inference = _local_inference(
        _kernels.MORAN, z, w, self_weights=np.zeros(n), observed=observed, scaling=(n - 1) / den,
        permutations=permutations, rng=rng, alpha=alpha, correction=correction, threads=threads,
    )
    quadrant_labels = np.array([QUADRANTS[q] for q in range(1, 5)], dtype=object)[quadrant - 1]
    labels = inference.labels(quadrant_labels)
    return LocalClusters(w.ids, observed, quadrant, inference.p_sim, inference.z_sim,
                         inference.flags, labels, alpha, correction, inference.cutoff,
                         permutations, inference.seed)


def _moran_parts(y: np.ndarray, w: Weights) -> tuple[np.ndarray, np.ndarray, float]:
    """Standardised values, their spatial lag and the sum of their squares."""
    z = (y - y.mean()) / y.std()
    return z, w.lag(z), float((z * z).sum())


def getis_ord(values: object, weights: Weights, *, star: bool = True, permutations: int = 999,
              rng: RandomLike = None, alpha: float = 0.05, correction: str = "none",
              threads: int | None = None) -> HotSpots:
    """Getis-Ord local G_i* (or G_i) with conditional permutation inference.

    Parameters
    ----------
    values : array-like
        Non-negative values, one per unit, aligned with ``weights.ids``.
    weights : Weights
        Spatial weights; each unit is added as its own neighbour when ``star``,
        then rows are standardised (``esda.G_Local(transform="R", star=True)``).
    star : bool
        G_i* (the unit counts in its own neighbourhood) or G_i.
    permutations, rng, alpha, correction, threads
        As in :func:`local_moran`.

    Notes
    -----
    Getis, A. & Ord, J. K. (1992), The analysis of spatial association by use
    of distance statistics, Geographical Analysis 24(3); Ord & Getis (1995),
    Geographical Analysis 27(4). Same statistic, analytical z-score and
    permutation p-values as ``esda.G_Local`` for the same seed. A unit is a hot
    spot when significant with ``z_norm > 0``, a cold spot when ``z_norm < 0``.

    Examples
    --------
    >>> from shapely import box
    >>> from trajectoires.analysis import queen_weights
    >>> w = queen_weights([box(i % 5, i // 5, i % 5 + 1, i // 5 + 1) for i in range(25)])
    >>> spots = getis_ord([i // 5 for i in range(25)], w, permutations=99, rng=7)
    >>> spots.counts()
    {'cold spot': 10, 'hot spot': 6, 'not significant': 9}
    >>> getis_ord([0] * 25, w, permutations=99).counts()  # constant: nothing to test
    {'not significant': 25}

    """
    y = _values(values, weights)
    if (y < 0).any():
        raise ValueError("values: Getis-Ord G needs non-negative values")
    cards = weights.cardinalities.astype(float)
    w, self_weight = _g_weights(weights, star)
    if not np.ptp(y) > 0:  # every value alike (all zeros too): nothing to test
        nan, n = np.full(len(y), np.nan), len(y)
        return HotSpots(w.ids, nan, nan, nan, nan, np.zeros(n, bool),
                        np.full(n, NOT_SIGNIFICANT, dtype=object), star, alpha, correction,
                        float("nan"), permutations, resolve_seed(rng))
    total = float(y.sum())
    observed = _with_self(w, self_weight) @ y / (total - (0 if star else 1) * y)
    z_norm = _g_z_scores(y, cards + star, star, observed)
    inference = _local_inference(
        _kernels.G_STAR if star else _kernels.G_PLAIN, y, w, self_weights=self_weight,
        observed=observed, scaling=total,
        permutations=permutations, rng=rng, alpha=alpha, correction=correction, threads=threads,
    )
    labels = inference.labels(np.where(z_norm > 0, "hot spot", "cold spot"))
    return HotSpots(w.ids, observed, z_norm, inference.p_sim, inference.z_sim, inference.flags,
                    labels, star, alpha, correction, inference.cutoff, permutations,
                    inference.seed)


def _g_weights(weights: Weights, star: bool) -> tuple[Weights, np.ndarray]:
    """Row-standardised weights and self-weights of G_i* (each unit its own neighbour) or G_i."""
    w = weights.row_standardised()
    self_weight = np.zeros(len(weights.ids))
    if star:  # islands keep a zero self-weight, as in esda (they are not tested)
        cards = weights.cardinalities.astype(float)
        self_weight = np.where(cards > 0, 1.0 / (cards + 1.0), 0.0)
        w = Weights(w.ids, w.indptr, w.indices, np.repeat(self_weight, weights.cardinalities),
                    "r", w.points)
    return w, self_weight


@dataclass(frozen=True, eq=False)
class _LocalInference:
    """Outcome of the conditional permutations shared by the local statistics."""

    p_sim: np.ndarray
    z_sim: np.ndarray
    flags: np.ndarray
    cutoff: float
    seed: int

    def labels(self, significant_labels: np.ndarray) -> np.ndarray:
        """Keep ``significant_labels`` where significant; mark the others and the islands."""
        labels = np.where(self.flags, significant_labels, NOT_SIGNIFICANT)
        return np.where(np.isnan(self.p_sim), NO_NEIGHBOURS, labels).astype(object)


def _local_inference(kind: int, values: np.ndarray, w: Weights, *, self_weights: np.ndarray,
                     observed: np.ndarray, scaling: float, permutations: int, rng: RandomLike,
                     alpha: float, correction: str, threads: int | None) -> _LocalInference:
    """Run the conditional permutations of a local statistic; p-values, z-scores, flags."""
    seed = resolve_seed(rng)
    larger, mean, std = conditional_permutations(
        kind, values, w, self_weights=self_weights, observed=observed, scaling=scaling,
        permutations=permutations, seed=seed, threads=threads,
    )
    p_sim = folded_p_values(larger, permutations)
    with np.errstate(divide="ignore", invalid="ignore"):
        z_sim = (observed - mean) / std
    flags, cutoff = significance(p_sim, alpha, correction)
    return _LocalInference(p_sim, z_sim, flags, cutoff, seed)


def _g_z_scores(y: np.ndarray, cardinality: np.ndarray, star: bool,
                statistic: np.ndarray) -> np.ndarray:
    """Analytical z-scores of G_i for row-standardised weights (as ``esda.G_Local``)."""
    remove_self = 0 if star else 1
    big_n = len(y) - remove_self
    mean = (y.sum() - y * remove_self) / big_n
    mean_of_squares = ((y**2).sum() - (y**2) * remove_self) / big_n
    variance = mean_of_squares - mean**2
    row_sum = np.where(cardinality > 0, 1.0, 0.0)
    expected = row_sum / big_n
    expected_variance = row_sum * (big_n - row_sum) / (big_n - 1) / big_n**2 * variance / mean**2
    with np.errstate(divide="ignore", invalid="ignore"):
        return (statistic - expected) / np.sqrt(expected_variance)


def _with_self(weights: Weights, self_weight: np.ndarray):
    """Return the sparse matrix with ``self_weight`` on the diagonal, columns sorted."""
    from scipy import sparse

    matrix = (weights.sparse + sparse.diags_array(self_weight)).tocsr()
    matrix.sort_indices()
    return matrix
