"""Keep an event in the search index of the archive, in the caller's transaction.

Events are public from their creation, so each change of an event or of its programme
writes its document again (kind ``"event"``, key its slug): title, and as body its
presentation, place, organisers, partners, preparation and every entry of the programme
(title, speaker, organisation, summary). Deleting the event removes the document.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlalchemy import select
from sqlalchemy.orm import Session

from trajectoires.foresight.events._input import PARIS
from trajectoires.foresight.events.models import Event, EventItem
from trajectoires.foresight.search import (
    SearchDocument,
    SearchDocumentTerritory,
    index_document,
    remove_document,
    territory_chain,
)

if TYPE_CHECKING:
    from trajectoires.territory import Reference

__all__ = ["KIND", "forget_event", "index_event"]

KIND = "event"


def _known_territories(session: Session, slug: str) -> list[tuple[str, str]] | None:
    rows = session.execute(
        select(SearchDocumentTerritory.territory_kind, SearchDocumentTerritory.territory_code)
        .join(SearchDocument, SearchDocument.id == SearchDocumentTerritory.document_id)
        .where(SearchDocument.kind == KIND, SearchDocument.key == slug)).all()
    return [(kind, code) for kind, code in rows] or None


def _body(session: Session, row: Event) -> str:
    items = session.scalars(select(EventItem).where(EventItem.event_id == row.id)
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
