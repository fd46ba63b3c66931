"""The checks of issue #11 on the real Finistère: scenarios, places opened, order, contributions."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from trajectoires.pathways import BEYOND_KM, PlanError, project, read_plan

pytestmark = pytest.mark.db

FAR = "29016"  # Brasparts: more than 10 km from any France Services in 2024


def plan_of(actions: list[dict], targets: list[dict] | None = None) -> dict:
    return {"territory": "29", "horizon": 2030, "actions": actions, "targets": targets or []}


def open_place(action_id: str, year: int = 2027, **where) -> dict:
    where = where or {"commune": FAR}
    return {"id": action_id, "title": f"Ouverture {action_id}", "effects": [
        {"type": "open-place", "network": "france-services", "year": year,
         "assumption": "ouverture votée", **where}]}


def mixed_actions() -> list[dict]:
    return [
        open_place("fs-pleyben"),
        open_place("fs-crozon", 2026, commune="29042"),
        {"id": "fibre", "title": "Fibre", "effects": [
            {"type": "ftth", "communes": ["29162", "29019", "29232"], "share": 100,
             "year": 2027, "assumption": "plan France Très Haut Débit"}]},
        {"id": "ateliers", "title": "Ateliers numériques", "effects": [
            {"type": "reach", "communes": ["29162", "29042"], "people": 300, "year": 2025,
             "assumption": "deux conseillers numériques"}]},
        {"id": "seniors", "title": "Accueil des aînés", "effects": [
            {"type": "indicator", "indicator": "share_65_plus", "change": -1.5,
             "communes": ["29162"], "year": 2028, "assumption": "hypothèse d'école"}]},
    ]


def all_values(trajectory, scenario):
    return {key: trajectory.commune_values(scenario, key).to_numpy()
            for key in getattr(trajectory, scenario).values}


def same(a: dict, b: dict) -> bool:
    return a.keys() == b.keys() and all(
        np.allclose(a[k], b[k], equal_nan=True, rtol=0, atol=1e-9) for k in a)


def test_no_action_gives_the_trend_everywhere(finistere):
    _, inputs = finistere
    for plan, enabled in ((plan_of([]), None), (plan_of(mixed_actions()), [])):
        trajectory = project(inputs, read_plan(plan), enabled=enabled)
        assert same(all_values(trajectory, "tendance"), all_values(trajectory, "actions"))
        for series in trajectory.series:
            np.testing.assert_array_equal(series.tendance, series.actions)
            assert series.contributions == {}
    assert trajectory.years.tolist() == list(range(inputs.start_year, 2031))
    assert inputs.start_year == 2024  # the France Services list of 2024-08-01
    assert len(trajectory.communes) == len(inputs.codes) > 250


def test_the_trends_follow_the_series_and_say_how(finistere):
    _, inputs = finistere
    trajectory = project(inputs, read_plan(plan_of([])))
    population = trajectory.series_of("population")
    assert "log-linéaire" in population.method and population.band is not None
    assert population.band["low"][-1] < population.tendance[-1] < population.band["high"][-1]
    assert "recensements 2013–2021" in population.source
    income = trajectory.series_of("insee_revenu_median")
    assert "3 millésimes (2014–2019)" in income.method
    fibre = trajectory.series_of("ftth_taux")  # ARCEP's deployment by quarter
    assert fibre.method.startswith("tendance linéaire") and "(2017-T3–2018-T1)" in fibre.method
    assert fibre.band is not None and "commune ; bande d'incertitude" in fibre.method
    flat = trajectory.series_of("share_65_plus")
    assert flat.method.startswith("un seul millésime") and flat.band is None
    np.testing.assert_allclose(trajectory.commune_values("tendance", "share_65_plus").std(
        axis=1), 0, atol=1e-9)


def test_opening_at_an_existing_site_changes_no_distance(finistere):
    _, inputs = finistere
    sites = inputs.places["france-services"]
    site = sites[sites["commune_code"] == "29019"].iloc[0]
    plan = read_plan(plan_of([open_place("double", lat=float(site["lat"]),
                                         lon=float(site["lon"]))]))
    trajectory = project(inputs, plan)
    for kind in ("france-services", "mediation-places"):
        np.testing.assert_allclose(trajectory.commune_values("actions", f"dist_{kind}"),
                                   trajectory.commune_values("tendance", f"dist_{kind}"),
                                   rtol=0, atol=1e-9)


def test_opening_in_a_commune(finistere):
    _, inputs = finistere
    trajectory = project(inputs, read_plan(plan_of([open_place("fs", 2027)])))
    before = trajectory.commune_values("tendance", "dist_france-services")
    after = trajectory.commune_values("actions", "dist_france-services")
    assert before.loc[FAR, 2027] > BEYOND_KM
    assert after.loc[FAR, [2027, 2028, 2030]].tolist() == [0.0, 0.0, 0.0]
    np.testing.assert_array_equal(after[[2024, 2025, 2026]], before[[2024, 2025, 2026]])
    assert (after.to_numpy() <= before.to_numpy()).all()
    assert (after.to_numpy() < before.to_numpy()).sum() > 1  # the neighbours are nearer too
    beyond = trajectory.series_of("population_au_dela_10km_france_services")
    population = trajectory.commune_values("actions", "population").loc[FAR]
    drop = beyond.tendance - beyond.actions
    assert (drop[:3] == 0).all()
    assert (drop[3:] >= population[[2027, 2028, 2029, 2030]].to_numpy() - 1e-6).all()
    access = trajectory.commune_values("actions", "access_france-services")
    assert access.loc[FAR, 2027] > trajectory.commune_values(
        "tendance", "access_france-services").loc[FAR, 2027]


def test_distances_and_2sfca_are_those_of_the_analysis_engine(finistere):
    from trajectoires import analysis

    _, inputs = finistere
    trajectory = project(inputs, read_plan(plan_of([open_place("fs", 2026)])))
    communes = inputs.communes
    metro = communes[communes["metropolitan"] & communes["x"].notna()]
    sites = inputs.places["france-services"][["x", "y"]].to_numpy()
    point = communes.loc[FAR, ["x", "y"]].to_numpy(float)
    year = 2028
    col = year - inputs.start_year
    places = np.vstack([sites, point])
    expected = analysis.nearest_distances(
        communes.loc[inputs.codes, ["x", "y"]].to_numpy(float), places).distance_km
    np.testing.assert_allclose(
        trajectory.commune_values("actions", "dist_france-services")[year], expected, atol=1e-9)
    # the 2SFCA of the engine over every metropolitan commune with that year's populations
    from trajectoires.pathways._engine import engine_for

    engine = engine_for(inputs, read_plan(plan_of([open_place("fs", 2026)])))
    population = engine.values("population", frozenset({"fs"}))[:, col]
    rows = communes.index.get_indexer(metro.index)
    known = ~np.isnan(population[rows])
    result = analysis.two_step_fca(metro[["x", "y"]].to_numpy()[known], population[rows][known],
                                   places, radius_km=20)
    by_code = dict(zip(metro.index[known], result.accessibility * 10_000, strict=True))
    got = trajectory.commune_values("actions", "access_france-services")[year]
    np.testing.assert_allclose(got.to_numpy(), [by_code[c] for c in got.index], rtol=1e-9)


def test_the_index_of_the_first_year_is_the_diagnosis_index(finistere):
    import pandas as pd

    from trajectoires import analysis
    from trajectoires.pathways._indicators import CRITERIA

    _, inputs = finistere
    trajectory = project(inputs, read_plan(plan_of([])))
    keys = [k for k in CRITERIA if k in inputs.histories]
    assert {"no_thd_coverage", "share_65_plus", "share_low_diploma", "poverty_rate"} <= set(keys)
    values = pd.DataFrame({k: inputs.histories[k].values[:, 0] for k in keys},
                          index=inputs.communes.index)
    expected = analysis.fragility_index(values, indicators=keys, partial=True).index
    got = trajectory.commune_values("tendance", "fragility_index")[inputs.start_year]
    np.testing.assert_allclose(got.to_numpy(), expected.loc[got.index].to_numpy())


def test_effects_on_criteria_move_the_index_and_fibre(finistere):
    _, inputs = finistere
    trajectory = project(inputs, read_plan(plan_of(mixed_actions())))
    fibre = trajectory.commune_values("actions", "ftth_taux")
    assert fibre.loc["29162", 2027] == 100 and fibre.loc["29162", 2026] < 100
    no_thd = trajectory.commune_values("actions", "no_thd_coverage")
    assert no_thd.loc["29162", 2027] == 0
    index = trajectory.series_of("fragility_index")
    assert index.actions[-1] < index.tendance[-1]
    assert set(index.contributions) == {"fibre", "seniors"}
    now = project(inputs, read_plan(plan_of([{"id": "f", "title": "F", "effects": [
        {"type": "ftth", "communes": ["29016"], "share": 100, "year": inputs.start_year,
         "assumption": "déjà fait"}]}])))
    assert now.commune_values("actions", "ftth_taux").loc["29016"].tolist() == [100.0] * 7
    helped = trajectory.series_of("reach")
    assert helped.tendance.tolist() == [0.0] * 7
    assert helped.actions.tolist() == [0, 300, 600, 900, 1200, 1500, 1800]


def test_a_programme_on_an_epci_is_shared_among_its_communes(finistere):
    _, inputs = finistere
    epci = "242900314"
    plan = read_plan(plan_of([{"id": "cc", "title": "Conseillers", "effects": [
        {"type": "reach", "epci": epci, "people": 120, "year": 2026,
         "assumption": "deux conseillers"}]}]))
    trajectory = project(inputs, plan)
    reached = trajectory.commune_values("actions", "reach")
    members = inputs.communes.loc[reached.index, "epci_code"] == epci
    assert members.sum() > 1 and (reached.loc[~members.to_numpy()] == 0).all().all()
    np.testing.assert_allclose(reached.sum(axis=0), [0, 0, 120, 240, 360, 480, 600])
    population = inputs.communes.loc[reached.index[members.to_numpy()], "population"]
    shares = reached.loc[members.to_numpy(), 2030] / 600
    np.testing.assert_allclose(shares, population / population.sum())  # by population
    series = trajectory.series_of("reach")
    np.testing.assert_allclose(series.contributions["cc"], series.actions)
    fragility = trajectory.series_of("fragility_index")
    np.testing.assert_array_equal(fragility.actions, fragility.tendance)  # not the index


def test_contributions_are_what_each_action_changes_when_removed(finistere):
    _, inputs = finistere
    plan = read_plan(plan_of(mixed_actions(), [
        {"indicator": "dist_france-services", "value": 5.0, "year": 2030}]))
    full = project(inputs, plan)
    series = full.series_of("dist_france-services")
    assert set(series.contributions) == {"fs-pleyben", "fs-crozon"}
    for action in plan.action_ids:  # openings are taken at once from the full scenario
        without = project(inputs, plan, enabled=set(plan.action_ids) - {action})
        for mine, other in zip(full.series, without.series, strict=True):
            expected = mine.actions - other.actions
            got = mine.contributions.get(action, np.zeros_like(expected))
            np.testing.assert_allclose(got, expected, rtol=1e-9, atol=1e-9,
                                       err_msg=f"{action} {mine.key}")
    assert (series.contributions["fs-pleyben"][3:] < 0).all()
    target = full.to_dict()["series"][1]["target"]
    assert target["year"] == 2030 and target["value"] == 5.0
    assert target["ecart_actions"] == pytest.approx(series.actions[-1] - 5.0, abs=1e-6)


def test_removing_and_re_adding_an_action_gives_the_same_projection(finistere):
    _, inputs = finistere
    plan = read_plan(plan_of(mixed_actions()))
    first = project(inputs, plan)
    project(inputs, plan, enabled=set(plan.action_ids) - {"fibre"})
    again = project(inputs, plan, enabled=set(plan.action_ids))
    assert same(all_values(first, "actions"), all_values(again, "actions"))
    reversed_plan = read_plan(plan_of(mixed_actions()[::-1]))
    assert same(all_values(first, "actions"), all_values(project(inputs, reversed_plan),
                                                          "actions"))


@settings(max_examples=6, deadline=None, suppress_health_check=[
    HealthCheck.function_scoped_fixture])
@given(order=st.permutations(range(5)), enabled=st.sets(st.integers(0, 4)))
def test_order_of_the_actions_does_not_matter(finistere, order, enabled):
    _, inputs = finistere
    actions = mixed_actions()
    ids = {actions[i]["id"] for i in enabled}
    plan = read_plan(plan_of(actions))
    shuffled = read_plan(plan_of([actions[i] for i in order]))
    a, b = project(inputs, plan, enabled=ids), project(inputs, shuffled, enabled=ids)
    assert same(all_values(a, "actions"), all_values(b, "actions"))
    for s, t in zip(a.series, b.series, strict=True):
        assert s.contributions.keys() == t.contributions.keys()


@pytest.mark.parametrize(("effect", "path", "words"), [
    ({"type": "open-place", "network": "france-services", "commune": "75056", "year": 2027},
     "actions[0].effects[0].commune", "inconnue dans ce territoire"),
    ({"type": "ftth", "communes": ["29019", "35238"], "share": 80, "year": 2027},
     "actions[0].effects[0].communes[1]", "« 35238 »"),
    ({"type": "open-place", "network": "france-services", "commune": "29019", "year": 2021},
     "actions[0].effects[0].year", "avant l'année des données (2024)"),
    ({"type": "close-place", "network": "france-services", "place": "nope", "year": 2027},
     "actions[0].effects[0].place", "lieu « nope » inconnu"),
    ({"type": "open-place", "network": "france-services", "lat": 43.3, "lon": 5.4,
      "year": 2027}, "actions[0].effects[0].lat", "à plus de 20 km"),
    ({"type": "reach", "epci": "200000000", "people": 10, "year": 2027},
     "actions[0].effects[0].epci", "EPCI « 200000000 » inconnu"),
])
def test_a_plan_that_does_not_fit_the_territory_is_refused_with_its_path(
        finistere, effect, path, words):
    _, inputs = finistere
    plan = read_plan(plan_of([{"id": "a", "title": "A", "effects": [
        {**effect, "assumption": "hypothèse"}]}]))
    with pytest.raises(PlanError) as caught:
        project(inputs, plan)
    assert caught.value.path == path
    assert words in caught.value.message


def test_outputs(finistere):
    _, inputs = finistere
    trajectory = project(inputs, read_plan(plan_of(mixed_actions())))
    document = trajectory.to_dict()
    assert document["territory"] == {"code": "29", "name": "Finistère"}
    assert document["years"] == list(range(2024, 2031))
    keys = [s["indicator"] for s in document["series"]]
    assert keys[:5] == ["population", "dist_france-services",
                        "population_au_dela_10km_france_services", "access_france-services",
                        "fragility_index"]
    assert all(s["source"] and s["method"] for s in document["series"])
    changes = {(c["code_commune"], c["indicateur"]) for c in document["class_changes"]}
    assert (FAR, "distance_france_services_km") in changes
    rows = list(trajectory.commune_rows())
    names = {r[3] for r in rows}
    assert {"distance_france_services_km", "population", "indice_fragilite"} <= names
    assert len(rows) == len(inputs.codes) * 7 * 2 * len(names)
    pleyben = {(r[1], r[2]): r[4] for r in rows
               if r[0] == FAR and r[3] == "distance_france_services_km"}
    assert pleyben[(2027, "actions")] == 0 and pleyben[(2027, "tendance")] > BEYOND_KM
