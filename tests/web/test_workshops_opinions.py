"""Opinion groups in the live workshop: service, pages, API, SSE event, Pol.is export."""

from __future__ import annotations

import asyncio
import contextlib
import io
import re
import threading
import time
import zipfile
from datetime import datetime
from functools import partial
from pathlib import Path
from zoneinfo import ZoneInfo

import httpx
import numpy as np
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import insert

from tests.foresight import factories as f
from tests.web.test_workshops_live import _events, _join, server  # noqa: F401 (fixture)
from trajectoires.collective import read_polis
from trajectoires.db import Database
from trajectoires.foresight.models import Contribution, Participant, Vote, utcnow
from trajectoires.settings import Settings
from trajectoires.web.workshops.kinds.debate.pages import render_body
from trajectoires.web.workshops.kinds.debate.service import OpinionService, opinion_key
from trajectoires.web.workshops.live import LiveHub


def _service(app: FastAPI) -> OpinionService:
    return app.state.kind_services["debate"]


def _app(settings: Settings, database: Database, interval: float = 0.1) -> FastAPI:
    app = f.make_app(settings, database)
    _service(app).interval = interval
    return app


def _as(app: FastAPI, db: Database, person) -> TestClient:
    """A browser holding ``person``'s participant cookie (created by the services)."""
    from trajectoires.foresight.participation import hash_token

    client = TestClient(app)
    token = f"token-{person.id}"
    with f.session(db) as s, s.begin():
        s.get(Participant, person.id).token_hash = hash_token(token)
    client.cookies.set(f"trajectoires_participant_{person.workshop_id}", token)
    return client


def test_api_returns_groups_under_opaque_ids(settings: Settings, database: Database) -> None:
    debate = f.debate_with_blocs(database)
    client = TestClient(_app(settings, database))
    data = client.get(f"/api/v1/workshops/{debate.workshop.slug}/opinions").json()
    assert data["ready"] is True and data["thresholds"] == {"min_votes": 7}
    assert data["n_votes"] == 128 and data["n_participants"] == 16
    assert sorted(g["id"] for g in data["groups"]) == ["A", "B"]
    assert sorted(g["size"] for g in data["groups"]) == [8, 8]
    assert {p["group"] for p in data["participants"]} == {"A", "B"}
    assert all(len(p["id"]) == 12 and "Bloc" not in p["id"] for p in data["participants"])
    assert data["consensus"][0]["text"] == "Proposition numéro 0"
    assert data["groups"][0]["representative"][0]["direction"] in ("agree", "disagree")
    schema = client.get("/api/v1/openapi.json").json()
    assert "/api/v1/workshops/{slug}/opinions" in schema["paths"]
    assert "OpinionsOut" in schema["components"]["schemas"]
    assert client.get("/api/v1/workshops/inconnu/opinions").status_code == 404


def test_waiting_note_until_enough_votes(settings: Settings, database: Database) -> None:
    debate = f.debate_with_blocs(database, per_bloc=3, n_statements=4)
    client = TestClient(_app(settings, database))
    html = " ".join(client.get(f"/ateliers/{debate.workshop.slug}").text.split())
    assert "Les groupes apparaîtront quand au moins 7 participants auront voté sur 7" in html
    assert 'id="opinion-groups"' not in html
    data = client.get(f"/api/v1/workshops/{debate.workshop.slug}/opinions").json()
    assert data["ready"] is False and data["groups"] == [] and len(data["participants"]) == 6
    assert all(p["group"] is None for p in data["participants"])
    assert 'class="group-centre"' not in html and 'data-group="' not in html


def test_participant_sees_own_dot_group_and_statements(
    settings: Settings, database: Database
) -> None:
    debate = f.debate_with_blocs(database)
    app = _app(settings, database)
    me = debate.blocs[1][2]
    html = " ".join(_as(app, database, me).get(f"/ateliers/{debate.workshop.slug}").text.split())
    service = _service(app)
    oid = service.viewer_id(debate.workshop.id, me.id)
    group = service.latest(debate.workshop.id).result.group_of(me.id)
    letter = "AB"[group]
    assert f'data-opinion-id="{oid}"' in html
    assert 'class="me"' in html and ">Vous</text>" in html
    assert f"Vous êtes dans le groupe {letter}." in html
    assert "Points de consensus" in html
    assert "« Proposition numéro 0 » — 100 % pour (16 pour, 0 contre, 0 passe)" in html
    assert f"— le groupe {letter} est 100 % " in html
    assert '<table id="opinion-groups"' in html and "Groupe A" in html
    assert 'role="img"' in html and "style=" not in html


