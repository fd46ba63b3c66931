"""Compiled kernels (numba, cached on disk): permutation inference and Fisher-Jenks.

Imported lazily by the public modules, so that ``import trajectoires.analysis``
stays light. Every kernel is compiled with ``cache=True``: the first process
that uses a kernel compiles it (well under a second each) and writes the machine
code next to this file (or under ``NUMBA_CACHE_DIR``); later processes load it
in about a tenth of a second.
"""

from __future__ import annotations

import numpy as np
from numba import njit

from trajectoires.analysis._small import G_PLAIN, G_STAR, MORAN

__all__ = ["G_PLAIN", "G_STAR", "MORAN"]


_N = 624
_M = 397
_MASK32 = 0xFFFFFFFF


@njit(cache=True, nogil=True)
def permutation_table(max_card: int, n: int, permutations: int, seed: int) -> np.ndarray:
    """Draw esda's shared table of neighbour ids (``esda.crand.vec_permutations``).

    esda seeds numba's Mersenne Twister with ``seed`` and takes, for each
    permutation, ``np.random.choice(n - 1, max_card, replace=False)``, which numba
    computes as the first ``max_card`` items of ``np.random.permutation(n - 1)``
    (numpy's legacy algorithm: MT19937 seeded by ``init_genrand``, Fisher-Yates
    from the end, ``random_interval`` by masked rejection). The same steps are
    written out here in one function (one short compilation), so the table is
    identical to esda's for a seed.
    """
    key = np.empty(_N, dtype=np.int64)
    key[0] = seed & _MASK32
    for pos in range(1, _N):
        previous = key[pos - 1]
        key[pos] = (1812433253 * (previous ^ (previous >> 30)) + pos) & _MASK32
    pos = _N
    result = np.empty((permutations, max_card), dtype=np.int64)
    ids = np.empty(n - 1, dtype=np.int64)
    for k in range(permutations):
        for t in range(n - 1):
            ids[t] = t
        for i in range(n - 2, 0, -1):
            mask = i | (i >> 1)
            mask |= mask >> 2
            mask |= mask >> 4
            mask |= mask >> 8
            mask |= mask >> 16
            while True:
                if pos >= _N:
                    for m in range(_N):
                        y = (key[m] & 0x80000000) | (key[(m + 1) % _N] & 0x7FFFFFFF)
                        key[m] = key[(m + _M) % _N] ^ (y >> 1) ^ ((y & 1) * 0x9908B0DF)
                    pos = 0
                y = key[pos]
                pos += 1
                y ^= y >> 11
                y ^= (y << 7) & 0x9D2C5680
                y ^= (y << 15) & 0xEFC60000
                y ^= y >> 18
                value = y & mask
                if value <= i:
                    break
            ids[i], ids[value] = ids[value], ids[i]
        for t in range(max_card):
            result[k, t] = ids[t]
    return result


@njit(cache=True, nogil=True)
def local_permutations(kind: int, inputs: tuple, graph: tuple, table: np.ndarray,
                       outputs: tuple) -> None:
    """Conditional permutations of a local statistic for observations ``start:stop``.

    For observation ``i`` with ``k`` neighbours, permutation ``p`` takes the values
    ``z_no_i[table[p, :k]]``, where ``z_no_i`` is ``z`` without ``i`` (read with the
    index shift ``j + (j >= i)`` instead of esda's copy of ``z``), and computes the
    statistic as esda's stat functions do. ``larger`` receives the count of
    simulated values ``>=`` the observed one (-1 for observations without
    neighbours); ``sim_mean`` and ``sim_std`` the moments of the simulated values.
    ``inputs`` is ``(z, observed, self_weights, scaling)``, ``graph`` the CSR
    ``(indptr, indices, data)``, ``outputs`` is ``(start, stop, larger,
    sim_mean, sim_std)``.
    """
    z, observed, self_weights, scaling = inputs
    indptr, _, data = graph
    start, stop, larger, sim_mean, sim_std = outputs
    permutations = table.shape[0]
    stats = np.empty(permutations)
    for i in range(start, stop):
        lo = indptr[i]
        k = indptr[i + 1] - lo
        if k == 0:
            larger[i] = -1
            sim_mean[i] = np.nan
            sim_std[i] = np.nan
            continue
        zi = z[i]
        factor = zi * scaling
        count = 0
        total = 0.0
        for p in range(permutations):
            acc = 0.0
            for j in range(k):
                r = table[p, j]
                if r >= i:
                    r += 1
                acc += z[r] * data[lo + j]
            if kind == MORAN:
                stat = factor * (acc + self_weights[i] * zi)
            elif kind == G_STAR:
                stat = (acc + self_weights[i] * zi) / scaling
            else:
                stat = acc / (scaling - zi)
            stats[p] = stat
            if stat >= observed[i]:
                count += 1
            total += stat
        mean = total / permutations
        spread = 0.0
        for p in range(permutations):
            spread += (stats[p] - mean) * (stats[p] - mean)
        larger[i] = count
        sim_mean[i] = mean
        sim_std[i] = np.sqrt(spread / permutations)


