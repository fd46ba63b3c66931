"""Facility planning (#12): the reduced coverage instances keep the optimum HiGHS proves."""

from __future__ import annotations

import numpy as np
import pytest

from tests.analysis.test_analysis_planning import _lp_max_cover


def _planted_cover(seed):
    """A random cover with copies of rows and columns and columns that are strict subsets."""
    from scipy import sparse

    from trajectoires.analysis.planning._coverage import Cover

    rng = np.random.default_rng(seed)
    dense = (rng.random((50, 30)) < 0.1).astype(float)
    dense = np.vstack([dense, dense[:8]])  # 8 rows reached by the same columns as others
    subsets = dense[:, :6] * (rng.random((len(dense), 6)) < 0.5)  # within columns 0..5
    dense = np.hstack([dense, dense[:, 10:14], subsets])  # 4 identical columns, 6 subsets
    dense = dense[dense.sum(axis=1) > 0]
    dense = dense[:, dense.sum(axis=0) > 0]
    a = sparse.csr_array(dense)
    w = rng.integers(1, 1_000, a.shape[0]).astype(float)
    return Cover(a, a.T.tocsr(), w, np.arange(a.shape[0]), np.arange(a.shape[1]))


@pytest.mark.parametrize("seed", [1, 2, 3, 4])
@pytest.mark.parametrize("p", [2, 5, 9])
def test_reduced_cover_has_the_same_optimum(seed, p):
    """Identical rows merged and dominated columns dropped: HiGHS proves the same optimum and the
    same LP value; the reduced solution covers as much of the full instance; every dropped
    column is within a kept one, no kept column within another, and every merged row has the
    same kept columns."""
    from trajectoires.analysis.planning._coverage import milp_max_cover
    from trajectoires.analysis.planning._reduce import reduce_cover

    cover = _planted_cover(seed)
    small, sizes = reduce_cover(cover)
    assert sizes.rows_before == cover.a.shape[0] > sizes.rows_after == small.a.shape[0]
    assert sizes.columns_before == cover.a.shape[1] > sizes.columns_after == small.a.shape[1]
    assert small.w.sum() == cover.w.sum()
    full_chosen, _, full_exact = milp_max_cover(cover, p, time_limit=30)
    small_chosen, _, small_exact = milp_max_cover(small, p, time_limit=30)
    assert full_exact and small_exact
    optimum = cover.value(full_chosen)
    assert small.value(small_chosen) == optimum
    position = {int(c): i for i, c in enumerate(cover.cols)}
    assert cover.value(np.array([position[int(c)] for c in small.cols[small_chosen]])) == optimum
    assert _lp_max_cover(small, p) == pytest.approx(_lp_max_cover(cover, p), rel=1e-9)
    dense = cover.a.toarray()
    kept = dense[:, np.isin(cover.cols, small.cols)]
    for j in np.flatnonzero(~np.isin(cover.cols, small.cols)):
        assert any((dense[:, j] <= kept[:, k]).all() for k in range(kept.shape[1]))
    assert len({tuple(row) for row in kept}) == small.a.shape[0]
    left = small.a.toarray()  # nothing left to drop: no kept column within another
    for j in range(left.shape[1]):
        assert not any((left[:, j] <= left[:, k]).all() for k in range(left.shape[1]) if k != j)


def test_reduction_keeps_distinct_columns_and_weights():
    """Two columns that are not subsets of each other both stay; merged rows sum their weights."""
    from scipy import sparse

    from trajectoires.analysis.planning._coverage import Cover, milp_max_cover
    from trajectoires.analysis.planning._reduce import reduce_cover

    # rows 0 and 1 reached by column 0 only; column 1 reaches rows 2 and 3, column 2 rows 3, 4
    a = sparse.csr_array(np.array([[1, 0, 0], [1, 0, 0], [0, 1, 0], [0, 1, 1], [0, 0, 1]],
                                  dtype=float))
    cover = Cover(a, a.T.tocsr(), np.array([3.0, 4.0, 5.0, 1.0, 6.0]), np.arange(5),
                  np.arange(5, 8))
    small, sizes = reduce_cover(cover)
    assert small.cols.tolist() == [5, 6, 7] and small.w.tolist() == [7.0, 5.0, 1.0, 6.0]
    assert sizes.rows_after == 4 and sizes.columns_after == 3
    chosen = milp_max_cover(small, 1, time_limit=30)[0]
    assert small.cols[chosen].tolist() == [5] and small.value(chosen) == 7.0
