"""Sliding-window counters kept in the database, shared by every server process.

The write throttle of the workshops (and the login throttle) count per key — a
participant, a client address, an e-mail — how many times something happened in the
last ``window`` seconds. With several server processes on PostgreSQL, a count kept in
one process's memory lets a participant send ``N`` times the limit across ``N``
processes; these counters live in the table ``rate_counter`` instead, one row per key
and second (so a key costs at most ``window`` rows, whatever its rate).

:func:`admit` checks the limits and counts one in the same transaction. On PostgreSQL
it first takes a transaction-level advisory lock per key (in a fixed order, so two
writers never wait on each other crosswise): two processes admitting the same
participant at the same instant are served one after the other, and the limit holds
exactly. The window is exact to the second: the wait returned is the time until the
oldest counted second leaves it. :func:`admit_at_once` does the same in one call of the
database function ``rate_counter_admit`` (PostgreSQL), its own transaction: the locks
are held while it runs, not across the round trips of a transaction (the write
throttle, where every phone of a hall shares its address's key).

Examples
--------
>>> import tempfile, pathlib
>>> from trajectoires.db import create_database, migrate
>>> db = create_database(f"sqlite:///{pathlib.Path(tempfile.mkdtemp()) / 'c.sqlite'}")
>>> migrate(db)
>>> with db.session() as session:
...     [admit(session, [("p:a", 2), ("ip:1", 3)], now=t) for t in (100.0, 101.5, 102.0)]
[0, 0, 59]
>>> with db.session() as session:  # the refused write was not counted
...     [admit(session, [(p, 2), ("ip:1", 3)], now=103.0) for p in ("p:b", "p:c")]
[0, 58]
>>> with db.session() as session:
...     admit(session, [("p:a", 2)], now=161.0), waits(session, [("p:a", 1)], now=161.0)
(0, 60)

"""

from __future__ import annotations

import zlib
from collections.abc import Sequence

from sqlalchemy import BigInteger, Connection, Integer, String, delete, select, text
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Mapped, Session, mapped_column

from trajectoires.db.base import Base

__all__ = ["KEY_MAX_LENGTH", "RateCounter", "admit", "admit_at_once", "count", "forget", "prune",
           "waits"]

KEY_MAX_LENGTH = 120
_LOCK_NAMESPACE = 0x54524A  # "TRJ": the advisory locks of these counters
Limits = Sequence[tuple[str, int]]


class RateCounter(Base):
    """How many times ``key`` was counted during the second ``second`` (Unix time)."""

    __tablename__ = "rate_counter"

    key: Mapped[str] = mapped_column(String(KEY_MAX_LENGTH), primary_key=True)
    second: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    n: Mapped[int] = mapped_column(Integer, nullable=False, default=0)


def _lock_id(key: str) -> int:
    """Return the advisory lock of ``key`` (a 32-bit integer in :data:`_LOCK_NAMESPACE`)."""
    return zlib.crc32(key.encode()) - 2**31


def _lock(session: Session, keys: Sequence[str]) -> None:
    """Serialise the transactions counting any of ``keys`` (PostgreSQL; SQLite has one writer)."""
    if session.get_bind().dialect.name != "postgresql":
        return
    for key in sorted(set(keys)):
        session.execute(text("SELECT pg_advisory_xact_lock(:space, :key)"),
                        {"space": _LOCK_NAMESPACE, "key": _lock_id(key)})


def waits(session: Session, limits: Limits, now: float, window: float = 60.0) -> int:
    """Seconds until every ``(key, limit)`` allows one more (0: allowed now).

    A limit of 0 or less is no limit.
    """
    limited = {key[:KEY_MAX_LENGTH]: limit for key, limit in limits if limit > 0}
    if not limited:
        return 0
    rows = session.execute(
        select(RateCounter.key, RateCounter.second, RateCounter.n)
        .where(RateCounter.key.in_(limited), RateCounter.second > now - window - 1)
        .order_by(RateCounter.key, RateCounter.second.desc())
    ).all()
    wait, totals = 0.0, dict.fromkeys(limited, 0)
    for key, second, n in rows:
        before = totals[key]
        totals[key] += n
        if before < limited[key] <= totals[key]:  # the limit-th most recent is in ``second``
            # its writes happened in [second, second + 1), and not after now
            wait = max(wait, min(second + 1, now) + window - now)
    return max(1, int(wait + 0.999)) if wait > 0 else 0


def count(session: Session, keys: Sequence[str], now: float) -> None:
    """Count one for each of ``keys`` at time ``now``."""
    second = int(now)
    insert = (postgresql.insert if session.get_bind().dialect.name == "postgresql"
              else sqlite.insert)
    for key in sorted({key[:KEY_MAX_LENGTH] for key in keys}):
        statement = insert(RateCounter).values(key=key, second=second, n=1)
        session.execute(statement.on_conflict_do_update(
            index_elements=[RateCounter.key, RateCounter.second],
            set_={"n": RateCounter.n + 1},
        ))


def admit(session: Session, limits: Limits, now: float, window: float = 60.0) -> int:
    """Count one for every key if all limits allow it (return 0), else return the wait.

    Refused attempts are not counted. Call it inside a transaction the caller commits.
    """
    keys = [key for key, limit in limits if limit > 0]
    if not keys:
        return 0
    _lock(session, keys)
    wait = waits(session, limits, now, window)
    if not wait:
        count(session, keys, now)
    return wait


_ADMIT = text("SELECT rate_counter_admit(:keys, :limits, :locks, :space, :now, :window)")


def admit_at_once(connection: Connection, limits: Limits, now: float,
                  window: float = 60.0) -> int:
    """:func:`admit` in one call of the database's ``rate_counter_admit`` (PostgreSQL).

    Run it on a connection in autocommit mode: the call is its own transaction, so the
    keys' advisory locks are held while the function runs in the database, not across
    the round trips of a transaction (every write of a hall shares its address's key;
    migration ``0013_rate_counter_admit``).
    """
    limited: dict[str, int] = {}
    for key, limit in limits:
        if limit > 0:
            stored = key[:KEY_MAX_LENGTH]
            limited[stored] = min(limit, limited.get(stored, limit))
    if not limited:
        return 0
    keys = sorted(limited)
    return connection.execute(_ADMIT, {
        "keys": keys, "limits": [limited[key] for key in keys],
        "locks": [_lock_id(key) for key in keys], "space": _LOCK_NAMESPACE,
        "now": now, "window": window,
    }).scalar_one()


def forget(session: Session, keys: Sequence[str]) -> None:
    """Delete the counts of ``keys`` (after a successful login, the e-mail's failures)."""
    session.execute(delete(RateCounter).where(
        RateCounter.key.in_([key[:KEY_MAX_LENGTH] for key in keys])))


def prune(session: Session, now: float, window: float, prefix: str) -> int:
    """Delete the seconds older than ``window`` of the keys starting with ``prefix``.

    Each user of the table prunes its own keys with its own window. Returns how many
    rows went.
    """
    result = session.execute(delete(RateCounter).where(
        RateCounter.key.startswith(prefix, autoescape=True),
        RateCounter.second < now - window - 1))
    return result.rowcount or 0