@njit(cache=True)
def fisher_jenks(x: np.ndarray, k: int) -> np.ndarray:
    """Start index of each of the ``k`` optimal classes of sorted ``x`` (exact).

    Dynamic programme over the within-class sum of squares, each layer solved by
    divide and conquer on the monotone optimal split (the cost satisfies the
    quadrangle inequality; Wang & Song 2011), O(k n log n) instead of O(k n^2).
    """
    n = x.shape[0]
    mean = 0.0
    for i in range(n):
        mean += x[i]
    mean /= n
    s1 = np.zeros(n + 1)
    s2 = np.zeros(n + 1)
    for i in range(n):
        d = x[i] - mean
        s1[i + 1] = s1[i] + d
        s2[i + 1] = s2[i] + d * d
    cost = np.empty((k, n))
    split = np.zeros((k, n), dtype=np.int64)
    for i in range(n):
        s = s1[i + 1]
        cost[0, i] = s2[i + 1] - s * s / (i + 1)
    stack = np.empty((4 * n + 64, 4), dtype=np.int64)
    for q in range(1, k):
        top = 0
        stack[0, 0], stack[0, 1], stack[0, 2], stack[0, 3] = q, n - 1, q, n - 1
        top = 1
        while top > 0:
            top -= 1
            lo, hi, jlo, jhi = stack[top, 0], stack[top, 1], stack[top, 2], stack[top, 3]
            if lo > hi:
                continue
            mid = (lo + hi) // 2
            best = np.inf
            arg = max(jlo, q)
            for j in range(max(jlo, q), min(mid, jhi) + 1):
                m = mid - j + 1
                s = s1[mid + 1] - s1[j]
                value = cost[q - 1, j - 1] + (s2[mid + 1] - s2[j]) - s * s / m
                if value < best:
                    best = value
                    arg = j
            cost[q, mid] = best
            split[q, mid] = arg
            stack[top, 0], stack[top, 1], stack[top, 2], stack[top, 3] = lo, mid - 1, jlo, arg
            stack[top + 1, 0], stack[top + 1, 1] = mid + 1, hi
            stack[top + 1, 2], stack[top + 1, 3] = arg, jhi
            top += 2
    starts = np.zeros(k, dtype=np.int64)
    end = n - 1
    for q in range(k - 1, 0, -1):
        starts[q] = split[q, end]
        end = starts[q] - 1
    return starts


@njit(cache=True, nogil=True)
def global_permutations(z: np.ndarray, graph: tuple, orders: np.ndarray,
                        sims: np.ndarray) -> None:
    """``z_p' W z_p`` for each permutation ``z_p = z[orders[p]]`` (``sims[p]``)."""
    indptr, indices, data = graph
    n = z.shape[0]
    shuffled = np.empty(n)
    for p in range(orders.shape[0]):
        for i in range(n):
            shuffled[i] = z[orders[p, i]]
        total = 0.0
        for i in range(n):
            acc = 0.0
            for e in range(indptr[i], indptr[i + 1]):
                acc += data[e] * shuffled[indices[e]]
            total += shuffled[i] * acc
        sims[p] = total


def warm_up() -> None:
    """Compile (first time on a machine) or load (later) every kernel on tiny inputs."""
    n = 8
    z = np.linspace(1.0, 2.0, n)
    indptr = np.arange(n + 1, dtype=np.int64)
    indices = ((np.arange(n) + 1) % n).astype(np.int64)
    table = permutation_table(1, n, 3, 0)
    outputs = (0, n, np.zeros(n, dtype=np.int64), np.zeros(n), np.zeros(n))
    local_permutations(MORAN, (z, z, z, 1.0), (indptr, indices, z), table, outputs)
    global_permutations(z, (indptr, indices, z), np.tile(np.arange(n), (2, 1)), np.zeros(2))
    fisher_jenks(z, 2)
