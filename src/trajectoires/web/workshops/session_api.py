"""The live session through the JSON API: phase, lock, timer, tables, settings, ranking.

Under ``/api/v1/workshops/{slug}/``. Reading the state and the ranking is public
(drafts: for their facilitator only); the facilitator moves between phases, locks,
runs the timer, creates tables, seats participants and changes the workshop's
settings; a participant chooses their own table. Writes take the ``X-CSRF-Token``
header; each publishes its live event once the service committed.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Body, Depends, Request
from pydantic import BaseModel, Field
from sqlalchemy.orm import Session

from trajectoires.foresight import access
from trajectoires.foresight.facilitation import (
    SessionState,
    choose_table,
    create_tables,
    seat_participant,
    session_state,
    set_locked,
    set_timer,
    update_settings,
)
from trajectoires.foresight.priorities import ranking
from trajectoires.foresight.workshops import WorkshopView, set_phase
from trajectoires.web.workshops.csrf import require_csrf_header
from trajectoires.web.workshops.deps import (
    MAX_ID,
    DbSession,
    FacilitatorId,
    Hub,
    participant_tokens,
)
from trajectoires.web.workshops.events import publish_state, publish_status

__all__ = ["StateOut", "router", "state_out"]

router = APIRouter(prefix="/api/v1/workshops", tags=["séance"])
WRITE = [Depends(require_csrf_header)]
ERRORS = {
    403: {"description": "Pas l'animateur (ou pas un participant) de l'atelier, ou jeton CSRF "
                         "absent"},
    404: {"description": "Atelier, table ou participant introuvable"},
    422: {"description": "Donnée invalide (message en français)"},
}
RowId = Annotated[int, Field(ge=1, le=MAX_ID)]


def _errors(*codes: int) -> dict[int | str, dict[str, Any]]:
    return {code: ERRORS[code] for code in codes}


class TableOut(BaseModel):
    """A table (small group) and how many participants sit at it."""

    id: int
    name: str
    participants: int


class StateOut(BaseModel):
    """The live state of a workshop besides its phase."""

    status: str = Field(description="Phase en cours")
    phase_label: str
    locked: bool = Field(description="Contributions des participants verrouillées")
    timer_ends_at: datetime | None
    timer_label: str | None
    remaining_seconds: int | None = Field(description="Secondes restantes au minuteur")
    tables: list[TableOut]
    settings: dict[str, Any] = Field(description="Réglages de l'atelier (défauts du type "
                                                 "complétés)")


class RankedOut(BaseModel):
    """A contribution in the ranking of the points."""

    contribution_id: int
    type: str
    text: str
    points: int
    voters: int = Field(description="Participants qui lui ont donné des points")


class PhaseIn(BaseModel):
    """The phase to move to (a key of the kind's phases)."""

    phase: str = Field(max_length=40, examples=["vision"])


class LockIn(BaseModel):
    """Lock (or unlock) participants' contributions; votes and points stay open."""

    locked: bool


class TimerIn(BaseModel):
    """A countdown seen by everyone; 0 or null stops it."""

    minutes: float | None = Field(examples=[10])
    label: str | None = Field(None, max_length=200, examples=["Vision par table"])


class TablesIn(BaseModel):
    """Names of tables to add (existing names are kept)."""

    names: list[Annotated[str, Field(max_length=200)]] = Field(max_length=50,
                                                               examples=[["Table 1", "Table 2"]])


class SeatIn(BaseModel):
    """Seat a participant at a table (null: the plenary)."""

    participant_id: RowId
    table_id: RowId | None


class MyTableIn(BaseModel):
    """The table the participant chooses (null: leave it)."""

    table_id: RowId | None


def state_out(workshop: WorkshopView, state: SessionState) -> StateOut:
    """Return the API form of ``state`` (settings completed with the kind's defaults)."""
    kind = workshop.manifest
    return StateOut(
        status=workshop.status, phase_label=workshop.phase_label, locked=state.locked,
        timer_ends_at=state.timer_ends_at, timer_label=state.timer_label,
        remaining_seconds=state.remaining_seconds(),
        tables=[TableOut(id=t.id, name=t.name, participants=t.participants)
                for t in state.tables],
        settings={**kind.settings, **state.settings},
    )


def _owned(session: Session, slug: str, facilitator: int | None) -> WorkshopView:
    """Return the workshop if the caller runs it (a visitor gets ``not_owner``, a draft 404)."""
    return access.own_workshop(session, slug, facilitator)  # type: ignore[arg-type]


def _changed(session: Session, hub: Hub, workshop: WorkshopView, state: SessionState
             ) -> StateOut:
    publish_state(hub, state)
    return state_out(workshop, state)


@router.get("/{slug}/state", response_model=StateOut, responses=_errors(404))
def read_state(slug: str, session: DbSession, facilitator: FacilitatorId) -> StateOut:
    """Phase, lock, timer, tables and settings of the workshop."""
    workshop = access.visible_workshop(session, slug, facilitator)
    return state_out(workshop, session_state(session, workshop.id))


@router.get("/{slug}/ranking", response_model=list[RankedOut], responses=_errors(404))
def read_ranking(slug: str, session: DbSession, facilitator: FacilitatorId) -> list[RankedOut]:
    """Visible contributions with points, most points first."""
    workshop = access.visible_workshop(session, slug, facilitator)
    return [RankedOut(**r.__dict__) for r in ranking(session, workshop.id)]


@router.post("/{slug}/phase", response_model=StateOut, dependencies=WRITE,
             responses=_errors(403, 404, 422))
def change_phase(slug: str, body: PhaseIn, *, session: DbSession, hub: Hub,
                 facilitator: FacilitatorId) -> StateOut:
    """Move the workshop to another phase (the facilitator only)."""
    _owned(session, slug, facilitator)
    workshop = set_phase(session, facilitator, slug, body.phase)  # type: ignore[arg-type]
    publish_status(hub, workshop)
    return state_out(workshop, session_state(session, workshop.id))


@router.post("/{slug}/lock", response_model=StateOut, dependencies=WRITE,
             responses=_errors(403, 404))
def lock(slug: str, body: LockIn, *, session: DbSession, hub: Hub,
         facilitator: FacilitatorId) -> StateOut:
    """Lock or unlock participants' contributions (the facilitator only)."""
    workshop = _owned(session, slug, facilitator)
    state = set_locked(session, workshop.facilitator_id, workshop.id, locked=body.locked)
    return _changed(session, hub, workshop, state)


@router.post("/{slug}/timer", response_model=StateOut, dependencies=WRITE,
             responses=_errors(403, 404, 422))
def timer(slug: str, body: TimerIn, *, session: DbSession, hub: Hub,
          facilitator: FacilitatorId) -> StateOut:
    """Start (or stop) the countdown everyone sees (the facilitator only)."""
    workshop = _owned(session, slug, facilitator)
    state = set_timer(session, workshop.facilitator_id, workshop.id, body.minutes, body.label)
    return _changed(session, hub, workshop, state)


@router.post("/{slug}/tables", response_model=StateOut, dependencies=WRITE,
             responses=_errors(403, 404, 422))
def tables(slug: str, body: TablesIn, *, session: DbSession, hub: Hub,
           facilitator: FacilitatorId) -> StateOut:
    """Add tables (small groups) to the workshop (the facilitator only)."""
    workshop = _owned(session, slug, facilitator)
    state = create_tables(session, workshop.facilitator_id, workshop.id, body.names)
    return _changed(session, hub, workshop, state)


@router.post("/{slug}/tables/seat", response_model=StateOut, dependencies=WRITE,
             responses=_errors(403, 404, 422))
def seat(slug: str, body: SeatIn, *, session: DbSession, hub: Hub,
         facilitator: FacilitatorId) -> StateOut:
    """Seat a participant at a table, or back in the plenary (the facilitator only)."""
    workshop = _owned(session, slug, facilitator)
    state = seat_participant(session, workshop.facilitator_id, workshop.id,
                             body.participant_id, body.table_id)
    return _changed(session, hub, workshop, state)


@router.post("/{slug}/my-table", response_model=StateOut, dependencies=WRITE,
             responses=_errors(403, 404, 422))
def my_table(slug: str, body: MyTableIn, *, request: Request, session: DbSession, hub: Hub,
             facilitator: FacilitatorId) -> StateOut:
    """Sit at a table of the workshop, or leave it (the participant of this browser)."""
    workshop, me = access.participant_of(session, slug, participant_tokens(request), facilitator)
    state = choose_table(session, workshop.id, me.id, body.table_id)
    return _changed(session, hub, workshop, state)


@router.patch("/{slug}/settings", response_model=StateOut, dependencies=WRITE,
              responses=_errors(403, 404, 422))
def change_settings(
    slug: str,
    changes: Annotated[dict[str, Any], Body(examples=[{"horizon": "2030-10", "points": 10}])],
    *, session: DbSession, hub: Hub, facilitator: FacilitatorId,
) -> StateOut:
    """Change the workshop's settings the kind declares (the facilitator only)."""
    workshop = _owned(session, slug, facilitator)
    state = update_settings(session, workshop.facilitator_id, workshop.id, changes)
    return _changed(session, hub, workshop, state)
