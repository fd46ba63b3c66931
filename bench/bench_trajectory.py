"""The trajectory (#11): a plan projected to 2030, whole and after one toggle.

Setup (not timed): a temporary workspace linked to the warm reference of
``workspace/``, with the real files of ``../shared/data/fr`` imported (the
diagnosis's files, the legal populations 2015–2024, the FttH deployment of
2018, Filosofi 2014–2019), and the projection inputs read once per territory.

Plans (seeded, the same in every run): the Finistère with 50 actions and all of
France with 500 — openings of France Services, mediation places and libraries in
random communes (60 % and 80 %), FttH for three communes, mediation programmes,
changes of the share of the low-diploma — each with its year from 2025 to 2030.

Measures: the whole projection, median of ``REPEAT`` (a fresh engine: trends,
compiled effects, trees of the places, both scenarios and every action's
contribution), and toggles on the kept engine (``TOGGLES`` actions spread over the
effect types, each switched off — a state never seen — then on again,
contributions and ``to_dict()`` included): median and slowest switch-off, median
switch-on; then each of them switched on into a state never seen (another action of the
same effect type and network, never switched, is off): median and slowest.
``BENCH_QUICK=1``: the Finistère only. Reference in the same run: one access computation
of the diagnosis (``diagnosis._access._compute``: nearest place and 2SFCA of the
three networks for every French commune). ``ratio`` = reference / ours.
"""

from __future__ import annotations

import os
import statistics
import tempfile
import time
from pathlib import Path

import numpy as np

from bench.bench_diagnose import FILES, ROOT, SHARED, _prepare

REPEAT = 3
TOGGLES = 8
QUICK = bool(os.environ.get("BENCH_QUICK"))
"""``BENCH_QUICK=1``: the Finistère only (about a minute)."""
SERIES = (
    ("populations", "cog/populations_legales_par_cog_2015_2024.csv", None),
    ("arcep-ftth", "arcep_ftth_2018/ftthCommunes.csv", None),
    ("arcep-ftth", "arcep_ftth_2018/communes.csv", None),
    *(("insee-poverty", f"filosofi/commune/FILO{year}_DISP_COM.csv", None)
      for year in (2014, 2015, 2016, 2018, 2019)),
)
GOALS = {"29": 1.0, "FR": 5.0}


def make_plan(inputs, count: int, seed: int) -> dict:
    """A plan of ``count`` actions on random communes of the territory (seeded)."""
    rng = np.random.default_rng(seed)
    codes = sorted(inputs.codes)
    networks = sorted(inputs.places)
    actions = []
    for i in range(count):
        year = int(rng.integers(2025, 2031))
        draw = rng.random()
        if draw < (0.6 if count < 100 else 0.8):
            effect = {"type": "open-place", "network": networks[i % len(networks)],
                      "commune": str(rng.choice(codes))}
        elif draw < 0.88:
            effect = {"type": "ftth", "share": 90,
                      "communes": sorted({str(c) for c in rng.choice(codes, 3)})}
        elif draw < 0.94:
            effect = {"type": "reach", "people": 200,
                      "communes": sorted({str(c) for c in rng.choice(codes, 2)})}
        else:
            effect = {"type": "indicator", "indicator": "share_low_diploma", "change": -2,
                      "communes": [str(rng.choice(codes))]}
        actions.append({"id": f"a{i:03d}", "title": f"Action {i}", "effects": [
            {**effect, "year": year, "assumption": "banc d'essai"}]})
    return {"territory": inputs.territory, "horizon": 2030, "actions": actions}


def _median(call) -> float:
    times = []
    for _ in range(REPEAT):
        started = time.perf_counter()
        call()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def _toggled(plan, count: int) -> list[str]:
    """Ids of ``count`` actions to switch, spread over the effect types (seeded plan order)."""
    by_type: dict[str, list[str]] = {}
    for action in plan.actions:
        by_type.setdefault(action.effects[0].type, []).append(action.id)
    picked, rank = [], 0
    while len(picked) < count and any(rank < len(ids) for ids in by_type.values()):
        picked += [ids[rank] for ids in by_type.values() if rank < len(ids)]
        rank += 1
    return picked[:count]


