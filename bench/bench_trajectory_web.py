"""The trajectory page of a Construire 2030 (#11, web side): first view, a toggle, a refresh.

Setup (not timed): a temporary workspace linked to the warm reference of ``workspace/``,
the diagnosis's real files imported (``bench_diagnose.FILES``), a Construire 2030 of the
Finistère with 20 actions, each opening a France Services or a mediation place in a
commune (seeded), served in-process (FastAPI test client, signed in as its facilitator).

Measures, median of ``REPEAT`` (each on a new workshop, so nothing is cached between
them but the territory's inputs after the first):

- ``first view``: ``GET /ateliers/{slug}/trajectoire`` on a fresh application (the
  projection inputs of the Finistère read, the plan projected, charts and maps drawn);
- ``toggle``: one action switched off by the API, then the live region fetched again
  (``/fragments``) — what « et si… ? » costs once the inputs are cached;
- ``refresh``: the same region fetched again by another viewer (the projection cached).

``ratio`` = first view / the measure: how much the caches of ``TrajectoryService`` save.
"""

from __future__ import annotations

import statistics
import tempfile
import time
from pathlib import Path

import numpy as np

from bench.bench_diagnose import ROOT, _prepare

REPEAT = 3
ACTIONS = 20


def _workshop(database, owner, codes: list[str], seed: int):  # noqa: ANN001, ANN202
    from trajectoires.foresight.contributions import Author, post_contribution
    from trajectoires.foresight.kinds._construire_effects import add_effect
    from trajectoires.foresight.workshops import create_workshop, set_phase
    from trajectoires.territory import load_reference

    unit = load_reference(ROOT / "workspace").resolve("29")
    author = Author(facilitator_id=owner)
    with database.sessionmaker() as s:
        ws = create_workshop(s, owner, unit, "Banc d'essai", "Trajectoire ?",
                             kind="construire-2030")
    with database.sessionmaker() as s:
        set_phase(s, owner, ws.slug, "actions")
    with database.sessionmaker() as s:
        actor = post_contribution(s, ws.id, author, "actor",
                                  {"name": "Département", "actor_type": "collectivite"}).id
    rng = np.random.default_rng(seed)
    ids = []
    for i in range(ACTIONS):
        with database.sessionmaker() as s:
            action = post_contribution(s, ws.id, author, "action", {
                "title": f"Action {i}", "owner": actor, "start": "2026-01", "end": "2028-12",
                "instrument": "autre"}).id
        with database.sessionmaker() as s:
            add_effect(s, author, action, {
                "type": "open-place", "network": ("france-services", "mediation-places")[i % 2],
                "commune": str(rng.choice(codes)), "year": int(rng.integers(2026, 2031)),
                "assumption": "Banc d'essai"})
        ids.append(action)
    return ws, ids


def _timed(call) -> float:  # noqa: ANN001
    started = time.perf_counter()
    response = call()
    assert response.status_code in (200, 204), response.text[:300]
    return time.perf_counter() - started


def _signed_in(app):  # noqa: ANN001, ANN202
    from fastapi.testclient import TestClient

    client = TestClient(app)
    form = client.get("/connexion").text
    token = form.split('name="csrf_token" value="')[1].split('"')[0]
    client.post("/connexion", data={"email": "banc@example.org", "csrf_token": token,
                                    "password": "mot-de-passe-solide"})
    return client


def _one_run(app, ws, ids: list[int]) -> tuple[float, float, float]:  # noqa: ANN001
    """First view, toggle, refresh by another viewer, on a fresh application."""
    from fastapi.testclient import TestClient

    client = _signed_in(app)
    page = f"/ateliers/{ws.slug}/trajectoire"
    first = _timed(lambda: client.get(page))
    html = client.get(page).text
    client.headers["X-CSRF-Token"] = html.split('name="csrf-token" content="')[1].split('"')[0]
    region = f"/ateliers/{ws.slug}/fragments?vue=participant&regions=construire.trajectory"

    def switch():  # noqa: ANN202
        client.post(f"/api/v1/workshops/{ws.slug}/trajectory/switches",
                    json={"enabled": {str(ids[0]): False}})
        return client.get(region)

    toggle = _timed(switch)
    refresh = _timed(lambda: TestClient(app).get(region))
    return first, toggle, refresh


def run() -> list[dict]:
    from trajectoires.db import create_database
    from trajectoires.foresight.facilitators import create_facilitator
    from trajectoires.settings import Settings
    from trajectoires.territory import load_reference
    from trajectoires.web import create_app
    from trajectoires.web.territory.deps import install_reference

    reference = load_reference(ROOT / "workspace")
    codes = list(reference.communes_of(reference.resolve("29")).index)
    times: list[tuple[float, float, float]] = []
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        _prepare(folder)
        url = f"sqlite:///{folder / 'trajectoires.sqlite'}"
        database = create_database(url)
        with database.sessionmaker() as s:
            owner = create_facilitator(s, "banc@example.org", "Banc", "mot-de-passe-solide").id
        settings = Settings.from_env({}, workspace=str(folder), database_url=url,
                                     throttle_writes_per_minute="0")
        for run_index in range(REPEAT):
            ws, ids = _workshop(database, owner, codes, seed=run_index)
            app = create_app(settings, database)
            install_reference(app, reference)
            times.append(_one_run(app, ws, ids))
        database.engine.dispose()
    first, toggle, refresh = (statistics.median(column) for column in zip(*times, strict=True))
    rows = []
    for name, value, goal in (("first view (inputs read, projected, drawn)", first, "report"),
                              ("toggle: switch + region again", toggle, "< 1 s (Finistère)"),
                              ("refresh by another viewer (cached)", refresh, "report")):
        rows.append({"name": f"Finistère, {ACTIONS} actions: {name}", "value": value,
                     "unit": "s", "goal": goal, "reference": first,
                     "reference_name": "first view", "ratio": first / value})
    return rows
