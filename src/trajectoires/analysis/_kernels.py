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

MORAN = 0
G_STAR = 1
G_PLAIN = 2


_N = 624
_M = 397
_MASK32 = 0xFFFFFFFF


@njit(cache=True, nogil=True)
def _mt_seed(seed: int) -> np.ndarray:
    """Mersenne Twister state for ``seed`` (``init_genrand``, numpy's legacy seeding).

    The state is 624 words plus the read position in the last slot.
    """
    key = np.empty(_N + 1, dtype=np.int64)
    key[0] = seed & _MASK32
    for pos in range(1, _N):
        previous = key[pos - 1]
        key[pos] = (1812433253 * (previous ^ (previous >> 30)) + pos) & _MASK32
    key[_N] = _N
    return key


@njit(cache=True, nogil=True)
def _mt_next(key: np.ndarray) -> int:
    """Next 32-bit output of the Mersenne Twister (MT19937, tempered)."""
    if key[_N] >= _N:
        for i in range(_N):
            y = (key[i] & 0x80000000) | (key[(i + 1) % _N] & 0x7FFFFFFF)
            value = key[(i + _M) % _N] ^ (y >> 1)
            if y & 1:
                value ^= 0x9908B0DF
            key[i] = value
        key[_N] = 0
    y = key[key[_N]]
    key[_N] += 1
    y ^= y >> 11
    y ^= (y << 7) & 0x9D2C5680
    y ^= (y << 15) & 0xEFC60000
    y ^= y >> 18
    return y & _MASK32


@njit(cache=True, nogil=True)
def _interval(key: np.ndarray, top: int) -> int:
    """Uniform integer in ``[0, top]`` by masked rejection (numpy's ``random_interval``)."""
    mask = top
    mask |= mask >> 1
    mask |= mask >> 2
    mask |= mask >> 4
    mask |= mask >> 8
    mask |= mask >> 16
    value = _mt_next(key) & mask
    while value > top:
        value = _mt_next(key) & mask
    return value


@njit(cache=True, nogil=True)
def _shuffle(key: np.ndarray, values: np.ndarray) -> None:
    """Fisher-Yates shuffle in place, as numpy's legacy ``RandomState.shuffle``."""
    for i in range(values.shape[0] - 1, 0, -1):
        j = _interval(key, i)
        tmp = values[i]
        values[i] = values[j]
        values[j] = tmp


@njit(cache=True, nogil=True)
def permutation_table(max_card: int, n: int, permutations: int, seed: int) -> np.ndarray:
    """Draw esda's shared table of neighbour ids (``esda.crand.vec_permutations``).

    esda seeds numba's Mersenne Twister with ``seed`` and takes, for each
    permutation, ``np.random.choice(n - 1, max_card, replace=False)``, which numba
    computes as the first ``max_card`` items of ``np.random.permutation(n - 1)``
    (numpy's legacy algorithm). The same generator and shuffle are written out
    here, so the table is identical to esda's for a seed.
    """
    key = _mt_seed(seed)
    result = np.empty((permutations, max_card), dtype=np.int64)
    ids = np.empty(n - 1, dtype=np.int64)
    for k in range(permutations):
        for t in range(n - 1):
            ids[t] = t
        _shuffle(key, ids)
        result[k] = ids[:max_card]
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
    mean = x.mean()
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
def global_permutations(z: np.ndarray, graph: tuple, seed: int, start: int,
                        sims: np.ndarray) -> None:
    """``z_p' W z_p`` for random permutations ``z_p`` of ``z`` (``sims[p - start]``).

    Permutation ``p`` shuffles ``z`` with a Mersenne Twister seeded with
    ``seed + p``, so the result does not depend on how permutations are split
    between threads.
    """
    indptr, indices, data = graph
    n = z.shape[0]
    shuffled = z.copy()
    for offset in range(sims.shape[0]):
        key = _mt_seed(seed + start + offset)
        shuffled[:] = z
        _shuffle(key, shuffled)
        total = 0.0
        for i in range(n):
            acc = 0.0
            for e in range(indptr[i], indptr[i + 1]):
                acc += data[e] * shuffled[indices[e]]
            total += shuffled[i] * acc
        sims[offset] = total
