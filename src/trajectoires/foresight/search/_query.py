"""Full-text search of the index with filters, the same results on SQLite and PostgreSQL.

The query is turned into terms by the functions that indexed the documents
(:func:`~._text.query_groups`): a document matches when it holds, for every word of
the query, one of that word's terms (its stem with or without accents). SQLite asks its
FTS5 table, PostgreSQL its ``tsvector`` column (``simple`` configuration over the
terms already stemmed), so both find the same set; results are listed newest
published first, then by id, on both. The snippet is cut from the stored body in
Python, the same way on both.
"""

from __future__ import annotations

import re
from collections import deque
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Select, exists, func, select, text
from sqlalchemy.orm import Session

from trajectoires.foresight.search._models import SearchDocument, SearchDocumentTerritory
from trajectoires.foresight.search._text import query_groups, stem

__all__ = ["MAX_QUERY_LENGTH", "MAX_QUERY_TERMS", "SearchHit", "SearchPage", "document_years",
           "search_documents"]

MAX_QUERY_LENGTH = 200
MAX_QUERY_TERMS = 12
SNIPPET_WORDS = 30
SNIPPET_SCAN = 250
"""Words of a body read to find the snippet: a longer one shows its beginning (speed)."""
_WORD_SPAN = re.compile(r"[^\W_]+")


@dataclass(frozen=True)
class SearchHit:
    """One document found: what a result list shows.

    ``snippet`` is a sequence of ``(text, matched)`` pieces: the words around the
    first match, the matched words flagged (a page marks them, escaped).
    """

    kind: str
    key: str
    subtype: str
    url: str
    title: str
    territory_kind: str
    territory_code: str
    territory_name: str
    year: int
    published_at: datetime
    snippet: tuple[tuple[str, bool], ...]


@dataclass(frozen=True)
class SearchPage:
    """A page of results: ``total`` documents match, ``hits`` from ``offset`` on."""

    query_terms: tuple[str, ...]
    total: int
    offset: int
    hits: tuple[SearchHit, ...]


def _match(statement: Select, session: Session, groups: list[tuple[str, ...]]) -> Select:
    """Keep the documents holding one term of each group (terms are ``[a-z0-9]+``)."""
    if session.get_bind().dialect.name == "sqlite":
        fts = " AND ".join("(" + " OR ".join(f'"{t}"' for t in group) + ")" for group in groups)
        return statement.where(SearchDocument.id.in_(
            select(text("rowid")).select_from(text("search_document_fts"))
            .where(text("search_document_fts MATCH :fts")).params(fts=fts)
        ))
    tsq = " & ".join("(" + " | ".join(group) + ")" for group in groups)
    return statement.where(text("search_document.search_vector @@ to_tsquery('simple', :tsq)")
                           .bindparams(tsq=tsq))


def _filtered(  # noqa: PLR0913, PLR0917 (one argument per filter)
    statement: Select, session: Session, query_terms: list[tuple[str, ...]],
    territory: tuple[str, str] | None, kind: str | None, subtype: str | None, year: int | None,
) -> Select:
    if query_terms:
        statement = _match(statement, session, query_terms)
    if territory is not None:
        statement = statement.where(exists().where(
            SearchDocumentTerritory.document_id == SearchDocument.id,
            SearchDocumentTerritory.territory_kind == territory[0],
            SearchDocumentTerritory.territory_code == territory[1],
        ))
    if kind:
        statement = statement.where(SearchDocument.kind == kind)
    if subtype:
        statement = statement.where(SearchDocument.subtype == subtype)
    if year is not None:
        statement = statement.where(SearchDocument.year == year)
    return statement


