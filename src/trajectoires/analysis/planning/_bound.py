"""A proven upper bound of maximal coverage: Lagrangian relaxation, dual ascent, subgradient.

Relaxing the coverage constraints ``y_i <= Σ_{j∈N(i)} x_j`` with multipliers
``0 <= λ_i <= w_i`` gives, for *any* such ``λ``,

``L(λ) = Σ_i (w_i - λ_i) + (sum of the p largest c_j)``, ``c = Aᵀλ``,

an upper bound of the inhabitants ``p`` columns can cover (the best ``λ``
gives the bound of the LP relaxation). Every value computed is therefore a
valid bound, whatever the search does. The search starts with a dual ascent
for a price ``μ`` of a column (Erlenkotter's DUALOC idea, done for all rows
at once): every row raises ``λ_i`` by the smallest share ``slack_j / rows_j``
of its columns' slack ``μ - c_j`` until one of them is tight or ``λ_i = w_i``;
then ``L <= pμ + Σ (w_i - λ_i)``. The best ``μ`` is looked for on a
logarithmic scale, and projected subgradient steps (Polyak, towards the
solution's value) go on from the best ``λ`` until the deadline, along an
exponential average of the subgradients ``y - Ax`` (the subgradient at the
averaged relaxed solutions, the direction of Barahona & Anbil's volume
algorithm). The same average of the relaxed ``x`` (the columns each step
opens) approximates a solution of the LP relaxation: the volume algorithm's
primal, which :mod:`~trajectoires.analysis.planning._heuristic` rounds.
"""

from __future__ import annotations

import time
from typing import NamedTuple

import numpy as np

__all__ = ["Search", "coverage_bound", "lagrangian_bound", "lagrangian_search",
           "lagrangian_value"]

VOLUME = 0.2
"""Weight of the new subgradient in the averaged direction (Barahona & Anbil 2000, "The volume
algorithm", Math. Programming 87): on France (p = 1,000, r = 10 km, load 6) 3.5 s of steps end
at 93.57-93.58 % against 93.65-93.73 % with the deflection ``s + 0.8 d`` used before (Camerini,
Fratta & Maffioli 1975), itself 0.4 point lower than plain steps."""

STALL_STEPS = 20
"""Steps without a 1e-6 better bound after which the step length is halved, in the first half of
the search's time: on France (p = 1,000) 3.5 s of steps ended 0.13 point lower with 10 than
with 5 (smaller steps too early); with 20 the search ends by itself at 93.51-93.53 % instead of
93.55 % (LP 93.49 %), and its rounded average covers more (8 s budget, quiet machine: gap
0.78 % against 0.88 %)."""

LATE_STALL_STEPS = 10
"""The same in the second half of the search's time, so that a search the load slows down still
ends its steps: on France with a 3 s budget, 20 throughout ended at a gap of 1.80 % (the
search cut at a bound of 93.71 %), 20 then 10 at 0.92 %."""


def lagrangian_value(cover, p: int, lam: np.ndarray) -> tuple[float, np.ndarray]:
    """``L(λ)`` and the ``p`` columns of largest ``c`` (those the relaxation opens)."""
    charge = cover.at @ lam
    top = np.argpartition(-charge, p - 1)[:p]
    return float(np.maximum(cover.w - lam, 0.0).sum() + charge[top].sum()), top


def dual_ascent(cover, mu: float, rounds: int = 200) -> np.ndarray:
    """Multipliers raised row by row, all rows at once, keeping every ``c_j <= mu``.

    Examples
    --------
    >>> import numpy as np
    >>> from scipy import sparse
    >>> from trajectoires.analysis.planning._coverage import Cover
    >>> a = sparse.csr_array(np.array([[1, 0], [1, 1], [0, 1]], dtype=float))
    >>> cover = Cover(a, a.T.tocsr(), np.array([4.0, 2.0, 4.0]), np.arange(3), np.arange(2))
    >>> lam = dual_ascent(cover, mu=6.0)  # the LP optimum here: one column covers 6
    >>> lam.tolist(), lagrangian_value(cover, 1, lam)[0]
    ([4.0, 2.0, 4.0], 6.0)

    """
    a, at, w = cover.a, cover.at, cover.w
    lam, slack = np.zeros(len(w)), np.full(a.shape[1], float(mu))
    rising = w > 0
    for _ in range(rounds):
        rows_j = at @ rising.astype(float)
        share = np.where(rows_j > 0, slack / np.maximum(rows_j, 1.0), np.inf)
        step = np.minimum(np.minimum.reduceat(share[a.indices], a.indptr[:-1]), w - lam)
        step[~rising] = 0.0
        lam += step
        slack = np.maximum(slack - at @ step, 0.0)
        blocked = (a @ (slack <= 1e-9 * mu).astype(float)) > 0
        rising &= ~blocked & (lam < w - 1e-9 * np.maximum(w, 1.0))
        if not rising.any():
            break
    return lam


