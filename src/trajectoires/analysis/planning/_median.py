"""p-median on the k nearest candidates, with a proven-safe fallback assignment.

Each demand point may be assigned to one of its ``k`` nearest candidates that
is nearer than its nearest existing place, or to a *fallback* costing
``min(existing, beyond)``: the distance to the nearest existing place, or the
distance to the ``k + 1``-th candidate when that is smaller. Whatever sites
are open, a demand point's real distance is never below what this relaxed
model charges for it, so its optimum is a lower bound of the full p-median's.
The real cost of the sites it picks is then measured; when it equals the
bound the sites are proven optimal, otherwise ``k`` doubles for the demand
points that fell back below their existing place, and the model is solved
again (at worst until every candidate is listed, the full model).
"""

from __future__ import annotations

import time

import numpy as np

from trajectoires.analysis.planning._layout import Layout

__all__ = ["solve_median"]


def _model(population, near, existing_km, p, time_limit):
    """Build and solve the relaxed model; return (chosen candidates, lower bound, exact, fell)."""
    from scipy import sparse
    from scipy.optimize import Bounds, LinearConstraint, milp

    keep = near.km < existing_km[near.demand]
    demand, site, km = near.demand[keep], near.site[keep], near.km[keep]
    fallback = np.minimum(existing_km, near.beyond_km)
    rows = np.flatnonzero(population > 0)
    index = np.full(len(population), -1)
    index[rows] = np.arange(len(rows))
    keep = index[demand] >= 0
    demand, site, km = index[demand[keep]], site[keep], km[keep]
    cols, col = np.unique(site, return_inverse=True)
    n, m, q = len(rows), len(cols), len(demand)
    w = population[rows].astype(float)
    fb = fallback[rows]
    has_fb = np.isfinite(fb)
    pairs = np.arange(q)
    # variables: x (m) | z (q) | f (n); rows: assignment (n), z <= x (q), Σx <= p (1)
    assign = sparse.csr_array((np.r_[np.ones(q), np.ones(n)], (np.r_[demand, np.arange(n)],
                               np.r_[m + pairs, m + q + np.arange(n)])), shape=(n, m + q + n))
    link = sparse.csr_array((np.r_[np.ones(q), -np.ones(q)], (np.r_[pairs, pairs],
                             np.r_[m + pairs, col])), shape=(q, m + q + n))
    count = sparse.csr_array((np.ones(m), (np.zeros(m, dtype=int), np.arange(m))),
                             shape=(1, m + q + n))
    matrix = sparse.vstack([assign, link, count]).tocsr()
    cost = np.r_[np.zeros(m), w[demand] * km, np.where(has_fb, w * np.where(has_fb, fb, 0), 0)]
    upper_f = np.where(has_fb, 1.0, 0.0)
    result = milp(cost, constraints=[LinearConstraint(
        matrix, np.r_[np.ones(n), np.full(q, -np.inf), -np.inf], np.r_[np.ones(n),
                                                                      np.zeros(q), p])],
        integrality=np.r_[np.ones(m), np.zeros(q + n)],
        bounds=Bounds(0, np.r_[np.ones(m + q), upper_f]),
        options={"time_limit": time_limit, "mip_rel_gap": 0.0, "presolve": True})
    if result.x is None:
        return None, -np.inf, False, np.zeros(0, dtype=np.int64)
    chosen = cols[result.x[:m] > 0.5]
    bound = getattr(result, "mip_dual_bound", None)
    bound = float(result.fun) if result.status == 0 or bound is None else float(bound)
    fell = rows[(result.x[m + q:] > 0.5) & (near.beyond_km[rows] < existing_km[rows])]
    return chosen, bound, result.status == 0, fell


def _cost(population: np.ndarray, layout: Layout, existing_km: np.ndarray,
          chosen: np.ndarray | None) -> float:
    """Inhabitant-km to the nearest open place (``inf`` when someone has none)."""
    if chosen is None or len(chosen) == 0:
        after = existing_km
    else:
        after = np.minimum(existing_km, layout.nearest_km("candidates", among=chosen))
    return float(np.sum(population * np.where(population > 0, after, 0.0)))


def _greedy(population: np.ndarray, near, existing_km: np.ndarray, p: int) -> np.ndarray:
    """Add, ``p`` times, the listed candidate that most shortens the distances (no bound)."""
    far = 2.0 * float(near.km.max(initial=1.0)) + 1.0  # nobody's place yet: a long way
    current = np.where(np.isfinite(existing_km), existing_km, far)
    chosen: list[int] = []
    for _ in range(p):
        saving = np.maximum(current[near.demand] - near.km, 0.0) * population[near.demand]
        gain = np.bincount(near.site, weights=saving, minlength=near.n_sites)
        gain[chosen] = -1.0
        j = int(np.argmax(gain))
        if gain[j] <= 0:
            break
        chosen.append(j)
        mine = near.site == j
        np.minimum.at(current, near.demand[mine], near.km[mine])
    return np.asarray(chosen, dtype=np.int64)


def solve_median(population: np.ndarray, layout: Layout, p: int, existing_km: np.ndarray, *,
                 k: int, time_limit: float) -> tuple[np.ndarray, float, float, str]:
    """Minimise the inhabitant-km to the nearest open place; (sites, cost, bound, method)."""
    started = time.perf_counter()
    m = len(layout.candidates)
    listed = np.full(len(population), min(k, m))
    while True:
        near = layout.nearest(int(listed.max()), "candidates")
        # fewer candidates for the demand points that do not need more: cut the extra pairs
        rank = np.zeros(len(near.demand), dtype=np.int64)
        if len(near.demand):
            starts = np.r_[0, np.flatnonzero(np.diff(near.demand)) + 1]
            sizes = np.diff(np.r_[starts, len(near.demand)])
            rank = np.arange(len(near.demand)) - np.repeat(starts, sizes)
        short = rank < listed[near.demand]
        beyond = near.beyond_km.copy()  # the unlisted candidates: no nearer than the cut ones
        np.minimum.at(beyond, near.demand[~short], near.km[~short])
        near = type(near)(near.demand[short], near.site[short], near.km[short], near.n_demand,
                          near.n_sites, beyond)
        left = max(1.0, time_limit - (time.perf_counter() - started))
        chosen, bound, exact, fell = _model(population, near, existing_km, p, left)
        cost = _cost(population, layout, existing_km, chosen)
        if not exact or chosen is None:  # time limit: the better of HiGHS's and a greedy's
            greedy = _greedy(population, near, existing_km, p)
            if chosen is None or _cost(population, layout, existing_km, greedy) < cost:
                chosen, cost = greedy, _cost(population, layout, existing_km, greedy)
        if cost <= bound * (1 + 1e-9) + 1e-9 or len(fell) == 0 or not exact or (
                listed[fell].min() >= m) or time.perf_counter() - started > time_limit:
            method = "milp" if exact else "milp-time-limit"
            return chosen, cost, min(bound, cost), method
        listed[fell] = np.minimum(listed[fell] * 2, m)
