"""Numerical kernels in numpy: esda's permutation table, permutation inference, Fisher-Jenks.

There is nothing to compile: every computation pays only its own arithmetic, on
the first call of a process as on the next ones (the numba kernels that were
here cost 0.8 to 3.5 s per process to import and load, and 2.6 to 5.3 s to
compile with an empty cache; see ``docs/analysis.md``). Memory is bounded: a
few arrays of ``permutations × BLOCK`` values per thread for the local
statistics, two batches of 64 shuffles for the global Moran.
"""

from __future__ import annotations

import os
from concurrent.futures import ThreadPoolExecutor
from typing import NamedTuple

import numpy as np

MORAN = 0
G_STAR = 1
G_PLAIN = 2
BLOCK = 1024  # observations per block: permutations × BLOCK floats (8 MB for 999)
GATHERED = 1 << 20  # values gathered at once by the direct path (8 MB)


def permutation_table(max_card: int, n: int, permutations: int, seed: int) -> np.ndarray:
    """Draw esda's shared table of neighbour ids (``esda.crand.vec_permutations``).

    esda seeds numba's Mersenne Twister with ``seed`` and takes, for each
    permutation, ``np.random.choice(n - 1, max_card, replace=False)``, which
    numba computes as the first ``max_card`` items of ``np.random.permutation(n -
    1)``: numpy's legacy algorithm, which ``numpy.random.RandomState`` runs in C.
    """
    state = np.random.RandomState(seed)
    max_card = min(max_card, max(n - 1, 0))
    table = np.empty((permutations, max_card), dtype=np.int64)
    for row in table:
        row[:] = state.permutation(n - 1)[:max_card]
    return table


class _Job(NamedTuple):
    """One local statistic to permute: its inputs and the arrays its blocks fill."""

    kind: int
    z: np.ndarray
    observed: np.ndarray
    self_weights: np.ndarray
    scaling: float
    table: np.ndarray
    indptr: np.ndarray
    data: np.ndarray
    larger: np.ndarray
    mean: np.ndarray
    std: np.ndarray


def _summarise(job: _Job, acc: np.ndarray, rows: np.ndarray) -> None:
    """Esda's statistic from the neighbour sums ``acc`` (permutations × rows, overwritten).

    Counts the values ``>=`` the observed one and takes their mean and spread.
    The operations are those esda's compiled stat functions perform (numba's
    ``fastmath`` hoists ``zi * scaling`` and turns a division by a constant
    into a product by its reciprocal), so every simulated value is esda's to
    the last bit and ties with the observed value are decided alike.
    """
    zi = job.z[rows]
    stats = acc
    if job.kind == MORAN:
        stats += job.self_weights[rows] * zi
        stats *= zi * job.scaling
    elif job.kind == G_STAR:
        stats += job.self_weights[rows] * zi
        stats *= 1.0 / job.scaling
    else:
        stats *= 1.0 / (job.scaling - zi)
    job.larger[rows] = np.count_nonzero(stats >= job.observed[rows], axis=0)
    centre = stats.mean(axis=0)
    job.mean[rows] = centre
    stats -= centre
    stats *= stats
    job.std[rows] = np.sqrt(stats.mean(axis=0))


def _uniform_rows(job: _Job, rows: np.ndarray, k: int, weight: float) -> None:
    """Sorted observations with ``k`` neighbours, all weighted ``weight`` (row-standardised).

    Observation ``i`` reads ``z_no_i[r] = z[r + (r >= i)]``: for permutation
    ``p`` its neighbour sum depends on ``i`` only through ``c``, the number of
    the ``k`` drawn ids below ``i``. The ``k + 1`` possible sums of each
    permutation are computed once (``sums[p, c]``), and each observation takes
    its own: O(P·k²) + O(P·N) work instead of O(P·k·N) gathers. Each sum is
    esda's ``zrand @ weights``: a BLAS dot product (``_dot``), whose rounding
    differs from a plain left-to-right sum.
    """
    permutations = job.table.shape[0]
    drawn = job.table[:, :k]
    rank = np.argsort(np.argsort(drawn, axis=1), axis=1)
    counts = np.arange(k + 1)[:, None, None]  # id j is below i when its rank is below c
    values = np.where(rank < counts, job.z[drawn], job.z[drawn + 1])  # (k + 1) × P × k
    sums = _dot(values, np.full(k, weight)).T
    # rows are sorted, so along a permutation c only grows: the sums come in
    # k + 1 runs, which end where the sorted drawn ids fall among the rows
    ends = np.searchsorted(rows, np.sort(drawn, axis=1), side="right")
    runs = np.diff(ends, axis=1, prepend=0, append=len(rows))
    _summarise(job, np.repeat(sums.ravel(), runs.ravel()).reshape(permutations, len(rows)), rows)


