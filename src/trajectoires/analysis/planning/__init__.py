"""Where to open the next places: maximal coverage, p-median and set covering.

Sparse models on the pairs within reach (or the nearest candidates for the
p-median), solved exactly by HiGHS through :func:`scipy.optimize.milp` for a
département or a region, near-optimally (greedy, exchanges, Lagrangian bound)
beyond :data:`EXACT_PAIRS` pairs, with the proven gap reported either way.
Existing places stay open and count. Every model returns a :class:`Plan`.

Examples
--------
>>> from trajectoires.analysis.planning import Layout, maximal_coverage
>>> layout = Layout.planar([[0, 0], [9_000, 0]], [[0, 0], [9_000, 0]])
>>> maximal_coverage([10, 20], layout, p=1, radius_km=5).sites.tolist()
[1]

"""

from trajectoires.analysis.planning._layout import Layout
from trajectoires.analysis.planning._models import (
    EXACT_PAIRS,
    maximal_coverage,
    p_median,
    set_covering,
)
from trajectoires.analysis.planning._reach import Distances, nearest_sites, within_reach
from trajectoires.analysis.planning._result import MODELS, Plan

__all__ = [
    "EXACT_PAIRS",
    "MODELS",
    "Distances",
    "Layout",
    "Plan",
    "maximal_coverage",
    "nearest_sites",
    "p_median",
    "set_covering",
    "within_reach",
]
