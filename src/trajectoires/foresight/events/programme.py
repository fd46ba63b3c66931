"""The programme of an event: talks and workshops, added, edited, removed and reordered.

Each function owns its transaction, checks that the caller organises the event and
returns the changed entry (:class:`~trajectoires.foresight.events.views.ItemView`).
Times of an entry are optional Paris times within the days of the event.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from trajectoires.foresight._retry import retry_when_locked
from trajectoires.foresight.errors import ConflictError, InvalidInputError, NotFoundError
from trajectoires.foresight.events import _input
from trajectoires.foresight.events._search import index_event
from trajectoires.foresight.events.models import TALK, WORKSHOP, Event, EventFile, EventItem
from trajectoires.foresight.events.service import event_folder, owned_row
from trajectoires.foresight.events.views import ItemView, item_view
from trajectoires.foresight.models import Workshop, utcnow
from trajectoires.foresight.workshops import view as workshop_view

__all__ = ["ItemInput", "add_talk", "link_workshop", "move_item", "remove_item",
           "unlink_workshop", "update_item"]

MAX_ITEMS = 60
MOVES = {"haut": -1, "up": -1, "bas": 1, "down": 1}


@dataclass(frozen=True)
class ItemInput:
    """What a facilitator gives for a programme entry (times as Paris text or datetimes)."""

    title: str
    speaker: str = ""
    organisation: str = ""
    summary: str = ""
    starts_at: str | datetime | None = ""
    ends_at: str | datetime | None = ""
    links: str | list[dict] = ""


def _time(value: str | datetime | None, field: str) -> datetime | None:
    text = value.isoformat() if isinstance(value, datetime) else value
    return _input.paris_datetime(text, field, required=False)


def _within(event: Event, moment: datetime | None, field: str) -> None:
    """Refuse a time outside the days of the event (from its first day's midnight, in Paris)."""
    if moment is None:
        return
    first = event.starts_at.astimezone(_input.PARIS).replace(hour=0, minute=0)
    last = event.ends_at.astimezone(_input.PARIS).replace(hour=0, minute=0) + timedelta(days=1)
    if not first <= moment < last:
        raise InvalidInputError("event_item_outside", field=field,
                                value=_input.paris_text(moment, "%d/%m/%Y %H:%M"),
                                start=_input.paris_text(event.starts_at, "%d/%m/%Y"),
                                end=_input.paris_text(event.ends_at, "%d/%m/%Y"))


def _checked(event: Event, fields: ItemInput) -> dict:
    start, end = _time(fields.starts_at, "Début"), _time(fields.ends_at, "Fin")
    _within(event, start, "Début")
    _within(event, end, "Fin")
    if start and end and end < start:
        raise InvalidInputError("event_end_before_start", start=_input.paris_text(start, "%H:%M"),
                                end=_input.paris_text(end, "%H:%M"))
    return {
        "title": _input.one_line(fields.title, "Titre", 200, required=True),
        "speaker": _input.one_line(fields.speaker, "Intervenant·e", 160),
        "organisation": _input.one_line(fields.organisation, "Organisation", 160),
        "summary": _input.text_block(fields.summary, "Résumé", 4000),
        "starts_at": start, "ends_at": end,
        "links": _input.links(fields.links, "Supports"),
    }


def _item(session: Session, event: Event, item_id: int) -> EventItem:
    row = session.get(EventItem, item_id)
    if row is None or row.event_id != event.id:
        raise NotFoundError("event_item_not_found")
    return row


def _next_position(session: Session, event: Event) -> int:
    count, last = session.execute(select(func.count(), func.max(EventItem.position))
                                  .where(EventItem.event_id == event.id)).one()
    if count >= MAX_ITEMS:
        raise ConflictError("event_programme_full", limit=MAX_ITEMS)
    return (last or 0) + 1


def _touch(session: Session, event: Event) -> None:
    """Date the change and write the event's search document again (same transaction)."""
    event.updated_at = utcnow()
    index_event(session, event)


@retry_when_locked
def add_talk(session: Session, facilitator_id: int, slug: str, fields: ItemInput) -> ItemView:
    """Add a talk (speaker, organisation, summary, time, links) at the end of the programme."""
    with session.begin():
        event = owned_row(session, slug, facilitator_id)
        row = EventItem(event_id=event.id, kind=TALK, position=_next_position(session, event),
                        **_checked(event, fields))
        session.add(row)
        _touch(session, event)
        session.flush()
        return item_view(row)


@retry_when_locked
def update_item(session: Session, facilitator_id: int, slug: str, item_id: int,
                fields: ItemInput) -> ItemView:
    """Change a programme entry; a workshop entry keeps no speaker, organisation or links."""
    with session.begin():
        event = owned_row(session, slug, facilitator_id)
        row = _item(session, event, item_id)
        values = _checked(event, fields)
        if row.kind == WORKSHOP:
            values.update(speaker="", organisation="", links=[])
        for name, value in values.items():
            setattr(row, name, value)
        _touch(session, event)
        return item_view(row)


@retry_when_locked
def remove_item(session: Session, facilitator_id: int, slug: str, item_id: int,
                folder: Path) -> ItemView:
    """Remove a programme entry and its uploaded files (rows, then the files themselves)."""
    with session.begin():
        event = owned_row(session, slug, facilitator_id)
        row = _item(session, event, item_id)
        gone = item_view(row)
        stored = session.scalars(select(EventFile.stored_name)
                                 .where(EventFile.item_id == row.id)).all()
        session.delete(row)
        _touch(session, event)
    for name in stored:
        (event_folder(folder, gone.event_id) / name).unlink(missing_ok=True)
    return gone


@retry_when_locked
def move_item(session: Session, facilitator_id: int, slug: str, item_id: int,
              direction: str) -> list[ItemView]:
    """Move an entry one place up (``haut``) or down (``bas``); return the programme in order.

    Positions are renumbered 1, 2, 3… so that the order is always well defined.
    """
    step = MOVES.get(direction)
    if step is None:
        raise InvalidInputError("event_bad_move", value=str(direction)[:20])
    with session.begin():
        event = owned_row(session, slug, facilitator_id)
        moved = _item(session, event, item_id)
        rows = list(session.scalars(select(EventItem).where(EventItem.event_id == event.id)
                                    .order_by(EventItem.position, EventItem.id)))
        index = rows.index(moved)
        target = min(max(index + step, 0), len(rows) - 1)
        rows.insert(target, rows.pop(index))
        for position, row in enumerate(rows, start=1):
            row.position = position
        _touch(session, event)
        return [item_view(row) for row in rows]


def _workshop(session: Session, slug: str, facilitator_id: int) -> Workshop:
    """Return a workshop the facilitator may put in a programme: any but another's draft."""
    row = session.scalar(select(Workshop).where(Workshop.slug == (slug or "").strip()[:80]))
    if row is None or (row.status == "draft" and row.facilitator_id != facilitator_id):
        raise NotFoundError("event_workshop_not_found", slug=(slug or "").strip()[:80])
    return row


@retry_when_locked
def link_workshop(session: Session, facilitator_id: int, slug: str, workshop_slug: str, *,
                  starts_at: str | datetime | None = "",
                  ends_at: str | datetime | None = "") -> ItemView:
    """Put a workshop of the product in the programme (once per event), at its end."""
    with session.begin():
        event = owned_row(session, slug, facilitator_id)
        workshop = _workshop(session, workshop_slug, facilitator_id)
        already = session.scalar(select(EventItem.id).where(
            EventItem.event_id == event.id, EventItem.workshop_id == workshop.id))
        if already is not None:
            raise ConflictError("event_workshop_linked", title=workshop.title)
        values = _checked(event, ItemInput(workshop.title, summary=workshop.question,
                                           starts_at=starts_at, ends_at=ends_at))
        row = EventItem(event_id=event.id, kind=WORKSHOP, workshop_id=workshop.id,
                        position=_next_position(session, event), **values)
        session.add(row)
        _touch(session, event)
        session.flush()
        return item_view(row, workshop_view(workshop))


@retry_when_locked
def unlink_workshop(session: Session, facilitator_id: int, slug: str,
                    workshop_slug: str) -> ItemView:
    """Take a workshop out of the programme (the workshop itself stays)."""
    with session.begin():
        event = owned_row(session, slug, facilitator_id)
        row = session.scalar(select(EventItem).join(Workshop).where(
            EventItem.event_id == event.id, Workshop.slug == (workshop_slug or "").strip()[:80]))
        if row is None:
            raise NotFoundError("event_workshop_not_linked", slug=(workshop_slug or "")[:80])
        gone = item_view(row)
        session.delete(row)
        _touch(session, event)
        return gone