def _general_rows(job: _Job, rows: np.ndarray, k: int) -> None:
    """Observations with any weights, all with ``k`` neighbours: direct gathers.

    The gathered values of ``chunk`` rows at a time (``chunk × P × k``, at most
    ``GATHERED`` floats) are dotted with each row's weights as esda does (``_dot``).
    """
    drawn = job.table[:, :k]
    below, above = job.z[drawn], job.z[drawn + 1]
    permutations = drawn.shape[0]
    acc = np.empty((len(rows), permutations))
    chunk = max(1, GATHERED // max(permutations * k, 1))
    for start in range(0, len(rows), chunk):
        part = rows[start:start + chunk]
        values = np.where(drawn >= part[:, None, None], above, below)
        weights = job.data[job.indptr[part][:, None] + np.arange(k)]
        acc[start:start + len(part)] = _dot(values, weights[:, :, None])[..., 0]
    _summarise(job, acc.T, rows)


def _dot(values: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """``values @ weights``: one BLAS matrix-vector product per stacked ``P × k`` matrix.

    esda computes a simulated neighbour sum as ``zrand @ weights`` in numba,
    which calls BLAS ``dgemv`` on the C-ordered ``P × k`` matrix; numpy's
    ``matmul`` calls the same routine for each stacked matrix (checked against
    esda's stat functions in the tests), so the sums round as esda's do.
    """
    return np.matmul(values, weights)


def local_permutations(kind: int, inputs: tuple, graph: tuple, table: np.ndarray, *,
                       threads: int | None = None,
                       grouped: bool = True) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Conditional permutations of a local statistic for every observation.

    For observation ``i`` with ``k`` neighbours, permutation ``p`` takes the
    values ``z_no_i[table[p, :k]]`` (``z`` without ``i``, esda's
    ``_prepare_univariate``) and computes the statistic as esda's stat
    functions do. ``inputs`` is ``(z, observed, self_weights, scaling)``,
    ``graph`` the CSR ``(indptr, indices, data)``. Returns ``larger``, the count
    of simulated values ``>=`` the observed one (-1 for observations without
    neighbours), and the mean and standard deviation of the simulated values.
    Rows whose weights are all equal (row-standardised binary weights) take the
    grouped path when more than ``k`` of them share ``k`` and the weight (the
    sums cost O(P·k²) per group); ``grouped=False`` sends every row through the direct one
    (same results, used by the tests). Blocks of at most ``BLOCK`` rows run in
    ``threads`` threads (default: all cores); results do not depend on it.
    """
    indptr, _, data = graph
    n = len(inputs[0])
    job = _Job(kind, *inputs, table, indptr, data, np.full(n, -1, dtype=np.int64),
               np.full(n, np.nan), np.full(n, np.nan))
    cards = np.diff(indptr)
    tested = np.flatnonzero(cards > 0)
    if not len(tested):
        return job.larger, job.mean, job.std
    _run_tasks(_row_tasks(job, cards, tested, data, grouped=grouped), threads)
    return job.larger, job.mean, job.std


def _row_tasks(job: _Job, cards: np.ndarray, tested: np.ndarray, data: np.ndarray, *,
               grouped: bool) -> list[tuple]:
    """Blocks of rows sharing k (and the weight, when uniform), sorted, with their function."""
    indptr = job.indptr
    first = data[indptr[tested]]
    uniform = np.zeros(len(tested), dtype=bool)
    if grouped:
        uniform = ((np.minimum.reduceat(data, indptr[tested]) == first)
                   & (np.maximum.reduceat(data, indptr[tested]) == first))
    order = np.lexsort((tested, first, ~uniform, cards[tested]))
    rows, flags, weights = tested[order], uniform[order], first[order]
    key = np.c_[cards[rows], flags, np.where(flags, weights, 0.0)]
    cuts = np.r_[0, np.flatnonzero((np.diff(key, axis=0) != 0).any(axis=1)) + 1, len(rows)]
    tasks = []
    for a, b in zip(cuts[:-1], cuts[1:], strict=True):
        k = int(cards[rows[a]])
        shared = flags[a] and b - a > k  # sharing the sums pays with more rows than k
        for start in range(a, b, BLOCK):
            block = rows[start:min(start + BLOCK, b)]
            extra = (float(weights[a]),) if shared else ()
            tasks.append((_uniform_rows if shared else _general_rows, (job, block, k, *extra)))
    return tasks


def _run_tasks(tasks: list[tuple], threads: int | None) -> None:
    """Run ``(function, arguments)`` tasks in up to ``threads`` threads (default: all cores)."""
    workers = max(1, min(threads or os.cpu_count() or 1, len(tasks)))
    if workers == 1:
        for function, arguments in tasks:
            function(*arguments)
    else:
        with ThreadPoolExecutor(workers) as pool:
            for done in [pool.submit(function, *arguments) for function, arguments in tasks]:
                done.result()


def moran_permutations(z: np.ndarray, matrix, permutations: int, seed: int,
                       batch: int = 64) -> np.ndarray:
    """``z_p' W z_p`` for ``permutations`` shuffles ``z_p`` of ``z`` (row-standardised ``W``).

    The shuffles are ``numpy.random.RandomState(seed).permutation(z)``, one after
    the other: the draws of ``esda.Moran`` after ``numpy.random.seed(seed)``.
    The sparse products of a batch run in a second thread while the next batch
    is drawn (both release the GIL). A batch's products are summed by ``einsum``,
    which rounds unlike esda's ``(z_p * W z_p).sum()``; the few values that
    rounding could put on the other side of the observed ``cross_product(z,
    W)`` (a tie, when values repeat) are computed again as esda does, so
    that ``>=`` counts as esda counts.
    """
    state = np.random.RandomState(seed)
    sims = np.empty(permutations)
    observed = cross_product(z, matrix)
    # |lag_i| <= max|z|: each sum is off the exact one by at most n·eps·max|z|·Σ|z|
    tolerance = 4.0 * (len(z) + 1) * np.finfo(float).eps * np.abs(z).max() * np.abs(z).sum()

    def products(start: int, shuffled: np.ndarray) -> None:
        columns = np.ascontiguousarray(shuffled.T)  # scipy's fast layout for W @ X
        values = np.einsum("ip,ip->p", columns, matrix @ columns)
        for near in np.flatnonzero(np.abs(values - observed) <= tolerance):
            values[near] = cross_product(shuffled[near], matrix)
        sims[start:start + len(shuffled)] = values

    buffers = np.empty((2, min(batch, permutations), len(z)))  # two batches in flight
    with ThreadPoolExecutor(1) as pool:
        pending: list = []
        for index, start in enumerate(range(0, permutations, batch)):
            if len(pending) == 2:
                pending.pop(0).result()  # its buffer is the one refilled now
            shuffled = buffers[index % 2, :min(batch, permutations - start)]
            for row in shuffled:
                row[:] = z
                state.shuffle(row)
            pending.append(pool.submit(products, start, shuffled))
        for job in pending:
            job.result()
    return sims


def cross_product(z: np.ndarray, matrix) -> float:
    """``z' W z`` with esda's operations (``(z * (W @ z)).sum()``), hence its rounding."""
    return float((z * (matrix @ z)).sum())


def fisher_jenks(x: np.ndarray, k: int) -> np.ndarray:
    """Start index of each of the ``k`` optimal classes of sorted ``x`` (exact).

    Dynamic programme over the within-class sum of squares, each layer solved by
    divide and conquer on the monotone optimal split (the cost satisfies the
    quadrangle inequality; Wang & Song 2011): O(k·n·log n) instead of O(k·n²).
    The subproblems of one depth of the recursion are independent and solved
    together (about 16 numpy passes per layer for all French communes); ties go
    to the first split, as a sequential scan would take it.
    """
    n = len(x)
    d = x - np.cumsum(x)[-1] / n
    s1 = np.r_[0.0, np.cumsum(d)]
    s2 = np.r_[0.0, np.cumsum(d * d)]
    ends = np.arange(n)
    cost = s2[ends + 1] - s1[ends + 1] * s1[ends + 1] / (ends + 1)
    splits = np.zeros((k, n), dtype=np.int64)
    for q in range(1, k):
        previous, cost = cost, np.full(n, np.inf)
        lo, hi, jlo, jhi = (np.array([value]) for value in (q, n - 1, q, n - 1))
        while len(lo):
            mid = (lo + hi) // 2
            first = np.maximum(jlo, q)
            sizes = np.minimum(mid, jhi) - first + 1  # never empty (jlo <= lo <= mid)
            offsets = np.r_[0, np.cumsum(sizes)[:-1]]
            task = np.repeat(np.arange(len(lo)), sizes)
            position = np.arange(len(task))
            j = first[task] + (position - offsets[task])
            m = mid[task]
            s = s1[m + 1] - s1[j]
            values = previous[j - 1] + (s2[m + 1] - s2[j]) - s * s / (m - j + 1)
            best = np.minimum.reduceat(values, offsets)
            arg = j[np.minimum.reduceat(np.where(values == best[task], position, len(task)),
                                        offsets)]
            cost[mid] = best
            splits[q, mid] = arg
            left, right = lo < mid, mid < hi
            lo, hi, jlo, jhi = (np.r_[lo[left], mid[right] + 1], np.r_[mid[left] - 1, hi[right]],
                                np.r_[jlo[left], arg[right]], np.r_[arg[left], jhi[right]])
    starts = np.zeros(k, dtype=np.int64)
    end = n - 1
    for q in range(k - 1, 0, -1):
        starts[q] = splits[q, end]
        end = starts[q] - 1
    return starts
