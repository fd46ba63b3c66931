"""A toggle on a kept engine gives exactly what a fresh engine projects (#11, « et si… ? »).

The engine keeps every value under the actions that can change it and computes
after a toggle only what the toggled action touches (``pathways._cache``). Here a
seeded plan of every kind of effect on the real Finistère is switched action by
action, and each state is compared, bit for bit, with a full recomputation: a
fresh engine whose values are all keyed by the whole set of enabled actions
(nothing shared between two states, as before the cache).
"""

from __future__ import annotations

import numpy as np
import pytest

from trajectoires.pathways import _cache, _contribute, _engine, project, read_plan

pytestmark = pytest.mark.db


def seeded_plan(inputs, count: int, seed: int) -> dict:
    """Openings, a closing, FttH, programmes, criteria and population changes."""
    rng = np.random.default_rng(seed)
    codes = sorted(inputs.codes)
    frame = inputs.places["france-services"]
    listed = sorted(frame.loc[frame["commune_code"].isin(codes), "id"])
    kinds = ["open-place", "open-place", "ftth", "reach", "indicator"]
    actions = [{"id": "fermeture", "title": "Fermeture", "effects": [
        {"type": "close-place", "network": "france-services", "place": listed[0],
         "year": 2027, "assumption": "fin de bail"}]},
        {"id": "population", "title": "Arrivées", "effects": [
            {"type": "indicator", "indicator": "population", "change": 5, "mode": "relative",
             "communes": [str(rng.choice(codes))], "year": 2028, "assumption": "lotissement"}]}]
    for i in range(count):
        kind, year = kinds[i % len(kinds)], int(rng.integers(2025, 2031))
        some = sorted({str(c) for c in rng.choice(codes, 3)})
        effect = {
            "open-place": {"network": sorted(inputs.places)[i % len(inputs.places)],
                           "commune": some[0]},
            "ftth": {"share": 90, "communes": some},
            "reach": {"people": 150, "communes": some},
            "indicator": {"indicator": ("share_low_diploma", "poverty_rate")[i % 2],
                          "change": -2, "communes": some},
        }[kind]
        actions.append({"id": f"a{i:02d}", "title": f"Action {i}", "effects": [
            {"type": kind, **effect, "year": year, "assumption": "essai"}]})
    return {"territory": "29", "horizon": 2030, "actions": actions, "targets": []}


def fresh(inputs, plan, enabled, monkeypatch):
    """Project everything again: a new engine, each value computed from all of ``enabled``."""
    kept = dict(_engine._ENGINES)  # noqa: SLF001
    _engine._ENGINES.clear()  # noqa: SLF001
    try:
        with monkeypatch.context() as patch:
            patch.setattr(_cache.Memo, "relevant", lambda self, name, enabled: enabled)
            return project(inputs, plan, enabled=enabled)
    finally:
        _engine._ENGINES.clear()  # noqa: SLF001
        _engine._ENGINES.update(kept)  # noqa: SLF001


def assert_identical(warm, cold) -> None:
    for scenario in ("tendance", "actions"):
        a, b = getattr(warm, scenario).values, getattr(cold, scenario).values
        assert a.keys() == b.keys()
        for key in a:
            np.testing.assert_array_equal(a[key], b[key], err_msg=f"{scenario} {key}")
    assert [s.key for s in warm.series] == [s.key for s in cold.series]
    for s, t in zip(warm.series, cold.series, strict=True):
        np.testing.assert_array_equal(s.tendance, t.tendance, err_msg=s.key)
        np.testing.assert_array_equal(s.actions, t.actions, err_msg=s.key)
        assert list(s.contributions) == list(t.contributions), s.key
        for action in s.contributions:
            np.testing.assert_array_equal(s.contributions[action], t.contributions[action],
                                          err_msg=f"{s.key} {action}")
    assert warm.to_dict() == cold.to_dict()


def counting(monkeypatch) -> list[str]:
    """Spy on the incremental switch-on of openings (``_contribute._switched_on``)."""
    calls: list[str] = []
    original = _contribute._switched_on  # noqa: SLF001

    def spy(*args, **kwargs):
        calls.append(kwargs["action_id"])
        return original(*args, **kwargs)

    monkeypatch.setattr(_contribute, "_switched_on", spy)
    return calls


def test_toggles_on_a_kept_engine_equal_a_full_recomputation(finistere, monkeypatch):
    _, inputs = finistere
    plan = read_plan(seeded_plan(inputs, 20, seed=11))
    ids = list(plan.action_ids)
    enabled = set(ids)
    assert_identical(project(inputs, plan), fresh(inputs, plan, enabled, monkeypatch))
    engine = _engine.engine_for(inputs, plan)
    for action in [*ids[:8], ids[0], ids[1], *ids[2:8:2]]:  # off, then on again for some
        enabled ^= {action}
        warm = project(inputs, plan, enabled=enabled)
        assert _engine.engine_for(inputs, plan) is engine  # the kept engine answered
        assert_identical(warm, fresh(inputs, plan, enabled, monkeypatch))
    changed = {s.key for s in warm.series if not np.array_equal(s.tendance, s.actions)}
    assert {"population", "dist_france-services", "fragility_index", "reach",
            "ftth_taux"} <= changed  # every kind of effect is at work


def test_openings_switched_on_one_by_one_update_the_kept_state(finistere, monkeypatch):
    """Each opening switched on into a state never seen updates the nearest places kept.

    Ties included: two actions open a France Services at the same commune the same year
    (their places are as near to every commune), one opens two places in two years,
    one opens at a listed site's coordinates (as near as a listed place).
    """
    _, inputs = finistere
    sites = inputs.places["france-services"]
    site = sites[sites["commune_code"] == "29019"].iloc[0]

    def opening(action_id, year, *wheres):
        return {"id": action_id, "title": action_id, "effects": [
            {"type": "open-place", "network": "france-services", "year": year + i,
             "assumption": "essai", **where} for i, where in enumerate(wheres)]}

    plan = read_plan({"territory": "29", "horizon": 2030, "targets": [], "actions": [
        opening("brasparts", 2026, {"commune": "29016"}),
        opening("brasparts-bis", 2026, {"commune": "29016"}),
        opening("deux", 2025, {"commune": "29139"}, {"commune": "29115"}),
        opening("site", 2027, {"lat": float(site["lat"]), "lon": float(site["lon"])}),
        opening("crozon", 2028, {"commune": "29042"}),
        {"id": "fibre", "title": "Fibre", "effects": [
            {"type": "ftth", "share": 90, "communes": ["29016"], "year": 2027,
             "assumption": "essai"}]}]})
    order = ["fibre", "crozon", "brasparts", "deux", "brasparts-bis", "site"]
    enabled: set[str] = set()
    project(inputs, plan, enabled=enabled)
    calls = counting(monkeypatch)
    passes: list[int] = []  # the warm engine's full nearest-place passes (Network.distances)
    engine = _engine.engine_for(inputs, plan)
    for network in engine.networks.values():
        full = network.distances
        monkeypatch.setattr(network, "distances", lambda *a, full=full: passes.append(1)
                            or full(*a))
    for action in order:
        enabled.add(action)
        warm = project(inputs, plan, enabled=enabled)
        assert_identical(warm, fresh(inputs, plan, enabled, monkeypatch))
    assert calls == order[2:]  # the first opening has no kept state with one action fewer
    assert passes == []  # each opening's distances: the kept ones and its own places'
    series = warm.series_of("dist_france-services")
    assert series.contributions["brasparts"][-1] == series.contributions["brasparts-bis"][-1] == 0
    assert series.contributions["deux"][-1] < 0