def _best_price(cover, p: int, deadline: float, steps: int = 5) -> tuple[float, np.ndarray]:
    """Golden-section search of the column price ``μ`` on a log scale; the best ``L`` found."""
    weights = cover.at @ cover.w
    low, high = np.log(max(float(weights.min()), 1.0)), np.log(max(float(weights.max()), 2.0))
    seen: dict[float, tuple[float, np.ndarray]] = {}

    def value(log_mu: float) -> float:
        if log_mu not in seen:
            lam = dual_ascent(cover, float(np.exp(log_mu)))
            seen[log_mu] = (lagrangian_value(cover, p, lam)[0], lam)
        return seen[log_mu][0]

    ratio = (np.sqrt(5) - 1) / 2
    for _ in range(steps):
        left, right = high - ratio * (high - low), low + ratio * (high - low)
        if value(left) <= value(right):
            high = right
        else:
            low = left
        if time.perf_counter() > deadline:
            break
    return min(seen.values(), key=lambda item: item[0])


def _opened_count(cover, top: np.ndarray) -> np.ndarray:
    """Count, for each row, the columns of ``top`` reaching it (``A x``, read by columns)."""
    at = cover.at
    starts, lengths = at.indptr[top], at.indptr[top + 1] - at.indptr[top]
    offsets = np.arange(int(lengths.sum())) - np.repeat(np.cumsum(lengths) - lengths, lengths)
    rows = at.indices[np.repeat(starts, lengths) + offsets]
    return np.bincount(rows, minlength=cover.a.shape[0]).astype(float)


class Search(NamedTuple):
    """What :func:`lagrangian_search` proves and finds.

    ``bound``: the proven upper bound; ``lam``: the multipliers giving it;
    ``average``: per column, the exponential average (weight :data:`VOLUME`) of
    the relaxed solutions ``x`` of the steps, an approximate LP solution. Both are
    ``None`` when no search was needed.
    """

    bound: float
    lam: np.ndarray | None
    average: np.ndarray | None


def lagrangian_search(cover, p: int, *, deadline: float, lower: float) -> Search:
    """Upper bound of the inhabitants of ``cover`` that ``p`` columns can cover.

    ``lower``: the value of a known solution (the subgradient's target; the
    bound is never returned below it). Runs until ``deadline`` (a
    :func:`time.perf_counter` value) unless the bound meets ``lower``. The
    multipliers price each row: ``Aᵀλ`` is what the relaxation expects a column
    to cover.
    """
    w = cover.w
    m = cover.a.shape[1]
    if m <= p:
        return Search(float(w[np.diff(cover.a.indptr) > 0].sum()), None, None)
    best, lam = _best_price(cover, p, deadline)
    kept, average = lam, np.zeros(m)
    theta, stale, direction = 2.0, 0, np.zeros(len(w))
    halfway = time.perf_counter() + (deadline - time.perf_counter()) / 2  # inf without deadline
    while time.perf_counter() < deadline and best > lower and theta > 1e-4:
        value, top = lagrangian_value(cover, p, lam)
        if value < best * (1 - 1e-6):
            stale = 0
        else:
            stale += 1
            if stale >= (STALL_STEPS if time.perf_counter() < halfway else LATE_STALL_STEPS):
                theta, stale = theta / 2, 0
        if value < best:
            best, kept = value, lam
        average *= 1 - VOLUME
        average[top] += VOLUME
        step = (w > lam).astype(float) - _opened_count(cover, top)
        step[((lam <= 0) & (step < 0)) | ((lam >= w) & (step > 0))] = 0.0
        direction = VOLUME * step + (1 - VOLUME) * direction
        norm = float(direction @ direction)
        if norm == 0:
            break
        lam = np.clip(lam + theta * (value - lower) / norm * direction, 0.0, w)
    # sums in floating point: stay above the optimum
    return Search(max(best * (1 + 1e-10), lower), kept, average)


def lagrangian_bound(cover, p: int, *, deadline: float,
                     lower: float) -> tuple[float, np.ndarray | None]:
    """Return the bound and multipliers of :func:`lagrangian_search`."""
    search = lagrangian_search(cover, p, deadline=deadline, lower=lower)
    return search.bound, search.lam


def coverage_bound(cover, p: int, *, deadline: float, lower: float) -> float:
    """Return the bound of :func:`lagrangian_bound` alone."""
    return lagrangian_bound(cover, p, deadline=deadline, lower=lower)[0]
