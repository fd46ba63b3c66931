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
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import sqlalchemy
from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session, sessionmaker

if TYPE_CHECKING:
    from alembic.config import Config

__all__ = ["Database", "create_database", "head_revision", "migrate"]

MIGRATIONS_DIR = Path(__file__).parent / "migrations"


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


def create_database(url: str, *, echo: bool = False) -> Database:
    """Create the engine for ``url`` (SQLite gets WAL mode and foreign keys)."""
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
            url, echo=echo, pool_size=10, max_overflow=20, pool_pre_ping=True
        )
    return Database(engine, sessionmaker(engine, expire_on_commit=False))


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
