"""Dot voting: each participant spreads a fixed budget of points over contributions.

A phase with ``points`` on lets participants put points on the contributions whose
type is ``prioritizable`` (headlines, milestones, targets…). A participant's total
never exceeds the workshop's ``points`` setting; giving 0 points takes them back.
The ranking sums the points of every participant, most points first.

Examples
--------
>>> Allocation(contribution_id=4, points=3, budget=10, spent=7).left
3

"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from trajectoires.foresight._retry import retry_when_locked
from trajectoires.foresight.errors import (
    ConflictError,
    InvalidInputError,
    NotFoundError,
)
from trajectoires.foresight.kinds import get_kind
from trajectoires.foresight.models import (
    VISIBLE,
    Contribution,
    Participant,
    PriorityPoints,
    Workshop,
    utcnow,
)

__all__ = ["Allocation", "RankedContribution", "allocate_points", "my_points", "ranking"]

DEFAULT_BUDGET = 10


@dataclass(frozen=True)
class Allocation:
    """Outcome of :func:`allocate_points`: points now on the contribution, budget and spent."""

    contribution_id: int
    points: int
    budget: int
    spent: int

    @property
    def left(self) -> int:
        """Points the participant may still spread."""
        return self.budget - self.spent


@dataclass(frozen=True)
class RankedContribution:
    """A contribution in the ranking: its points and how many participants gave some."""

    contribution_id: int
    type: str
    text: str
    points: int
    voters: int


def _budget(row: Workshop) -> int:
    value = get_kind(row.kind).setting(row.settings, "points")
    return int(value) if value else DEFAULT_BUDGET


def _spent(session: Session, participant_id: int, but: int | None = None) -> int:
    query = select(func.coalesce(func.sum(PriorityPoints.points), 0)).where(
        PriorityPoints.participant_id == participant_id
    )
    if but is not None:
        query = query.where(PriorityPoints.contribution_id != but)
    return int(session.scalar(query) or 0)


def _target(session: Session, workshop_id: int, contribution_id: int) -> Workshop:
    """Return the workshop, once the phase and the contribution accept points."""
    row = session.get(Workshop, workshop_id)
    target = session.get(Contribution, contribution_id)
    if row is None or target is None or target.workshop_id != workshop_id:
        raise NotFoundError("contribution_not_found")
    kind = get_kind(row.kind)
    phase = kind.phase(row.status)
    if not phase.points:
        raise ConflictError("phase_refuses_points", phase=phase.label)
    if target.status != VISIBLE:
        raise ConflictError("contribution_not_visible")
    if not kind.contribution_type(target.type).prioritizable:
        raise ConflictError("type_not_prioritizable")
    return row


@retry_when_locked
def allocate_points(
    session: Session, workshop_id: int, participant_id: int, contribution_id: int, points: object
) -> Allocation:
    """Put ``points`` (replacing earlier ones) on a contribution, within the budget.

    Raises
    ------
    InvalidInputError
        Not a whole number ≥ 0, or more than the points left.
    ConflictError
        The phase does not take points, or the contribution is hidden or of a type
        that is not prioritised.
    NotFoundError
        No such contribution in the workshop.

    """
    try:
        number = int(str(points).strip())
    except ValueError:
        raise InvalidInputError("invalid_points", value=str(points)[:20]) from None
    if number < 0:
        raise InvalidInputError("invalid_points", value=str(points)[:20])
    with session.begin():
        session.execute(  # one allocation of a participant at a time (PostgreSQL)
            select(Participant.id).where(Participant.id == participant_id).with_for_update()
        )
        row = _target(session, workshop_id, contribution_id)
        budget = _budget(row)
        others = _spent(session, participant_id, but=contribution_id)
        if others + number > budget:
            raise InvalidInputError("points_over_budget", budget=budget, left=budget - others)
        existing = session.get(PriorityPoints, (participant_id, contribution_id))
        if number == 0 and existing is not None:
            session.delete(existing)
        elif existing is not None:
            existing.points, existing.updated_at = number, utcnow()
        elif number:
            session.add(PriorityPoints(participant_id=participant_id,
                                       contribution_id=contribution_id, points=number,
                                       updated_at=utcnow()))
        return Allocation(contribution_id, number, budget, others + number)


def my_points(session: Session, participant_id: int) -> dict[int, int]:
    """Return the participant's points per contribution."""
    with session.begin():
        rows = session.execute(
            select(PriorityPoints.contribution_id, PriorityPoints.points).where(
                PriorityPoints.participant_id == participant_id
            )
        )
        return dict(rows.all())


def ranking(session: Session, workshop_id: int) -> list[RankedContribution]:
    """Visible contributions with points, most points first (then fewer ids first)."""
    total = func.sum(PriorityPoints.points)
    query = (
        select(Contribution.id, Contribution.type, Contribution.text, total,
               func.count(PriorityPoints.participant_id))
        .join(PriorityPoints, PriorityPoints.contribution_id == Contribution.id)
        .where(Contribution.workshop_id == workshop_id, Contribution.status == VISIBLE)
        .group_by(Contribution.id, Contribution.type, Contribution.text)
        .order_by(total.desc(), Contribution.id)
    )
    with session.begin():
        rows = session.execute(query)
        return [RankedContribution(i, t, x, int(p), int(v)) for i, t, x, p, v in rows]
