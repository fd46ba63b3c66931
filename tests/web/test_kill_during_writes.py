"""A server killed (SIGKILL) in the middle of writes loses no acknowledged write.

A real ``trajectoires serve`` process on the test's database (SQLite, or a fresh
PostgreSQL schema: both halves of ``make test``); twelve participants post statements
and vote as fast as they can; after about two seconds the server gets ``kill -9``. Every
statement answered 201 and every vote answered 200 must then be in the database, with
its text and value; the server starts again on the same database and serves them.
"""

from __future__ import annotations

import asyncio
import json
import os
import signal
import time
from pathlib import Path

import pytest
from bench._live import RawClient, free_port, join
from sqlalchemy import select

from tests.web._server import prepare, start, stop
from trajectoires.db import create_database
from trajectoires.foresight.models import Contribution, Participant, Vote

pytestmark = pytest.mark.db

PARTICIPANTS = 12
WRITING = 2.0  # seconds of writes before the kill


async def _write(client: RawClient, slug: str, name: str, acked: dict, stop_at: float) -> None:
    """Post a statement, vote on it, again, until the server dies; note what was acknowledged."""
    api, n = f"/api/v1/workshops/{slug}/statements", 0
    try:
        while True:
            text = f"Proposition {n} de {name}"
            status, body = await client.request("POST", api, {"text": text})
            if status == 201:
                statement = json.loads(body)["id"]
                acked["statements"][statement] = text
                value = (-1, 0, 1)[n % 3]
                status, _ = await client.request("POST", f"{api}/{statement}/vote",
                                                 {"value": value})
                if status == 200:
                    acked["votes"][(name, statement)] = value
            n += 1
            if time.monotonic() > stop_at + 30:
                return  # the kill never came: the test fails on its count below
    except (OSError, asyncio.IncompleteReadError, ValueError):
        return  # the connection died with the server


async def _run(pid: int, port: int, slug: str, code: str) -> dict:
    clients = [(f"P{i}", await join(port, code, f"P{i}")) for i in range(PARTICIPANTS)]
    acked: dict = {"statements": {}, "votes": {}}
    stop_at = time.monotonic() + WRITING
    writers = [asyncio.create_task(_write(c, slug, name, acked, stop_at)) for name, c in clients]
    await asyncio.sleep(WRITING)
    os.kill(pid, signal.SIGKILL)
    await asyncio.wait_for(asyncio.gather(*writers), 60)
    return acked


def test_every_acknowledged_write_survives_kill_9(database_url: str, tmp_path: Path) -> None:
    slug, code = prepare(database_url)
    port, workspace = free_port(), tmp_path / "workspace"
    server = start(database_url, workspace, port)
    try:
        acked = asyncio.run(_run(server.pid, port, slug, code))
    finally:
        server.kill()
        server.wait()
    assert len(acked["statements"]) >= PARTICIPANTS, "too few writes before the kill"

    db = create_database(database_url)
    with db.sessionmaker() as s:
        stored = dict(s.execute(select(Contribution.id, Contribution.text)).all())
        votes = {(name, statement): value for name, statement, value in s.execute(
            select(Participant.pseudonym, Vote.contribution_id, Vote.value)
            .join(Participant, Participant.id == Vote.participant_id)).all()}
    db.engine.dispose()
    assert {k: stored.get(k) for k in acked["statements"]} == acked["statements"]
    assert {k: votes.get(k) for k in acked["votes"]} == acked["votes"]

    again = start(database_url, workspace, port)  # the database opens again after the crash
    try:
        async def listed() -> set[int]:
            status, body = await RawClient(port).request(
                "GET", f"/api/v1/workshops/{slug}/statements")
            assert status == 200
            return {s["id"] for s in json.loads(body)}

        assert set(acked["statements"]) <= asyncio.run(listed())
    finally:
        stop(again)
