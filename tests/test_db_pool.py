"""PostgreSQL connection pool: no connection opened per burst, no round trip per checkout (#14)."""

from __future__ import annotations

import threading
import time

import pytest
import sqlalchemy

from trajectoires.db import Database

pytestmark = pytest.mark.db

BURST = 25
"""Requests using the database at once: more than the old pool of 10, fewer than the new."""


@pytest.fixture
def pg(database: Database) -> Database:
    if database.is_sqlite:
        pytest.skip("PostgreSQL's connection pool (set TRAJECTOIRES_TEST_DATABASE_URL)")
    return database


def _backend_pids(database: Database, waves: int) -> set[int]:
    """``BURST`` threads hold a connection at once, ``waves`` times; the backends seen."""
    seen: set[int] = set()
    barrier = threading.Barrier(BURST)

    def hold() -> None:
        for _ in range(waves):
            with database.engine.connect() as connection:
                seen.add(connection.execute(sqlalchemy.text("select pg_backend_pid()")).scalar())
                barrier.wait(10)  # all the burst's connections are out at once
            barrier.wait(10)  # all are back in the pool before the next wave

    threads = [threading.Thread(target=hold) for _ in range(BURST)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return seen


def test_bursts_reuse_the_pools_connections(pg: Database) -> None:
    # With a pool of 10 (+20), each burst of 25 opened 15 connections and closed them after:
    # a new PostgreSQL backend per request beyond 10 (55 backends for three bursts).
    assert len(_backend_pids(pg, waves=3)) == BURST


def test_checkout_does_not_ping(pg: Database, monkeypatch: pytest.MonkeyPatch) -> None:
    with pg.engine.connect() as connection:  # a connection in the pool
        connection.execute(sqlalchemy.text("select 1"))

    def no_ping(_dbapi_connection: object) -> bool:
        raise AssertionError("a round trip before the transaction")

    monkeypatch.setattr(pg.engine.dialect, "do_ping", no_ping)
    with pg.engine.connect() as connection:
        assert connection.execute(sqlalchemy.text("select 2")).scalar() == 2


def test_a_connection_the_server_ended_is_replaced_at_checkout(pg: Database) -> None:
    with pg.engine.connect() as connection:
        old = connection.execute(sqlalchemy.text("select pg_backend_pid()")).scalar()
    admin = sqlalchemy.create_engine(pg.engine.url, poolclass=sqlalchemy.NullPool)
    try:
        with admin.connect() as connection:
            connection.execute(sqlalchemy.text("select pg_terminate_backend(:pid)"), {"pid": old})
            for _ in range(100):  # the backend exits asynchronously
                gone = not connection.execute(sqlalchemy.text(
                    "select 1 from pg_stat_activity where pid = :pid"), {"pid": old}).first()
                if gone:
                    break
                time.sleep(0.05)
    finally:
        admin.dispose()
    with pg.engine.connect() as connection:  # no error: the pool took another connection
        new = connection.execute(sqlalchemy.text("select pg_backend_pid()")).scalar()
    assert new != old
