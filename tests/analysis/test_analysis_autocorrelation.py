import warnings
from functools import partial

import numpy as np
import pytest
from shapely import box

from trajectoires.analysis import (
    Weights,
    _kernels,
    fragility_index,
    getis_ord,
    local_moran,
    moran,
    queen_weights,
)
from trajectoires.analysis._permutation import fdr_cutoff, permutation_table, resolve_seed


@pytest.fixture(params=["grouped", "general", "blocks"])
def path(request, monkeypatch):
    """Run a test on each path of the permutation kernel.

    ``grouped``: rows of equal weights share their sums (the default);
    ``general``: direct gathers, for any weights; ``blocks``: the grouped path
    in blocks of 7 rows on 3 threads.
    """
    if request.param == "general":
        monkeypatch.setattr(_kernels, "local_permutations",
                            partial(_kernels.local_permutations, grouped=False))
    if request.param == "blocks":
        monkeypatch.setattr(_kernels, "BLOCK", 7)
        monkeypatch.setattr(_kernels, "local_permutations",
                            partial(_kernels.local_permutations, threads=3))
    permutation_table.cache_clear()
    yield request.param
    permutation_table.cache_clear()


def test_permutation_table_is_esdas(pysal_finistere):
    from esda.crand import vec_permutations

    for args in [(5, 277, 999, 12345), (9, 3000, 99, 2**32 - 1), (1, 2, 10, 0),
                 (29, 34737, 3, 7)]:
        assert np.array_equal(_kernels.permutation_table(*args), vec_permutations(*args))


def test_paths_agree_on_any_weights():
    """Grouped, general and threaded paths give the same counts, also for unequal weights."""
    rng = np.random.default_rng(4)
    n = 200  # rows of equal cardinality outnumber it: the grouped path is taken
    pairs = {(i, j) for i in range(n) for j in rng.choice(n, 3) if i != j}
    pairs |= {(j, i) for i, j in pairs}
    rows, cols = np.array(sorted(pairs)).T
    indptr = np.r_[0, np.cumsum(np.bincount(rows, minlength=n))]
    values = np.where(rng.random(len(rows)) < 0.5, 1.0, rng.random(len(rows)))
    z = rng.normal(size=n)
    observed = z * rng.normal(size=n)
    table = _kernels.permutation_table(int(np.diff(indptr).max()), n, 99, 3)
    inputs = (z, observed, np.full(n, 0.25), 1.5)
    for kind in (_kernels.MORAN, _kernels.G_STAR, _kernels.G_PLAIN):
        expected = _kernels.local_permutations(kind, inputs, (indptr, cols, values), table,
                                               grouped=False, threads=1)
        for threads in (1, 2):
            got = _kernels.local_permutations(kind, inputs, (indptr, cols, values), table,
                                              threads=threads)
            np.testing.assert_array_equal(got[0], expected[0])
            np.testing.assert_allclose(got[1:], expected[1:], rtol=1e-12)
    uniform = np.ones(len(rows))
    grouped = _kernels.local_permutations(0, inputs, (indptr, cols, uniform), table)
    general = _kernels.local_permutations(0, inputs, (indptr, cols, uniform), table,
                                          grouped=False)
    np.testing.assert_array_equal(grouped[0], general[0])


@pytest.mark.parametrize("equal_weights", [False, True])
def test_simulated_values_are_esdas_to_the_last_bit(equal_weights):
    """Each observed value is one of esda's simulated ones: the counts of ``>=`` hold
    only if every simulated value rounds as esda's stat functions round it."""
    pytest.importorskip("esda")
    from esda.getisord import _g_local_crand, _g_local_star_crand
    from esda.moran import _moran_local_crand

    rng = np.random.default_rng(11)
    n = 120
    pairs = {(i, j) for i in range(n) for j in rng.choice(n, 3) if i != j}
    pairs |= {(j, i) for i, j in pairs}
    rows, cols = np.array(sorted(pairs)).T
    indptr = np.r_[0, np.cumsum(np.bincount(rows, minlength=n))]
    cards = np.diff(indptr)
    values = (np.repeat(1.0 / cards, cards) if equal_weights
              else np.where(rng.random(len(rows)) < 0.5, 0.25, rng.random(len(rows))))
    y = rng.integers(0, 4, n).astype(float)  # four values: ties everywhere
    table = _kernels.permutation_table(int(cards.max()), n, 99, 5)
    for kind, stat, self_weight, scaling in [(_kernels.MORAN, _moran_local_crand, 0.0, 1.7),
                                             (_kernels.G_STAR, _g_local_star_crand, 0.2, y.sum()),
                                             (_kernels.G_PLAIN, _g_local_crand, 0.0, y.sum())]:
        sims = np.array([stat(i, y, table, np.r_[self_weight, values[indptr[i]:indptr[i + 1]]],
                              scaling) for i in range(n)])
        observed = sims[:, 7]
        expected = (sims >= observed[:, None]).sum(axis=1)
        inputs = (y, observed, np.full(n, self_weight), scaling)
        for grouped in (True, False):
            larger, *_ = _kernels.local_permutations(kind, inputs, (indptr, cols, values), table,
                                                     grouped=grouped)
            np.testing.assert_array_equal(larger, expected)