def test_facilitator_sees_meta_and_exports_polis(
    settings: Settings, database: Database, tmp_path: Path
) -> None:
    owner = f.facilitator(database)
    debate = f.debate_with_blocs(database, owner=owner)
    app = _app(settings, database)
    client = TestClient(app)
    assert f.login(client).status_code == 303
    slug = debate.workshop.slug
    html = " ".join(client.get(f"/ateliers/{slug}/animer").text.split())
    assert "Carte des opinions" in html and 'id="opinions-meta"' in html
    assert "128 votes de 16 participants" in html and 'id="export-polis"' in html
    computed = datetime.fromisoformat(re.search(r'data-computed-at="([^"]+)"', html).group(1))
    paris = computed.astimezone(ZoneInfo("Europe/Paris")).strftime("%H:%M:%S")
    assert f"à {paris} (" in html and " UTC" not in html  # the hall's time, not UTC
    response = client.get(f"/ateliers/{slug}/export/polis.zip")
    assert response.status_code == 200 and response.headers["content-type"] == "application/zip"
    zipfile.ZipFile(io.BytesIO(response.content)).extractall(tmp_path)
    back = read_polis(tmp_path)
    assert back.votes.n_votes == 128 and back.votes.shape == (16, 8)
    anyone = TestClient(app)
    assert anyone.get(f"/ateliers/{slug}/export/polis.zip", follow_redirects=False
                      ).status_code == 303


def test_service_coalesces_and_publishes(settings: Settings, database: Database) -> None:
    debate = f.debate_with_blocs(database)
    app = _app(settings, database)
    hub = LiveHub(counts=lambda ids: {})
    render = partial(render_body, app.state.templates)
    service = OpinionService(database, hub, opinion_key("secret"), render, interval=0.3)
    wid = debate.workshop.id

    async def scenario() -> None:
        hub.start()
        with hub.subscribe(wid) as sub:
            for _ in range(50):  # a burst of vote messages
                service.changed(wid, "votes")
            first = await asyncio.wait_for(sub.queue.get(), 10)
            assert first.kind == "opinions" and first.data["version"] == 1
            assert first.data["ready"] and 'id="opinions-body"' in first.data["html"]
            for _ in range(50):  # more votes while the next one waits for the interval
                service.changed(wid, "votes")
            second = await asyncio.wait_for(sub.queue.get(), 10)
            assert second.data["version"] == 2
            await asyncio.sleep(0.5)
            assert sub.queue.empty() and service.computations == 2
            service.changed(wid, "status")  # not a trigger
            await asyncio.sleep(0.4)
            assert service.computations == 2
        service.changed(wid, "votes")  # nobody listening: the next reader computes
        await asyncio.sleep(0.4)
        assert service.computations == 2

    try:
        asyncio.run(asyncio.wait_for(scenario(), 30))
    finally:
        service.close()
    assert service.latest(wid).version == 3


