"""The facilitator's controls of a live session, for every kind of workshop.

Timer, lock, tables (create, seat a participant), moderation of any contribution
(hide with a reason, show again — which also approves a pending one —, merge a
duplicate into the one kept), entry of contributions made on paper on behalf of a
table, and the kind's settings. Every form posts, then goes back to the facilitation
page (``fetch`` with ``Accept: application/json`` gets JSON); each change is published
live after the service committed.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import Response

from trajectoires.foresight import access
from trajectoires.foresight.contributions import Author, get_contribution, post_contribution
from trajectoires.foresight.errors import ForesightError, InvalidInputError, NotFoundError
from trajectoires.foresight.facilitation import (
    SessionState,
    create_tables,
    seat_participant,
    set_locked,
    set_timer,
    update_settings,
)
from trajectoires.foresight.moderation import merge_contributions, set_visibility
from trajectoires.foresight.workshops import WorkshopView
from trajectoires.web.errors import status_of, wants_json
from trajectoires.web.security import require_csrf
from trajectoires.web.workshops.contexts import FACILITATION_PAGE, facilitator_context, render
from trajectoires.web.workshops.contribution_pages import Submitted, done, optional_id
from trajectoires.web.workshops.deps import MAX_ID, DbSession, FacilitatorId, Hub, StatementId
from trajectoires.web.workshops.events import publish_contribution, publish_state
from trajectoires.web.workshops.facilitation import login_redirect, settings_from_form
from trajectoires.web.workshops.generic import FailedForm, form_values
from trajectoires.web.workshops.throttle import THROTTLED_FORM

__all__ = ["router"]

router = APIRouter(include_in_schema=False)
MAX_MINUTES_TEXT = 6


def _own(session: DbSession, slug: str, me: int) -> WorkshopView:
    return access.own_workshop(session, slug, me)


def _state_done(request: Request, hub: Hub, state: SessionState, slug: str,
                anchor: str) -> Response:
    publish_state(hub, state)
    return done(request, f"/ateliers/{slug}/animer#{anchor}", {"locked": state.locked})


def _minutes(text: str) -> float | None:
    value = text.strip().replace(",", ".")[:MAX_MINUTES_TEXT]
    try:
        return float(value) if value else None
    except ValueError:
        raise InvalidInputError("timer_out_of_range", limit=180) from None


@router.post("/ateliers/{slug}/animer/minuteur", dependencies=[Depends(require_csrf)])
def timer_form(request: Request, slug: str, *, session: DbSession, me: FacilitatorId, hub: Hub,
               minutes: Annotated[str, Form()] = "", label: Annotated[str, Form()] = "",
               action: Annotated[str, Form()] = "start") -> Response:
    """Start a timer of ``minutes`` with a label, seen by everyone; ``action=stop`` stops it."""
    if me is None:
        return login_redirect(f"/ateliers/{slug}/animer")
    workshop = _own(session, slug, me)
    duration = None if action == "stop" else _minutes(minutes)
    state = set_timer(session, me, workshop.id, duration, label)
    return _state_done(request, hub, state, slug, "seance")


@router.post("/ateliers/{slug}/animer/verrou", dependencies=[Depends(require_csrf)])
def lock_form(request: Request, slug: str, *, session: DbSession, me: FacilitatorId, hub: Hub,
              locked: Annotated[str, Form()] = "1") -> Response:
    """Lock (``locked=1``) or unlock (``locked=0``) participants' contributions."""
    if me is None:
        return login_redirect(f"/ateliers/{slug}/animer")
    workshop = _own(session, slug, me)
    state = set_locked(session, me, workshop.id, locked=locked != "0")
    return _state_done(request, hub, state, slug, "seance")


@router.post("/ateliers/{slug}/animer/tables", dependencies=[Depends(require_csrf)])
def tables_form(request: Request, slug: str, *, session: DbSession, me: FacilitatorId, hub: Hub,
                names: Annotated[str, Form()] = "") -> Response:
    """Create tables, one name per line (or separated by commas)."""
    if me is None:
        return login_redirect(f"/ateliers/{slug}/animer")
    workshop = _own(session, slug, me)
    typed = [name for line in names.splitlines() for name in line.split(",")]
    state = create_tables(session, me, workshop.id, typed)
    return _state_done(request, hub, state, slug, "tables")


