"""Publishing a closed workshop from its facilitation page, and by the API.

- ``POST /ateliers/{slug}/animer/publication`` (form): ``action=publier`` with a
  ``licence``, or ``action=retirer``; back to the facilitation page;
- ``PUT /api/v1/workshops/{slug}/publication`` (``{"licence": "etalab-2.0"}``) and
  ``DELETE /api/v1/workshops/{slug}/publication``.

Only the workshop's facilitator may (``NotAllowedError``: 403, a login redirect for a
form without a session); only a closed workshop is published (409).
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import Response
from pydantic import BaseModel, Field

from trajectoires.foresight.publication import (
    DEFAULT_LICENCE,
    Publication,
    licence_label,
    publish_workshop,
    unpublish_workshop,
)
from trajectoires.web.archive.context import reference_if_available
from trajectoires.web.security import require_csrf
from trajectoires.web.workshops.contribution_pages import done
from trajectoires.web.workshops.csrf import require_csrf_header
from trajectoires.web.workshops.deps import DbSession, FacilitatorId
from trajectoires.web.workshops.facilitation import login_redirect

__all__ = ["api_router", "router"]

router = APIRouter(include_in_schema=False)
api_router = APIRouter(prefix="/api/v1/workshops", tags=["archive ouverte"])
ERRORS = {
    403: {"description": "Pas l'animateur de l'atelier, ou jeton CSRF absent"},
    404: {"description": "Atelier introuvable"},
    409: {"description": "L'atelier n'est pas clos"},
    422: {"description": "Licence inconnue (message en français)"},
}


class PublicationIn(BaseModel):
    """The licence the productions are published under."""

    licence: str = Field(DEFAULT_LICENCE, max_length=40,
                         description="etalab-2.0 (Licence Ouverte 2.0), cc-by-4.0 ou odbl")


class PublicationOut(BaseModel):
    """Whether a workshop is published, since when, under which licence, and where."""

    slug: str
    published: bool
    published_at: datetime | None
    licence: str
    licence_label: str
    url: str = Field(description="Adresse stable de la page publique")


def publication_out(outcome: Publication) -> PublicationOut:
    """Return the API form of ``outcome``."""
    workshop = outcome.workshop
    return PublicationOut(slug=workshop.slug, published=outcome.published,
                          published_at=workshop.published_at, licence=workshop.licence,
                          licence_label=licence_label(workshop.licence), url=outcome.url)


@router.post("/ateliers/{slug}/animer/publication", dependencies=[Depends(require_csrf)])
def publication_form(request: Request, slug: str, *, session: DbSession, me: FacilitatorId,
                     action: Annotated[str, Form(max_length=20)] = "publier",
                     licence: Annotated[str, Form(max_length=40)] = DEFAULT_LICENCE) -> Response:
    """Publish the closed workshop under ``licence`` (``action=retirer``: unpublish it)."""
    if me is None:
        return login_redirect(f"/ateliers/{slug}/animer")
    if action == "retirer":
        outcome = unpublish_workshop(session, me, slug)
    else:
        outcome = publish_workshop(session, me, slug, licence,
                                   reference=reference_if_available(request))
    return done(request, f"/ateliers/{slug}/animer#publication",
                publication_out(outcome).model_dump(mode="json"))


@api_router.put("/{slug}/publication", response_model=PublicationOut,
                dependencies=[Depends(require_csrf_header)],
                responses={k: ERRORS[k] for k in (403, 404, 409, 422)})
def publish(request: Request, slug: str, body: PublicationIn, *, session: DbSession,
            facilitator: FacilitatorId) -> PublicationOut:
    """Publish a closed workshop under a licence (its facilitator only); again: new licence."""
    outcome = publish_workshop(session, facilitator, slug, body.licence,  # type: ignore[arg-type]
                               reference=reference_if_available(request))
    return publication_out(outcome)


@api_router.delete("/{slug}/publication", response_model=PublicationOut,
                   dependencies=[Depends(require_csrf_header)],
                   responses={k: ERRORS[k] for k in (403, 404)})
def unpublish(slug: str, *, session: DbSession, facilitator: FacilitatorId) -> PublicationOut:
    """Take a workshop out of the archive and the search (its facilitator only)."""
    return publication_out(unpublish_workshop(session, facilitator, slug))  # type: ignore[arg-type]
