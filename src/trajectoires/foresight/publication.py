"""Publishing a closed workshop: its productions become public, under a chosen licence.

Only the workshop's facilitator publishes or unpublishes it, and only once it is
closed. A published workshop has ``published_at`` set and is in the search index
(:mod:`trajectoires.foresight.search`); unpublishing removes both, so an unpublished
workshop never appears publicly. :func:`is_published` is the one test every public
page and export asks.

Examples
--------
>>> from types import SimpleNamespace
>>> from datetime import datetime, UTC
>>> is_published(SimpleNamespace(status="closed", published_at=datetime(2026, 12, 2, tzinfo=UTC)))
True
>>> is_published(SimpleNamespace(status="open", published_at=datetime(2026, 12, 2, tzinfo=UTC)))
False
>>> licence_label("cc-by-4.0")
'Creative Commons Attribution 4.0 (CC BY 4.0)'

"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from trajectoires.foresight._retry import retry_when_locked
from trajectoires.foresight.errors import (
    ConflictError,
    InvalidInputError,
    NotFoundError,
)
from trajectoires.foresight.kinds import CLOSED, get_kind
from trajectoires.foresight.models import (
    DEFAULT_LICENCE,
    LICENCES,
    Workshop,
    utcnow,
)
from trajectoires.foresight.search import (
    SearchDocument,
    SearchDocumentTerritory,
    index_document,
    remove_document,
    territory_chain,
)
from trajectoires.foresight.workshops import WorkshopView, owned_row, view

if TYPE_CHECKING:
    from trajectoires.territory import Reference

__all__ = [
    "DEFAULT_LICENCE",
    "LICENCES",
    "LICENCE_URLS",
    "Publication",
    "archive_url",
    "is_published",
    "licence_label",
    "publish_workshop",
    "published_workshop",
    "reindex_workshop",
    "unpublish_workshop",
]


LICENCE_URLS = {
    "etalab-2.0": "https://www.etalab.gouv.fr/licence-ouverte-open-licence/",
    "cc-by-4.0": "https://creativecommons.org/licenses/by/4.0/deed.fr",
    "odbl": "https://opendatacommons.org/licenses/odbl/1-0/",
}
"""Where each licence's text is read."""


@dataclass(frozen=True)
class Publication:
    """The outcome of publishing or unpublishing: the workshop as it is now."""

    workshop: WorkshopView
    published: bool
    url: str


def is_published(workshop: Any) -> bool:  # noqa: ANN401 (a Workshop row or a WorkshopView)
    """Whether ``workshop``'s productions are public: closed and published."""
    return workshop.published_at is not None and workshop.status == CLOSED.key


def licence_label(key: str) -> str:
    """Return the French name of the licence ``key`` (a key of :data:`LICENCES`)."""
    return LICENCES.get(key, key)


def archive_url(slug: str) -> str:
    """Return the stable public address of a published workshop.

    >>> archive_url("fibre-2030")
    '/archives/fibre-2030'
    """
    return f"/archives/{slug}"


def _check_licence(licence: str | None) -> str:
    licence = (licence or DEFAULT_LICENCE).strip()
    if licence not in LICENCES:
        raise InvalidInputError("unknown_licence", licence=licence[:40],
                                allowed=", ".join(LICENCES.values()))
    return licence



def _body(session: Session, row: Workshop) -> str:
    from trajectoires.foresight.archive import archive_text, read_archive

    return archive_text(read_archive(session, view(row)))


def _known_territories(session: Session, row: Workshop) -> list[tuple[str, str]]:
    """Return the territories indexed for this workshop, if indexed on its own territory."""
    found = session.execute(
        select(SearchDocumentTerritory.territory_kind, SearchDocumentTerritory.territory_code)
        .join(SearchDocument, SearchDocument.id == SearchDocumentTerritory.document_id)
        .where(SearchDocument.kind == "workshop", SearchDocument.key == row.slug,
               SearchDocument.territory_kind == row.territory_kind,
               SearchDocument.territory_code == row.territory_code)
    ).all()
    return [(kind, code) for kind, code in found]


def reindex_workshop(
    session: Session, row: Workshop, reference: Reference | None = None
) -> None:
    """Put a workshop in the search index as it is now, or take it out if not public.

    Runs in the caller's transaction: call it after changing a published workshop's
    productions (enrichment, moderation) so the search finds what the page shows.
    Without ``reference``, the territories already indexed for it are kept (its EPCI),
    else those its code tells (:func:`~trajectoires.foresight.search.territory_chain`).
    """
    if not is_published(row):
        remove_document(session, "workshop", row.slug)
        return
    territories = _known_territories(session, row) if reference is None else None
    index_document(
        session, "workshop", row.slug, title=row.title, body=_body(session, row),
        territory=(row.territory_kind, row.territory_code, row.territory_name),
        territories=territories or territory_chain(reference, row.territory_kind,
                                                   row.territory_code),
        year=row.created_at.year, subtype=row.kind, url=archive_url(row.slug),
        published_at=row.published_at,
    )


@retry_when_locked
def publish_workshop(
    session: Session, facilitator_id: int, slug: str, licence: str | None = DEFAULT_LICENCE,
    *, reference: Reference | None = None,
) -> Publication:
    """Publish the closed workshop ``slug`` under ``licence``; only its facilitator may.

    Publishing again changes the licence and keeps the first publication date.

    Raises
    ------
    NotFoundError, NotAllowedError, InvalidInputError, ConflictError
        Unknown workshop, not its facilitator, unknown licence, not closed.

    """
    licence = _check_licence(licence)
    with session.begin():
        row = owned_row(session, slug, facilitator_id)
        if row.status != CLOSED.key:
            raise ConflictError("publish_not_closed",
                                phase=get_kind(row.kind).phase(row.status).label)
        row.licence = licence
        row.published_at = row.published_at or utcnow()
        session.flush()
        reindex_workshop(session, row, reference)
        return Publication(view(row), True, archive_url(row.slug))


@retry_when_locked
def unpublish_workshop(session: Session, facilitator_id: int, slug: str) -> Publication:
    """Take the workshop ``slug`` out of the archive and the search; only its facilitator may."""
    with session.begin():
        row = owned_row(session, slug, facilitator_id)
        row.published_at = None
        session.flush()
        remove_document(session, "workshop", row.slug)
        return Publication(view(row), False, archive_url(row.slug))


def published_workshop(session: Session, slug: str) -> WorkshopView:
    """Return the published workshop ``slug`` for a public page.

    Raises
    ------
    NotFoundError
        No workshop has this slug, or it is not published (never say which).

    """
    with session.begin():
        row = session.scalar(select(Workshop).where(Workshop.slug == slug))
        if row is None or not is_published(row):
            raise NotFoundError("workshop_not_found")
        return view(row)
