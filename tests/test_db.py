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


def test_head_revision_agrees_with_alembic(database: Database) -> None:
    from alembic.script import ScriptDirectory

    from trajectoires.db.engine import alembic_config, current_revision, head_revision

    script = ScriptDirectory.from_config(alembic_config(database))
    assert head_revision() == script.get_current_head()
    assert current_revision(database) == head_revision()


def test_migrate_at_head_does_not_import_alembic(database_url: str, database: Database) -> None:
    import subprocess
    import sys

    code = (
        "import sys\n"
        "from trajectoires.db import create_database, migrate\n"
        f"migrate(create_database({database_url!r}))\n"
        "print('alembic' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
