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

from sqlalchemy import func, select, text
from sqlalchemy.orm import Session, defer

from trajectoires.foresight.search._models import SearchDocument
from trajectoires.foresight.search._text import filter_term, query_groups, stem

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


def _filter_groups(territory: tuple[str, str] | None, kind: str | None, subtype: str | None,
                   year: int | None) -> list[tuple[str, ...]]:
    """Return the filters as terms of the full-text index (one group of one term each)."""
    wanted = [("k", kind), ("s", subtype), ("y", None if year is None else str(year))]
    if territory is not None:
        wanted.append(("t" + territory[0], territory[1]))
    return [(filter_term(field, value),) for field, value in wanted if value]


def _sqlite_page(session: Session, groups: list[tuple[str, ...]], limit: int,
                 offset: int) -> tuple[int, list[int]]:
    """Count and page on FTS5 alone: its rowid is the sort key, so it stops at the page."""
    fts = " AND ".join("(" + " OR ".join(f'"{t}"' for t in group) + ")" for group in groups)
    where = " FROM search_document_fts WHERE search_document_fts MATCH :q"
    total = session.execute(text("SELECT count(*)" + where), {"q": fts}).scalar_one()
    if offset >= total:
        return total, []
    keys = session.scalars(text("SELECT rowid" + where + " ORDER BY rowid DESC"
                                " LIMIT :n OFFSET :o"), {"q": fts, "n": limit, "o": offset})
    return total, list(keys)


def _postgresql_page(session: Session, groups: list[tuple[str, ...]], limit: int,
                     offset: int) -> tuple[int, list[int]]:
    """One query: the matches from the GIN index, counted by a window, the page sorted.

    The planner is kept off plain and sequential scans for it: it would walk the
    ``rowid`` index (or the table) and test each row's ``tsvector``, read from its
    TOAST storage — 130 ms for a common word on 10,000 documents, where the GIN
    bitmap never reads a ``tsvector``.
    """
    tsq = " & ".join("(" + " | ".join(group) + ")" for group in groups)
    session.execute(text("SELECT set_config('enable_indexscan', 'off', true),"
                         " set_config('enable_seqscan', 'off', true)"))
    try:
        found = session.execute(text(
            "SELECT rowid, count(*) OVER () FROM search_document_fts"
            " WHERE terms @@ to_tsquery('simple', :q)"
            " ORDER BY rowid DESC LIMIT :n OFFSET :o"),
            {"q": tsq, "n": limit, "o": offset}).all()
    finally:
        session.execute(text("RESET enable_indexscan; RESET enable_seqscan"))
    if found:
        return found[0][1], [key for key, _total in found]
    if offset == 0:
        return 0, []
    total = session.execute(text("SELECT count(*) FROM search_document_fts"
                                 " WHERE terms @@ to_tsquery('simple', :q)"),
                            {"q": tsq}).scalar_one()
    return total, []


def _everything_page(session: Session, limit: int, offset: int) -> tuple[int, list[int]]:
    total = session.scalar(select(func.count()).select_from(SearchDocument)) or 0
    keys = session.scalars(select(SearchDocument.sort_key)
                           .order_by(SearchDocument.sort_key.desc()).limit(limit).offset(offset))
    return total, list(keys)


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

    The filters are terms of the full-text index too (:func:`~._text.filter_term`),
    so words and filters are one full-text query, paged in the order of ``sort_key``.
    """
    groups = query_groups(query[:MAX_QUERY_LENGTH])[:MAX_QUERY_TERMS]
    wanted_groups = groups + _filter_groups(territory, kind, subtype, year)
    limit, offset = max(1, min(limit, 100)), max(0, offset)
    if not wanted_groups:
        total, keys = _everything_page(session, limit, offset)
    elif session.get_bind().dialect.name == "sqlite":
        total, keys = _sqlite_page(session, wanted_groups, limit, offset)
    else:
        total, keys = _postgresql_page(session, wanted_groups, limit, offset)
    rows = session.scalars(select(SearchDocument).options(defer(SearchDocument.terms))
                           .where(SearchDocument.sort_key.in_(keys))).all() if keys else []
    rows = sorted(rows, key=lambda row: -(row.sort_key or 0))
    wanted = _Wanted({term for group in groups for term in group})
    hits = tuple(_hit(row, wanted) for row in rows)
    return SearchPage(tuple(dict.fromkeys(t for g in groups for t in g)), total, offset, hits)


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