def test_islands_and_tiny_weights_are_not_tested():
    lonely = Weights(np.array(["a", "b", "c"]), np.zeros(4, dtype=np.int64),
                     np.zeros(0, dtype=np.int64), np.zeros(0))
    result = local_moran([1.0, 2.0, 4.0], lonely, permutations=9, rng=1)
    assert np.isnan(result.p_sim).all()
    assert result.labels.tolist() == ["no neighbours"] * 3


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


def _libpysal_weights(weights):
    """A fresh libpysal W with the same neighbours (esda mutates the W it is given)."""
    libpysal = pytest.importorskip("libpysal")
    neighbours = {i: weights.indices[weights.indptr[i]:weights.indptr[i + 1]].tolist()
                  for i in range(weights.n)}
    return libpysal.weights.W(neighbours, silence_warnings=True)


def _esda_local(weights, y, permutations, seed):
    """esda's Moran_Local and G_Local(star=True) on ``y``, each on its own W."""
    esda = pytest.importorskip("esda")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        lisa = esda.Moran_Local(y, _libpysal_weights(weights), permutations=permutations,
                                seed=seed)
        gstar = esda.G_Local(y, _libpysal_weights(weights), transform="R", star=True,
                             permutations=permutations, seed=seed, n_jobs=1)
    return lisa, gstar


def _assert_same_as_esda(weights, y, permutations, seed):
    lisa, gstar = _esda_local(weights, y, permutations, seed)
    mine = local_moran(y, weights, permutations=permutations, rng=seed)
    tested = ~np.isnan(mine.p_sim)
    np.testing.assert_array_equal(mine.quadrant, lisa.q)
    np.testing.assert_array_equal(mine.p_sim[tested], lisa.p_sim[tested])
    spots = getis_ord(y, weights, star=True, permutations=permutations, rng=seed)
    np.testing.assert_array_equal(spots.statistic, gstar.Gs)
    np.testing.assert_array_equal(spots.p_sim[tested].astype(np.float32), gstar.p_sim[tested])
    return mine, lisa


@pytest.fixture(scope="module")
def tied_index(territory_reference, finistere, shared_data):
    """The diagnosis' fragility index of the Finistère's communes: few distinct values."""
    france = territory_reference.communes_of(territory_reference.france)
    values = shared_data.indicator_values(france.index)
    keys = ["no_thd_coverage", "share_65_plus", "share_low_diploma", "poverty_rate"]
    index = fragility_index(values, indicators=keys, partial=True).index
    y = index.reindex(finistere.weights.ids)
    known = y.notna().to_numpy()
    return finistere.weights.subset(list(y.index[known])), y[known].to_numpy(dtype=float)


def test_local_statistics_identical_to_esda_with_ties(tied_index, path):
    """Ties make simulated values equal the observed one: decided by esda's own rounding."""
    weights, y = tied_index
    assert len(np.unique(y)) < len(y) / 4  # each value shared by four communes on average
    mine, lisa = _assert_same_as_esda(weights, y, 999, 12345)
    tested = ~np.isnan(mine.p_sim)
    assert tested.sum() >= 270
    significant = (lisa.p_sim <= 0.05) & tested
    expected = np.where(significant, np.array(["", "high-high", "low-high", "low-low",
                                               "high-low"], dtype=object)[lisa.q], "")
    np.testing.assert_array_equal(np.where(significant, mine.labels, ""), expected)


