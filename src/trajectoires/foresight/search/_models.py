"""Tables of the search index: one document per published thing, and its territories.

A :class:`SearchDocument` is what the public search finds: a published workshop or
an event (``kind``), named by ``key`` (its slug), with the text shown (``title``,
``body``) and ``terms``, the stemmed words (:func:`~._text.terms`) the full-text
index reads, followed by the terms of its filters (:func:`~._text.filter_term`: kind,
type, year, each territory). :class:`SearchDocumentTerritory` lists the territory itself and every
territory above it (EPCI, département, région, France), so that a département's
search finds its communes' documents by an exact match on an index.

The full-text index itself lives outside the models (created by the migration
``0006_publication``, rebuilt by ``0011``): the table ``search_document_fts``, one row
per document keyed by its ``sort_key`` (``rowid``) — FTS5 without positions
(``detail=none``) on SQLite, a stripped ``tsvector`` with a GIN index on PostgreSQL
(a narrow table: a search reads a hundred keys a page, not three wide documents).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from trajectoires.db.base import Base, UtcDateTime, utcnow

__all__ = ["DOCUMENT_KINDS", "SearchDocument", "SearchDocumentTerritory"]

DOCUMENT_KINDS = {"workshop": "Atelier", "event": "Événement"}
"""Kinds of searchable document and their French labels."""


class SearchDocument(Base):
    """One published workshop or event as the search sees it."""

    __tablename__ = "search_document"
    __table_args__ = (
        UniqueConstraint("kind", "key"),
        Index("ix_search_document_published_at_id", "published_at", "id"),
        Index("ix_search_document_year", "year"),
        Index("ix_search_document_sort_key", "sort_key", unique=True),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))
    key: Mapped[str] = mapped_column(String(80))
    subtype: Mapped[str] = mapped_column(String(40))
    url: Mapped[str] = mapped_column(String(200))
    title: Mapped[str] = mapped_column(String(200))
    territory_kind: Mapped[str] = mapped_column(String(20))
    territory_code: Mapped[str] = mapped_column(String(20))
    territory_name: Mapped[str] = mapped_column(String(200))
    year: Mapped[int] = mapped_column(Integer)
    body: Mapped[str] = mapped_column(Text)
    terms: Mapped[str] = mapped_column(Text)
    published_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)
    sort_key: Mapped[int | None] = mapped_column(BigInteger)
    """Newest first in one integer (:func:`~._index.sort_key`); SQLite's FTS5 rowid."""


class SearchDocumentTerritory(Base):
    """A territory a document belongs to: its own, and each one above it."""

    __tablename__ = "search_document_territory"
    __table_args__ = (
        Index("ix_search_document_territory_kind_code", "territory_kind", "territory_code"),
    )

    document_id: Mapped[int] = mapped_column(
        ForeignKey("search_document.id", ondelete="CASCADE"), primary_key=True
    )
    territory_kind: Mapped[str] = mapped_column(String(20), primary_key=True)
    territory_code: Mapped[str] = mapped_column(String(20), primary_key=True)


FULL_TEXT_TABLE = "search_document_fts"
"""The full-text table, ``rowid`` = ``search_document.sort_key``: FTS5 on SQLite (with its
shadow tables), ``(rowid bigint, terms tsvector)`` with a GIN index on PostgreSQL."""
FULL_TEXT_INDEX = "ix_search_document_fts_terms"
"""PostgreSQL's GIN index on ``search_document_fts.terms``."""


def outside_models(name: str | None, type_: str, _parent_names: object = None) -> bool:
    """Whether a schema object belongs to the full-text index the models do not declare.

    For Alembic's ``include_name`` (negated): the migration makes these by hand on
    each database.

    >>> outside_models("search_document_fts_data", "table"), outside_models("workshop", "table")
    (True, False)
    """
    name = name or ""
    if type_ == "table":
        return name.startswith(FULL_TEXT_TABLE)
    return name == FULL_TEXT_INDEX