def _measure(inputs, plan) -> dict[str, float]:
    """Median times of the whole projection (fresh engine) and of toggles on a kept engine.

    A toggle switches off an action never switched before (a state the engine has
    not seen: what it computes is what that action touches), then switches it on
    again (back to the full plan, whose values the engine kept); ``TOGGLES`` actions
    spread over the effect types, each timed with its contributions and ``to_dict()``.
    """
    from trajectoires.pathways import _engine, project

    def whole() -> None:
        _engine._ENGINES.clear()  # noqa: SLF001 - a cold engine each time
        project(inputs, plan).to_dict()

    whole_time = _median(whole)
    project(inputs, plan)  # the engine of this plan, warm
    ids, off, on, fresh_on = list(plan.action_ids), [], [], []
    picked = _toggled(plan, TOGGLES)
    for action in picked:
        for enabled, times in (([a for a in ids if a != action], off), (ids, on)):
            started = time.perf_counter()
            project(inputs, plan, enabled=enabled).to_dict()
            times.append(time.perf_counter() - started)
    for action, partner in _partners(plan, picked):
        # switched on into a state never seen: its partner (same effect, same network,
        # never switched) is off, so no value the action can change is kept for that state
        project(inputs, plan, enabled=[a for a in ids if a not in (action, partner)])
        started = time.perf_counter()
        project(inputs, plan, enabled=[a for a in ids if a != partner]).to_dict()
        fresh_on.append(time.perf_counter() - started)
    return {"whole": whole_time, "off": statistics.median(off), "worst": max(off),
            "on": statistics.median(on), "fresh_on": statistics.median(fresh_on),
            "fresh_worst": max(fresh_on)}


def _partners(plan, picked: list[str]) -> list[tuple[str, str]]:
    """Each picked action with another of the same effect type and network, never toggled."""
    def kind(action) -> tuple:
        effect = action.effects[0]
        return effect.type, effect.network

    used = set(picked)
    pairs = []
    for action in (a for a in plan.actions if a.id in picked):
        partner = next((a for a in plan.actions if a.id not in used
                        and kind(a) == kind(action)), None)
        if partner is not None:
            used.add(partner.id)
            pairs.append((action.id, partner.id))
    return pairs


def run() -> list[dict]:
    """Time the projections of the Finistère and of France against the diagnosis's access."""
    from trajectoires.db import create_database
    from trajectoires.diagnosis._access import _compute
    from trajectoires.diagnosis.inputs import load_inputs as diagnosis_inputs
    from trajectoires.pathways import load_inputs
    from trajectoires.territory import load_reference

    if not SHARED.exists():
        return [{"name": "trajectory (skipped: ../shared/data/fr absent)", "value": None,
                 "unit": "s", "goal": ""}]
    rows = []
    codes = ("29",) if QUICK else tuple(GOALS)
    with tempfile.TemporaryDirectory(prefix="bench-trajectory-") as tmp:
        folder = Path(tmp)
        _prepare(folder, (*FILES, *SERIES))
        ref = load_reference(ROOT / "workspace")
        database = create_database(f"sqlite:///{folder / 'trajectoires.sqlite'}")
        with database.session() as session:
            places = diagnosis_inputs(session).places
            started = time.perf_counter()
            inputs = {code: load_inputs(session, ref, ref.resolve(code),
                                        cache_dir=folder / "analysis") for code in codes}
            loading = time.perf_counter() - started
        database.engine.dispose()
        reference = _median(lambda: _compute(ref, places))
        label = "one diagnosis access computation (France, 3 networks)"
        rows.append({"name": f"load_inputs, {' then '.join(codes)} (cold caches)",
                     "value": loading, "unit": "s", "goal": ""})
        for code in codes:
            rows += _rows(code, inputs[code], reference, label)
    return rows


def _rows(code: str, inputs, reference: float, label: str) -> list[dict]:
    from trajectoires.pathways import read_plan

    count = 50 if code == "29" else 500
    plan = read_plan(make_plan(inputs, count, seed=11))
    measured = _measure(inputs, plan)
    name = "Finistère, 50 actions" if code == "29" else "France, 500 actions"
    common = {"unit": "s", "reference": reference, "reference_name": label}
    titles = {
        "whole": ("whole projection (fresh engine, contributions)", ""),
        "off": (f"one toggle: an action switched off, median of {TOGGLES} "
                "(contributions included)", f"< {GOALS[code]:g} s"),
        "worst": (f"one toggle: an action switched off, slowest of {TOGGLES}",
                  f"< {GOALS[code]:g} s"),
        "on": ("one toggle: switched on again (back to the full plan)", ""),
        "fresh_on": (f"one toggle: an action switched on into a state never seen, median of "
                     f"{TOGGLES}", f"< {GOALS[code]:g} s"),
        "fresh_worst": (f"one toggle: an action switched on into a state never seen, slowest "
                        f"of {TOGGLES}", f"< {GOALS[code]:g} s"),
    }
    return [{"name": f"{name}: {title}", "value": measured[key],
             "ratio": reference / measured[key], **common, "goal": goal}
            for key, (title, goal) in titles.items()]
