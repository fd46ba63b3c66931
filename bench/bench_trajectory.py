"""The trajectory (#11): a plan projected to 2030, whole and after one toggle.

Setup (not timed): a temporary workspace linked to the warm reference of
``workspace/``, with the real files of ``../shared/data/fr`` imported (the
diagnosis's files, the legal populations 2015–2024, the FttH deployment of
2018, Filosofi 2014–2019), and the projection inputs read once per territory.

Plans (seeded, the same in every run): the Finistère with 50 actions and all of
France with 500 — openings of France Services, mediation places and libraries in
random communes (60 % and 80 %), FttH for three communes, mediation programmes,
changes of the share of the low-diploma — each with its year from 2025 to 2030.

Measures, median of ``REPEAT``: the whole projection (a fresh engine: trends,
compiled effects, trees of the places, both scenarios and every action's
contribution) and one toggle (an action switched off then on again, the engine
kept, contributions included). Reference in the same run: one access computation
of the diagnosis (``diagnosis._access._compute``: nearest place and 2SFCA of the
three networks for every French commune). ``ratio`` = reference / ours.
"""

from __future__ import annotations

import statistics
import tempfile
import time
from pathlib import Path

import numpy as np

from bench.bench_diagnose import FILES, ROOT, SHARED, _prepare

REPEAT = 3
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


def _measure(inputs, plan) -> tuple[float, float]:
    """Median times of the whole projection (fresh engine) and of one toggle."""
    from trajectoires.pathways import _engine, project

    def whole() -> None:
        _engine._ENGINES.clear()  # noqa: SLF001 - a cold engine each time
        project(inputs, plan).to_dict()

    ids = list(plan.action_ids)
    sets, done = [ids[1:], ids], []

    def toggle() -> None:  # the first action switched off, then on again, and so on
        project(inputs, plan, enabled=sets[len(done) % 2]).to_dict()
        done.append(1)

    whole_time = _median(whole)
    project(inputs, plan)  # the engine of this plan, warm
    return whole_time, _median(toggle)


def run() -> list[dict]:
    """Time the projections of the Finistère and of France against the diagnosis's access."""
    from trajectoires.db import create_database
    from trajectoires.diagnosis._access import _compute
    from trajectoires.diagnosis.inputs import load_inputs as diagnosis_inputs
    from trajectoires.pathways import load_inputs, read_plan
    from trajectoires.territory import load_reference

    if not SHARED.exists():
        return [{"name": "trajectory (skipped: ../shared/data/fr absent)", "value": None,
                 "unit": "s", "goal": ""}]
    rows = []
    with tempfile.TemporaryDirectory(prefix="bench-trajectory-") as tmp:
        folder = Path(tmp)
        _prepare(folder, (*FILES, *SERIES))
        ref = load_reference(ROOT / "workspace")
        database = create_database(f"sqlite:///{folder / 'trajectoires.sqlite'}")
        with database.session() as session:
            places = diagnosis_inputs(session).places
            started = time.perf_counter()
            inputs = {code: load_inputs(session, ref, ref.resolve(code),
                                        cache_dir=folder / "analysis") for code in GOALS}
            loading = time.perf_counter() - started
        database.engine.dispose()
        reference = _median(lambda: _compute(ref, places))
        label = "one diagnosis access computation (France, 3 networks)"
        rows.append({"name": "load_inputs, Finistère then France (cold caches)",
                     "value": loading, "unit": "s", "goal": ""})
        for code, count in (("29", 50), ("FR", 500)):
            plan = read_plan(make_plan(inputs[code], count, seed=11))
            whole, toggle = _measure(inputs[code], plan)
            name = "Finistère, 50 actions" if code == "29" else "France, 500 actions"
            common = {"unit": "s", "reference": reference, "reference_name": label}
            rows.append({"name": f"{name}: whole projection (fresh engine, contributions)",
                         "value": whole, "ratio": reference / whole, **common, "goal": ""})
            rows.append({"name": f"{name}: one toggle (contributions included)",
                         "value": toggle, "ratio": reference / toggle, **common,
                         "goal": f"< {GOALS[code]:g} s"})
    return rows
