import numpy as np
import pytest

from trajectoires.analysis import _kernels, _small, getis_ord, local_moran, moran
from trajectoires.analysis._permutation import fdr_cutoff, permutation_table, resolve_seed


@pytest.fixture(params=["numpy", "compiled"])
def path(request, monkeypatch):
    """Run a test on the numpy path (small territories) and on the compiled kernels."""
    if request.param == "compiled":
        monkeypatch.setattr(_small, "SMALL", 0)
        permutation_table.cache_clear()
    yield request.param
    permutation_table.cache_clear()


def test_permutation_table_is_esdas(pysal_finistere):
    from esda.crand import vec_permutations

    for args in [(5, 277, 999, 12345), (9, 3000, 99, 2**32 - 1), (1, 2, 10, 0)]:
        expected = vec_permutations(*args)
        assert np.array_equal(_small.permutation_table(*args), expected)
        assert np.array_equal(_kernels.permutation_table(*args), expected)


def test_local_moran_p_values_identical_to_esda(finistere, pysal_finistere, path):
    theirs = pysal_finistere.lisa
    mine = local_moran(finistere.y, finistere.weights, permutations=999, rng=12345)
    tested = ~np.isnan(mine.p_sim)
    assert tested.sum() == 273  # the four islands are not tested
    np.testing.assert_array_equal(mine.p_sim[tested], theirs.p_sim[tested])
    np.testing.assert_allclose(mine.statistic, theirs.Is, rtol=0, atol=1e-12)
    np.testing.assert_array_equal(mine.quadrant, theirs.q)
    np.testing.assert_allclose(mine.z_sim[tested], theirs.z_sim[tested], rtol=1e-9)
    assert mine.counts()["high-high"] + mine.counts()["low-low"] == int(
        ((theirs.p_sim[tested] <= 0.05) & np.isin(theirs.q[tested], [1, 3])).sum())


def test_local_moran_fdr_matches_esda_fdr(finistere, pysal_finistere):
    mine = local_moran(finistere.y, finistere.weights, rng=12345, correction="fdr")
    tested = ~np.isnan(mine.p_sim)
    assert mine.cutoff == pysal_finistere.esda.fdr(mine.p_sim[tested], 0.05)
    assert mine.significant.sum() == (mine.p_sim[tested] <= mine.cutoff).sum()
    bonferroni = local_moran(finistere.y, finistere.weights, rng=12345, correction="bonferroni")
    assert bonferroni.significant.sum() == 0  # 1/1000 > 0.05/273


def test_getis_ord_star_identical_to_esda(finistere, pysal_finistere, path):
    theirs = pysal_finistere.gstar
    mine = getis_ord(finistere.y, finistere.weights, star=True, rng=12345)
    tested = ~np.isnan(mine.p_sim)
    np.testing.assert_array_equal(mine.statistic, theirs.Gs)
    np.testing.assert_array_equal(mine.p_sim[tested].astype(np.float32), theirs.p_sim[tested])
    np.testing.assert_allclose(mine.z_norm[tested], theirs.Zs[tested], rtol=1e-9)
    np.testing.assert_allclose(mine.z_sim[tested], theirs.z_sim[tested], rtol=1e-9)


def test_global_moran_matches_esda(finistere, pysal_finistere, path):
    theirs = pysal_finistere.moran
    mine = moran(finistere.y, finistere.weights, permutations=999, rng=1)
    assert mine.statistic == pytest.approx(theirs.I, abs=1e-12)
    assert mine.expected == pytest.approx(theirs.EI)
    assert mine.z_norm == pytest.approx(theirs.z_norm, rel=1e-9)
    assert mine.p_norm == pytest.approx(theirs.p_norm, rel=1e-6, abs=1e-300)
    assert mine.p_sim == theirs.p_sim == 0.001
    assert mine.z_sim == pytest.approx(theirs.z_sim, rel=0.2)


def test_same_seed_same_result_and_generator_seeds(finistere, path):
    first = local_moran(finistere.y, finistere.weights, permutations=99, rng=3)
    again = local_moran(finistere.y, finistere.weights, permutations=99, rng=3, threads=1)
    np.testing.assert_array_equal(first.p_sim, again.p_sim)
    drawn = local_moran(finistere.y, finistere.weights, permutations=99,
                        rng=np.random.default_rng(5))
    replay = local_moran(finistere.y, finistere.weights, permutations=99, rng=drawn.seed)
    np.testing.assert_array_equal(drawn.p_sim, replay.p_sim)
    assert resolve_seed(np.random.default_rng(5)) == drawn.seed


def test_bad_inputs_are_named(finistere):
    with pytest.raises(ValueError, match="values: 2 values for 277"):
        local_moran([1.0, 2.0], finistere.weights)
    y = finistere.y.copy()
    y[0] = np.nan
    with pytest.raises(ValueError, match="missing values"):
        moran(y, finistere.weights)
    with pytest.raises(TypeError, match="rng"):
        resolve_seed("seed")
    with pytest.raises(ValueError, match="correction"):
        local_moran(finistere.y, finistere.weights, correction="holm")


def test_fdr_cutoff_small_example():
    assert fdr_cutoff(np.array([0.001, 0.01, 0.04, 0.5]), 0.05) == pytest.approx(0.025)
    assert fdr_cutoff(np.array([0.5, 0.9]), 0.05) == 0.025
