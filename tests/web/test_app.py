"""The composition root and the lifespan: everything built once, every thread stopped at the end."""

from __future__ import annotations

import asyncio
import re
import threading
import time

from fastapi import FastAPI
from fastapi.testclient import TestClient

from tests.foresight import factories as f
from trajectoires.db import Database
from trajectoires.settings import Settings
from trajectoires.web.auth import DatabaseLoginThrottle, LoginThrottle
from trajectoires.web.workshops.kinds.debate.service import OpinionService
from trajectoires.web.workshops.live import LiveHub


def test_create_app_builds_the_shared_state_once(settings: Settings, database: Database) -> None:
    app = f.make_app(settings, database)
    state = app.state
    assert isinstance(state.live, LiveHub)
    assert isinstance(state.login_throttle, (LoginThrottle, DatabaseLoginThrottle))
    assert "debate" in state.web_kinds
    assert isinstance(state.kind_services["debate"], OpinionService)
    assert state.diagnoses == {} and state.indicator_profile is None
    client = TestClient(app)  # the debate's routes are mounted at their usual paths
    assert "/api/v1/workshops/{slug}/opinions" in client.get("/api/v1/openapi.json").json()[
        "paths"]
    export = client.get("/ateliers/x/export/polis.zip", follow_redirects=False)
    assert export.status_code == 303 and export.headers["location"].startswith("/connexion")
    docs = client.get("/api/docs")  # Swagger UI from the package, not from a CDN
    assert docs.status_code == 200 and "cdn" not in docs.text and 'lang="fr"' in docs.text
    for asset in ("swagger-ui-bundle.js", "swagger-ui.css"):
        assert f"/api/docs/static/{asset}" in docs.text
        assert client.get(f"/api/docs/static/{asset}").status_code == 200


async def _recompute_while_watched(app: FastAPI, workshop_id: int) -> str:
    """On the app's loop: a statement goes through the bus; the opinions event follows."""
    hub: LiveHub = app.state.live
    with hub.subscribe(workshop_id) as subscription:
        await asyncio.to_thread(hub.publish, workshop_id, "statement", {"id": 0})
        while True:
            event = await asyncio.wait_for(subscription.queue.get(), 20)
            if event.kind == "opinions":
                return event.kind


def _started_since(before: set[int]) -> list[threading.Thread]:
    return [t for t in threading.enumerate() if t.ident not in before and t.is_alive()]


def test_lifespan_stops_the_bus_and_the_opinion_workers(
    settings: Settings, database: Database
) -> None:
    """After ``with TestClient(app)``, no thread the app started is left; it can start again."""
    debate = f.debate_with_blocs(database, per_bloc=4, n_statements=4)
    app = f.make_app(settings, database)
    app.state.kind_services["debate"].interval = 0.0
    before = {t.ident for t in threading.enumerate()}
    for _run in range(2):  # a second lifespan on the same app listens again
        with TestClient(app) as client:
            assert client.portal.call(_recompute_while_watched, app, debate.workshop.id)
            slug = debate.workshop.slug
            assert client.get(f"/api/v1/workshops/{slug}/opinions").status_code == 200
            names = [t.name for t in _started_since(before)]
            assert any(name.startswith("trajectoires-opinions") for name in names), names
            if not database.is_sqlite:
                assert "trajectoires-live-listen" in names
        deadline = time.monotonic() + 10
        while _started_since(before) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert _started_since(before) == []


def test_every_page_names_an_icon_the_app_serves(settings: Settings, database: Database) -> None:
    """Without a declared icon the browser asks /favicon.ico: a 404 in the console of each
    first visit (seen on every page of the demo)."""
    client = TestClient(f.make_app(settings, database))
    for path in ("/", "/rejoindre", "/page-qui-n-existe-pas"):
        page = client.get(path)
        icon = re.search(r'<link rel="icon" href="([^"]+)" type="image/svg\+xml">', page.text)
        assert icon is not None, f"{path}: no icon declared"
        served = client.get(icon.group(1))
        assert served.status_code == 200 and served.headers["content-type"].startswith(
            "image/svg+xml") and served.text.startswith("<svg"), path
