"""The hand-written migration matches the models, on SQLite and PostgreSQL."""

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

import trajectoires.db.models  # noqa: F401
from trajectoires.db import Base, Database, migrate
from trajectoires.db.engine import alembic_config


def test_migration_matches_models(database: Database) -> None:
    with database.engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        diff = compare_metadata(context, Base.metadata)
    assert diff == []


def test_downgrade_then_upgrade(database: Database) -> None:
    command.downgrade(alembic_config(database), "base")
    migrate(database)
