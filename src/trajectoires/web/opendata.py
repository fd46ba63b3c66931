"""Open data on the web: the Data Package of each published workshop and event, and a read API.

- ``GET /archives/{slug}/donnees.zip``: the workshop's open data (stable address);
- ``GET /evenements/{slug}/donnees.zip``: the event's, with its published workshops;
- ``GET /api/v1/archives``: every published workshop, newest first (``limit``, ``offset``);
- ``GET /api/v1/archives/{slug}/data``: the public tables of a published workshop as JSON.

An unpublished workshop gets the 404 of an unknown one: nothing says it exists.
Built by :mod:`trajectoires.foresight.opendata`.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request, Response
from pydantic import BaseModel
from sqlalchemy import select

from trajectoires.foresight.carry import ArchiveError
from trajectoires.foresight.errors import NotFoundError
from trajectoires.foresight.opendata import event_zip, public_workshop_data, workshop_zip
from trajectoires.web.workshops.deps import DbSession

__all__ = ["api_router", "router"]

router = APIRouter(include_in_schema=False)
api_router = APIRouter(prefix="/api/v1/archives", tags=["archive ouverte"])
NOT_FOUND = {404: {"description": "Atelier introuvable ou non publié"}}


def _base_url(request: Request) -> str:
    return request.app.state.settings.public_url or str(request.base_url).rstrip("/")


def _zip(data: bytes, name: str) -> Response:
    headers = {"Content-Disposition": f'attachment; filename="{name}"',
               "Cache-Control": "no-cache"}  # unpublishing takes effect at once
    return Response(data, media_type="application/zip", headers=headers)


@router.get("/archives/{slug}/donnees.zip")
def workshop_data_zip(request: Request, slug: str, session: DbSession) -> Response:
    """Download the open data of a published workshop (Frictionless Data Package)."""
    try:
        data = workshop_zip(session, slug, base_url=_base_url(request))
    except ArchiveError:
        raise NotFoundError("workshop_not_found") from None
    return _zip(data, f"{slug}-donnees.zip")


@router.get("/evenements/{slug}/donnees.zip")
def event_data_zip(request: Request, slug: str, session: DbSession) -> Response:
    """Download the open data of an event and its published workshops."""
    try:
        data = event_zip(session, slug, base_url=_base_url(request))
    except ArchiveError:
        raise NotFoundError("event_not_found") from None
    return _zip(data, f"{slug}-donnees.zip")


class PublishedOut(BaseModel):
    """A published workshop and where its page and open data are."""

    slug: str
    title: str
    kind: str
    territory_kind: str
    territory_code: str
    territory_name: str
    published_at: datetime
    licence: str
    url: str
    data_url: str


@api_router.get("", response_model=list[PublishedOut])
def published_workshops(
    session: DbSession, limit: Annotated[int, Query(ge=1, le=500)] = 100,
    offset: Annotated[int, Query(ge=0)] = 0,
) -> list[PublishedOut]:
    """List the published workshops, newest publication first."""
    from trajectoires.foresight.kinds import CLOSED
    from trajectoires.foresight.models import Workshop

    query = (select(Workshop).where(Workshop.published_at.is_not(None),
                                    Workshop.status == CLOSED.key)
             .order_by(Workshop.published_at.desc(), Workshop.id.desc())
             .limit(limit).offset(offset))
    with session.begin():
        return [PublishedOut(
            slug=w.slug, title=w.title, kind=w.kind, territory_kind=w.territory_kind,
            territory_code=w.territory_code, territory_name=w.territory_name,
            published_at=w.published_at, licence=w.licence, url=f"/archives/{w.slug}",
            data_url=f"/archives/{w.slug}/donnees.zip") for w in session.scalars(query)]


@api_router.get("/{slug}/data", responses=NOT_FOUND)
def published_data(slug: str, session: DbSession) -> dict[str, Any]:
    """Read the public tables of a published workshop (the open data's ``donnees.json``)."""
    try:
        data = public_workshop_data(session, slug)
    except ArchiveError:
        raise NotFoundError("workshop_not_found") from None
    return {"slug": data.slug, "licence": data.licence, "published_at": data.published_at,
            "participants_by_role": data.roles, "data_url": f"/archives/{slug}/donnees.zip",
            "tables": data.tables}
