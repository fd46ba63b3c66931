"""The three models behind one signature: maximal coverage, p-median, set covering."""

from __future__ import annotations

import time

import numpy as np

from trajectoires.analysis.planning import _coverage
from trajectoires.analysis.planning._heuristic import near_optimal
from trajectoires.analysis.planning._layout import Layout
from trajectoires.analysis.planning._median import solve_median
from trajectoires.analysis.planning._result import Plan, relative_gap

__all__ = ["EXACT_PAIRS", "maximal_coverage", "p_median", "set_covering"]

EXACT_PAIRS = 300_000
"""Pairs within reach up to which ``method="auto"`` solves the MILP exactly (a region: Bretagne
has about 30,000; metropolitan France about 900,000 at 10 km)."""


def _check(population: object, layout: Layout, radius_km: float, p: int | None) -> np.ndarray:
    w = np.asarray(population, dtype=float)
    if w.shape != (len(layout.demand),):
        raise ValueError(f"population: expected {len(layout.demand)} values, got {w.shape}")
    if np.isnan(w).any() or (w < 0).any():
        raise ValueError("population: missing or negative values; drop those demand points")
    if not radius_km > 0:
        raise ValueError(f"radius_km: expected a positive distance, got {radius_km}")
    if p is not None and not 0 < p <= len(layout.candidates):
        raise ValueError(f"p: expected between 1 and the {len(layout.candidates)} candidates, "
                         f"got {p}")
    return w


def _finish(model: str, w: np.ndarray, layout: Layout, chosen: np.ndarray, *, radius_km: float,
            before_km: np.ndarray, objective: float, bound: float, method: str,
            started: float) -> Plan:
    """Measure what the chosen sites change and wrap it in a :class:`Plan`."""
    chosen = np.asarray(chosen, dtype=np.int64)
    new_km, nearest = layout.nearest_site("candidates", among=chosen) if len(chosen) else (
        np.full(len(w), np.inf), np.full(len(w), -1))
    after_km = np.minimum(before_km, new_km)
    site_of = np.where(new_km < before_km, nearest, -1)
    before, after = before_km <= radius_km, after_km <= radius_km
    newly = np.bincount(site_of[after & ~before], weights=w[after & ~before],
                        minlength=len(chosen))
    order = np.lexsort((chosen, -newly))
    rank = np.empty(len(chosen), dtype=np.int64)
    rank[order] = np.arange(len(chosen))
    if len(chosen):
        site_of = np.where(site_of >= 0, rank[np.maximum(site_of, 0)], -1)
    gap = relative_gap(objective, bound)
    if method == "milp-time-limit" and gap == 0:
        method = "milp"  # stopped by the clock, but its bound proves the incumbent optimal
    return Plan(model, chosen[order], newly[order], float(radius_km), float(w.sum()),
                float(w[before].sum()), float(w[after].sum()), after, before_km, after_km,
                site_of, float(objective), float(bound), gap, method,
                time.perf_counter() - started)


def maximal_coverage(population: object, layout: Layout, p: int, radius_km: float, *,
                     method: str = "auto", time_limit: float = 60.0,
                     heuristic_seconds: float = 8.0) -> Plan:
    """Choose the ``p`` new sites that bring the most inhabitants within ``radius_km`` of a place.

    Parameters
    ----------
    population : array-like
        Inhabitants of each demand point of ``layout``.
    layout : Layout
        Demand points, candidate sites and existing places (which stay open and count).
    p : int
        New sites to open, from 1 to the number of candidates.
    radius_km : float
        Coverage radius.
    method : {"auto", "exact", "heuristic"}
        ``exact``: sparse MILP solved by HiGHS, proven optimal unless ``time_limit``
        stops it; ``heuristic``: greedy and exchanges, a Lagrangian bound whose
        averaged relaxed solution, rounded, starts exchanges again, then kicks of an
        iterated local search, within ``heuristic_seconds``
        (:mod:`~trajectoires.analysis.planning._heuristic`); ``auto``: exact up to
        :data:`EXACT_PAIRS` pairs.
    time_limit : float
        Seconds HiGHS may take before it returns its best solution and bound.
    heuristic_seconds : float
        Seconds of the heuristic: exchanges until 15 %, the bound until 60 %, then
        exchanges from its rounded average and kicks in the time left.

    Returns
    -------
    Plan
        ``objective``: inhabitants covered after; ``bound``: proven upper bound.

    Notes
    -----
    Church, R. & ReVelle, C. (1974), The maximal covering location problem,
    Papers of the Regional Science Association 32. Only the pairs within the
    radius enter the model (spopt writes every pair: its build grows as n²).

    Examples
    --------
    Three villages on a line, a place at the first; one new site among the villages:

    >>> layout = Layout.planar([[0, 0], [8_000, 0], [16_000, 0]],
    ...                        [[0, 0], [8_000, 0], [16_000, 0]], existing=[[0, 0]])
    >>> plan = maximal_coverage([100, 50, 300], layout, p=1, radius_km=5)
    >>> plan.sites.tolist(), plan.newly_covered.tolist(), plan.covered_after, plan.gap
    ([2], [300.0], 400.0, 0.0)

    """
    started = time.perf_counter()
    w = _check(population, layout, radius_km, p)
    before_km = layout.nearest_km("existing")
    cover = _coverage.Cover.build(w, layout.reach(radius_km), before_km <= radius_km)
    base = float(w[before_km <= radius_km].sum())
    if method not in ("auto", "exact", "heuristic"):
        raise ValueError(f"method: expected 'auto', 'exact' or 'heuristic', got {method!r}")
    reachable = float(cover.w.sum())  # every reduced row has a candidate within reach
    first = _coverage.greedy(cover, p)
    if cover.value(first) >= reachable:  # everyone reachable is covered: nothing can do better
        return _finish("mclp", w, layout, cover.cols[first], radius_km=radius_km,
                       before_km=before_km, objective=base + reachable, bound=base + reachable,
                       method="greedy", started=started)
    if method == "exact" or (method == "auto" and cover.a.nnz <= EXACT_PAIRS):
        chosen, bound, exact = _coverage.milp_max_cover(cover, p, time_limit)
        if chosen is None or cover.value(chosen) < cover.value(first):
            chosen = first
        value = base + cover.value(chosen)
        bound = value if exact else max(base + bound, value)
        label = "milp" if exact else "milp-time-limit"
    else:
        chosen, bound = near_optimal(cover, first, p, layout.candidates[cover.cols],
                                     started=started, seconds=heuristic_seconds)
        value, bound = base + cover.value(chosen), base + bound
        label = "greedy+swaps"
    return _finish("mclp", w, layout, cover.cols[chosen], radius_km=radius_km,
                   before_km=before_km, objective=value, bound=bound, method=label,
                   started=started)


