"""Server-rendered fragments of the workshop pages, fetched again by ``static/workshop-live.js``.

Live events carry ids, never text: on a ``contribution``, ``ranking`` or ``state`` event
the page fetches the regions concerned from here, rendered by the same partials as the
page for the same viewer, so who may see what is decided once, on the server.

- ``GET /ateliers/{slug}/fragments/contributions?type=…&vue=…``: the list of one type;
- ``GET /ateliers/{slug}/fragments/formulaire?type=…&vue=…``: the form of one type (its
  reference fields list what may be named now);
- ``GET /ateliers/{slug}/fragments/seance?vue=…``: timer, lock, the viewer's table.

``vue`` is ``participant`` (the default), ``projection`` or ``animation`` (the
facilitator's, with moderation: only the workshop's facilitator gets it).
"""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, Response

from trajectoires.foresight import access
from trajectoires.web.workshops.deps import DbSession, FacilitatorId, current_participant
from trajectoires.web.workshops.generic import board

__all__ = ["router"]

router = APIRouter(include_in_schema=False)

View = Literal["participant", "projection", "animation"]
TypeKey = Annotated[str, Query(alias="type", max_length=40)]
NO_STORE = {"Cache-Control": "no-store"}


def _fragment(request: Request, session: DbSession, slug: str, me: int | None, *, vue: View,
              template: str, type_key: str | None = None) -> Response:
    """Render ``template`` with the generic board of the viewer of ``vue``."""
    if vue == "animation":
        workshop = access.own_workshop(session, slug, me) if me is not None else None
        if workshop is None:
            return HTMLResponse("", status_code=403, headers=NO_STORE)
        participant, generic = None, board(session, workshop, facilitator=True)
    else:
        workshop = access.visible_workshop(session, slug, me)
        participant = current_participant(request, session, workshop)
        generic = board(session, workshop, participant)
    context = {"request": request, "b": generic, "me": participant, "view": vue,
               "workshop": workshop, "failed": None}
    if type_key is not None:
        context["ctype"] = workshop.manifest.contribution_type(type_key)
    html = request.app.state.templates.env.get_template(template).render(context)
    return HTMLResponse(html, headers=NO_STORE)


@router.get("/ateliers/{slug}/fragments/contributions", response_class=HTMLResponse)
def contributions_fragment(request: Request, slug: str, *, session: DbSession, me: FacilitatorId,
                           type_key: TypeKey, vue: View = "participant") -> Response:
    """Render the list of the contributions of one type, for the viewer."""
    return _fragment(request, session, slug, me, vue=vue, type_key=type_key,
                     template="workshops/_contribution_list_body.html")


@router.get("/ateliers/{slug}/fragments/formulaire", response_class=HTMLResponse)
def form_fragment(request: Request, slug: str, *, session: DbSession, me: FacilitatorId,
                  type_key: TypeKey, vue: View = "participant") -> Response:
    """Render the form posting a contribution of one type (on paper for ``animation``)."""
    return _fragment(request, session, slug, me, vue=vue, type_key=type_key,
                     template="workshops/_form_body.html")


@router.get("/ateliers/{slug}/fragments/seance", response_class=HTMLResponse)
def session_fragment(request: Request, slug: str, session: DbSession, me: FacilitatorId,
                     vue: View = "participant") -> Response:
    """Render the timer, the lock notice and the viewer's table."""
    return _fragment(request, session, slug, me, vue=vue, template="workshops/_session_body.html")
