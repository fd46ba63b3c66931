"""The hand-written migration matches the models, on SQLite and PostgreSQL."""

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

import trajectoires.db.models  # noqa: F401
from trajectoires.db import Base, Database, migrate
from trajectoires.db.engine import alembic_config
from trajectoires.foresight.search import outside_models


def test_migration_matches_models(database: Database) -> None:
    with database.engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={
            "compare_type": True,
            # the full-text index is made by hand per database (FTS5, tsvector)
            "include_name": lambda name, type_, parents: not outside_models(name, type_),
        })
        diff = compare_metadata(context, Base.metadata)
    assert diff == []


def test_downgrade_then_upgrade(database: Database) -> None:
    command.downgrade(alembic_config(database), "base")
    migrate(database)


def test_debate_data_survive_the_contribution_store(database: Database) -> None:
    """Statements written under 0002 become contributions with the same ids and votes."""
    from sqlalchemy import text

    command.downgrade(alembic_config(database), "0002_indicators")
    with database.engine.begin() as conn:
        conn.execute(text("insert into facilitator (id, email, display_name, password_hash,"
                          " created_at) values (1, 'a@b.fr', 'A', 'x', CURRENT_TIMESTAMP)"))
        conn.execute(text(
            "insert into workshop (id, slug, join_code, title, question, territory_kind,"
            " territory_code, territory_name, kind, status, facilitator_id, created_at)"
            " values (1, 'w', 'ABCDEF', 'T', 'Q', 'departement', '29', 'Finistère', 'debate',"
            " 'open', 1, CURRENT_TIMESTAMP)"))
        for pid in (1, 2):
            conn.execute(text(
                "insert into participant (id, workshop_id, pseudonym, pseudonym_key, token_hash,"
                f" created_at) values ({pid}, 1, 'p{pid}', 'p{pid}', 'h{pid}', CURRENT_TIMESTAMP)"))
        conn.execute(text(
            "insert into statement (id, workshop_id, participant_id, text, hidden, created_at)"
            " values (7, 1, 1, 'Un lieu par canton', false, CURRENT_TIMESTAMP),"
            " (8, 1, 1, 'Masquée', true, CURRENT_TIMESTAMP)"))
        conn.execute(text("insert into vote (participant_id, statement_id, value, updated_at)"
                          " values (2, 7, 1, CURRENT_TIMESTAMP)"))
    migrate(database)
    with database.engine.connect() as conn:
        rows = conn.execute(text(
            "select id, type, text, status from contribution order by id")).all()
        votes = conn.execute(text("select participant_id, contribution_id, value from vote")).all()
        next_id = conn.execute(text(
            "insert into contribution (workshop_id, type, text, payload, status, on_paper,"
            " created_at, updated_at) values (1, 'statement', 'n', '{}', 'visible', false,"
            " CURRENT_TIMESTAMP, CURRENT_TIMESTAMP) returning id")).scalar()
    assert [tuple(r) for r in rows] == [(7, "statement", "Un lieu par canton", "visible"),
                                        (8, "statement", "Masquée", "hidden")]
    assert [tuple(v) for v in votes] == [(2, 7, 1)]
    assert next_id > 8
