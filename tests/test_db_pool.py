"""PostgreSQL connections: a pool that fits its setting, no ping per checkout, no leak (#14).

The clean-clone test run of 2026-12-03 failed with « too many clients already »: every
in-process application of the tests kept the live bus's notifying connection open after
its database was disposed (61 idle backends, last query ``SELECT pg_notify``).
"""

from __future__ import annotations

import threading
import time

import pytest
import sqlalchemy
from fastapi.testclient import TestClient

from trajectoires.commands.server import warn_connection_budget
from trajectoires.db import Database, create_database
from trajectoires.settings import Settings, SettingsError
from trajectoires.web.app import create_app
from trajectoires.web.workshops.events import make_hub

pytestmark = pytest.mark.db

POOL = 12
"""The pool of the burst test: more than a burst needs, so none is opened twice."""
BURST = 10


@pytest.fixture
def pg(database: Database) -> Database:
    if database.is_sqlite:
        pytest.skip("PostgreSQL's connection pool (set TRAJECTOIRES_TEST_DATABASE_URL)")
    return database


def _backends(database: Database, pids: list[int]) -> set[int]:
    """The backends among ``pids`` that PostgreSQL still runs (read on a fresh connection)."""
    admin = sqlalchemy.create_engine(database.engine.url, poolclass=sqlalchemy.NullPool)
    try:
        with admin.connect() as connection:
            rows = connection.execute(sqlalchemy.text(
                "select pid from pg_stat_activity where pid = any(:pids)"), {"pids": pids})
            return {row.pid for row in rows}
    finally:
        admin.dispose()


def _burst_backends(database: Database, waves: int) -> set[int]:
    """``BURST`` threads hold a connection together, ``waves`` times; the backends seen."""
    seen: set[int] = set()
    barrier = threading.Barrier(BURST)

    def hold() -> None:
        for _ in range(waves):
            with database.engine.connect() as connection:
                seen.add(connection.execute(sqlalchemy.text("select pg_backend_pid()")).scalar())
                barrier.wait(30)  # the burst's connections are out together
            barrier.wait(30)  # all are back in the pool before the next wave

    threads = [threading.Thread(target=hold) for _ in range(BURST)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return seen


def test_bursts_reuse_the_pools_connections(pg: Database) -> None:
    database = create_database(pg.engine.url.render_as_string(hide_password=False),
                               pool_size=POOL, pool_overflow=5)
    try:
        seen = _burst_backends(database, waves=3)
    finally:
        database.engine.dispose()
    # A pool smaller than the burst opens a backend per request beyond it, every wave
    # (pool_size=2: 2 + 8 × 3 = 26 backends). Within the pool: at most one per connection.
    assert 1 <= len(seen) <= BURST


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
    finally:
        admin.dispose()
    for _ in range(100):  # the backend exits asynchronously
        if not _backends(pg, [old]):
            break
        time.sleep(0.05)
    with pg.engine.connect() as connection:  # no error: the pool took another connection
        new = connection.execute(sqlalchemy.text("select pg_backend_pid()")).scalar()
    assert new != old


def test_the_live_bus_closes_its_connection_with_the_database(pg: Database) -> None:
    database = create_database(pg.engine.url.render_as_string(hide_password=False))
    hub = make_hub(database)
    hub.publish(1, "statement", {"id": 7})  # opens the notifying connection
    sender = hub.bus._sender
    pid = sender.info.backend_pid
    assert _backends(pg, [pid])
    database.engine.dispose()
    assert sender.closed
    for _ in range(100):
        if not _backends(pg, [pid]):
            return
        time.sleep(0.05)
    pytest.fail("the notifying connection outlived its database")


def test_an_app_closes_the_database_it_opened(settings: Settings) -> None:
    app = create_app(settings)  # opens its own database
    with TestClient(app) as client:
        assert client.get("/").status_code == 200
        assert app.state.db.engine.pool.checkedin() >= 1
    assert app.state.db.engine.pool.checkedin() == 0  # disposed at shutdown


def test_the_server_warns_when_its_processes_may_pass_max_connections(
    pg: Database, settings: Settings, capsys: pytest.CaptureFixture[str]
) -> None:
    with pg.engine.connect() as connection:
        limit = int(connection.execute(sqlalchemy.text("show max_connections")).scalar())
    assert not warn_connection_budget(pg, settings, workers=1)
    assert warn_connection_budget(pg, settings, workers=limit // 40 + 1)
    assert "max_connections" in capsys.readouterr().err


def test_pool_settings_are_checked() -> None:
    assert Settings.from_env({"TRAJECTOIRES_DATABASE_POOL_SIZE": "5"}).database_pool_size == 5
    with pytest.raises(SettingsError, match="TRAJECTOIRES_DATABASE_POOL_SIZE.*au moins 1"):
        Settings.from_env({"TRAJECTOIRES_DATABASE_POOL_SIZE": "0"})
    with pytest.raises(SettingsError, match="POOL_OVERFLOW.*nombre de connexions"):
        Settings.from_env({"TRAJECTOIRES_DATABASE_POOL_OVERFLOW": "beaucoup"})
