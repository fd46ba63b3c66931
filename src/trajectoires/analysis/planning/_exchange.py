"""Exchange local search for maximal coverage: many independent improving swaps per round.

One round measures, for every column ``k`` not chosen, its best exchange with
a chosen column ``j`` (Teitz & Bart 1968; the gain arrays of Resende &
Werneck 2007 on the sparse coverage matrix):

``delta(j, k) = gain(k) - loss(j) + extra(j, k)``

``gain(k)``: inhabitants only ``k`` would cover (rows covered by no chosen
column); ``loss(j)``: inhabitants only ``j`` covers; ``extra(j, k)``: those
of the latter that ``k`` covers too, one sparse product ``owner' @ A`` over the
rows covered exactly once. Pairs without ``extra`` are worth at most the best
``gain`` minus the smallest ``loss``, so the best exchange of every ``k`` is
exact. The improving exchanges are then applied by decreasing ``delta``, each
only if its rows (those of ``j`` and ``k``) meet no row of an exchange already
applied in the round: the coverage of a row depends only on the columns that
reach it, so the deltas of such exchanges add up exactly. Rounds repeat until
none improves (a local optimum of the 1-exchange neighbourhood) or the deadline.
"""

from __future__ import annotations

import time

import numpy as np

__all__ = ["exchanges"]


def _best_exchanges(cover, is_open: np.ndarray,
                    among: np.ndarray | None = None) -> tuple[np.ndarray, ...]:
    """Return, for every column, its best delta, the chosen column it replaces, ``gain``, ``loss``.

    ``loss`` is finite for the chosen columns only; ``among`` (column positions): only those
    columns are measured, the others get a delta of -inf.
    """
    from scipy import sparse

    a, at, w = cover.a, cover.at, cover.w
    n, m = a.shape
    opened = np.flatnonzero(is_open)
    reach = at[opened]  # the rows of the chosen columns: counted without a pass over A
    count = np.bincount(reach.indices, minlength=n)
    owner = np.zeros(n, dtype=np.int64)  # meaningful where count == 1
    owner[reach.indices] = np.repeat(opened, np.diff(reach.indptr))
    loss = np.full(m, np.inf)
    loss[opened] = reach @ (w * (count == 1))
    among = np.arange(m) if among is None else among
    near = at if len(among) == m else at[among]
    gain = np.zeros(m)
    gain[among] = near @ (w * (count == 0))
    single = np.flatnonzero(count == 1)
    extra = near @ sparse.csr_array((w[single], (single, owner[single])), shape=(n, m))
    cheapest = int(np.argmin(loss))
    best, out = np.full(m, -loss[cheapest]), np.full(m, cheapest)
    value = extra.data - loss[extra.indices]
    rows = np.flatnonzero(np.diff(extra.indptr) > 0)
    if len(rows):  # per column k (a row of extra): its best partner j among those with extra
        starts = extra.indptr[rows]
        top = np.maximum.reduceat(value, starts)
        lengths = np.diff(np.r_[starts, len(value)])
        at_top = np.flatnonzero(value == np.repeat(top, lengths))
        first = at_top[np.r_[True, np.diff(np.searchsorted(starts, at_top, "right")) > 0]]
        k = among[rows]
        better = top > best[k]
        best[k[better]], out[k[better]] = top[better], extra.indices[first][better]
    measured = np.zeros(m, dtype=bool)
    measured[among] = True
    delta = np.where(is_open | ~measured, -np.inf, gain + best)
    return delta, out, gain, loss


def exchanges(cover, chosen: np.ndarray, deadline: float,
              among: np.ndarray | None = None) -> np.ndarray:
    """Improve ``chosen`` (columns of ``cover``) by rounds of independent improving exchanges.

    Stops at a local optimum (no single exchange improves) or once ``deadline``
    (a :func:`time.perf_counter` value) passes; never returns a worse solution. ``among``:
    only those columns may come in (all by default).

    Examples
    --------
    >>> import numpy as np
    >>> from scipy import sparse
    >>> from trajectoires.analysis.planning._coverage import Cover
    >>> a = sparse.csr_array(np.array([[1, 1, 0], [0, 1, 1], [0, 0, 1]], dtype=float))
    >>> cover = Cover(a, a.T.tocsr(), np.array([5.0, 1.0, 9.0]), np.arange(3), np.arange(3))
    >>> exchanges(cover, np.array([1]), deadline=float("inf")).tolist()  # 6 → 10 inhabitants
    [2]

    """
    n, m = cover.a.shape
    is_open = np.zeros(m, dtype=bool)
    is_open[chosen] = True
    tolerance = 1e-9 * max(float(cover.w.sum()), 1.0)
    while time.perf_counter() < deadline:
        delta, out, gain, loss = _best_exchanges(cover, is_open, among)
        improving = np.flatnonzero(delta > tolerance)
        if len(improving) == 0:
            break
        _apply_round(cover.at, is_open, improving[np.argsort(-delta[improving], kind="stable")],
                     out, gain=gain, loss=loss, tolerance=tolerance)
    return np.flatnonzero(is_open)


def _apply_round(at, is_open: np.ndarray, order: np.ndarray, out: np.ndarray, *,
                 gain: np.ndarray, loss: np.ndarray, tolerance: float) -> None:
    """Apply the improving exchanges of ``order`` whose rows meet no exchange already applied.

    When the best partner ``j`` of ``k`` is taken, the cheapest free chosen
    column ``j'`` (by ``loss``) replaces it if ``gain(k) - loss(j')`` still
    improves: ``extra >= 0``, so that is a lower bound of the exchange's delta,
    and the round's deltas still add up (their rows do not meet).
    """
    touched, used = np.zeros(at.shape[1], dtype=bool), np.zeros(len(is_open), dtype=bool)
    spare = np.flatnonzero(is_open)
    spare = spare[np.argsort(loss[spare], kind="stable")]
    cursor = 0

    def rows_of(j):
        return at.indices[at.indptr[j]:at.indptr[j + 1]]

    for k in order:
        if used[k] or touched[rows_of(k)].any():
            continue
        j = out[k]
        if used[j] or touched[rows_of(j)].any():
            while cursor < len(spare) and (used[spare[cursor]]
                                           or touched[rows_of(spare[cursor])].any()):
                cursor += 1
            if cursor == len(spare) or gain[k] - loss[spare[cursor]] <= tolerance:
                continue
            j = spare[cursor]
        touched[rows_of(k)], touched[rows_of(j)] = True, True
        used[j], used[k] = True, True
        is_open[j], is_open[k] = False, True
