"""Properties of the projection on the small built-in territory, with real France Services."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from trajectoires.pathways import project, read_plan

pytestmark = pytest.mark.db


def plan_of(opened: list[tuple[str, int]]) -> dict:
    return {"territory": "29", "horizon": 2030, "actions": [
        {"id": f"a{i}", "title": f"Lieu {i}", "effects": [
            {"type": "open-place", "network": "france-services", "commune": code,
             "year": year, "assumption": "hypothèse"}]}
        for i, (code, year) in enumerate(opened)]}


def test_the_small_territory_has_its_communes_and_places(small):
    _, inputs = small
    assert 5 <= len(inputs.codes) <= 40
    assert "29019" in inputs.codes  # Brest
    assert len(inputs.places["france-services"]) > 0
    assert inputs.histories["population"].method == "flat"  # no census imported: one vintage


@settings(max_examples=25, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_openings_never_push_a_commune_farther(small, data):
    _, inputs = small
    codes = sorted(inputs.codes)
    opened = data.draw(st.lists(st.tuples(st.sampled_from(codes), st.integers(2024, 2030)),
                                min_size=1, max_size=4))
    trajectory = project(inputs, read_plan(plan_of(opened)))
    before = trajectory.commune_values("tendance", "dist_france-services")
    after = trajectory.commune_values("actions", "dist_france-services")
    assert (after.to_numpy() <= before.to_numpy() + 1e-12).all()
    for code, year in opened:
        assert (after.loc[code, year:] == 0).all()
    first = min(year for _, year in opened)
    np.testing.assert_array_equal(after.loc[:, :first - 1], before.loc[:, :first - 1])
    order = data.draw(st.permutations(range(len(opened))))
    again = project(inputs, read_plan(plan_of([opened[i] for i in order])))
    np.testing.assert_array_equal(
        again.commune_values("actions", "dist_france-services").to_numpy(), after.to_numpy())
