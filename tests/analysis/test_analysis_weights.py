import numpy as np
import pytest
from shapely import box

from trajectoires.analysis import Weights, queen_weights


def _neighbour_sets(weights: Weights) -> list[set]:
    return [set(weights.indices[a:b].tolist())
            for a, b in zip(weights.indptr[:-1], weights.indptr[1:], strict=True)]


def test_queen_matches_libpysal_on_finistere(finistere, pysal_finistere):
    queen = pysal_finistere.queen
    mine = _neighbour_sets(finistere.weights)
    theirs = [set(queen.neighbors[i]) for i in range(queen.n)]
    assert mine == theirs
    assert finistere.weights.n_links == 1340
    assert sorted(finistere.weights.islands.tolist()) == sorted(
        finistere.table.index[list(queen.islands)].tolist())
    assert finistere.weights.n_components() == 5


def test_corner_touch_is_a_queen_link_and_gap_is_not():
    w = queen_weights([box(0, 0, 1, 1), box(1, 1, 2, 2), box(3, 0, 4, 1)], ids=["a", "b", "c"])
    assert _neighbour_sets(w) == [{1}, {0}, set()]
    assert w.points.tolist() == [[0.5, 0.5], [1.5, 1.5], [3.5, 0.5]]


def test_cache_is_used_and_geometries_not_decoded(tmp_path, finistere):
    built = queen_weights(finistere.shapes, ids=finistere.table.index, cache_dir=tmp_path,
                          cache_key="test")

    def fail():
        raise AssertionError("the cache should have answered")

    cached = queen_weights(fail, ids=finistere.table.index, cache_dir=tmp_path, cache_key="test")
    assert np.array_equal(cached.indices, built.indices)
    assert np.array_equal(cached.points, built.points)
    assert len(list(tmp_path.glob("queen-*.npz"))) == 1


def test_subset_is_the_queen_weights_of_the_subset(finistere):
    codes = finistere.table.index[:60]
    sub = finistere.weights.subset(codes)
    direct = queen_weights(finistere.shapes[:60], ids=codes)
    assert _neighbour_sets(sub) == _neighbour_sets(direct)
    with pytest.raises(KeyError, match="ids"):
        finistere.weights.subset(["99999"])


def test_missing_outline_is_named():
    with pytest.raises(ValueError, match="no outline.*'b'"):
        queen_weights([box(0, 0, 1, 1), None], ids=["a", "b"])
