"""Workshop pages for participants: list, join, the participant view and its live stream.

Forms work without JavaScript (POST then redirect); ``static/workshop.js`` replaces
them with ``fetch`` calls to the API and listens to ``/ateliers/{slug}/flux``.
The facilitator pages live in :mod:`trajectoires.web.workshops.facilitation`.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Header, Request
from fastapi.responses import RedirectResponse, Response, StreamingResponse
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool

from trajectoires.foresight import access
from trajectoires.foresight.errors import ForesightError
from trajectoires.foresight.participation import (
    join_workshop,
    post_statement,
    workshop_board,
)
from trajectoires.foresight.voting import vote
from trajectoires.foresight.workshops import WorkshopView, list_workshops
from trajectoires.web.errors import render_form_error
from trajectoires.web.security import require_csrf
from trajectoires.web.workshops import facilitation
from trajectoires.web.workshops.deps import (
    MAX_ID,
    DbSession,
    FacilitatorId,
    Hub,
    current_participant,
    secure_cookies,
    set_participant_cookie,
)
from trajectoires.web.workshops.events import publish_statement, publish_vote
from trajectoires.web.workshops.facilitation import placeholder_statement
from trajectoires.web.workshops.kinds import page_context

__all__ = ["router"]

router = APIRouter(include_in_schema=False)
router.include_router(facilitation.router)

NO_BUFFERING = {"Cache-Control": "no-cache", "X-Accel-Buffering": "no"}
JOIN_FORM = "workshops/join.html"
PARTICIPANT_PAGE = "workshops/participate.html"


def render(request: Request, name: str, context: dict[str, Any], status: int = 200) -> Response:
    """Render the template ``name`` with ``context``."""
    templates = request.app.state.templates
    return templates.TemplateResponse(request, name, context, status_code=status)


@router.get("/ateliers")
def workshop_list(request: Request, session: DbSession, me: FacilitatorId) -> Response:
    """List the open and closed workshops (and the facilitator's drafts)."""
    return render(
        request, "workshops/list.html",
        {"workshops": list_workshops(session, me), "facilitator_id": me},
    )


@router.get("/rejoindre")
def join_form(request: Request) -> Response:
    """Show the join form (code and pseudonym)."""
    return render(request, JOIN_FORM, {"code": "", "pseudonym": ""})


@router.get("/rejoindre/{code}")
def join_link(request: Request, code: str, session: DbSession) -> Response:
    """Show the join form with the code of the link filled in (and if it is not open yet)."""
    code = code.upper()[:12]
    context = {"code": code, "pseudonym": "", "not_open": access.awaiting_opening(session, code)}
    return render(request, JOIN_FORM, context)


@router.post("/rejoindre", dependencies=[Depends(require_csrf)])
def join(
    request: Request,
    session: DbSession,
    *,
    code: Annotated[str, Form()] = "",
    pseudonym: Annotated[str, Form()] = "",
) -> Response:
    """Join the workshop; the participant token goes into an HttpOnly cookie.

    Refusals (unknown code, pseudonym taken, workshop not open yet) show the form again
    with the message.
    """
    try:
        joined = join_workshop(session, code, pseudonym)
    except ForesightError as error:
        return render_form_error(request, JOIN_FORM, {"code": code, "pseudonym": pseudonym}, error)
    response = RedirectResponse(f"/ateliers/{joined.workshop.slug}", status_code=303)
    secure = secure_cookies(request)
    set_participant_cookie(response, joined.workshop, joined.token, secure=secure)
    return response


def participant_context(
    request: Request, session: Session, workshop: WorkshopView
) -> dict[str, Any]:
    """Context of the participant view of ``workshop`` (read-only if not joined)."""
    me = current_participant(request, session, workshop)
    board = workshop_board(session, workshop, viewer=me)
    phase = workshop.manifest.phase(workshop.status)
    return {"workshop": workshop, "board": board, "me": me, "phase": phase,
            "template_statement": placeholder_statement(workshop),
            **page_context(request, "participant", workshop, me)}


@router.get("/ateliers/{slug}")
def workshop_page(
    request: Request, slug: str, session: DbSession, facilitator: FacilitatorId
) -> Response:
    """Show the workshop: question, statements, forms to post and vote, its kind's sections."""
    workshop = access.visible_workshop(session, slug, facilitator)
    return render(request, PARTICIPANT_PAGE, participant_context(request, session, workshop))


@router.post("/ateliers/{slug}/propositions", dependencies=[Depends(require_csrf)])
def post_statement_form(
    request: Request,
    slug: str,
    session: DbSession,
    hub: Hub,
    *,
    facilitator: FacilitatorId,
    text: Annotated[str, Form()] = "",
) -> Response:
    """Post a statement (form fallback of the API); redirect back to the workshop."""
    workshop = access.visible_workshop(session, slug, facilitator)
    me = current_participant(request, session, workshop)
    if me is None:
        return RedirectResponse(f"/rejoindre/{workshop.join_code}", status_code=303)
    try:
        statement = post_statement(session, me, text)
    except ForesightError as error:
        context = {**participant_context(request, session, workshop), "text": text}
        return render_form_error(request, PARTICIPANT_PAGE, context, error)
    publish_statement(hub, statement)
    return RedirectResponse(f"/ateliers/{slug}#statement-{statement.id}", status_code=303)


@router.post("/ateliers/{slug}/votes", dependencies=[Depends(require_csrf)])
def vote_form(
    request: Request,
    slug: str,
    session: DbSession,
    hub: Hub,
    facilitator: FacilitatorId,
    *,
    statement_id: Annotated[int, Form(ge=1, le=MAX_ID)],
    value: Annotated[str, Form()] = "",
) -> Response:
    """Vote on a statement (form fallback of the API); redirect back to the statement."""
    workshop = access.visible_workshop(session, slug, facilitator)
    me = current_participant(request, session, workshop)
    if me is None:
        return RedirectResponse(f"/rejoindre/{workshop.join_code}", status_code=303)
    try:
        outcome = vote(session, me, statement_id, value)
    except ForesightError as error:  # the page again, the refusal above the statements
        context = participant_context(request, session, workshop)
        return render_form_error(request, PARTICIPANT_PAGE, context, error)
    publish_vote(hub, outcome)
    return RedirectResponse(f"/ateliers/{slug}#statement-{statement_id}", status_code=303)


@router.get("/ateliers/{slug}/flux")
async def stream(
    slug: str,
    request: Request,
    hub: Hub,
    facilitator: FacilitatorId,
    last_event_id: Annotated[str | None, Header()] = None,
) -> StreamingResponse:
    """Stream the workshop's live events (Server-Sent Events)."""
    db = request.app.state.db

    def lookup() -> WorkshopView:
        with db.sessionmaker() as session:
            return access.visible_workshop(session, slug, facilitator)

    workshop = await run_in_threadpool(lookup)
    last = None
    if last_event_id and last_event_id.isascii() and last_event_id.isdigit():
        last = int(last_event_id) if len(last_event_id) <= 18 else None
    return StreamingResponse(
        hub.stream(workshop.id, last), media_type="text/event-stream", headers=NO_BUFFERING
    )
