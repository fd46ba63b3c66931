"""Backups as docs/deploy.md describes them, restored into a fresh database: nothing differs.

SQLite: the online backup of the sqlite3 shell (``.backup``), taken while the
application's engine holds the database open, then copied in place of a new
workspace's file. PostgreSQL: ``pg_dump --format=custom`` of the instance's schema,
``pg_restore`` into a newly created database. Every table of the schema is compared
row by row with the original (workshops, participants, contributions, votes, …).
"""

from __future__ import annotations

import shutil
import subprocess
import uuid
from pathlib import Path

import pytest
import sqlalchemy
from sqlalchemy.engine import make_url

from tests.foresight import factories as f
from trajectoires.db import Database, create_database
from trajectoires.db.base import Base

pytestmark = pytest.mark.db


def _contents(url: str) -> dict[str, list[tuple]]:
    """Every row of every table of the schema, in primary-key order."""
    import trajectoires.db.models  # noqa: F401 (every table declared)

    engine = sqlalchemy.create_engine(url)
    try:
        with engine.connect() as connection:
            return {table.name: [tuple(row) for row in connection.execute(
                        table.select().order_by(*table.primary_key.columns))]
                    for table in Base.metadata.sorted_tables}
    finally:
        engine.dispose()


def _filled(database: Database) -> None:
    owner = f.facilitator(database)
    f.debate_with_blocs(database, per_bloc=3, n_statements=4, owner=owner)
    f.kind_workshop(database, "imaginer-2030", owner=owner)


def _sqlite_restore(database: Database, url: str, tmp_path: Path) -> str:
    sqlite3 = shutil.which("sqlite3")
    if sqlite3 is None:
        pytest.skip("the sqlite3 shell is not installed (Debian: apt-get install sqlite3)")
    source = make_url(url).database
    backup = tmp_path / "trajectoires-backup.sqlite"
    with database.engine.connect():  # the application still holds the file open
        subprocess.run([sqlite3, source, f".backup '{backup}'"], check=True)
    restored = tmp_path / "restored" / "trajectoires.sqlite"
    restored.parent.mkdir()
    shutil.copy(backup, restored)
    return f"sqlite:///{restored}"


def _postgres_restore(url: str, tmp_path: Path):  # noqa: ANN202
    parsed = make_url(url)
    schema = str(parsed.query["options"]).split("search_path=", 1)[1]  # the test's schema
    libpq = parsed.set(drivername="postgresql", query={}).render_as_string(hide_password=False)
    dump = tmp_path / "trajectoires.dump"
    subprocess.run(["pg_dump", "--format=custom", f"--schema={schema}", f"--file={dump}",
                    libpq], check=True)
    name = f"restore_{uuid.uuid4().hex[:10]}"
    admin = sqlalchemy.create_engine(parsed.set(query={}), isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.exec_driver_sql(f'CREATE DATABASE "{name}"')
    target = parsed.set(database=name, query={})
    subprocess.run(["pg_restore", "--no-owner", "--exit-on-error",
                    f"--dbname={target.set(drivername='postgresql').render_as_string(False)}",
                    str(dump)], check=True)
    restored = target.set(query={"options": f"-csearch_path={schema}"})
    return restored.render_as_string(hide_password=False), admin, name


def test_backup_restored_into_a_fresh_database_is_identical(
    database: Database, database_url: str, tmp_path: Path
) -> None:
    _filled(database)
    before = _contents(database_url)
    assert before["workshop"] and before["vote"]
    if database.is_sqlite:
        after = _contents(_sqlite_restore(database, database_url, tmp_path))
        assert after == before
        return
    restored, admin, name = _postgres_restore(database_url, tmp_path)
    try:
        after = _contents(restored)
        assert after == before
        assert create_database(restored).is_sqlite is False
    finally:
        with admin.connect() as connection:
            connection.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.dispose()
