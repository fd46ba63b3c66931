"""Read API of the events under ``/api/v1/events`` (JSON, documented in the OpenAPI).

Everything an event's page shows, for machines: the event, its programme in order
(talks with their material, workshops with their public address and, while they take
participants, their join code), its preparatory material. Times are ISO 8601 in UTC.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Query
from pydantic import BaseModel

from trajectoires.foresight import access
from trajectoires.foresight.events import EventView, FileView, ItemView, get_event, list_events
from trajectoires.web.workshops.deps import DbSession, FacilitatorId

__all__ = ["router"]

router = APIRouter(prefix="/api/v1/events", tags=["événements"])


class Link(BaseModel):
    """Material given as an address."""

    label: str
    url: str


class EventFileOut(BaseModel):
    """An uploaded file (PDF or image) and where to download it."""

    name: str
    content_type: str
    size: int
    sha256: str
    url: str


class WorkshopOut(BaseModel):
    """A workshop of the programme: its page, its archive once published, its code while open."""

    slug: str
    title: str
    kind: str
    status: str
    url: str
    archive_url: str | None
    join_code: str | None


class ItemOut(BaseModel):
    """One entry of the programme."""

    id: int
    position: int
    kind: str
    title: str
    speaker: str
    organisation: str
    summary: str
    starts_at: datetime | None
    ends_at: datetime | None
    links: list[Link]
    files: list[EventFileOut]
    workshop: WorkshopOut | None


class EventOut(BaseModel):
    """An event (a foresight day or cycle for a territory)."""

    slug: str
    title: str
    summary: str
    territory_kind: str
    territory_code: str
    territory_name: str
    starts_at: datetime
    ends_at: datetime
    place: str
    organisers: list[str]
    partners: list[str]
    example: bool
    url: str
    calendar_url: str


class EventDetailOut(EventOut):
    """An event with its programme and preparatory material."""

    preparation: str
    links: list[Link]
    files: list[EventFileOut]
    programme: list[ItemOut]


def _event(event: EventView) -> dict[str, Any]:
    return {"slug": event.slug, "title": event.title, "summary": event.summary,
            "territory_kind": event.territory_kind, "territory_code": event.territory_code,
            "territory_name": event.territory_name, "starts_at": event.starts_at,
            "ends_at": event.ends_at, "place": event.place, "organisers": list(event.organisers),
            "partners": list(event.partners), "example": event.example, "url": event.path,
            "calendar_url": f"{event.path}/calendrier.ics"}


def _file(event: EventView, found: FileView) -> EventFileOut:
    return EventFileOut(name=found.name, content_type=found.content_type, size=found.size,
                        sha256=found.sha256, url=f"{event.path}/fichiers/{found.id}")


def _item(event: EventView, item: ItemView, me: int | None) -> ItemOut:
    workshop = None
    if item.workshop is not None:
        w = item.workshop
        workshop = WorkshopOut(slug=w.slug, title=w.title, kind=w.kind, status=w.status,
                               url=f"/ateliers/{w.slug}",
                               archive_url=f"/archives/{w.slug}" if w.published_at else None,
                               join_code=access.shown_join_code(w, me))
    return ItemOut(id=item.id, position=item.position, kind=item.kind, title=item.title,
                   speaker=item.speaker, organisation=item.organisation, summary=item.summary,
                   starts_at=item.starts_at, ends_at=item.ends_at,
                   links=[Link(**link) for link in item.links],
                   files=[_file(event, f) for f in item.files], workshop=workshop)


@router.get("", response_model=list[EventOut])
def events(session: DbSession,
           territoire: Annotated[str, Query(max_length=60, description=(
               "Un territoire « type/code » (departement/29, commune/29019) : ses seuls "
               "événements."))] = "") -> list[EventOut]:
    """List the events, soonest first (optionally those of one territory)."""
    pairs = None
    if territoire.strip():
        kind, _, code = territoire.strip().partition("/")
        pairs = [(kind, code)]
    return [EventOut(**_event(e)) for e in list_events(session, territories=pairs)]


@router.get("/{slug}", response_model=EventDetailOut)
def event(slug: str, session: DbSession,
          me: FacilitatorId) -> EventDetailOut:
    """Return an event with its programme, material and linked workshops."""
    detail = get_event(session, slug, me)
    e = detail.event
    return EventDetailOut(
        **_event(e), preparation=e.preparation, links=[Link(**link) for link in e.links],
        files=[_file(e, f) for f in detail.files],
        programme=[_item(e, item, me) for item in detail.items])
