"""Classification: bounds and classes from mapclassify, missing values, scheme names."""

from __future__ import annotations

import mapclassify
import numpy as np
import pytest

from trajectoires.render import classify, scheme_name


@pytest.mark.filterwarnings("ignore:Numba not installed")
@pytest.mark.parametrize(
    ("scheme", "classifier"),
    [
        ("quantiles", mapclassify.Quantiles),
        ("equal_interval", mapclassify.EqualInterval),
        ("fisher_jenks", mapclassify.FisherJenks),
    ],
)
def test_legend_bounds_come_from_mapclassify(scheme, classifier):
    values = np.random.default_rng(1).lognormal(4, 1, 200)
    result = classify(values, scheme=scheme, k=5)
    expected = classifier(values, k=5).bins
    np.testing.assert_allclose(result.bounds[1:], expected)
    assert result.bounds[0] == values.min()
    assert (np.diff(result.bounds) > 0).all()
    assert result.counts.sum() == 200
    np.testing.assert_array_equal(result.classes, classifier(values, k=5).yb)


def test_natural_breaks_and_sampled_fisher_jenks_are_reproducible_with_a_seed():
    values = np.random.default_rng(2).lognormal(3, 1, 3000)
    for scheme in ("natural_breaks", "fisher_jenks"):
        first = classify(values, scheme=scheme, k=4, rng=7)
        again = classify(values, scheme=scheme, k=4, rng=7)
        np.testing.assert_array_equal(first.bounds, again.bounds)
        assert first.bounds[-1] == values.max()
        assert (np.diff(first.bounds) > 0).all()


def test_missing_values_are_left_out_and_counted():
    result = classify([3.0, np.nan, 1.0, 2.0, np.nan], k=3)
    assert result.classes.tolist() == [2, -1, 0, 1, -1]
    assert result.missing == 2 and result.counts.tolist() == [1, 1, 1]
    assert result.single_values


def test_scheme_names_and_bad_input():
    assert scheme_name("Quantiles") == "quantiles"
    assert scheme_name("natural-breaks") == "natural_breaks"
    with pytest.raises(ValueError, match="disponibles : quantiles, equal_interval"):
        classify([1.0, 2.0], scheme="head_tail")
    with pytest.raises(ValueError, match="k : nombre de classes attendu entre 2 et 9, reçu 1"):
        classify([1.0, 2.0], k=1)
    with pytest.raises(ValueError, match="values : valeurs infinies"):
        classify([1.0, np.inf])
