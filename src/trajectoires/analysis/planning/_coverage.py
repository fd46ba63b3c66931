"""Coverage models on the sparse pairs within reach: maximal coverage and set covering.

Only the demand points not yet within reach of an existing place, and only the
candidates within reach of one of them, enter the model: a pair farther than
the radius never covers anything, so dropping it changes no solution.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from trajectoires.analysis.planning._reach import Distances

__all__ = ["Cover", "greedy", "milp_max_cover", "milp_set_cover"]


@dataclass(frozen=True, eq=False)
class Cover:
    """The reduced problem: ``a`` (demand × candidate, 0/1, CSR) and its transpose ``at``.

    ``w``: inhabitants of the reduced demand rows; ``rows`` and ``cols``: their
    positions among all demand points and all candidates.
    """

    a: object
    at: object
    w: np.ndarray
    rows: np.ndarray
    cols: np.ndarray

    @classmethod
    def build(cls, population: np.ndarray, reach: Distances, covered: np.ndarray) -> Cover:
        """Keep the pairs of the demand not yet covered, with inhabitants."""
        from scipy import sparse

        wanted = ~covered & (population > 0)
        keep = wanted[reach.demand]
        demand, site = reach.demand[keep], reach.site[keep]
        rows, r = np.unique(demand, return_inverse=True)
        cols, c = np.unique(site, return_inverse=True)
        a = sparse.csr_array((np.ones(len(r)), (r, c)), shape=(len(rows), len(cols)))
        a.sum_duplicates()
        a.data[:] = 1.0
        return cls(a, a.T.tocsr(), population[rows].astype(float), rows, cols)

    def value(self, chosen: np.ndarray) -> float:
        """Inhabitants of the reduced rows covered by the chosen columns."""
        x = np.zeros(self.a.shape[1])
        x[chosen] = 1.0
        return float(self.w[(self.a @ x) > 0].sum())


def greedy(cover: Cover, p: int, target: float = np.inf) -> np.ndarray:
    """Columns chosen one by one for the most inhabitants newly covered (exact gains).

    Stops after ``p`` columns, when nothing more can be covered, or once
    ``target`` inhabitants are covered. Nemhauser, Wolsey & Fisher (1978): at
    least 1 - 1/e of the optimum.
    """
    a, at, w = cover.a, cover.at, cover.w
    m = a.shape[1]
    gain = at @ w
    covered = np.zeros(a.shape[0], dtype=bool)
    chosen, total = [], 0.0
    while len(chosen) < p and total < target:
        j = int(np.argmax(gain)) if m else 0
        if m == 0 or gain[j] <= 0:
            break
        rows = at.indices[at.indptr[j]:at.indptr[j + 1]]
        new = rows[~covered[rows]]
        covered[new] = True
        chosen.append(j)
        total += float(w[new].sum())
        counts = a.indptr[new + 1] - a.indptr[new]
        cols = np.concatenate([a.indices[a.indptr[i]:a.indptr[i + 1]] for i in new])
        gain -= np.bincount(cols, weights=np.repeat(w[new], counts), minlength=m)
        gain[j] = 0.0
    return np.asarray(chosen, dtype=np.int64)


def _milp(cost, matrix, lower, upper, integral, *, time_limit):
    from scipy.optimize import Bounds, LinearConstraint, milp

    return milp(cost, constraints=[LinearConstraint(matrix, lower, upper)],
                integrality=integral, bounds=Bounds(0, 1),
                options={"time_limit": time_limit, "mip_rel_gap": 0.0, "presolve": True})


def milp_max_cover(cover: Cover, p: int, time_limit: float) -> tuple[np.ndarray | None, float,
                                                                       bool]:
    """Maximal coverage as a sparse MILP (Church & ReVelle 1974) solved by HiGHS.

    Variables: ``x_j`` (open column, binary), ``y_i`` (row covered, continuous in
    [0, 1]); maximise ``Σ w_i y_i`` with ``y_i <= Σ_{j∈N(i)} x_j`` and ``Σ x_j <= p``.
    Returns the chosen columns (None without an incumbent), the proven upper
    bound of the covered inhabitants and whether HiGHS proved optimality.
    """
    from scipy import sparse

    n, m = cover.a.shape
    matrix = sparse.vstack([
        sparse.hstack([-cover.a, sparse.eye_array(n)]),
        sparse.hstack([sparse.csr_array(np.ones((1, m))), sparse.csr_array((1, n))]),
    ]).tocsr()
    upper = np.r_[np.zeros(n), p]
    result = _milp(np.r_[np.zeros(m), -cover.w], matrix, -np.inf, upper,
                   np.r_[np.ones(m), np.zeros(n)], time_limit=time_limit)
    chosen = None if result.x is None else np.flatnonzero(result.x[:m] > 0.5)
    bound = getattr(result, "mip_dual_bound", None)
    bound = float(cover.w.sum()) if bound is None or not np.isfinite(bound) else -float(bound)
    return chosen, bound, result.status == 0


def milp_set_cover(cover: Cover, target: float, time_limit: float) -> tuple[np.ndarray | None,
                                                                           float, bool]:
    """Fewest columns covering at least ``target`` inhabitants of the reduced rows (HiGHS).

    Minimise ``Σ x_j`` with ``y_i <= Σ_{j∈N(i)} x_j`` and ``Σ w_i y_i >= target``.
    Returns the chosen columns (None without an incumbent), the proven lower
    bound of their number and whether HiGHS proved optimality.
    """
    from scipy import sparse

    n, m = cover.a.shape
    matrix = sparse.vstack([
        sparse.hstack([-cover.a, sparse.eye_array(n)]),
        sparse.hstack([sparse.csr_array((1, m)), sparse.csr_array(cover.w.reshape(1, -1))]),
    ]).tocsr()
    lower = np.r_[np.full(n, -np.inf), target]
    upper = np.r_[np.zeros(n), np.inf]
    result = _milp(np.r_[np.ones(m), np.zeros(n)], matrix, lower, upper,
                   np.r_[np.ones(m), np.zeros(n)], time_limit=time_limit)
    chosen = None if result.x is None else np.flatnonzero(result.x[:m] > 0.5)
    bound = getattr(result, "mip_dual_bound", None)
    bound = 1.0 if bound is None or not np.isfinite(bound) else float(np.ceil(bound - 1e-6))
    return chosen, bound, result.status == 0
