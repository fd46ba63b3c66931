"""The commune values of a scenario: incremental decile scores, effects in any order."""

from __future__ import annotations

import numpy as np
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from trajectoires.analysis.fragility import decile_scores
from trajectoires.pathways._values import Compiled, Deciles, apply_effects


@settings(max_examples=40, deadline=None)
@given(seed=st.integers(0, 10_000), changed=st.integers(0, 30))
def test_incremental_scores_equal_ranking_the_whole_column_again(seed, changed):
    rng = np.random.default_rng(seed)
    n, years = 400, 3
    base = rng.integers(0, 25, size=(n, years)).astype(float)  # many ties
    base[rng.random((n, years)) < 0.1] = np.nan
    values = base.copy()
    rows = rng.choice(n, size=changed, replace=False)
    values[rows] = rng.integers(0, 25, size=(changed, years))
    territory = np.sort(rng.choice(n, size=50, replace=False))
    deciles = Deciles({"share_65_plus": base}, territory)
    got = deciles.scores("share_65_plus", values)
    for col in range(years):
        expected = decile_scores(pd.Series(values[:, col])).to_numpy()[territory]
        np.testing.assert_array_equal(got[:, col], expected)


@settings(max_examples=40, deadline=None)
@given(data=st.data())
def test_effects_apply_in_an_order_that_does_not_depend_on_the_plan(data):
    trend = np.full((6, 5), 40.0)
    kinds = st.sampled_from(["floor", "ceiling", "add", "scale"])
    effects = data.draw(st.lists(st.builds(
        lambda kind, rows, start, value: Compiled(
            "share_65_plus", kind, np.array(sorted(rows)), start,
            value if kind != "scale" else 1 + value / 100),
        kinds, st.sets(st.integers(0, 5), min_size=1), st.integers(0, 4),
        st.floats(-30, 90)), min_size=1, max_size=5))
    order = data.draw(st.permutations(range(len(effects))))
    once = apply_effects(trend, effects, "share_65_plus")
    again = apply_effects(trend, [effects[i] for i in order], "share_65_plus")
    np.testing.assert_allclose(once, again)
    assert (once >= 0).all() and (once <= 100).all()
    np.testing.assert_array_equal(trend, np.full((6, 5), 40.0))  # the trend is not touched


@settings(max_examples=40, deadline=None)
@given(seed=st.integers(0, 10_000), moved=st.integers(1, 6))
def test_scores_without_an_action_equal_scoring_everything_again(seed, moved):
    from trajectoires.pathways._values import FullScores

    rng = np.random.default_rng(seed)
    n, years = 300, 2
    full = {key: rng.integers(0, 30, size=(n, years)).astype(float)
            for key in ("share_65_plus", "poverty_rate")}
    full["poverty_rate"][rng.random((n, years)) < 0.1] = np.nan
    territory = np.sort(rng.choice(n, size=60, replace=False))
    rows = rng.choice(n, size=moved, replace=False)
    without = full["share_65_plus"].copy()
    without[rows] = rng.integers(0, 30, size=(moved, years))
    got = FullScores(full, territory).without({"share_65_plus": (rows, without)})
    expected = Deciles({**full, "share_65_plus": full["share_65_plus"]}, territory).index(
        {**full, "share_65_plus": without})
    np.testing.assert_allclose(got, expected)


def test_two_fibre_floors_commute_when_one_is_due_the_first_year():
    """90 % already in 2024 and 95 % by 2028 on the same commune, in either order.

    The later floor's ramp started from the first year's value as the earlier floor had
    left it (90, not the trend's 40) when it came second: 92.5 in 2026 one way, 90 the
    other — the projection hung on the actions' ids (found by the property test above).
    """
    trend = np.full((1, 5), 40.0)
    rows = np.array([0])
    done = Compiled("ftth_taux", "floor", rows, 0, 90.0)
    later = Compiled("ftth_taux", "floor", rows, 4, 95.0)
    one = apply_effects(trend, [done, later], "ftth_taux")
    other = apply_effects(trend, [later, done], "ftth_taux")
    np.testing.assert_array_equal(one, other)
    np.testing.assert_allclose(one[0], [90, 90, 90, 90, 95])  # the larger of both ramps
