"""Keep an event in the search index of the archive, in the caller's transaction.

Each change of a published event or of its programme writes its document again (kind
``"event"``, key its slug): title, and as body its presentation, place, organisers,
partners, preparation and every entry of the programme (title, speaker, organisation,
summary) but a workshop still in preparation, left out as on the event's page. A draft
event, or a deleted one, has no document.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from trajectoires.foresight.events._input import PARIS
from trajectoires.foresight.events.models import Event, EventItem
from trajectoires.foresight.kinds import DRAFT
from trajectoires.foresight.models import Workshop
from trajectoires.foresight.search import (
    SearchDocument,
    SearchDocumentTerritory,
    index_document,
    remove_document,
    territory_chain,
)

if TYPE_CHECKING:
    from trajectoires.territory import Reference

__all__ = ["KIND", "forget_event", "events_of", "index_event",
           "reindex_events"]

KIND = "event"


def _known_territories(session: Session, slug: str) -> list[tuple[str, str]] | None:
    rows = session.execute(
        select(SearchDocumentTerritory.territory_kind, SearchDocumentTerritory.territory_code)
        .join(SearchDocument, SearchDocument.id == SearchDocumentTerritory.document_id)
        .where(SearchDocument.kind == KIND, SearchDocument.key == slug)).all()
    return [(kind, code) for kind, code in rows] or None


def _body(session: Session, row: Event) -> str:
    """Return the event's words, but a workshop entry in preparation (as on its page)."""
    items = session.scalars(
        select(EventItem).outerjoin(Workshop, Workshop.id == EventItem.workshop_id)
        .where(EventItem.event_id == row.id,
               or_(Workshop.id.is_(None), Workshop.status != DRAFT.key))
        .order_by(EventItem.position, EventItem.id)).all()
    parts = [row.summary, row.place, ", ".join(row.organisers or ()),
             ", ".join(row.partners or ()), row.preparation]
    for item in items:
        parts.extend([item.title, item.speaker, item.organisation, item.summary])
    return "\n".join(part for part in parts if part)


def index_event(session: Session, row: Event, reference: Reference | None = None,
                *, territory_changed: bool = False) -> None:
    """Write the document of the event ``row`` (inside the caller's transaction).

    The territories above the event's come from ``reference`` when given; otherwise
    those already indexed are kept (unless the territory changed), else the ones its
    code tells (:func:`~trajectoires.foresight.search.territory_chain`).
    """
    session.flush()
    if row.published_at is None:  # a draft: nothing of it in the search
        remove_document(session, KIND, row.slug)
        return
    territories = None if territory_changed else _known_territories(session, row.slug)
    if reference is not None or territories is None:
        territories = territory_chain(reference, row.territory_kind, row.territory_code)
    index_document(
        session, KIND, row.slug, title=row.title, body=_body(session, row),
        territory=(row.territory_kind, row.territory_code, row.territory_name),
        territories=territories, year=row.starts_at.astimezone(PARIS).year, subtype=KIND,
        url=f"/evenements/{row.slug}", published_at=row.published_at)


def forget_event(session: Session, slug: str) -> None:
    """Remove the event's document from the index (inside the caller's transaction)."""
    remove_document(session, KIND, slug)


def events_of(session: Session, workshop_id: int) -> list[int]:
    """Ids of the events whose programme holds the workshop ``workshop_id``."""
    return list(session.scalars(select(EventItem.event_id).distinct()
                                .where(EventItem.workshop_id == workshop_id)))


def reindex_events(session: Session, event_ids: list[int]) -> None:
    """Write again the documents of the events ``event_ids`` (in the caller's transaction).

    Called when a workshop of their programme enters or leaves its preparation, or is
    deleted (ids read before): its title and question are in an event's document only
    while the event page shows it.
    """
    session.flush()
    for event_id in event_ids:
        row = session.get(Event, event_id)
        if row is not None:
            index_event(session, row)
