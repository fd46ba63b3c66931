"""Web clients on a workspace with the real shared files imported, or on an empty one.

``client`` and ``empty_client`` are module-scoped: each test module that asks for
them gets its own workspace; a module defining its own ``client`` overrides them.
"""

from __future__ import annotations

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from tests.diagnosis.workspace import require_shared_data, workspace
from tests.foresight import factories as f
from trajectoires.db import Database
from trajectoires.settings import Settings
from trajectoires.web.app import create_app
from trajectoires.web.territory.deps import install_reference


def client_for(ws, reference) -> TestClient:
    """An in-process client of the web app on the workspace ``ws``."""
    settings = Settings.from_env({}, workspace=str(ws.path), database_url=ws.database_url)
    app = create_app(settings, ws.database)
    install_reference(app, reference)
    return TestClient(app)


@pytest.fixture(scope="module")
def client(territory_reference, tmp_path_factory, request):
    """A client on the real files imported (skips with the reason when they are absent)."""
    require_shared_data()
    name = f"web-{request.module.__name__.rsplit('.', 1)[-1]}"
    with workspace(tmp_path_factory.mktemp(name), territory_reference, load=True) as ws:
        yield client_for(ws, territory_reference)


@pytest.fixture(scope="module")
def empty_client(territory_reference, tmp_path_factory):
    """A client on a workspace where nothing is imported (the demo's state)."""
    with workspace(tmp_path_factory.mktemp("web-empty"), territory_reference,
                   load=False) as ws:
        yield client_for(ws, territory_reference)


@pytest.fixture
def app(settings: Settings, database: Database) -> FastAPI:
    """The application on a fresh database, with the small fixture reference of places."""
    return f.make_app(settings, database)