def test_many_streams_space_the_maps_by_their_bytes(
    settings: Settings, database: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The section goes to every stream: 20 streams × its size set the next one's delay."""
    from trajectoires.web.workshops.kinds.debate import service as module

    debate = f.debate_with_blocs(database)
    app = _app(settings, database)
    hub = LiveHub(counts=lambda ids: {})
    service = OpinionService(database, hub, opinion_key("secret"),
                             partial(render_body, app.state.templates), interval=0.05)
    wid = debate.workshop.id

    async def scenario() -> float:
        hub.start()
        with contextlib.ExitStack() as streams:
            subs = [streams.enter_context(hub.subscribe(wid)) for _ in range(20)]
            service.changed(wid, "votes")
            first = await asyncio.wait_for(subs[0].queue.get(), 10)
            monkeypatch.setattr(module, "FANOUT_BYTES_PER_SECOND",
                                20 * len(first.data["html"]) / 30)  # 30 s for 20 streams
            service.changed(wid, "votes")
            timer = service._debate(wid).timer
            return timer.when() - asyncio.get_running_loop().time()

    try:
        delay = asyncio.run(asyncio.wait_for(scenario(), 30))
    finally:
        service.close()
    assert 25 < delay <= 30  # not the 0.05 s interval


def test_sse_opinions_event_after_votes(server, database: Database) -> None:  # noqa: F811
    base, app = server
    _service(app).interval = 0.1
    debate = f.debate_with_blocs(database)
    newcomer = _join(base, debate.workshop.join_code, "Nouvelle")
    slug = debate.workshop.slug
    with httpx.Client(base_url=base, timeout=10) as watcher, watcher.stream(
        "GET", f"/ateliers/{slug}/flux"
    ) as response:
        sid = debate.statements[2]
        assert newcomer.post(f"/api/v1/workshops/{slug}/statements/{sid}/vote",
                             json={"value": 1}).status_code == 200
        kind, data = next(e for e in _events(response) if e[0] == "opinions")
        assert data["n_votes"] == 129 and data["n_participants"] == 17 and data["groups"] == 2
        assert "data-participant=" in data["html"] and 'class="me"' not in data["html"]
    newcomer.close()


def _big_debate(db: Database, participants: int = 1500, statements: int = 60) -> str:
    """A large debate written straight into the tables (fast), two blocs with noise."""
    ws = f.workshop(db)
    rng = np.random.default_rng(1)
    now = utcnow()
    with f.session(db) as s, s.begin():
        s.execute(insert(Participant), [
            {"id": 100_000 + i, "workshop_id": ws.id, "pseudonym": f"p{i}",
             "pseudonym_key": f"p{i}", "token_hash": f"h{ws.id}-{i}", "created_at": now}
            for i in range(participants)])
        s.execute(insert(Contribution), [
            {"id": 100_000 + j, "workshop_id": ws.id, "participant_id": 100_000, "text": f"s{j}",
             "type": "statement", "payload": {"text": f"s{j}"}, "status": "visible",
             "on_paper": False, "created_at": now, "updated_at": now}
            for j in range(statements)])
        bloc = rng.integers(0, 2, participants)
        rows = []
        for i in range(1, participants):
            for j in np.flatnonzero(rng.random(statements) < 0.7):
                value = 1 if (j % 2 == bloc[i]) else -1
                rows.append({"participant_id": 100_000 + i, "contribution_id": 100_000 + int(j),
                             "value": value if rng.random() > 0.1 else 0, "updated_at": now})
        s.execute(insert(Vote), rows)
    return ws.slug


def test_computation_does_not_block_the_event_loop(server, database: Database) -> None:  # noqa: F811
    """Requests sent during a long computation are answered before it ends.

    An order of events, not a duration: with the computation on the event loop,
    every request sent meanwhile would wait for it and be answered after it.
    """
    base, _app_ = server
    slug = _big_debate(database)
    done: dict[str, float] = {}

    def compute() -> None:
        reply = httpx.get(f"{base}/api/v1/workshops/{slug}/opinions", timeout=60)
        done["at"] = time.perf_counter()
        assert reply.status_code == 200 and reply.json()["n_participants"] > 1000

    worker = threading.Thread(target=compute)
    worker.start()
    answered = []
    with httpx.Client(base_url=base, timeout=30) as client:
        while worker.is_alive():
            assert client.get(f"/api/v1/workshops/{slug}").status_code == 200
            answered.append(time.perf_counter())
    worker.join()
    before = sum(at < done["at"] for at in answered)
    print(f"{before} of {len(answered)} GETs answered before the computation ended")
    assert before >= 3, (before, len(answered))


@pytest.fixture(autouse=True)
def _quiet() -> None:
    """Each test builds its own app and service: nothing shared."""


def test_restart_or_second_process_rebuilds_from_the_database(
    settings: Settings, database: Database
) -> None:
    """A new app on the same database (a restart, or another server process) agrees."""
    debate = f.debate_with_blocs(database)
    path = f"/api/v1/workshops/{debate.workshop.slug}/opinions"
    first = TestClient(_app(settings, database)).get(path).json()
    second = TestClient(_app(settings, database)).get(path).json()
    assert second["version"] == 1 and second["n_votes"] == first["n_votes"] == 128
    assert second["participants"] == first["participants"]
    assert second["groups"] == first["groups"]
