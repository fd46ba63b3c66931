"""Read API of the open archive: the search, and a published workshop's productions.

- ``GET /api/v1/search?q=&territory=&type=&year=&page=``: published workshops and
  events holding every word (French stemming), newest first, 20 a page;
- ``GET /api/v1/archives/{slug}``: a published workshop, its participation by role
  and its productions (no names, no internal ids of people).
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Query, Request
from pydantic import BaseModel, Field

from trajectoires.foresight.archive import workshop_archive
from trajectoires.foresight.publication import LICENCE_URLS, archive_url, published_workshop
from trajectoires.web.archive.context import reference_if_available
from trajectoires.web.archive.filters import PAGE_SIZE, parse_filters
from trajectoires.web.archive.pages import run_search
from trajectoires.web.workshops.deps import DbSession

__all__ = ["router"]

router = APIRouter(prefix="/api/v1", tags=["archive ouverte"])
Text = Annotated[str, Query(max_length=400)]


class TerritoryOut(BaseModel):
    """A territory: its kind (commune, epci, departement, region), code and name."""

    kind: str
    code: str
    name: str


class HitOut(BaseModel):
    """A published workshop or event found by the search."""

    kind: str = Field(description="workshop ou event")
    key: str = Field(description="Identifiant stable (slug)")
    type: str = Field(description="Type d'atelier (imaginer-2030…) ou event")
    title: str
    url: str
    territory: TerritoryOut
    year: int
    published_at: datetime
    snippet: str = Field(description="Extrait autour du premier mot trouvé")
    matches: list[str] = Field(description="Mots de l'extrait qui correspondent à la recherche")


class SearchOut(BaseModel):
    """A page of search results."""

    query_terms: list[str] = Field(description="Racines françaises cherchées")
    total: int
    page: int
    page_size: int
    results: list[HitOut]


class ItemOut(BaseModel):
    """A published contribution: its title, fields in French, votes and points."""

    title: str
    type: str
    details: dict[str, str]
    votes: dict[str, int] | None = None
    points: int | None = None
    on_paper: bool
    after_session: bool = Field(description="Ajoutée après l'atelier (enrichissement)")


class SectionOut(BaseModel):
    """A production of the workshop."""

    key: str
    label: str
    items: list[ItemOut]


class ArchiveOut(BaseModel):
    """A published workshop."""

    slug: str
    title: str
    question: str
    kind: str
    territory: TerritoryOut
    published_at: datetime | None
    licence: str
    licence_url: str
    url: str
    participants: int
    participants_by_role: dict[str, int]
    productions: list[SectionOut]


@router.get("/search", response_model=SearchOut,
            responses={422: {"description": "Filtre invalide (message en français)"}})
def search(request: Request, session: DbSession, *, q: Text = "",  # noqa: PLR0913
           territory: Text = "", type: Text = "", year: Text = "",  # noqa: A002
           page: Text = "1") -> SearchOut:
    """Search published workshops and events: words (French), territory, type, year."""
    filters = parse_filters(q, territory, type, year, page,
                            reference=reference_if_available(request) if territory else None)
    found, _years = run_search(session, filters)
    results = [HitOut(
        kind=h.kind, key=h.key, type=h.subtype, title=h.title, url=h.url,
        territory=TerritoryOut(kind=h.territory_kind, code=h.territory_code,
                               name=h.territory_name),
        year=h.year, published_at=h.published_at, snippet="".join(t for t, _m in h.snippet),
        matches=[t for t, m in h.snippet if m]) for h in found.hits]
    return SearchOut(query_terms=list(found.query_terms), total=found.total, page=filters.page,
                     page_size=PAGE_SIZE, results=results)


@router.get("/archives/{slug}", response_model=ArchiveOut,
            responses={404: {"description": "Atelier introuvable ou non publié"}})
def read_archive(slug: str, session: DbSession) -> ArchiveOut:
    """Read a published workshop: question, participation by role (counts), productions."""
    workshop = published_workshop(session, slug)
    archive = workshop_archive(session, workshop)
    sections = [SectionOut(key=s.key, label=s.label, items=[ItemOut(
        title=i.title, type=i.type_label, details=dict(i.details),
        votes=dict(zip(("agree", "disagree", "pass"), i.votes, strict=True)) if i.votes else None,
        points=i.points, on_paper=i.on_paper, after_session=i.after_session)
        for i in s.items]) for s in archive.sections]
    return ArchiveOut(
        slug=workshop.slug, title=workshop.title, question=workshop.question, kind=workshop.kind,
        territory=TerritoryOut(kind=workshop.territory_kind, code=workshop.territory_code,
                               name=workshop.territory_name),
        published_at=workshop.published_at, licence=workshop.licence,
        licence_url=LICENCE_URLS.get(workshop.licence, ""), url=archive_url(workshop.slug),
        participants=archive.participants, participants_by_role=dict(archive.roles),
        productions=sections)
