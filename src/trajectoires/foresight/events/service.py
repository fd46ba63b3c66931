"""Events: create, edit, delete, read and list (one use case, one function).

Each function takes a session with no transaction in progress, owns its transaction
and returns a frozen view (:mod:`~trajectoires.foresight.events.views`) or raises a
:class:`~trajectoires.foresight.errors.ForesightError` with a French message. Only the
event's facilitator (the organiser account that created it) changes it.

An event is a draft until its facilitator publishes it (:func:`publish_event`): a
draft is not listed, not in the search, its page, calendar, files and open data are
not found (404) by anyone else.

The programme lives in :mod:`~trajectoires.foresight.events.programme`, the uploaded
files in :mod:`~trajectoires.foresight.events.files`.
"""

from __future__ import annotations

import secrets
import shutil
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import select, tuple_
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from trajectoires.foresight._retry import retry_when_locked
from trajectoires.foresight.errors import InvalidInputError, NotAllowedError, NotFoundError
from trajectoires.foresight.events import _input
from trajectoires.foresight.events._search import forget_event, index_event
from trajectoires.foresight.events.models import Event, EventFile, EventItem
from trajectoires.foresight.events.views import (
    EventDetail,
    EventView,
    event_view,
    file_view,
    item_view,
)
from trajectoires.foresight.models import Workshop, utcnow
from trajectoires.foresight.workshops import TerritoryLike, slugify
from trajectoires.foresight.workshops import view as workshop_view

if TYPE_CHECKING:
    from trajectoires.territory import Reference

__all__ = ["EventInput", "create_event", "delete_event", "event_folder", "get_event",
           "list_events", "own_event", "publish_event", "unpublish_event", "update_event",
           "visible_row"]

MAX_DAYS = 366
_ATTEMPTS = 5


@dataclass(frozen=True)
class EventInput:
    """What a facilitator gives for an event: form text or Python values, checked by the service.

    ``starts_at`` and ``ends_at`` are Paris times (``2027-03-14T09:30``) or aware
    datetimes; ``organisers`` and ``partners`` one name per line or lists; ``links``
    ``Title | https://…`` per line or a list of ``{"label", "url"}``.
    """

    title: str
    starts_at: str | datetime
    ends_at: str | datetime
    place: str = ""
    summary: str = ""
    organisers: str | list[str] = ""
    partners: str | list[str] = ""
    preparation: str = ""
    links: str | list[dict] = ""


def _moment(value: str | datetime, field: str) -> datetime:
    if isinstance(value, datetime):
        return _input.paris_datetime(value.isoformat(), field)
    return _input.paris_datetime(value, field)


def _checked(fields: EventInput) -> dict:
    """Return the columns of an event from ``fields``; raise on the first bad field."""
    start = _moment(fields.starts_at, "Début")
    end = _moment(fields.ends_at, "Fin")
    if end < start:
        raise InvalidInputError("event_end_before_start",
                                start=_input.paris_text(start, "%d/%m/%Y %H:%M"),
                                end=_input.paris_text(end, "%d/%m/%Y %H:%M"))
    if end - start > timedelta(days=MAX_DAYS):
        raise InvalidInputError("event_too_long", limit=MAX_DAYS, days=(end - start).days)
    return {
        "title": _input.one_line(fields.title, "Titre", 160, required=True),
        "summary": _input.text_block(fields.summary, "Présentation", 4000),
        "starts_at": start, "ends_at": end,
        "place": _input.one_line(fields.place, "Lieu", 300),
        "organisers": _input.names(fields.organisers, "Organisateurs"),
        "partners": _input.names(fields.partners, "Partenaires"),
        "preparation": _input.text_block(fields.preparation, "Préparation", 4000),
        "links": _input.links(fields.links, "Documents préparatoires"),
    }


def event_folder(folder: Path, event_id: int) -> Path:
    """Folder of the uploaded files of event ``event_id`` under the files' root ``folder``."""
    return folder / str(int(event_id))


def _row(session: Session, slug: str) -> Event:
    row = session.scalar(select(Event).where(Event.slug == slug))
    if row is None:
        raise NotFoundError("event_not_found")
    return row


def visible_row(session: Session, slug: str, facilitator_id: int | None = None) -> Event:
    """Return the event ``slug`` if the caller may see it: published, or their own draft."""
    row = _row(session, slug)
    if row.published_at is None and (facilitator_id is None
                                     or row.facilitator_id != facilitator_id):
        raise NotFoundError("event_not_found")
    return row


def owned_row(session: Session, slug: str, facilitator_id: int | None) -> Event:
    """Return the event ``slug`` (in the caller's transaction) if ``facilitator_id`` runs it.

    Someone else's draft is not found, as on its page.
    """
    row = visible_row(session, slug, facilitator_id)
    if facilitator_id is None or row.facilitator_id != facilitator_id:
        raise NotAllowedError("event_not_owner")
    return row


