"""Engine, session factory and migrations.

Examples
--------
>>> import tempfile, pathlib
>>> url = f"sqlite:///{pathlib.Path(tempfile.mkdtemp()) / 'doc.sqlite'}"
>>> db = create_database(url)
>>> migrate(db)
>>> with db.session() as session:
...     session.execute(sqlalchemy.text("select 1")).scalar()
1

"""

from __future__ import annotations

import re
import select
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import sqlalchemy
from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlalchemy.exc import DisconnectionError
from sqlalchemy.orm import Session, sessionmaker

if TYPE_CHECKING:
    from alembic.config import Config

__all__ = ["LIVE_CONNECTIONS", "POOL_OVERFLOW", "POOL_SIZE", "Database", "connection_budget",
           "create_database", "head_revision", "migrate"]

MIGRATIONS_DIR = Path(__file__).parent / "migrations"
POOL_SIZE = 30
"""PostgreSQL connections kept open by default (setting ``database_pool_size``). As many
as the requests that use the database at once under load, so that a burst never opens
and closes connections: with a pool of 10, 500 participants at a human pace made the
pool open and close 24 connections a second (a new PostgreSQL backend each: 2.3 ms of
PostgreSQL CPU per vote instead of 1.0 ms, on the same cores as the server; #14)."""
POOL_OVERFLOW = 10
"""Connections opened beyond the pool at the peak by default, closed when they return."""
LIVE_CONNECTIONS = 2
"""PostgreSQL connections of a server process's live events: one listening, one notifying."""


@dataclass(frozen=True)
class Database:
    """An engine and its session factory."""

    engine: Engine
    sessionmaker: sessionmaker[Session]

    @property
    def is_sqlite(self) -> bool:
        """Whether the database is the embedded SQLite file."""
        return self.engine.dialect.name == "sqlite"

    @contextmanager
    def session(self) -> Iterator[Session]:
        """Open a session; commit on success, roll back on error."""
        with self.sessionmaker() as session, session.begin():
            yield session


def _tune_sqlite(dbapi_connection, _record) -> None:  # noqa: ANN001
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=5000")
    cursor.close()


def _check_alive(dbapi_connection, _record, _proxy) -> None:  # noqa: ANN001
    """Refuse a pooled PostgreSQL connection the server has closed, without a round trip.

    An idle connection has nothing to read: when its socket is readable (or closed), the
    server ended it (a restart, ``pg_terminate_backend``, an idle timeout) and sent its
    farewell. The pool then discards it and checks out another (SQLAlchemy's pessimistic
    disconnect handling). This replaces ``pool_pre_ping``, a ``SELECT 1`` round trip
    before every transaction (#14: 7-10 % of a vote's CPU in the server).
    """
    if dbapi_connection.closed or dbapi_connection.pgconn.status != 0:  # 0: CONNECTION_OK
        raise DisconnectionError("the connection is closed")
    poller = select.poll()  # not select.select: a server's descriptors pass 1,024
    poller.register(dbapi_connection.fileno(), select.POLLIN)
    if poller.poll(0):  # readable, or POLLHUP / POLLERR
        raise DisconnectionError("the server ended the connection")


def create_database(url: str, *, echo: bool = False, pool_size: int = POOL_SIZE,
                    pool_overflow: int = POOL_OVERFLOW) -> Database:
    """Create the engine for ``url`` (SQLite gets WAL mode and foreign keys).

    PostgreSQL gets a pool of ``pool_size`` connections kept open, plus ``pool_overflow``
    at the peak, each checked at checkout without a round trip (:func:`_check_alive`).
    The server passes its settings ``database_pool_size`` and ``database_pool_overflow``.
    """
    if url.startswith("sqlite"):
        path = url.split("///", 1)[-1]
        if path and path != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        engine = sqlalchemy.create_engine(
            url, echo=echo, connect_args={"check_same_thread": False, "timeout": 5}
        )
        event.listen(engine, "connect", _tune_sqlite)
    else:
        engine = sqlalchemy.create_engine(
            url, echo=echo, pool_size=pool_size, max_overflow=pool_overflow
        )
        event.listen(engine, "checkout", _check_alive)
    return Database(engine, sessionmaker(engine, expire_on_commit=False))


def connection_budget(database: Database, processes: int, pool: int) -> tuple[int, int, int]:
    """Return the connections ``processes`` servers may open, the server's limit, and each's.

    Each process may open its ``pool`` (size + overflow) and :data:`LIVE_CONNECTIONS`;
    PostgreSQL accepts ``max_connections`` less those it reserves for superusers, and
    refuses the others (« too many clients already »).
    """
    with database.engine.connect() as connection:
        def show(name: str) -> int:
            return int(connection.execute(sqlalchemy.text(f"show {name}")).scalar())

        available = show("max_connections") - show("superuser_reserved_connections")
    per_process = pool + LIVE_CONNECTIONS
    return processes * per_process, available, per_process


_REVISION_LINE = re.compile(r"^(down_)?revision\b[^=]*=\s*['\"]?([\w.-]+|None)['\"]?", re.M)


def head_revision() -> str | None:
    """Return the latest migration, read from the migration files without importing Alembic.

    The revision that no other migration names as its ``down_revision`` (a test
    checks that Alembic agrees).

    Examples
    --------
    >>> head_revision() is not None
    True

    """
    revisions, parents = set(), set()
    for path in (MIGRATIONS_DIR / "versions").glob("*.py"):
        for is_parent, name in _REVISION_LINE.findall(path.read_text(encoding="utf-8")):
            (parents if is_parent else revisions).add(name)
    heads = revisions - parents
    return heads.pop() if len(heads) == 1 else None


def current_revision(db: Database) -> str | None:
    """Return the database's revision, or ``None`` for a database never migrated."""
    with db.engine.connect() as connection:
        if not sqlalchemy.inspect(connection).has_table("alembic_version"):
            return None
        query = sqlalchemy.text("select version_num from alembic_version")
        return connection.execute(query).scalar()


def alembic_config(db: Database) -> Config:
    """Alembic configuration pointing at the packaged migrations."""
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.attributes["connection_engine"] = db.engine
    return config


def migrate(db: Database, revision: str = "head") -> None:
    """Bring the database schema up to ``revision`` (default: the latest).

    A database already at the latest revision is left alone without importing
    Alembic (commands that only read start faster).
    """
    if revision == "head" and current_revision(db) == head_revision() is not None:
        return
    from alembic import command

    command.upgrade(alembic_config(db), revision)
