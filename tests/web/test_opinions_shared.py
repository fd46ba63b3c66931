"""Opinion groups computed once for every server process (PostgreSQL).

Two applications on one database stand for two server processes: the first reader
computes and stores the snapshot (under the workshop's advisory lock), the other
process's reader takes it from the database without computing; after a new vote,
whichever process reads first computes, the other adopts its result, warm-started
from the stored one (same group numbers). On SQLite the server is one process and
nothing is stored, so these tests skip there.
"""

from __future__ import annotations

import asyncio

import pytest
import sqlalchemy
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import sessionmaker

from tests.foresight import factories as f
from trajectoires.db import Database
from trajectoires.foresight import voting
from trajectoires.foresight.kinds.debate.models import StoredOpinions
from trajectoires.settings import Settings
from trajectoires.web.workshops.kinds.debate.service import OpinionService

pytestmark = pytest.mark.db


def _service(app: FastAPI) -> OpinionService:
    return app.state.kind_services["debate"]


def _heard(*services: OpinionService, workshop_id: int) -> None:
    """Every process hears of a vote through the live bus (as ``LiveHub`` delivers it)."""
    async def hear() -> None:
        for service in services:
            service.changed(workshop_id, "votes")

    asyncio.run(hear())


def test_one_computation_serves_every_process(settings: Settings, database: Database) -> None:
    if database.is_sqlite:
        pytest.skip("SQLite is served by one process: its opinion snapshots are not shared")
    debate = f.debate_with_blocs(database)
    wid, path = debate.workshop.id, f"/api/v1/workshops/{debate.workshop.slug}/opinions"
    first, second = f.make_app(settings, database), f.make_app(settings, database)
    a, b = _service(first), _service(second)

    on_a = TestClient(first).get(path).json()
    on_b = TestClient(second).get(path).json()
    assert (a.computations, b.computations) == (1, 0)
    assert on_b == on_a and on_a["version"] == 1 and on_a["ready"]

    newcomer = f.join(database, debate.workshop, "Nouvelle").participant
    with f.session(database) as s:
        voting.vote(s, newcomer, debate.statements[0], 1)
    _heard(a, b, workshop_id=wid)
    on_b = TestClient(second).get(path).json()  # B's reader computes, warm from A's result
    on_a = TestClient(first).get(path).json()  # A adopts it: the votes were read after
    assert (a.computations, b.computations) == (1, 1)
    assert on_a == on_b and on_a["version"] == 2 and on_a["n_votes"] == 129
    assert [g["id"] for g in on_a["groups"]] == ["A", "B"]
    with f.session(database) as s:
        assert s.scalar(select(func.count()).select_from(StoredOpinions)) == 1


def test_a_computation_holds_one_connection(settings: Settings, database: Database) -> None:
    """A pool of one connection serves the opinions (#14).

    The computation read the votes on a second connection while its advisory lock's
    transaction held the first: with the pool exhausted by requests it waited for a
    connection it held itself (here at once, the pool being one connection).
    """
    if database.is_sqlite:
        pytest.skip("SQLite is served by one process: no advisory lock, no pool of PostgreSQL")
    debate = f.debate_with_blocs(database)
    engine = sqlalchemy.create_engine(database.engine.url, pool_size=1, max_overflow=0,
                                      pool_timeout=3)
    try:
        small = Database(engine, sessionmaker(engine, expire_on_commit=False))
        app = f.make_app(settings, small)
        answer = TestClient(app).get(f"/api/v1/workshops/{debate.workshop.slug}/opinions")
        assert answer.status_code == 200 and answer.json()["ready"]
        assert _service(app).computations == 1
        with f.session(database) as s:
            assert s.scalar(select(func.count()).select_from(StoredOpinions)) == 1
    finally:
        engine.dispose()
