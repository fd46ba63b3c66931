"""Seed statements: what the facilitator of a debate writes before (or while) it is open.

Pol.is lets the moderator seed a conversation so that the first participants have
something to vote on; here the facilitation page has a form « Propositions de départ »
until the debate is closed. A seed is a statement signed « Animation »: the same length
and duplicate checks as a participant's, the same board, opinion map and Pol.is export
(its ``author-id`` is empty there).
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse, Response

from trajectoires.foresight import access
from trajectoires.foresight.errors import ForesightError
from trajectoires.foresight.participation import post_seed_statement
from trajectoires.web.errors import render_form_error
from trajectoires.web.security import require_csrf
from trajectoires.web.workshops.contexts import FACILITATION_PAGE, facilitator_context
from trajectoires.web.workshops.deps import DbSession, FacilitatorId, Hub
from trajectoires.web.workshops.events import publish_statement
from trajectoires.web.workshops.facilitation import login_redirect

__all__ = ["router"]

router = APIRouter(include_in_schema=False)
KIND = "debate"


@router.post("/ateliers/{slug}/propositions-de-depart", dependencies=[Depends(require_csrf)])
def post_seed(request: Request, slug: str, *, session: DbSession, me: FacilitatorId, hub: Hub,
              text: Annotated[str, Form()] = "") -> Response:
    """Post a seed statement as « Animation »; a refusal shows the page again with the text."""
    if me is None:
        return login_redirect(f"/ateliers/{slug}/animer")
    workshop = access.own_workshop(session, slug, me, kind=KIND)
    try:
        statement = post_seed_statement(session, me, workshop.id, text)
    except ForesightError as error:
        context = {**facilitator_context(request, session, workshop), "seed_text": text}
        return render_form_error(request, FACILITATION_PAGE, context, error)
    publish_statement(hub, statement)
    return RedirectResponse(f"/ateliers/{slug}/animer#statement-{statement.id}", status_code=303)
