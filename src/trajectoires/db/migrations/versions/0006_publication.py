"""Published workshops and the search index of the open archive.

A workshop gains ``published_at`` (set while its productions are public) and the
``licence`` they are published under. The search index is ``search_document`` (one
row per published workshop or event) with ``search_document_territory`` (the
territories each belongs to, upward); its full text is an FTS5 table on SQLite and a
generated ``tsvector`` column with a GIN index on PostgreSQL, both over the same
stemmed terms (``trajectoires.foresight.search``).

Revision ID: 0006_publication
Revises: 0005_pseudonym_keys
Create Date: 2026-12-02
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006_publication"
down_revision: str | None = "0005_pseudonym_keys"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TZ = sa.DateTime(timezone=True)


def _workshop_columns() -> None:
    with op.batch_alter_table("workshop") as batch:
        batch.add_column(sa.Column("published_at", TZ, nullable=True))
        batch.add_column(sa.Column("licence", sa.String(20), nullable=False,
                                   server_default="etalab-2.0"))
    with op.batch_alter_table("workshop") as batch:  # the default lives in the model
        batch.alter_column("licence", server_default=None, existing_type=sa.String(20))


def _documents() -> None:
    op.create_table(
        "search_document",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("key", sa.String(80), nullable=False),
        sa.Column("subtype", sa.String(40), nullable=False),
        sa.Column("url", sa.String(200), nullable=False),
        sa.Column("title", sa.String(200), nullable=False),
        sa.Column("territory_kind", sa.String(20), nullable=False),
        sa.Column("territory_code", sa.String(20), nullable=False),
        sa.Column("territory_name", sa.String(200), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("terms", sa.Text(), nullable=False),
        sa.Column("published_at", TZ, nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_search_document")),
        sa.UniqueConstraint("kind", "key", name=op.f("uq_search_document_kind")),
    )
    op.create_index("ix_search_document_published_at_id", "search_document",
                    ["published_at", "id"])
    op.create_index("ix_search_document_year", "search_document", ["year"])
    op.create_table(
        "search_document_territory",
        sa.Column("document_id", sa.Integer(), nullable=False),
        sa.Column("territory_kind", sa.String(20), nullable=False),
        sa.Column("territory_code", sa.String(20), nullable=False),
        sa.PrimaryKeyConstraint("document_id", "territory_kind", "territory_code",
                                name=op.f("pk_search_document_territory")),
        sa.ForeignKeyConstraint(
            ["document_id"], ["search_document.id"], ondelete="CASCADE",
            name=op.f("fk_search_document_territory_document_id_search_document"),
        ),
    )
    op.create_index("ix_search_document_territory_kind_code", "search_document_territory",
                    ["territory_kind", "territory_code"])


def _full_text() -> None:
    if op.get_bind().dialect.name == "sqlite":
        op.execute("CREATE VIRTUAL TABLE search_document_fts USING fts5("
                   "terms, tokenize = 'unicode61 remove_diacritics 2')")
    else:
        op.execute("ALTER TABLE search_document ADD COLUMN search_vector tsvector"
                   " GENERATED ALWAYS AS (to_tsvector('simple'::regconfig, terms)) STORED")
        op.execute("CREATE INDEX ix_search_document_search_vector ON search_document"
                   " USING gin (search_vector)")


def upgrade() -> None:
    """Add the publication columns, the search tables and their full-text index."""
    _workshop_columns()
    _documents()
    _full_text()


def downgrade() -> None:
    """Drop the search index and the publication columns."""
    if op.get_bind().dialect.name == "sqlite":
        op.execute("DROP TABLE search_document_fts")
    op.drop_table("search_document_territory")
    op.drop_table("search_document")
    with op.batch_alter_table("workshop") as batch:
        batch.drop_column("licence")
        batch.drop_column("published_at")
