"""The login and write throttles kept in the database (what several processes share).

Run on both databases: on PostgreSQL the application uses them (``create_app`` picks
them there); the counting is the same code on SQLite.
"""

from __future__ import annotations

import pytest
from sqlalchemy import select

from trajectoires.db import Database, counters
from trajectoires.web.auth import DatabaseLoginThrottle, build_login_throttle
from trajectoires.web.workshops.throttle import DatabaseWriteThrottle, build_write_throttle

pytestmark = pytest.mark.db


def test_login_window_slides_and_success_forgets_the_email(database: Database) -> None:
    throttle = DatabaseLoginThrottle(database, limit=2, window=10.0)
    keys = ["email:lea@example.org", "ip:10.0.0.1"]
    throttle.failed(keys, now=100.0)
    assert throttle.retry_after(keys, now=101.0) == 0
    throttle.failed(keys, now=101.0)
    assert throttle.retry_after(keys, now=102.0) == 9
    assert throttle.retry_after(["email:max@example.org"], now=102.0) == 0
    assert throttle.retry_after(keys, now=111.5) == 0
    throttle.succeeded(keys)
    assert throttle.retry_after(["email:lea@example.org"], now=102.0) == 0
    assert throttle.retry_after(["ip:10.0.0.1"], now=102.0) == 9  # the address still waits
    with database.session() as session:
        stored = session.scalars(select(counters.RateCounter.key)).all()
    assert stored and not any("@" in key for key in stored)


def test_write_pruning_keeps_the_login_counts(database: Database) -> None:
    login = DatabaseLoginThrottle(database, limit=1, window=300.0)
    login.failed(["ip:10.0.0.2"], now=1000.0)
    writes = DatabaseWriteThrottle(database, per_participant=2, per_address=0)
    assert writes.admit(["participant:a"], "10.0.0.2", now=1000.0) == 0
    with database.session() as session:
        assert counters.prune(session, 1100.0, 60.0, "write:") == 1
    assert login.retry_after(["ip:10.0.0.2"], now=1100.0) == 201  # counted to the second


def test_each_database_gets_its_throttles(database: Database, settings) -> None:
    shared = not database.is_sqlite
    assert isinstance(build_write_throttle(settings, database), DatabaseWriteThrottle) is shared
    assert isinstance(build_login_throttle(database), DatabaseLoginThrottle) is shared


def test_write_window_in_one_call_matches_the_transaction(database: Database) -> None:
    # The same sequence through the throttle (one database call on PostgreSQL) and
    # through counters.admit in a transaction: the same answers.
    throttle = DatabaseWriteThrottle(database, per_participant=2, per_address=3, window=60.0)
    answers = [throttle.admit(["p:a"], "10.0.0.9", now=t) for t in (100.0, 101.5, 102.0)]
    answers += [throttle.admit([p], "10.0.0.9", now=103.0) for p in ("p:b", "p:c")]
    answers.append(throttle.admit(["p:a"], "10.0.0.9", now=161.0))
    assert answers == [0, 0, 59, 0, 58, 0]
    with database.session() as session:
        expected = [counters.admit(session, [(f"x:{p}", 2), ("x:ip", 3)], now=t)
                    for p, t in (("a", 100.0), ("a", 101.5), ("a", 102.0), ("b", 103.0),
                                 ("c", 103.0), ("a", 161.0))]
    assert answers == expected


def test_a_write_is_admitted_in_one_statement(database: Database) -> None:
    # Every phone of a hall counts against its address's lock: on PostgreSQL it is held
    # for one call of rate_counter_admit, not across the statements of a transaction
    # (two locks, a read, two upserts and the commit: the throttle halved the writes per
    # second of a server under 500 participants).
    if database.is_sqlite:
        pytest.skip("SQLite counts writes in the server's memory")
    from sqlalchemy import event

    statements: list[str] = []

    def seen(_conn, _cursor, statement, *_args) -> None:  # noqa: ANN001
        statements.append(statement)

    event.listen(database.engine, "before_cursor_execute", seen)
    try:
        throttle = DatabaseWriteThrottle(database, per_participant=60, per_address=12000)
        assert throttle.admit(["participant:x"], "10.0.0.3", now=500.0) == 0
    finally:
        event.remove(database.engine, "before_cursor_execute", seen)
    assert len(statements) == 1 and "rate_counter_admit" in statements[0]