@router.post("/ateliers/{slug}/animer/placement", dependencies=[Depends(require_csrf)])
def seat_form(request: Request, slug: str, *, session: DbSession, me: FacilitatorId, hub: Hub,
              participant_id: Annotated[int, Form(ge=1, le=MAX_ID)],
              table_id: Annotated[str, Form()] = "") -> Response:
    """Seat a participant at a table (empty: the plenary)."""
    if me is None:
        return login_redirect(f"/ateliers/{slug}/animer")
    workshop = _own(session, slug, me)
    state = seat_participant(session, me, workshop.id, participant_id, optional_id(table_id))
    return _state_done(request, hub, state, slug, "tables")


@router.post("/ateliers/{slug}/animer/options", dependencies=[Depends(require_csrf)])
def settings_form(request: Request, slug: str, *, session: DbSession, me: FacilitatorId,
                  hub: Hub, submitted: Submitted) -> Response:
    """Change the workshop's settings (horizon, points, pre-moderation…)."""
    if me is None:
        return login_redirect(f"/ateliers/{slug}/animer")
    workshop = _own(session, slug, me)
    form = {key: value for key, value in submitted.items() if isinstance(value, str)}
    values = settings_from_form(workshop.manifest, form, all_flags=True)
    state = update_settings(session, me, workshop.id, values)
    return _state_done(request, hub, state, slug, "options")


def _contribution_of(session: DbSession, workshop: WorkshopView, contribution_id: int):  # noqa: ANN202
    found = get_contribution(session, contribution_id)
    if found.workshop_id != workshop.id:
        raise NotFoundError("contribution_not_found")
    return found


@router.post("/ateliers/{slug}/animer/contributions/{contribution_id}/visibilite",
             dependencies=[Depends(require_csrf)])
def visibility_form(request: Request, slug: str, *, contribution_id: StatementId,
                    session: DbSession, me: FacilitatorId, hub: Hub,
                    hidden: Annotated[str, Form()] = "1",
                    reason: Annotated[str, Form()] = "") -> Response:
    """Hide a contribution with a reason (``hidden=1``), or show it again / approve it."""
    if me is None:
        return login_redirect(f"/ateliers/{slug}/animer")
    workshop = _own(session, slug, me)
    _contribution_of(session, workshop, contribution_id)
    changed = set_visibility(session, me, contribution_id, hidden=hidden != "0", reason=reason)
    publish_contribution(hub, changed)
    return done(request, f"/ateliers/{slug}/animer#contribution-{contribution_id}",
                {"id": changed.id, "status": changed.status})


@router.post("/ateliers/{slug}/animer/contributions/{contribution_id}/fusion",
             dependencies=[Depends(require_csrf)])
def merge_form(request: Request, slug: str, *, contribution_id: StatementId,
               session: DbSession, me: FacilitatorId, hub: Hub,
               keep_id: Annotated[int, Form(ge=1, le=MAX_ID)]) -> Response:
    """Merge this contribution, a duplicate, into ``keep_id`` (of the same type)."""
    if me is None:
        return login_redirect(f"/ateliers/{slug}/animer")
    workshop = _own(session, slug, me)
    _contribution_of(session, workshop, contribution_id)
    kept, merged = merge_contributions(session, me, keep_id, [contribution_id])
    publish_contribution(hub, kept)
    for merged_id in merged:
        publish_contribution(hub, get_contribution(session, merged_id))
    return done(request, f"/ateliers/{slug}/animer#contribution-{kept.id}",
                {"id": kept.id, "merged": merged})


@router.post("/ateliers/{slug}/animer/papier/{type_key}", dependencies=THROTTLED_FORM)
def paper_form(request: Request, slug: str, *, type_key: str, session: DbSession,
               me: FacilitatorId, hub: Hub, submitted: Submitted) -> Response:
    """Enter a contribution made on paper, on behalf of a table (marked ``on_paper``)."""
    if me is None:
        return login_redirect(f"/ateliers/{slug}/animer")
    workshop = _own(session, slug, me)
    ctype = workshop.manifest.contribution_type(type_key)
    values = form_values(ctype, submitted)
    table = optional_id(str(submitted.get("table_id", "")))
    try:
        posted = post_contribution(session, workshop.id, Author(facilitator_id=me), ctype.key,
                                   values, table_id=table, on_paper=True,
                                   lookups=request.app.state.lookups)
    except ForesightError as error:
        if wants_json(request):
            raise
        typed = {**values, "table_id": str(table or "")}
        failed = FailedForm("papier", ctype.key, typed, error.message,
                            str(error.params.get("field", "")) or None)
        context = facilitator_context(request, session, workshop, failed)
        return render(request, FACILITATION_PAGE, context, status_of(error))
    publish_contribution(hub, posted)
    return done(request, f"/ateliers/{slug}/animer#contribution-{posted.id}",
                {"id": posted.id, "type": posted.type, "status": posted.status}, 201)
