"""Workshop pages for participants: list, join, the participant view and its live stream.

Forms work without JavaScript (POST then redirect); ``static/workshop.js`` replaces
them with ``fetch`` calls to the API and listens to ``/ateliers/{slug}/flux``.
The facilitator pages live in :mod:`trajectoires.web.workshops.facilitation`.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Header, Request
from fastapi.responses import RedirectResponse, Response, StreamingResponse
from starlette.concurrency import run_in_threadpool

from trajectoires.foresight import access
from trajectoires.foresight.errors import ForesightError
from trajectoires.foresight.participation import ROLES, join_workshop, post_statement
from trajectoires.foresight.voting import vote
from trajectoires.foresight.workshops import WorkshopView, list_workshops
from trajectoires.web.errors import render_form_error
from trajectoires.web.security import require_csrf
from trajectoires.web.workshops import (
    contribution_pages,
    facilitation,
    facilitation_pages,
    fragments,
    manage_pages,
)
from trajectoires.web.workshops.contexts import PARTICIPANT_PAGE, participant_context, render
from trajectoires.web.workshops.deps import (
    MAX_ID,
    DbSession,
    FacilitatorId,
    Hub,
    current_participant,
    secure_cookies,
    set_participant_cookie,
)
from trajectoires.web.workshops.events import publish_joined, publish_statement, publish_vote
from trajectoires.web.workshops.links import join_first
from trajectoires.web.workshops.throttle import THROTTLED_FORM

__all__ = ["router"]

router = APIRouter(include_in_schema=False)
for module in (facilitation, facilitation_pages, contribution_pages, fragments, manage_pages):
    router.include_router(module.router)

NO_BUFFERING = {"Cache-Control": "no-cache", "X-Accel-Buffering": "no"}
JOIN_FORM = "workshops/join.html"


def _join_page(code: str, **values: Any) -> dict[str, Any]:  # noqa: ANN401
    """Context of the join form: the code, what was typed, the roles to choose from."""
    return {"code": code, "pseudonym": "", "organisation": "", "role": "", "roles": ROLES,
            **values}


@router.get("/ateliers")
def workshop_list(request: Request, session: DbSession, me: FacilitatorId) -> Response:
    """List the open and closed workshops (and the facilitator's drafts)."""
    return render(
        request, "workshops/list.html",
        {"workshops": list_workshops(session, me), "facilitator_id": me,
         "notice": request.session.pop(manage_pages.LIST_NOTICE_KEY, None)},
    )


@router.get("/rejoindre")
def join_form(request: Request, session: DbSession, code: str = "") -> Response:
    """Show the join form (code and pseudonym); ``?code=`` fills the code in, as a link does."""
    return join_link(request, code, session) if code.strip() else render(
        request, JOIN_FORM, _join_page(""))


@router.get("/rejoindre/{code}")
def join_link(request: Request, code: str, session: DbSession) -> Response:
    """Show the join form with the code of the link filled in (and if it is not open yet)."""
    code = code.strip().upper()[:12]
    return render(request, JOIN_FORM,
                  _join_page(code, not_open=access.awaiting_opening(session, code)))


@router.post("/rejoindre", dependencies=[Depends(require_csrf)])
def join(
    request: Request,
    session: DbSession,
    hub: Hub,
    *,
    code: Annotated[str, Form()] = "",
    pseudonym: Annotated[str, Form()] = "",
    organisation: Annotated[str, Form()] = "",
    role: Annotated[str, Form()] = "",
) -> Response:
    """Join the workshop (pseudonym, optional organisation and role); the token goes into a cookie.

    Refusals (unknown code, pseudonym taken, workshop not open yet) show the form again
    with the message; an unknown code answers 422 (the form's input), not 404.
    """
    try:
        joined = join_workshop(session, code, pseudonym, organisation=organisation, role=role)
    except ForesightError as error:
        typed = _join_page(code, pseudonym=pseudonym, organisation=organisation, role=role)
        # a code that matches no workshop is a wrong entry in the form, not a missing page
        status = 422 if error.code == "unknown_join_code" else None
        return render_form_error(request, JOIN_FORM, typed, error, status)
    publish_joined(hub, joined.workshop.id)
    response = RedirectResponse(f"/ateliers/{joined.workshop.slug}", status_code=303)
    secure = secure_cookies(request)
    set_participant_cookie(response, joined.workshop, joined.token, secure=secure)
    return response


@router.get("/ateliers/{slug}")
def workshop_page(
    request: Request, slug: str, session: DbSession, facilitator: FacilitatorId
) -> Response:
    """Show the workshop: question, statements, forms to post and vote, its kind's sections."""
    workshop = access.visible_workshop(session, slug, facilitator)
    return render(request, PARTICIPANT_PAGE, participant_context(request, session, workshop))


@router.post("/ateliers/{slug}/propositions", dependencies=THROTTLED_FORM)
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
        return join_first(workshop, facilitator)
    try:
        statement = post_statement(session, me, text)
    except ForesightError as error:
        context = {**participant_context(request, session, workshop), "text": text}
        return render_form_error(request, PARTICIPANT_PAGE, context, error)
    publish_statement(hub, statement)
    return RedirectResponse(f"/ateliers/{slug}#statement-{statement.id}", status_code=303)


@router.post("/ateliers/{slug}/votes", dependencies=THROTTLED_FORM)
def vote_form(
    request: Request,
    slug: str,
    session: DbSession,
    hub: Hub,
    facilitator: FacilitatorId,
    *,
    statement_id: Annotated[int, Form(ge=1, le=MAX_ID)],
    value: Annotated[str, Form()] = "",
    suivante: Annotated[str, Form(max_length=1)] = "",
) -> Response:
    """Vote on a statement (form fallback of the API); redirect back to the statement.

    ``suivante`` (the one-at-a-time card) goes back to the card, showing the next one.
    """
    workshop = access.visible_workshop(session, slug, facilitator)
    me = current_participant(request, session, workshop)
    if me is None:
        return join_first(workshop, facilitator)
    try:
        outcome = vote(session, me, statement_id, value)
    except ForesightError as error:  # the page again, the refusal above the statements
        context = participant_context(request, session, workshop)
        return render_form_error(request, PARTICIPANT_PAGE, context, error)
    publish_vote(hub, outcome)
    anchor = "next-vote" if suivante else f"statement-{statement_id}"
    return RedirectResponse(f"/ateliers/{slug}#{anchor}", status_code=303)


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
    last = last_event_id[:64] if last_event_id else None  # the hub tells foreign ids apart
    return StreamingResponse(
        hub.stream(workshop.id, last), media_type="text/event-stream", headers=NO_BUFFERING
    )
