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

from trajectoires.foresight.errors import ForesightError
from trajectoires.foresight.participation import (
    join_workshop,
    post_statement,
    workshop_board,
)
from trajectoires.foresight.voting import vote
from trajectoires.foresight.workshops import WorkshopView, find_by_join_code, list_workshops
from trajectoires.web.security import require_csrf
from trajectoires.web.workshops import facilitation, opinion_pages
from trajectoires.web.workshops.deps import (
    MAX_ID,
    DbSession,
    FacilitatorId,
    Hub,
    Opinions,
    current_participant,
    http_error,
    secure_cookies,
    set_participant_cookie,
    visible_workshop,
)
from trajectoires.web.workshops.events import publish_statement, publish_vote
from trajectoires.web.workshops.facilitation import placeholder_statement
from trajectoires.web.workshops.opinion_pages import install_opinions, opinions_context

__all__ = ["router"]

router = APIRouter(include_in_schema=False)
router.include_router(facilitation.router)
router.include_router(opinion_pages.router)

NO_BUFFERING = {"Cache-Control": "no-cache", "X-Accel-Buffering": "no"}


def render(request: Request, name: str, context: dict[str, Any], status: int = 200) -> Response:
    """Render the template ``name`` with ``context``."""
    templates = request.app.state.templates
    return templates.TemplateResponse(request, name, context, status_code=status)


def load_workshop(session: Session, slug: str, me: int | None) -> WorkshopView:
    """Return the workshop ``slug`` or raise a 404 with the French message.

    A draft is shown to its facilitator ``me`` only; anyone else gets the same 404.
    """
    return visible_workshop(session, slug, me)


def _is_draft_code(session: Session, code: str) -> bool:
    """Whether ``code`` is the join code of a workshop still in preparation."""
    try:
        return find_by_join_code(session, code).is_draft
    except ForesightError:
        return False  # malformed or unknown: ``join_workshop`` says so


@router.get("/ateliers")
def workshop_list(request: Request, session: DbSession, me: FacilitatorId) -> Response:
    """List the open and closed workshops (and the facilitator's drafts)."""
    return render(
        request, "workshops/list.html",
        {"workshops": list_workshops(session, me), "facilitator_id": me},
    )


def _join_page(request: Request, code: str = "", pseudonym: str = "", **extra: Any) -> Response:
    status = extra.pop("status", 200)
    context = {"code": code, "pseudonym": pseudonym, **extra}
    return render(request, "workshops/join.html", context, status)


@router.get("/rejoindre")
def join_form(request: Request) -> Response:
    """Show the join form (code and pseudonym)."""
    return _join_page(request)


@router.get("/rejoindre/{code}")
def join_link(request: Request, code: str, session: DbSession) -> Response:
    """Show the join form with the code of the link filled in (and if it is not open yet)."""
    code = code.upper()[:12]
    return _join_page(request, code=code, not_open=_is_draft_code(session, code))


@router.post("/rejoindre", dependencies=[Depends(require_csrf)])
def join(
    request: Request,
    session: DbSession,
    *,
    code: Annotated[str, Form()] = "",
    pseudonym: Annotated[str, Form()] = "",
) -> Response:
    """Join the workshop; the participant token goes into an HttpOnly cookie.

    A workshop in preparation (draft) cannot be joined yet: the form says so (409).
    """
    if _is_draft_code(session, code):
        return _join_page(request, code, pseudonym, not_open=True, status=409)
    try:
        joined = join_workshop(session, code, pseudonym)
    except ForesightError as error:
        status = http_error(error).status_code
        return _join_page(request, code, pseudonym, error=error.message, status=status)
    response = RedirectResponse(f"/ateliers/{joined.workshop.slug}", status_code=303)
    secure = secure_cookies(request)
    set_participant_cookie(response, joined.workshop, joined.token, secure=secure)
    return response


def participant_page(
    request: Request, session: Session, workshop: WorkshopView, **extra: Any
) -> Response:
    """Render the participant view of ``workshop`` (read-only if not joined)."""
    status = extra.pop("status", 200)
    me = current_participant(request, session, workshop)
    board = workshop_board(session, workshop, viewer=me)
    phase = workshop.manifest.phase(workshop.status)
    service = getattr(request.app.state, "opinions", None) or install_opinions(request.app)
    context = {"workshop": workshop, "board": board, "me": me, "phase": phase, **extra,
               "template_statement": placeholder_statement(workshop),
               **opinions_context(request.app, service, workshop, me.id if me else None)}
    return render(request, "workshops/participate.html", context, status)


@router.get("/ateliers/{slug}")
def workshop_page(
    request: Request, slug: str, session: DbSession, _opinions: Opinions, facilitator: FacilitatorId
) -> Response:
    """Show the workshop: question, statements with counts, forms to post and vote, opinions."""
    return participant_page(request, session, load_workshop(session, slug, facilitator))


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
    workshop = load_workshop(session, slug, facilitator)
    me = current_participant(request, session, workshop)
    if me is None:
        return RedirectResponse(f"/rejoindre/{workshop.join_code}", status_code=303)
    try:
        statement = post_statement(session, me, text)
    except ForesightError as error:
        status = http_error(error).status_code
        return participant_page(
            request, session, workshop, error=error.message, text=text, status=status
        )
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
    workshop = load_workshop(session, slug, facilitator)
    me = current_participant(request, session, workshop)
    if me is None:
        return RedirectResponse(f"/rejoindre/{workshop.join_code}", status_code=303)
    try:
        outcome = vote(session, me, statement_id, value)
    except ForesightError as error:
        status = http_error(error).status_code
        return participant_page(request, session, workshop, error=error.message, status=status)
    publish_vote(hub, outcome)
    return RedirectResponse(f"/ateliers/{slug}#statement-{statement_id}", status_code=303)


@router.get("/ateliers/{slug}/flux")
async def stream(
    slug: str,
    request: Request,
    hub: Hub,
    _opinions: Opinions,
    facilitator: FacilitatorId,
    last_event_id: Annotated[str | None, Header()] = None,
) -> StreamingResponse:
    """Stream the workshop's live events (Server-Sent Events)."""
    db = request.app.state.db

    def lookup() -> WorkshopView:
        with db.sessionmaker() as session:
            return load_workshop(session, slug, facilitator)

    workshop = await run_in_threadpool(lookup)
    last = None
    if last_event_id and last_event_id.isascii() and last_event_id.isdigit():
        last = int(last_event_id) if len(last_event_id) <= 18 else None
    return StreamingResponse(
        hub.stream(workshop.id, last), media_type="text/event-stream", headers=NO_BUFFERING
    )
