"""A participant's forms on the workshop page, for every kind: post, edit, points, table.

Each form works without JavaScript (POST, then a redirect back to the page, or the page
again with the French message next to the form and what was typed kept) and with it:
``static/workshop-live.js`` sends the same form with ``fetch`` and ``Accept:
application/json``, and gets JSON back (a refusal as ``{"detail": …}`` from the one
error handler).
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import JSONResponse, RedirectResponse, Response
from sqlalchemy.orm import Session
from starlette.datastructures import FormData

from trajectoires.foresight import access
from trajectoires.foresight.contributions import (
    Author,
    ContributionView,
    edit_contribution,
    get_contribution,
    post_contribution,
)
from trajectoires.foresight.errors import ForesightError, NotFoundError
from trajectoires.foresight.facilitation import choose_table
from trajectoires.foresight.participation import ParticipantView
from trajectoires.foresight.priorities import allocate_points
from trajectoires.foresight.workshops import WorkshopView
from trajectoires.web.errors import render_form_error, status_of, wants_json
from trajectoires.web.security import require_csrf
from trajectoires.web.workshops.contexts import PARTICIPANT_PAGE, participant_context, render
from trajectoires.web.workshops.deps import (
    MAX_ID,
    DbSession,
    FacilitatorId,
    Hub,
    StatementId,
    current_participant,
)
from trajectoires.web.workshops.events import (
    publish_contribution,
    publish_ranking,
    publish_state,
)
from trajectoires.web.workshops.generic import FailedForm, form_values
from trajectoires.web.workshops.links import join_first
from trajectoires.web.workshops.throttle import THROTTLED_FORM

__all__ = ["Submitted", "done", "optional_id", "router", "submitted_form"]

router = APIRouter(include_in_schema=False)


async def submitted_form(request: Request) -> FormData:
    """Return the submitted form (parsed once; the CSRF check read it already)."""
    return await request.form()


Submitted = Annotated[FormData, Depends(submitted_form)]


def optional_id(text: str) -> int | None:
    """Return the id typed in a select (``None`` when empty or not a valid id)."""
    text = text.strip()
    return int(text) if text.isdigit() and 0 < int(text) <= MAX_ID else None


def done(request: Request, target: str, payload: dict, status: int = 200) -> Response:
    """Answer a form that succeeded: JSON for ``fetch``, else a redirect to ``target``."""
    if wants_json(request):
        return JSONResponse(payload, status_code=status)
    return RedirectResponse(target, status_code=303)


def _posted(contribution: ContributionView) -> dict:
    return {"id": contribution.id, "type": contribution.type, "status": contribution.status}


def _joined(request: Request, session: Session, slug: str,
            facilitator: int | None) -> tuple[WorkshopView, ParticipantView | None]:
    workshop = access.visible_workshop(session, slug, facilitator)
    return workshop, current_participant(request, session, workshop)


def _refused(request: Request, session: Session, workshop: WorkshopView, failed: FailedForm,
             error: ForesightError) -> Response:
    """Show the page again with the refusal next to the form (``fetch``: let it through)."""
    if wants_json(request):
        raise error
    context = participant_context(request, session, workshop, failed)
    return render(request, PARTICIPANT_PAGE, context, status_of(error))


def _field_of(error: ForesightError) -> str | None:
    field = error.params.get("field")
    return str(field) if field is not None else None


@router.post("/ateliers/{slug}/contributions/{type_key}", dependencies=THROTTLED_FORM)
def post_form(request: Request, slug: str, *, type_key: str, session: DbSession, hub: Hub,
              facilitator: FacilitatorId, form: Submitted) -> Response:
    """Post a contribution of the type ``type_key`` from its generated form."""
    workshop, me = _joined(request, session, slug, facilitator)
    if me is None:
        return join_first(workshop, facilitator)
    ctype = workshop.manifest.contribution_type(type_key)
    values = form_values(ctype, form)
    author = Author(participant_id=me.id, workshop_id=workshop.id)
    try:
        posted = post_contribution(session, workshop.id, author, ctype.key, values,
                                   lookups=request.app.state.lookups)
    except ForesightError as error:
        failed = FailedForm("nouveau", ctype.key, values, error.message, _field_of(error))
        return _refused(request, session, workshop, failed, error)
    publish_contribution(hub, posted)
    return done(request, f"/ateliers/{slug}#contribution-{posted.id}", _posted(posted), 201)


@router.post("/ateliers/{slug}/contributions/{contribution_id}/modifier",
             dependencies=THROTTLED_FORM)
def edit_form(request: Request, slug: str, *, contribution_id: StatementId, session: DbSession,
              hub: Hub, facilitator: FacilitatorId, form: Submitted) -> Response:
    """Edit one's own contribution from its generated form."""
    workshop, me = _joined(request, session, slug, facilitator)
    if me is None:
        return join_first(workshop, facilitator)
    current = get_contribution(session, contribution_id)
    if current.workshop_id != workshop.id:
        raise NotFoundError("contribution_not_found")
    ctype = workshop.manifest.contribution_type(current.type)
    values = form_values(ctype, form)
    author = Author(participant_id=me.id, workshop_id=workshop.id)
    try:
        edited = edit_contribution(session, contribution_id, author, values,
                                   lookups=request.app.state.lookups)
    except ForesightError as error:
        failed = FailedForm(f"modifier-{contribution_id}", ctype.key, values, error.message,
                            _field_of(error))
        return _refused(request, session, workshop, failed, error)
    publish_contribution(hub, edited)
    return done(request, f"/ateliers/{slug}#contribution-{edited.id}", _posted(edited))


@router.post("/ateliers/{slug}/points", dependencies=THROTTLED_FORM)
def points_form(request: Request, slug: str, session: DbSession, hub: Hub,
                facilitator: FacilitatorId, *,
                contribution_id: Annotated[int, Form(ge=1, le=MAX_ID)],
                points: Annotated[str, Form()] = "0") -> Response:
    """Put points on a contribution (dot voting), within the participant's budget."""
    workshop, me = _joined(request, session, slug, facilitator)
    if me is None:
        return join_first(workshop, facilitator)
    try:
        outcome = allocate_points(session, workshop.id, me.id, contribution_id, points)
    except ForesightError as error:
        if wants_json(request):
            raise
        context = participant_context(request, session, workshop)
        return render_form_error(request, PARTICIPANT_PAGE, context, error)
    publish_ranking(hub, workshop.id)
    payload = {"contribution_id": outcome.contribution_id, "points": outcome.points,
               "budget": outcome.budget, "left": outcome.left}
    return done(request, f"/ateliers/{slug}#contribution-{contribution_id}", payload)


@router.post("/ateliers/{slug}/table", dependencies=[Depends(require_csrf)])
def table_form(request: Request, slug: str, *, session: DbSession, hub: Hub,
               facilitator: FacilitatorId, table_id: Annotated[str, Form()] = "") -> Response:
    """Sit at a table of the workshop (empty: the plenary)."""
    workshop, me = _joined(request, session, slug, facilitator)
    if me is None:
        return join_first(workshop, facilitator)
    state = choose_table(session, workshop.id, me.id, optional_id(table_id))
    publish_state(hub, state)
    return done(request, f"/ateliers/{slug}#session", {"table_id": optional_id(table_id)})
