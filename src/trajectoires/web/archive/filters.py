"""The filters of the archive's search, read from a query string, checked, in French.

``territoire`` is a territory's name or code (« Finistère », « 29 », « 29232 »),
resolved with the reference of places, or ``kind:code`` as links write it
(``departement:29``); ``type`` a workshop kind (``imaginer-2030``…) or
``evenement``; ``annee`` a year. A bad value raises
:class:`~trajectoires.foresight.errors.InvalidInputError` naming the filter.

Examples
--------
>>> split_territory("departement:29")
('departement', '29')
>>> split_territory("Finistère") is None
True

"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from trajectoires.foresight.errors import InvalidInputError
from trajectoires.foresight.kinds import kinds
from trajectoires.foresight.search import MAX_QUERY_LENGTH

__all__ = ["EVENT_TYPE", "SearchFilters", "parse_filters", "split_territory", "type_choices"]

EVENT_TYPE = "evenement"
PAGE_SIZE = 20
MAX_PAGE = 500
_KIND_CODE = re.compile(r"^(commune|epci|departement|region|pays):([0-9A-Za-z]{1,12})$")


@dataclass(frozen=True)
class SearchFilters:
    """What a search asks: the words and the filters, checked."""

    q: str = ""
    territory: tuple[str, str] | None = None
    territory_name: str = ""
    kind: str | None = None
    subtype: str | None = None
    year: int | None = None
    page: int = 1

    @property
    def offset(self) -> int:
        """Index of the first result of the page."""
        return (self.page - 1) * PAGE_SIZE


def type_choices() -> list[tuple[str, str]]:
    """Values and French labels of the « type » filter: each workshop kind, then events."""
    return [(k.key, f"Atelier {k.label}") for k in kinds()] + [(EVENT_TYPE, "Événement")]


def split_territory(text: str) -> tuple[str, str] | None:
    """Return ``(kind, code)`` of a ``kind:code`` text, else ``None``."""
    match = _KIND_CODE.match(text.strip())
    return (match.group(1), match.group(2)) if match else None


def _territory(text: str, reference: Any) -> tuple[tuple[str, str] | None, str]:  # noqa: ANN401
    text = " ".join(text.split())[:120]
    if not text:
        return None, ""
    pair = split_territory(text)
    if reference is None:
        if pair is None:
            raise InvalidInputError("search_bad_territory", value=text)
        return pair, text
    from trajectoires.territory import AmbiguousTerritory, TerritoryNotFound, UnitKind

    try:
        unit = reference.get(UnitKind.parse(pair[0]), pair[1]) if pair else reference.resolve(text)
    except AmbiguousTerritory as error:
        names = " ; ".join(f"{c.name} ({c.kind.short_label} {c.code})"
                           for c in error.candidates[:5])
        raise InvalidInputError("search_ambiguous_territory", value=text, names=names) from None
    except (TerritoryNotFound, ValueError):
        raise InvalidInputError("search_bad_territory", value=text) from None
    return (str(unit.kind), unit.code), unit.name


def _year(text: str) -> int | None:
    text = text.strip()
    if not text:
        return None
    if not re.fullmatch(r"\d{4}", text):
        raise InvalidInputError("search_bad_year", value=text[:20])
    return int(text)


def _page(text: str) -> int:
    try:
        page = int(text.strip() or "1")
    except ValueError:
        raise InvalidInputError("search_bad_page", value=text[:20]) from None
    if not 1 <= page <= MAX_PAGE:
        raise InvalidInputError("search_bad_page", value=text[:20])
    return page


def parse_filters(q: str = "", territoire: str = "", type_: str = "", annee: str = "",
                  page: str = "1", *, reference: Any = None) -> SearchFilters:  # noqa: ANN401
    """Check the search's query string; ``reference`` resolves territory names.

    Raises
    ------
    InvalidInputError
        The words are too long, the territory unknown or ambiguous, the type
        unknown, the year or page malformed.

    """
    if len(q) > MAX_QUERY_LENGTH:
        raise InvalidInputError("search_query_too_long", limit=MAX_QUERY_LENGTH, length=len(q))
    territory, name = _territory(territoire, reference)
    type_ = type_.strip()
    kind = subtype = None
    if type_ == EVENT_TYPE:
        kind = "event"
    elif type_:
        allowed = dict(type_choices())
        if type_ not in allowed:
            raise InvalidInputError("search_bad_kind", value=type_[:40],
                                    allowed=", ".join(allowed.values()))
        kind, subtype = "workshop", type_
    return SearchFilters(q.strip(), territory, name, kind, subtype, _year(annee), _page(page))
