"""Keep the search index current: add or replace a document, remove it.

Callers (publication of a workshop, an event's page) run these inside their own
transaction, so a document appears and disappears with what it describes.

Examples
--------
>>> import tempfile, pathlib
>>> from trajectoires.db import create_database, migrate
>>> db = create_database(f"sqlite:///{pathlib.Path(tempfile.mkdtemp()) / 's.sqlite'}")
>>> migrate(db)
>>> with db.session() as session:
...     _ = index_document(session, "workshop", "fibre-29", title="La fibre en 2030",
...             body="Des écoles connectées", territory=("commune", "29232", "Quimper"),
...             territories=[("departement", "29")], year=2026, subtype="debate",
...             url="/archives/fibre-29")
>>> from trajectoires.foresight.search import search_documents
>>> with db.session() as session:
...     [hit.key for hit in search_documents(session, "école").hits]
['fibre-29']
>>> with db.session() as session:
...     remove_document(session, "workshop", "fibre-29")
...     search_documents(session, "école").total
True
0

"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import delete, select, text
from sqlalchemy.orm import Session

from trajectoires.db.base import utcnow
from trajectoires.foresight.search._models import (
    DOCUMENT_KINDS,
    SearchDocument,
    SearchDocumentTerritory,
)
from trajectoires.foresight.search._text import terms

if TYPE_CHECKING:
    from trajectoires.territory import Reference

__all__ = ["index_document", "remove_document", "territory_chain"]

BODY_MAX_LENGTH = 200_000
"""Longer bodies are cut (the terms are read from what is kept)."""


def _is_sqlite(session: Session) -> bool:
    return session.get_bind().dialect.name == "sqlite"


def index_document(  # noqa: PLR0913 (one argument per indexed field)
    session: Session,
    kind: str,
    key: str,
    *,
    title: str,
    body: str,
    territory: tuple[str, str, str],
    territories: Iterable[tuple[str, str]] = (),
    year: int,
    subtype: str,
    url: str,
    published_at: datetime | None = None,
) -> SearchDocument:
    """Add the document ``(kind, key)`` to the index, or replace it; return its row.

    Parameters
    ----------
    session
        A session in a transaction (the caller's).
    kind
        ``"workshop"`` or ``"event"`` (:data:`DOCUMENT_KINDS`).
    key
        Its slug, unique within the kind.
    title, body
        What the search reads and shows (title first, body for snippets).
    territory
        ``(kind, code, name)`` of its own territory (``("commune", "29232", "Quimper")``).
    territories
        ``(kind, code)`` of the territories above it (see :func:`territory_chain`); its
        own is always added.
    year
        The year it took place (filter).
    subtype
        The workshop's kind key (``"imaginer-2030"``…) or ``"event"``.
    url
        Its public page (``/archives/<slug>``).
    published_at
        When it was published (default: now); results are listed newest first.

    """
    if kind not in DOCUMENT_KINDS:
        raise ValueError(f"unknown document kind {kind!r}")
    body = body[:BODY_MAX_LENGTH]
    row = session.scalars(
        select(SearchDocument).where(SearchDocument.kind == kind, SearchDocument.key == key)
    ).one_or_none()
    if row is None:
        row = SearchDocument(kind=kind, key=key)
        session.add(row)
    row.subtype, row.url, row.title, row.body, row.year = subtype, url, title, body, year
    row.territory_kind, row.territory_code, row.territory_name = territory
    row.terms = " ".join(terms(f"{title}\n{body}"))
    row.published_at = published_at or row.published_at or utcnow()
    session.flush()
    session.execute(delete(SearchDocumentTerritory)
                    .where(SearchDocumentTerritory.document_id == row.id))
    codes = {(territory[0], territory[1]), *territories}
    session.add_all(SearchDocumentTerritory(document_id=row.id, territory_kind=k,
                                            territory_code=c) for k, c in sorted(codes))
    if _is_sqlite(session):
        session.execute(text("DELETE FROM search_document_fts WHERE rowid = :id"), {"id": row.id})
        session.execute(text("INSERT INTO search_document_fts (rowid, terms) VALUES (:id, :t)"),
                        {"id": row.id, "t": row.terms})
    session.flush()
    return row


def remove_document(session: Session, kind: str, key: str) -> bool:
    """Remove the document ``(kind, key)`` from the index; return whether it was there."""
    row_id = session.scalar(
        select(SearchDocument.id).where(SearchDocument.kind == kind, SearchDocument.key == key)
    )
    if row_id is None:
        return False
    if _is_sqlite(session):
        session.execute(text("DELETE FROM search_document_fts WHERE rowid = :id"), {"id": row_id})
    session.execute(delete(SearchDocumentTerritory)
                    .where(SearchDocumentTerritory.document_id == row_id))
    session.execute(delete(SearchDocument).where(SearchDocument.id == row_id))
    return True


def territory_chain(
    reference: Reference | None, kind: str, code: str
) -> list[tuple[str, str]]:
    """Return ``(kind, code)`` of a territory and of every territory above it.

    With the territory reference, the commune's EPCI, département, région and France;
    without it, a commune or EPCI still belongs to the département its code names
    (EPCIs are then not known).

    >>> territory_chain(None, "commune", "29232")
    [('commune', '29232'), ('departement', '29')]
    >>> territory_chain(None, "commune", "97411")
    [('commune', '97411'), ('departement', '974')]
    """
    chain = [(kind, code)]
    if reference is not None:
        try:
            unit = reference.get(kind, code)
            return chain + [(str(p.kind), p.code) for p in reference.parents(unit)]
        except LookupError:
            pass
    if kind == "commune" and len(code) == 5:
        chain.append(("departement", code[:3] if code.startswith("97") else code[:2]))
    return chain
