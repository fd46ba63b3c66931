"""Numpy paths for small territories: same numbers as the compiled kernels, no numba import.

A département (a few hundred communes) is computed in milliseconds by numpy, so
its diagnosis does not pay numba's import and first call (about a second). The
arithmetic is written in the same order as in ``_kernels`` so that the
permutation counts, hence the p-values, are identical to the compiled path
(and to esda's).
"""

from __future__ import annotations

import numpy as np

SMALL = 3000
MORAN = 0
G_STAR = 1
G_PLAIN = 2


def permutation_table(max_card: int, n: int, permutations: int, seed: int) -> np.ndarray:
    """Esda's table through numpy's legacy generator (numba's choice replays it)."""
    state = np.random.RandomState(seed)
    return np.stack([state.permutation(n - 1)[:max_card] for _ in range(permutations)])


def local_permutations(kind: int, inputs: tuple, graph: tuple,
                       table: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Vectorised twin of ``_kernels.local_permutations`` over all observations."""
    z, observed, self_weights, scaling = inputs
    indptr, _, data = graph
    n = len(z)
    cards = np.diff(indptr)
    larger = np.full(n, -1, dtype=np.int64)
    mean = np.full(n, np.nan)
    std = np.full(n, np.nan)
    rows = np.flatnonzero(cards > 0)
    acc = np.zeros((len(rows), table.shape[0]))
    for j in range(int(cards.max(initial=0))):
        ids = table[:, j]
        has = cards[rows] > j
        shifted = ids[None, :] + (ids[None, :] >= rows[has, None])
        weight = np.zeros(len(rows))
        weight[has] = data[indptr[rows[has]] + j]
        term = np.zeros_like(acc)
        term[has] = z[shifted] * weight[has, None]
        acc += term
    zi = z[rows, None]
    if kind == MORAN:
        stats = (zi * scaling) * (acc + self_weights[rows, None] * zi)
    elif kind == G_STAR:
        stats = (acc + self_weights[rows, None] * zi) / scaling
    else:
        stats = acc / (scaling - zi)
    larger[rows] = (stats >= observed[rows, None]).sum(axis=1)
    mean[rows] = stats.mean(axis=1)
    std[rows] = stats.std(axis=1)
    return larger, mean, std


def fisher_jenks(x: np.ndarray, k: int) -> np.ndarray:
    """Start index of each optimal class of sorted ``x`` (exact O(k·n²) DP, vectorised)."""
    n = len(x)
    d = x - np.cumsum(x)[-1] / n
    s1 = np.r_[0.0, np.cumsum(d)]
    s2 = np.r_[0.0, np.cumsum(d * d)]
    ends = np.arange(n)
    cost = s2[ends + 1] - s1[ends + 1] ** 2 / (ends + 1)
    splits = np.zeros((k, n), dtype=np.int64)
    for q in range(1, k):
        previous = cost
        cost = np.full(n, np.inf)
        for i in range(q, n):
            j = np.arange(q, i + 1)
            s = s1[i + 1] - s1[j]
            values = previous[j - 1] + (s2[i + 1] - s2[j]) - s * s / (i - j + 1)
            best = int(np.argmin(values))
            cost[i] = values[best]
            splits[q, i] = j[best]
    starts = np.zeros(k, dtype=np.int64)
    end = n - 1
    for q in range(k - 1, 0, -1):
        starts[q] = splits[q, end]
        end = starts[q] - 1
    return starts
