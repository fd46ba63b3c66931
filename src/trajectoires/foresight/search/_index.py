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
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from sqlalchemy import delete, insert, select, text
from sqlalchemy.orm import Session

from trajectoires.db.base import utcnow
from trajectoires.foresight.search._models import (
    DOCUMENT_KINDS,
    SearchDocument,
    SearchDocumentTerritory,
)
from trajectoires.foresight.search._text import FILTER_PREFIX, filter_term, terms

if TYPE_CHECKING:
    from trajectoires.territory import Reference

__all__ = ["complete_territories", "filter_terms", "index_document", "remove_document",
           "sort_key", "territory_chain"]

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_INSERT_SQLITE = text("INSERT INTO search_document_fts (rowid, terms) VALUES (:k, :t)")
_INSERT_POSTGRESQL = text("INSERT INTO search_document_fts (rowid, terms)"
                          " VALUES (:k, strip(to_tsvector('simple'::regconfig, :t)))")

BODY_MAX_LENGTH = 200_000
"""Longer bodies are cut (the terms are read from what is kept)."""


def _is_sqlite(session: Session) -> bool:
    return session.get_bind().dialect.name == "sqlite"


def sort_key(published_at: datetime, row_id: int) -> int:
    """Return a document's place in the results as one integer: larger is listed first.

    Microseconds since 1970 × 1024, plus the id modulo 1024 (newest published first,
    then the larger id, as long as two documents published the same microsecond are
    fewer than 1,024 ids apart).

    >>> from datetime import UTC, datetime
    >>> sort_key(datetime(1970, 1, 1, 0, 0, 1, tzinfo=UTC), 3)
    1024000003
    """
    if published_at.tzinfo is None:
        published_at = published_at.replace(tzinfo=UTC)
    delta = published_at - _EPOCH
    micros = (delta.days * 86_400 + delta.seconds) * 1_000_000 + delta.microseconds
    return micros * 1024 + row_id % 1024


def filter_terms(kind: str, subtype: str, year: int,
                 territories: Iterable[tuple[str, str]]) -> list[str]:
    """Return the terms a document carries for the search's filters.

    >>> filter_terms("workshop", "debate", 2026, [("commune", "29232"), ("departement", "29")])
    ['zzkworkshop', 'zzsdebate', 'zzy2026', 'zztcommune29232', 'zztdepartement29']
    """
    return [filter_term("k", kind), filter_term("s", subtype), filter_term("y", str(year)),
            *(filter_term("t" + k, c) for k, c in sorted(set(territories)))]


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
    old_key = row.sort_key
    row.subtype, row.url, row.title, row.body, row.year = subtype, url, title, body, year
    row.territory_kind, row.territory_code, row.territory_name = territory
    row.published_at = published_at or row.published_at or utcnow()
    codes = sorted({(territory[0], territory[1]), *territories})
    row.terms = " ".join([*terms(f"{title}\n{body}"),
                          *filter_terms(kind, subtype, year, codes)])
    session.flush()
    row.sort_key = sort_key(row.published_at, row.id)
    session.flush()
    _replace_territories(session, row, codes, old_key)
    return row


def _replace_territories(session: Session, row: SearchDocument, codes: list[tuple[str, str]],
                         old_key: int | None) -> None:
    """Write the document's territory rows and (SQLite) its full-text row."""
    session.execute(delete(SearchDocumentTerritory)
                    .where(SearchDocumentTerritory.document_id == row.id))
    if codes:
        session.execute(insert(SearchDocumentTerritory), [
            {"document_id": row.id, "territory_kind": k, "territory_code": c} for k, c in codes])
    if old_key is not None:
        session.execute(text("DELETE FROM search_document_fts WHERE rowid = :k"),
                        {"k": old_key})
    session.execute(_INSERT_SQLITE if _is_sqlite(session) else _INSERT_POSTGRESQL,
                    {"k": row.sort_key, "t": row.terms})


def remove_document(session: Session, kind: str, key: str) -> bool:
    """Remove the document ``(kind, key)`` from the index; return whether it was there."""
    found = session.execute(
        select(SearchDocument.id, SearchDocument.sort_key)
        .where(SearchDocument.kind == kind, SearchDocument.key == key)
    ).one_or_none()
    if found is None:
        return False
    row_id, key_in_order = found
    session.execute(text("DELETE FROM search_document_fts WHERE rowid = :k"),
                    {"k": key_in_order})
    session.execute(delete(SearchDocumentTerritory)
                    .where(SearchDocumentTerritory.document_id == row_id))
    session.execute(delete(SearchDocument).where(SearchDocument.id == row_id))
    return True


def complete_territories(session: Session, reference: Reference) -> int:
    """Index again under their whole chain the documents indexed without the reference.

    A document published before the territory reference was loaded knows only the
    département its code tells (no EPCI, région nor France); call this once the
    reference is there (the web application does when it loads it). Returns how
    many documents changed; runs in the caller's transaction.
    """
    complete = select(SearchDocumentTerritory.document_id).where(
        SearchDocumentTerritory.territory_kind == "pays")
    rows = session.scalars(select(SearchDocument).where(SearchDocument.id.not_in(complete))
                           .order_by(SearchDocument.id)).all()
    changed = 0
    for row in rows:
        chain = territory_chain(reference, row.territory_kind, row.territory_code)
        if not any(kind == "pays" for kind, _code in chain):
            continue  # unknown to the reference: kept as it is
        codes = sorted({(row.territory_kind, row.territory_code), *chain})
        words = [t for t in row.terms.split() if not t.startswith(FILTER_PREFIX)]
        row.terms = " ".join([*words, *filter_terms(row.kind, row.subtype, row.year, codes)])
        session.flush()
        _replace_territories(session, row, codes, row.sort_key)
        changed += 1
    return changed


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
