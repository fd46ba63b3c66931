"""Reads the shared workshop pages need and no other service gives: who sits at which table.

Small read-only queries for :mod:`trajectoires.web.workshops`; each owns its transaction.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from trajectoires.foresight.models import Participant

__all__ = ["Seat", "seating", "table_of"]


@dataclass(frozen=True)
class Seat:
    """A participant of a workshop and the table they sit at (``None``: the plenary)."""

    participant_id: int
    pseudonym: str
    table_id: int | None


def seating(session: Session, workshop_id: int) -> list[Seat]:
    """Return every participant of the workshop with their table, by pseudonym."""
    query = (
        select(Participant.id, Participant.pseudonym, Participant.table_id)
        .where(Participant.workshop_id == workshop_id)
        .order_by(Participant.pseudonym_key, Participant.id)
    )
    with session.begin():
        return [Seat(pid, name, table) for pid, name, table in session.execute(query)]


def table_of(session: Session, participant_id: int) -> int | None:
    """Return the id of the table the participant sits at, if any."""
    with session.begin():
        return session.scalar(select(Participant.table_id).where(Participant.id == participant_id))
