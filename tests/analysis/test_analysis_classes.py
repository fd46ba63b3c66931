import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from trajectoires.analysis import classify


def _sse(values: np.ndarray, bins: np.ndarray) -> float:
    classes = np.searchsorted(bins, values, side="left")
    return float(sum(((values[classes == c] - values[classes == c].mean()) ** 2).sum()
                     for c in np.unique(classes)))


def _brute_force_sse(x: np.ndarray, k: int) -> float:
    """O(k n^2) dynamic programme over sorted values (the textbook Fisher algorithm)."""
    x = np.sort(x)
    n = len(x)
    cost = np.full((n + 1, n + 1), np.inf)
    for i in range(n):
        for j in range(i + 1, n + 1):
            cost[i, j] = ((x[i:j] - x[i:j].mean()) ** 2).sum()
    best = cost[0].copy()
    for _ in range(k - 1):
        best = np.array([min(best[i] + cost[i, j] for i in range(j)) if j else np.inf
                         for j in range(n + 1)])
        best[0] = np.inf
    return float(best[n])


def test_fisher_jenks_matches_mapclassify_on_finistere(finistere):
    mapclassify = pytest.importorskip("mapclassify")
    density = finistere.table["density"].to_numpy()
    theirs = mapclassify.FisherJenks(density, k=5)
    mine = classify(density, "fisher_jenks", k=5)
    np.testing.assert_allclose(mine.bounds[1:], theirs.bins, rtol=1e-6)
    assert _sse(density, mine.bounds[1:]) <= _sse(density, theirs.bins) * (1 + 1e-12)
    assert mine.counts.tolist() == theirs.counts.tolist()


def test_quantiles_match_mapclassify(finistere):
    mapclassify = pytest.importorskip("mapclassify")
    density = finistere.table["density"].to_numpy()
    theirs = mapclassify.Quantiles(density, k=5)
    mine = classify(density, "quantiles", k=5)
    np.testing.assert_allclose(mine.bounds[1:], theirs.bins)
    assert mine.classes.tolist() == theirs.yb.tolist()


def _quadratic_splits(x: np.ndarray, k: int) -> np.ndarray:
    """Fisher's O(k·n²) dynamic programme, first split on ties (the kernel's former twin)."""
    n = len(x)
    d = x - np.cumsum(x)[-1] / n
    s1, s2 = np.r_[0.0, np.cumsum(d)], np.r_[0.0, np.cumsum(d * d)]
    ends = np.arange(n)
    cost = s2[ends + 1] - s1[ends + 1] * s1[ends + 1] / (ends + 1)
    splits = np.zeros((k, n), dtype=np.int64)
    for q in range(1, k):
        previous, cost = cost, np.full(n, np.inf)
        for i in range(q, n):
            j = np.arange(q, i + 1)
            s = s1[i + 1] - s1[j]
            values = previous[j - 1] + (s2[i + 1] - s2[j]) - s * s / (i - j + 1)
            cost[i], splits[q, i] = values.min(), j[np.argmin(values)]
    starts, end = np.zeros(k, dtype=np.int64), n - 1
    for q in range(k - 1, 0, -1):
        starts[q] = splits[q, end]
        end = starts[q] - 1
    return starts


def test_divide_and_conquer_finds_the_quadratic_programme_splits():
    from trajectoires.analysis import _kernels

    rng = np.random.default_rng(0)
    samples = [np.sort(rng.lognormal(size=1500)), np.sort(rng.integers(0, 9, 300) * 1.0),
               np.arange(40.0), np.r_[np.zeros(20), np.ones(20)]]
    for x in samples:
        for k in (1, 2, 5, 8):
            if k <= len(np.unique(x)):
                assert np.array_equal(_kernels.fisher_jenks(x, k), _quadratic_splits(x, k))


@settings(max_examples=40, deadline=None)
@given(st.lists(st.integers(0, 50), min_size=3, max_size=25), st.integers(2, 5))
def test_fisher_jenks_is_the_exact_optimum(values, k):
    x = np.array(values, dtype=float)
    result = classify(x, "fisher_jenks", k=k)
    if result.k < k:
        assert result.k == len(np.unique(x))
        return
    assert _sse(x, result.bounds[1:]) == pytest.approx(_brute_force_sse(x, k), abs=1e-6)


def test_missing_values_are_reported_not_classified():
    result = classify([1.0, np.nan, 3.0, 10.0, 4.0], "equal_interval", k=3)
    assert result.missing == 1 and result.scheme == "equal_interval"
    assert result.classes.tolist() == [0, -1, 0, 2, 0]
    with pytest.raises(ValueError, match="scheme"):
        classify([1.0, 2.0], "jenks")


def test_one_classification_for_the_maps_and_the_analysis():
    import trajectoires.render as render
    from trajectoires.analysis import Classification

    assert render.classify is classify and render.Classification is Classification
    result = classify([1.0, 2.0, 3.0, 10.0, 11.0, 12.0, 30.0], "fisher-jenks", k=3)
    assert isinstance(result, Classification)
    assert result.scheme == "fisher_jenks"  # the command line's name of the method
    assert result.bounds.tolist() == [1.0, 3.0, 12.0, 30.0] and result.k == 3
    assert 0.9 < result.gvf <= 1.0
    assert not hasattr(result, "bins")