def test_local_statistics_identical_to_esda_on_a_tiny_grid_with_ties(path):
    grid = queen_weights([box(i % 5, i // 5, i % 5 + 1, i // 5 + 1) for i in range(25)])
    y = np.array([(i * 7) % 3 + 1 for i in range(25)], dtype=float)  # three values
    for seed in (1, 7):
        _assert_same_as_esda(grid, y, 99, seed)


def _esda_moran(weights, y, permutations, seed):
    """esda.Moran after ``numpy.random.seed(seed)`` (it draws from numpy's global state)."""
    esda = pytest.importorskip("esda")
    state = np.random.get_state()
    try:
        np.random.seed(seed)
        return esda.Moran(y, _libpysal_weights(weights), permutations=permutations)
    finally:
        np.random.set_state(state)


def test_global_moran_identical_to_esda_with_ties(tied_index):
    """Rows of a 3 × 3 grid at 0, 1, 2: six of esda's 999 shuffles give exactly its I.

    Our sums of a batch of shuffles round unlike esda's; those within rounding
    distance of the observed I are summed again as esda does (was 0.001, esda 0.007).
    """
    grid = queen_weights([box(i % 3, i // 3, i % 3 + 1, i // 3 + 1) for i in range(9)])
    cases = [(grid, np.repeat([0.0, 1.0, 2.0], 3), 999, 5), (*tied_index, 199, 3)]
    for weights, y, permutations, seed in cases:
        theirs = _esda_moran(weights, y, permutations, seed)
        mine = moran(y, weights, permutations=permutations, rng=seed)
        assert (mine.statistic, mine.p_sim) == (theirs.I, theirs.p_sim)
        assert mine.z_sim == pytest.approx(theirs.z_sim, rel=1e-12)
    grid_sims = _esda_moran(grid, cases[0][1], 999, 5).sim
    assert (grid_sims == moran(cases[0][1], grid, permutations=999, rng=5).statistic).sum() == 6


@pytest.mark.filterwarnings("ignore:Mean of empty slice", "ignore:invalid value")
def test_no_permutation_on_every_path(path):
    grid = queen_weights([box(i % 5, i // 5, i % 5 + 1, i // 5 + 1) for i in range(25)])
    assert (local_moran([i % 3 for i in range(25)], grid, permutations=0).p_sim == 1).all()


def test_global_moran_matches_esda(finistere, pysal_finistere):
    theirs = pysal_finistere.moran  # drawn after numpy.random.seed(1)
    mine = moran(finistere.y, finistere.weights, permutations=999, rng=1)
    assert mine.statistic == pytest.approx(theirs.I, abs=1e-12)
    assert mine.expected == pytest.approx(theirs.EI)
    assert mine.z_norm == pytest.approx(theirs.z_norm, rel=1e-9)
    assert mine.p_norm == pytest.approx(theirs.p_norm, rel=1e-6, abs=1e-300)
    assert mine.p_sim == theirs.p_sim == 0.001
    assert mine.z_sim == pytest.approx(theirs.z_sim, rel=1e-9)  # the same draws


def test_global_moran_same_draws_as_esda_when_not_significant(finistere, pysal_finistere):
    """A p-value away from 0.001: every permutation has to agree with esda's."""
    esda = pysal_finistere.esda
    noise = np.random.default_rng(2).normal(size=finistere.weights.n)
    state = np.random.get_state()
    try:
        np.random.seed(9)
        theirs = esda.Moran(noise, pysal_finistere.queen, permutations=199)
    finally:
        np.random.set_state(state)
    mine = moran(noise, finistere.weights, permutations=199, rng=9)
    assert mine.p_sim == theirs.p_sim > 0.01
    assert mine.z_sim == pytest.approx(theirs.z_sim, rel=1e-9)


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


@pytest.mark.parametrize("value", [0.0, 3.5])
def test_constant_values_have_nothing_to_test(value):
    """A territory where every commune has the same value: no traceback, nothing significant.

    Global Moran divided by zero; local Moran called every unit an outlier and Gi* a cold
    spot (p = 1 / (permutations + 1) against NaN statistics); Gi* on zeros divided by zero.
    """
    from trajectoires.analysis import queen_weights
    from trajectoires.analysis.autocorrelation import getis_ord, local_moran, moran

    w = queen_weights([box(i % 4, i // 4, i % 4 + 1, i // 4 + 1) for i in range(16)])
    values = [value] * 16
    assert np.isnan(moran(values, w, permutations=99, rng=1).statistic)
    assert local_moran(values, w, permutations=99, rng=1).counts() == {"not significant": 16}
    assert getis_ord(values, w, permutations=99, rng=1).counts() == {"not significant": 16}
