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
    _, inputs, _ = small
    assert 5 <= len(inputs.codes) <= 40
    assert "29019" in inputs.codes  # Brest
    assert len(inputs.places["france-services"]) > 0
    assert inputs.histories["population"].method == "flat"  # no census imported: one vintage


@settings(max_examples=25, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_openings_never_push_a_commune_farther(small, data):
    _, inputs, _ = small
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


def test_france_with_its_overseas_communes(small):
    _, _, france = small
    assert france.territory == "FR"
    assert {"97411", "97611", "29019"} <= set(france.codes)
    plan = read_plan({"territory": "FR", "horizon": 2030, "actions": [
        {"id": "reunion", "title": "La Réunion", "effects": [
            {"type": "open-place", "network": "france-services", "commune": "97418",
             "year": 2026, "assumption": "hypothèse"}]},
        {"id": "ajaccio", "title": "Ajaccio", "effects": [
            {"type": "open-place", "network": "france-services", "commune": "2A004",
             "year": 2027, "assumption": "hypothèse"}]},
        {"id": "point", "title": "Saint-Denis", "effects": [
            {"type": "open-place", "network": "france-services", "lat": -20.88, "lon": 55.45,
             "year": 2028, "assumption": "hypothèse"}]}]})
    trajectory = project(france, plan)
    after = trajectory.commune_values("actions", "dist_france-services")
    before = trajectory.commune_values("tendance", "dist_france-services")
    assert after.loc["97418", 2026] == 0 and after.loc["2A004", 2027] == 0
    assert (after.to_numpy() <= before.to_numpy() + 1e-12).all()
    for action in plan.action_ids:  # contributions equal projecting again without it
        without = project(france, plan, enabled=set(plan.action_ids) - {action})
        for mine, other in zip(trajectory.series, without.series, strict=True):
            expected = mine.actions - other.actions
            got = mine.contributions.get(action, np.zeros_like(expected))
            np.testing.assert_allclose(got, expected, rtol=1e-9, atol=1e-9,
                                       err_msg=f"{action} {mine.key}")
