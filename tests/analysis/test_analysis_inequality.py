import numpy as np
import pytest

from trajectoires.analysis import gini, theil


def test_unweighted_theil_by_epci_matches_inequality(finistere):
    theil_module = pytest.importorskip("inequality.theil")
    table = finistere.table[finistere.table["epci_code"].notna()]
    density = table["density"].to_numpy()
    theirs = theil_module.TheilD(density, table["epci_code"].to_numpy())
    mine = theil(density, groups=table["epci_code"].to_numpy())
    assert mine.total == pytest.approx(float(theirs.T), rel=1e-12)
    assert mine.between == pytest.approx(float(theirs.bg[0]), rel=1e-12)
    assert mine.within == pytest.approx(float(theirs.wg[0]), rel=1e-9)


def test_population_weighted_theil_and_gini_equal_replicated_inhabitants():
    gini_module = pytest.importorskip("inequality.gini")
    theil_module = pytest.importorskip("inequality.theil")
    rng = np.random.default_rng(0)
    y = rng.lognormal(size=200)
    groups = rng.integers(0, 9, 200)
    population = rng.integers(1, 30, 200)
    replicated = theil_module.TheilD(np.repeat(y, population), np.repeat(groups, population))
    mine = theil(y, population, groups)
    assert mine.total == pytest.approx(float(replicated.T), rel=1e-9)
    assert mine.between == pytest.approx(float(replicated.bg[0]), rel=1e-9)
    assert mine.total == pytest.approx(mine.between + mine.within, rel=1e-12)
    assert mine.groups["contribution"].sum() == pytest.approx(mine.within)
    assert gini(y, population).value == pytest.approx(
        gini_module.Gini(np.repeat(y, population)).g, rel=1e-9)
    assert gini(y).value == pytest.approx(gini_module.Gini(y).g, rel=1e-12)


def test_missing_values_are_refused():
    with pytest.raises(ValueError, match="missing"):
        theil([1.0, np.nan], [1, 1])
    with pytest.raises(ValueError, match="non-negative"):
        gini([-1.0, 2.0])