def search_documents(  # noqa: PLR0913 (one argument per filter)
    session: Session,
    query: str = "",
    *,
    territory: tuple[str, str] | None = None,
    kind: str | None = None,
    subtype: str | None = None,
    year: int | None = None,
    limit: int = 20,
    offset: int = 0,
) -> SearchPage:
    """Return the published documents holding every word of ``query``, with filters.

    An empty query (or one made of stop words only) lists every document that the
    filters keep. ``territory`` is ``(kind, code)``: a département finds its
    communes' and EPCIs' documents. ``query`` is cut at :data:`MAX_QUERY_LENGTH`
    characters and :data:`MAX_QUERY_TERMS` terms.
    """
    groups = query_groups(query[:MAX_QUERY_LENGTH])[:MAX_QUERY_TERMS]
    filters = (session, groups, territory, kind, subtype, year)
    total = session.scalar(_filtered(select(func.count(SearchDocument.id)), *filters)) or 0
    rows = session.scalars(
        _filtered(select(SearchDocument), *filters)
        .order_by(SearchDocument.published_at.desc(), SearchDocument.id.desc())
        .limit(max(1, min(limit, 100))).offset(max(0, offset))
    ).all()
    wanted = _Wanted({term for group in groups for term in group})
    hits = tuple(_hit(row, wanted) for row in rows)
    return SearchPage(tuple(dict.fromkeys(t for g in groups for t in g)), total, max(0, offset),
                      hits)


def document_years(session: Session) -> list[int]:
    """Return the years of the indexed documents, newest first (the year filter's choices)."""
    years = select(SearchDocument.year).distinct().order_by(SearchDocument.year.desc())
    return list(session.scalars(years))


def _hit(row: SearchDocument, wanted: set[str]) -> SearchHit:
    return SearchHit(
        row.kind, row.key, row.subtype, row.url, row.title, row.territory_kind,
        row.territory_code, row.territory_name, row.year, row.published_at,
        snippet(row.body, wanted),
    )


class _Wanted(dict):
    """The query's terms, and whether each word seen so far holds one (one dict lookup)."""

    def __init__(self, terms: set[str]) -> None:
        super().__init__()
        self.terms = terms

    def __bool__(self) -> bool:
        return bool(self.terms)

    def __missing__(self, word: str) -> bool:
        found = self[word] = any(term in self.terms for term in stem(word))
        return found


def _matches(word: str, wanted: set[str]) -> bool:
    if isinstance(wanted, _Wanted):
        return wanted[word]
    return any(term in wanted for term in stem(word))


def _window(body: str, wanted: set[str], size: int) -> tuple[list[tuple[int, int]], bool]:
    """Spans of the words around the first wanted one, among the first :data:`SNIPPET_SCAN`.

    No wanted word there (or none asked): the first ``size`` words of the body.
    """
    before: deque[tuple[int, int]] = deque(maxlen=size // 2)
    spans = _WORD_SPAN.finditer(body)
    window = None
    if wanted:
        for _, match in zip(range(SNIPPET_SCAN), spans, strict=False):
            a, b = match.span()
            if _matches(body[a:b], wanted):
                window = [*before, (a, b)]
                break
            before.append((a, b))
    if window is None:
        spans = _WORD_SPAN.finditer(body)
        window = []
    for _, match in zip(range(size - len(window)), spans, strict=False):
        window.append(match.span())
    return window, next(spans, None) is not None


def snippet(body: str, wanted: set[str], size: int = SNIPPET_WORDS) -> tuple[tuple[str, bool], ...]:
    """Return the words of ``body`` around the first one whose terms are ``wanted``.

    >>> snippet("Un tiers-lieu dans chaque école du canton.", {"ecol"}, size=4)
    (('… dans chaque ', False), ('école', True), (' du …', False))
    >>> snippet("Court.", set())
    (('Court.', False),)
    """
    window, more = _window(body, wanted, size)
    if not window:
        return ((body[:200], False),) if body else ()
    begin = window[0][0]
    stop = window[-1][1] if more else len(body)
    pieces: list[tuple[str, bool]] = [("… " if body[:begin].strip() else "", False)]
    cursor = begin
    for a, b in window:
        if wanted and _matches(body[a:b], wanted):
            pieces += [(body[cursor:a], False), (body[a:b], True)]
            cursor = b
    pieces.append((body[cursor:stop] + (" …" if more else ""), False))
    return tuple((t, m) for t, m in _merge(pieces) if t)


def _merge(pieces: list[tuple[str, bool]]) -> list[tuple[str, bool]]:
    merged: list[tuple[str, bool]] = []
    for piece, matched in pieces:
        if merged and not matched and not merged[-1][1]:
            merged[-1] = (merged[-1][0] + piece, False)
        else:
            merged.append((piece, matched))
    return merged
