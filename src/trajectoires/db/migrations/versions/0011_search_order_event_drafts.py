"""The search index in publication order with its filters as terms; events as drafts.

- ``search_document.sort_key``: newest published first as one integer (microseconds
  since 1970 × 1024 + id mod 1024), unique; SQLite's FTS5 rows are keyed by it, so the
  full-text index hands out a page of matches already in order and stops;
- the filters (kind, type, year, every territory of the document) become terms of
  the document (``zz…``, never made from a word), so one full-text query filters too;
- the FTS5 table keeps no positions (``detail=none``): a common word's doclist is a
  list of keys;
- PostgreSQL: the ``tsvector`` leaves ``search_document`` (whose wide rows a search
  read three to a page) for a narrow table of its own, ``search_document_fts``
  (``rowid`` = the sort key, ``terms`` = the stripped ``tsvector``, GIN index), as the
  FTS5 table is on SQLite;
- ``event.published_at``: an event is a draft until its facilitator publishes it;
  events already there were public, so they are published at their creation time.

Revision ID: 0011_search_order_event_drafts
Revises: 0010_opinion_snapshots
Create Date: 2026-12-02
"""

import re
from collections.abc import Sequence
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

revision: str = "0011_search_order_event_drafts"
down_revision: str | None = "0010_opinion_snapshots"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_NOT_ALNUM = re.compile(r"[^a-z0-9]+")
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def _token(prefix: str, value: str) -> str:
    """As ``trajectoires.foresight.search._text.filter_term`` wrote it on 2026-12-02."""
    return "zz" + prefix + _NOT_ALNUM.sub("", value.lower())


def _sort_key(published_at: datetime | str, row_id: int) -> int:
    if isinstance(published_at, str):
        published_at = datetime.fromisoformat(published_at)
    if published_at.tzinfo is None:
        published_at = published_at.replace(tzinfo=UTC)
    delta = published_at - _EPOCH
    micros = (delta.days * 86_400 + delta.seconds) * 1_000_000 + delta.microseconds
    return micros * 1024 + row_id % 1024


def _documents(bind: sa.engine.Connection) -> None:
    """Give every document its key and its filter terms."""
    places: dict[int, list[tuple[str, str]]] = {}
    for doc, kind, code in bind.execute(sa.text(
            "SELECT document_id, territory_kind, territory_code FROM search_document_territory")):
        places.setdefault(doc, []).append((kind, code))
    rows = bind.execute(sa.text("SELECT id, kind, subtype, year, published_at, terms"
                                " FROM search_document")).all()
    for row_id, kind, subtype, year, published_at, terms in rows:
        words = [t for t in (terms or "").split() if not t.startswith("zz")]
        words += [_token("k", kind), _token("s", subtype), _token("y", str(year))]
        words += [_token("t", k) + _token("", c)[2:] for k, c in sorted(places.get(row_id, []))]
        bind.execute(sa.text("UPDATE search_document SET sort_key = :key, terms = :terms"
                             " WHERE id = :id"),
                     {"key": _sort_key(published_at, row_id), "terms": " ".join(words),
                      "id": row_id})


def upgrade() -> None:
    """Add the keys and filter terms, rebuild SQLite's FTS5 table; events get a draft state."""
    bind = op.get_bind()
    op.add_column("search_document", sa.Column("sort_key", sa.BigInteger(), nullable=True))
    _documents(bind)
    op.create_index("ix_search_document_sort_key", "search_document", ["sort_key"], unique=True)
    if bind.dialect.name == "sqlite":
        op.execute("DROP TABLE search_document_fts")
        op.execute("CREATE VIRTUAL TABLE search_document_fts USING fts5("
                   "terms, detail = none, tokenize = 'unicode61 remove_diacritics 2')")
    else:
        op.execute("DROP INDEX ix_search_document_search_vector")
        op.execute("ALTER TABLE search_document DROP COLUMN search_vector")
        op.execute("CREATE TABLE search_document_fts (rowid bigint PRIMARY KEY,"
                   " terms tsvector NOT NULL)")
        op.execute("CREATE INDEX ix_search_document_fts_terms ON search_document_fts"
                   " USING gin (terms)")
    op.execute("INSERT INTO search_document_fts (rowid, terms) SELECT sort_key, terms"
               " FROM search_document" if bind.dialect.name == "sqlite" else
               "INSERT INTO search_document_fts (rowid, terms) SELECT sort_key,"
               " strip(to_tsvector('simple'::regconfig, terms)) FROM search_document")
    op.add_column("event", sa.Column("published_at", sa.DateTime(timezone=True), nullable=True))
    op.execute("UPDATE event SET published_at = created_at")


def downgrade() -> None:
    """Back to documents keyed by id, FTS5 with positions; every event public."""
    bind = op.get_bind()
    with op.batch_alter_table("event") as batch:
        batch.drop_column("published_at")
    op.drop_index("ix_search_document_sort_key", "search_document")
    with op.batch_alter_table("search_document") as batch:
        batch.drop_column("sort_key")
    rows = bind.execute(sa.text("SELECT id, terms FROM search_document")).all()
    for row_id, terms in rows:
        bind.execute(sa.text("UPDATE search_document SET terms = :t WHERE id = :id"),
                     {"t": " ".join(t for t in terms.split() if not t.startswith("zz")),
                      "id": row_id})
    op.execute("DROP TABLE search_document_fts")
    if bind.dialect.name == "sqlite":
        op.execute("CREATE VIRTUAL TABLE search_document_fts USING fts5("
                   "terms, tokenize = 'unicode61 remove_diacritics 2')")
        op.execute("INSERT INTO search_document_fts (rowid, terms)"
                   " SELECT id, terms FROM search_document")
    else:
        op.execute("ALTER TABLE search_document ADD COLUMN search_vector tsvector"
                   " GENERATED ALWAYS AS (to_tsvector('simple'::regconfig, terms)) STORED")
        op.execute("CREATE INDEX ix_search_document_search_vector ON search_document"
                   " USING gin (search_vector)")
