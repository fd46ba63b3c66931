"""Large-neighbourhood search for maximal coverage: one map cell re-solved exactly at a time.

The chosen columns of one cell of a square grid are freed, those elsewhere stay;
the rows the free columns reach and no fixed column covers form a small MILP
(as many new columns as the cell had) that HiGHS solves exactly; the cell's
answer replaces its columns when it covers more. Cells are visited by
decreasing inhabitants still out of reach, on a grid then on the same grid
shifted by half a cell (so that no border stays a border), until the deadline.
Exchanges move single sites anywhere; this moves several at once within a cell.
"""

from __future__ import annotations

import time

import numpy as np

from trajectoires.analysis.planning._coverage import Cover, milp_max_cover

__all__ = ["cell_groups", "reoptimise_cells"]


def cell_groups(points: np.ndarray, geodesic: np.ndarray, *, cell_m: float = 60_000.0,
                shift: float = 0.0) -> np.ndarray:
    """Label each column by its grid cell (metres; degrees / 100 km for geodesic points)."""
    size = np.where(geodesic, cell_m / 100_000.0, cell_m)
    key = np.floor(points / size[:, None] + shift).astype(np.int64)
    return (key[:, 0] * 1_000_003 + key[:, 1]) * 2 + geodesic.astype(np.int64)


def _solve_cell(cover: Cover, is_open: np.ndarray, free: np.ndarray,
                time_limit: float) -> np.ndarray | None:
    """Better columns for the cell ``free`` (positions among all), or None."""
    a, at = cover.a, cover.at
    q = int(is_open[free].sum())
    fixed = is_open.copy()
    fixed[free] = False
    covered = (a @ fixed.astype(float)) > 0
    rows = np.unique(np.concatenate([at.indices[at.indptr[j]:at.indptr[j + 1]] for j in free]))
    rows = rows[~covered[rows]]
    if q == 0 or len(rows) == 0:
        return None
    sub = a[rows][:, free].tocsc()
    free = free[np.diff(sub.indptr) > 0]
    if q >= len(free):
        return None
    sub = a[rows][:, free].tocsr()
    local = Cover(sub, sub.T.tocsr(), cover.w[rows], rows, free)
    chosen = milp_max_cover(local, q, time_limit)[0]
    current = np.flatnonzero(is_open[free])
    if chosen is None or local.value(chosen) <= local.value(current) * (1 + 1e-12):
        return None
    return free[chosen]


def reoptimise_cells(cover: Cover, chosen: np.ndarray, groups: list[np.ndarray], *,
                     deadline: float, cell_seconds: float = 2.0) -> np.ndarray:
    """Re-solve the cells of each grid of ``groups`` (a label per column) until ``deadline``.

    Never returns a worse solution: a cell's columns change only when its MILP covers more.
    """
    m = cover.a.shape[1]
    is_open = np.zeros(m, dtype=bool)
    is_open[chosen] = True
    for group in groups:
        outside = cover.at @ (cover.w * ((cover.a @ is_open.astype(float)) == 0))
        cells, where = np.unique(group, return_inverse=True)
        worth = np.bincount(where, weights=outside, minlength=len(cells))
        for cell in np.argsort(-worth, kind="stable"):
            if time.perf_counter() > deadline:
                return np.flatnonzero(is_open)
            free = np.flatnonzero(where == cell)
            if not is_open[free].any():
                continue
            better = _solve_cell(cover, is_open, free,
                                 min(cell_seconds, max(deadline - time.perf_counter(), 0.1)))
            if better is not None:
                is_open[free] = False
                is_open[better] = True
    return np.flatnonzero(is_open)