def set_covering(population: object, layout: Layout, radius_km: float, *, share: float = 1.0,
                 time_limit: float = 60.0) -> Plan:
    """Choose the fewest new sites bringing ``share`` of the inhabitants within ``radius_km``.

    Existing places count: when they already reach the share, no site is needed.
    Raises :class:`ValueError` when the share cannot be reached even with every candidate.

    Notes
    -----
    Toregas, C., Swain, R., ReVelle, C. & Bergman, L. (1971), The location of
    emergency service facilities, Operations Research 19(6); with a share below
    1, the partial covering of the same pairs within reach.

    Examples
    --------
    >>> layout = Layout.planar([[0, 0], [8_000, 0], [16_000, 0]],
    ...                        [[4_000, 0], [12_000, 0], [16_000, 0]])
    >>> plan = set_covering([100, 50, 300], layout, radius_km=5)
    >>> plan.objective, plan.covered_after, plan.gap
    (2.0, 450.0, 0.0)
    >>> set_covering([100, 50, 300], layout, radius_km=5, share=0.6).objective
    1.0

    """
    started = time.perf_counter()
    w = _check(population, layout, radius_km, None)
    if not 0 < share <= 1:
        raise ValueError(f"share: expected a share in (0, 1], got {share}")
    before_km = layout.nearest_km("existing")
    cover = _coverage.Cover.build(w, layout.reach(radius_km), before_km <= radius_km)
    base = float(w[before_km <= radius_km].sum())
    target = share * float(w.sum()) - base
    if target > float(cover.w[(cover.a @ np.ones(cover.a.shape[1])) > 0].sum()) + 1e-6:
        raise ValueError(f"share: {share:.2%} of the inhabitants cannot be within reach even "
                         "with every candidate")
    if target <= 1e-9:
        chosen, bound, exact = np.zeros(0, dtype=np.int64), 0.0, True
    else:
        chosen, bound, exact = _coverage.milp_set_cover(cover, target * (1 - 1e-12), time_limit)
        if chosen is None:
            chosen, exact = _coverage.greedy(cover, cover.a.shape[1], target), False
    value = float(len(chosen))
    return _finish("set-covering", w, layout, cover.cols[chosen], radius_km=radius_km,
                   before_km=before_km, objective=value,
                   bound=value if exact else min(bound, value),
                   method="milp" if exact else "milp-time-limit", started=started)


def p_median(population: object, layout: Layout, p: int, *, radius_km: float = 10.0,
             k: int = 16, time_limit: float = 60.0) -> Plan:
    """Choose the ``p`` new sites minimising the inhabitants' total distance to a place.

    Existing places stay open: a demand point keeps its existing place when no new
    site is nearer. ``radius_km`` only serves the coverage figures of the result.
    ``k``: candidates listed first for each demand point (default: twice the candidates per
    new site, at least 16; more are added where
    needed, see :mod:`~trajectoires.analysis.planning._median`).

    Notes
    -----
    Hakimi, S. L. (1964), Optimum locations of switching centers and the absolute
    centers and medians of a graph, Operations Research 12(3); ReVelle, C. &
    Swain, R. (1970), Central facilities location, Geographical Analysis 2(1).

    Examples
    --------
    >>> layout = Layout.planar([[0, 0], [8_000, 0], [16_000, 0]],
    ...                        [[0, 0], [8_000, 0], [16_000, 0]])
    >>> plan = p_median([100, 50, 300], layout, p=1, radius_km=5)
    >>> plan.sites.tolist(), plan.objective, plan.gap
    ([2], 2000.0, 0.0)

    """
    started = time.perf_counter()
    w = _check(population, layout, radius_km, p)
    before_km = layout.nearest_km("existing")
    m = len(layout.candidates)
    k = min(m, max(16, -(-2 * m // p))) if k is None else k
    chosen, cost, bound, label = solve_median(w, layout, p, before_km, k=k,
                                              time_limit=time_limit)
    return _finish("p-median", w, layout, chosen, radius_km=radius_km, before_km=before_km,
                   objective=cost, bound=bound, method=label, started=started)
