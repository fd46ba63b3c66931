"""Running a live session: lock, timer, tables (small groups) and per-workshop settings.

Only the workshop's facilitator may lock, run the timer, create tables, seat a
participant or change settings; a participant may choose their own table. Every
function returns a :class:`SessionState`, which the web layer broadcasts.

Examples
--------
>>> clean_table_names(["Table 1", " table 1 ", "", "Les Monts d'Arrée"])
['Table 1', "Les Monts d'Arrée"]

"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from trajectoires.foresight._retry import retry_when_locked
from trajectoires.foresight.errors import InvalidInputError, NotAllowedError, NotFoundError
from trajectoires.foresight.kinds import get_kind
from trajectoires.foresight.models import (
    TABLE_NAME_MAX_LENGTH,
    Participant,
    Workshop,
    WorkshopTable,
    utcnow,
)

__all__ = [
    "MAX_TABLES",
    "SessionState",
    "TableView",
    "choose_table",
    "clean_table_names",
    "create_tables",
    "seat_participant",
    "session_state",
    "set_locked",
    "set_timer",
    "update_settings",
]

MAX_TABLES = 30
MAX_TIMER_MINUTES = 180


@dataclass(frozen=True)
class TableView:
    """A table of a workshop and how many participants sit at it."""

    id: int
    name: str
    participants: int = 0


@dataclass(frozen=True)
class SessionState:
    """The live state of a workshop besides its phase: lock, timer, tables, settings."""

    workshop_id: int
    locked: bool
    timer_ends_at: datetime | None
    timer_label: str | None
    tables: tuple[TableView, ...]
    settings: dict[str, Any]

    def remaining_seconds(self, now: datetime | None = None) -> int | None:
        """Seconds left on the timer (0 once over), or ``None`` without a timer."""
        if self.timer_ends_at is None:
            return None
        left = (self.timer_ends_at - (now or utcnow())).total_seconds()
        return max(0, round(left))


def clean_table_names(names: list[str]) -> list[str]:
    """Names stripped of extra spaces, empty and case-insensitive duplicates left out."""
    seen, cleaned = set(), []
    for name in names:
        text = " ".join(str(name).split())
        if text and text.casefold() not in seen:
            seen.add(text.casefold())
            cleaned.append(text)
    return cleaned


def _own(session: Session, facilitator_id: int, workshop_id: int) -> Workshop:
    row = session.get(Workshop, workshop_id)
    if row is None:
        raise NotFoundError("workshop_not_found")
    if row.facilitator_id != facilitator_id:
        if row.status == "draft":
            raise NotFoundError("workshop_not_found")
        raise NotAllowedError("not_owner")
    return row


def _state(session: Session, row: Workshop) -> SessionState:
    tables = session.scalars(
        select(WorkshopTable).where(WorkshopTable.workshop_id == row.id).order_by(WorkshopTable.id)
    ).all()
    seated = session.scalars(
        select(Participant.table_id).where(
            Participant.workshop_id == row.id, Participant.table_id.is_not(None)
        )
    ).all()
    views = tuple(TableView(t.id, t.name, seated.count(t.id)) for t in tables)
    ends = row.timer_ends_at
    if ends is not None and ends.tzinfo is None:  # SQLite returns naive UTC datetimes
        ends = ends.replace(tzinfo=utcnow().tzinfo)
    return SessionState(row.id, bool(row.locked), ends, row.timer_label, views,
                        dict(row.settings or {}))


def session_state(session: Session, workshop_id: int) -> SessionState:
    """Return the lock, timer, tables and settings of a workshop."""
    with session.begin():
        row = session.get(Workshop, workshop_id)
        if row is None:
            raise NotFoundError("workshop_not_found")
        return _state(session, row)


@retry_when_locked
def set_locked(session: Session, facilitator_id: int, workshop_id: int, *,
               locked: bool) -> SessionState:
    """Lock (or unlock) participants' contributions; votes and points are not locked."""
    with session.begin():
        row = _own(session, facilitator_id, workshop_id)
        row.locked = locked
        return _state(session, row)


@retry_when_locked
def set_timer(
    session: Session, facilitator_id: int, workshop_id: int, minutes: float | None,
    label: str | None = None,
) -> SessionState:
    """Start a countdown of ``minutes`` seen by everyone (``None`` or 0 stops it)."""
    if minutes is not None and not 0 <= minutes <= MAX_TIMER_MINUTES:
        raise InvalidInputError("timer_out_of_range", limit=MAX_TIMER_MINUTES)
    text = " ".join((label or "").split())[:80] or None
    with session.begin():
        row = _own(session, facilitator_id, workshop_id)
        if minutes:
            row.timer_ends_at = utcnow() + timedelta(minutes=minutes)
            row.timer_label = text
        else:
            row.timer_ends_at, row.timer_label = None, None
        return _state(session, row)


@retry_when_locked
def create_tables(
    session: Session, facilitator_id: int, workshop_id: int, names: list[str]
) -> SessionState:
    """Add tables with these names (existing names are kept, not duplicated)."""
    cleaned = clean_table_names(names)
    too_long = [n for n in cleaned if len(n) > TABLE_NAME_MAX_LENGTH]
    if too_long:
        raise InvalidInputError("table_name_too_long", limit=TABLE_NAME_MAX_LENGTH)
    if not cleaned:
        raise InvalidInputError("no_table_name")
    with session.begin():
        row = _own(session, facilitator_id, workshop_id)
        existing = {
            t.name.casefold()
            for t in session.scalars(
                select(WorkshopTable).where(WorkshopTable.workshop_id == row.id)
            )
        }
        new = [n for n in cleaned if n.casefold() not in existing]
        if len(existing) + len(new) > MAX_TABLES:
            raise InvalidInputError("too_many_tables", limit=MAX_TABLES)
        session.add_all(WorkshopTable(workshop_id=row.id, name=n, created_at=utcnow())
                        for n in new)
        session.flush()
        return _state(session, row)


def _seat(session: Session, row: Workshop, participant_id: int, table_id: int | None) -> None:
    participant = session.get(Participant, participant_id)
    if participant is None or participant.workshop_id != row.id:
        raise NotFoundError("participant_not_found")
    if table_id is not None:
        table = session.get(WorkshopTable, table_id)
        if table is None or table.workshop_id != row.id:
            raise InvalidInputError("unknown_table", table=table_id)
    participant.table_id = table_id


@retry_when_locked
def seat_participant(
    session: Session, facilitator_id: int, workshop_id: int, participant_id: int,
    table_id: int | None,
) -> SessionState:
    """Seat a participant at a table (``None``: the plenary)."""
    with session.begin():
        row = _own(session, facilitator_id, workshop_id)
        _seat(session, row, participant_id, table_id)
        return _state(session, row)


@retry_when_locked
def choose_table(
    session: Session, workshop_id: int, participant_id: int, table_id: int | None
) -> SessionState:
    """Seat a participant at a table of their workshop, by their choice (``None``: leave it)."""
    with session.begin():
        row = session.get(Workshop, workshop_id)
        if row is None:
            raise NotFoundError("workshop_not_found")
        _seat(session, row, participant_id, table_id)
        return _state(session, row)


@retry_when_locked
def update_settings(
    session: Session, facilitator_id: int, workshop_id: int, changes: dict[str, Any]
) -> SessionState:
    """Change per-workshop options the kind declares (others are refused)."""
    with session.begin():
        row = _own(session, facilitator_id, workshop_id)
        cleaned = get_kind(row.kind).check_settings(changes)
        row.settings = {**(row.settings or {}), **cleaned}
        return _state(session, row)
