"""The tables of an event's open data: the event, its programme, its published workshops.

Rows of the workshops' tables are put one after another with a first column
``atelier`` (the workshop's slug): their numbers (``id``…) count within each workshop.
The programme leaves out a workshop still in preparation, as the event's page does.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from trajectoires.foresight.carry import table
from trajectoires.foresight.carry._dump import encode
from trajectoires.foresight.kinds import DRAFT

if TYPE_CHECKING:
    from trajectoires.foresight.opendata import PublicWorkshop

__all__ = ["event_tables"]


def event_tables(session: Session, slug: str,
                 workshops: list[PublicWorkshop]) -> dict[str, list[dict[str, Any]]]:
    """Return the event's tables: ``events``, ``event_items`` then each workshop table."""
    from trajectoires.foresight.events.models import Event, EventItem
    from trajectoires.foresight.models import Workshop

    event_columns = tuple(c for c in table("events").public or () if c != "id")
    item_columns = tuple(c for c in table("event_items").public or ()
                         if c not in ("id", "event_id", "workshop_id"))
    published = {w.slug for w in workshops}
    with session.begin():
        event = session.scalar(select(Event).where(Event.slug == slug))
        events = [{"slug": slug, **{c: encode(getattr(event, c)) for c in event_columns}}]
        items = session.execute(select(EventItem, Workshop.slug).outerjoin(
            Workshop, Workshop.id == EventItem.workshop_id).where(
            EventItem.event_id == event.id,  # a workshop in preparation: not on its page
            or_(Workshop.id.is_(None), Workshop.status != DRAFT.key))
            .order_by(EventItem.position)).all()
        programme = [{**{c: encode(getattr(item, c)) for c in item_columns},
                      "atelier": workshop_slug if workshop_slug in published else None}
                     for item, workshop_slug in items]
    tables: dict[str, list[dict[str, Any]]] = {"events": events, "event_items": programme}
    for workshop in workshops:
        for name, rows in workshop.tables.items():
            if name in ("events", "event_items"):
                continue
            tables.setdefault(name, []).extend({"atelier": workshop.slug, **row} for row in rows)
    return tables