@retry_when_locked
def create_event(session: Session, facilitator_id: int, territory: TerritoryLike,
                 fields: EventInput, *, example: bool = False, draft: bool = False,
                 reference: Reference | None = None) -> EventView:
    """Create an event for ``territory`` organised by ``facilitator_id``, at a fresh slug.

    Unless ``draft`` (what the facilitators' form asks), the event is public at once:
    it goes into the search index of the archive, under its territory and those above
    it (from ``reference`` when given). A draft waits for :func:`publish_event`.

    Raises
    ------
    InvalidInputError
        A field is empty, too long, not a Paris time, or the end precedes the start.

    """
    values = _checked(fields)
    for attempt in range(_ATTEMPTS):
        row = Event(slug=f"{slugify(values['title'])}-{secrets.token_hex(3)}",
                    territory_kind=str(territory.kind), territory_code=territory.code,
                    territory_name=territory.name, facilitator_id=facilitator_id,
                    example=example, published_at=None if draft else utcnow(), **values)
        try:
            with session.begin():
                session.add(row)
                index_event(session, row, reference)
            return event_view(row)
        except IntegrityError:  # a slug collision: draw again
            if attempt == _ATTEMPTS - 1:
                raise
    raise AssertionError("unreachable")


@retry_when_locked
def update_event(session: Session, facilitator_id: int, slug: str, fields: EventInput,
                 territory: TerritoryLike | None = None, *,
                 reference: Reference | None = None) -> EventView:
    """Change the event's fields (and its territory when given); its slug stays the same."""
    values = _checked(fields)
    with session.begin():
        row = owned_row(session, slug, facilitator_id)
        for name, value in values.items():
            setattr(row, name, value)
        if territory is not None:
            row.territory_kind, row.territory_code = str(territory.kind), territory.code
            row.territory_name = territory.name
        row.updated_at = utcnow()
        index_event(session, row, reference, territory_changed=territory is not None)
        return event_view(row)


@retry_when_locked
def publish_event(session: Session, facilitator_id: int, slug: str, *,
                  reference: Reference | None = None) -> EventView:
    """Publish the event: listed, found by the search, its page open to everyone.

    Publishing again keeps the first publication date.
    """
    with session.begin():
        row = owned_row(session, slug, facilitator_id)
        row.published_at = row.published_at or utcnow()
        index_event(session, row, reference)
        return event_view(row)


@retry_when_locked
def unpublish_event(session: Session, facilitator_id: int, slug: str) -> EventView:
    """Take the event back to a draft: out of the lists and the search, 404 to others."""
    with session.begin():
        row = owned_row(session, slug, facilitator_id)
        row.published_at = None
        forget_event(session, slug)
        return event_view(row)


@retry_when_locked
def delete_event(session: Session, facilitator_id: int, slug: str, folder: Path) -> EventView:
    """Delete the event, its programme and its files (rows, then the folder of its files).

    The workshops of the programme stay: only their link to the event goes.
    """
    with session.begin():
        row = owned_row(session, slug, facilitator_id)
        gone = event_view(row)
        session.delete(row)
        forget_event(session, slug)
    shutil.rmtree(event_folder(folder, gone.id), ignore_errors=True)
    return gone


def own_event(session: Session, slug: str, facilitator_id: int | None) -> EventView:
    """Return the event ``slug`` if ``facilitator_id`` organises it; raise otherwise."""
    with session.begin():
        return event_view(owned_row(session, slug, facilitator_id))


def get_event(session: Session, slug: str, facilitator_id: int | None = None) -> EventDetail:
    """Return the event with its programme and files, as the caller may see them.

    A draft event is found by its facilitator only. A workshop of the programme still
    in preparation (draft) is shown to its own facilitator only; to others the entry
    is left out.
    """
    with session.begin():
        row = visible_row(session, slug, facilitator_id)
        items = session.scalars(select(EventItem).where(EventItem.event_id == row.id)
                                .order_by(EventItem.position, EventItem.id)).all()
        files = session.scalars(select(EventFile).where(EventFile.event_id == row.id)
                                .order_by(EventFile.id)).all()
        ids = [item.workshop_id for item in items if item.workshop_id is not None]
        workshops = {w.id: workshop_view(w) for w in session.scalars(
            select(Workshop).where(Workshop.id.in_(ids)))} if ids else {}
        by_item: dict[int | None, list] = {}
        for found in files:
            by_item.setdefault(found.item_id, []).append(file_view(found))
        shown = []
        for item in items:
            workshop = workshops.get(item.workshop_id)
            if workshop is not None and workshop.is_draft \
                    and workshop.facilitator_id != facilitator_id:
                continue
            shown.append(item_view(item, workshop, tuple(by_item.get(item.id, ()))))
        return EventDetail(event_view(row), tuple(shown), tuple(by_item.get(None, ())))


def list_events(session: Session, *, territories: Iterable[tuple[str, str]] | None = None,
                facilitator_id: int | None = None) -> list[EventView]:
    """Events, soonest first: all, or those of ``territories`` (kind, code), or of a facilitator.

    Drafts are listed only with ``facilitator_id`` (that facilitator's own list).
    """
    query = select(Event).order_by(Event.starts_at, Event.id)
    if facilitator_id is None:
        query = query.where(Event.published_at.is_not(None))
    if territories is not None:
        pairs = list(territories)
        if not pairs:
            return []
        query = query.where(tuple_(Event.territory_kind, Event.territory_code).in_(pairs))
    if facilitator_id is not None:
        query = query.where(Event.facilitator_id == facilitator_id)
    with session.begin():
        return [event_view(row) for row in session.scalars(query)]
