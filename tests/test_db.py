import sqlalchemy

from trajectoires.db import Database


def test_migrations_reach_head(database: Database) -> None:
    with database.engine.connect() as conn:
        version = conn.execute(sqlalchemy.text("select version_num from alembic_version")).scalar()
    assert version


def test_sqlite_uses_wal(database: Database) -> None:
    if not database.is_sqlite:
        return
    with database.engine.connect() as conn:
        assert conn.execute(sqlalchemy.text("pragma journal_mode")).scalar() == "wal"
