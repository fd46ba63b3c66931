"""Who joined a workshop and who has not taken part yet, for its facilitator.

Facilitators asked how many people joined and have not voted yet (#13), to invite
them to vote before the groups are read. Visitors who came after publication and
erased participations are not counted.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from trajectoires.foresight.models import Contribution, Participant, PriorityPoints, Vote

__all__ = ["Turnout", "turnout"]


@dataclass(frozen=True)
class Turnout:
    """Participants of a workshop: ``joined``, those who ``voted``, those who did anything.

    >>> t = Turnout(joined=12, voted=9, active=10)
    >>> (t.not_voted, t.idle)
    (3, 2)
    """

    joined: int
    voted: int
    active: int

    @property
    def not_voted(self) -> int:
        """Participants who joined and have cast no vote yet."""
        return self.joined - self.voted

    @property
    def idle(self) -> int:
        """Participants who joined and have neither voted, posted nor given points."""
        return self.joined - self.active


def turnout(session: Session, workshop_id: int) -> Turnout:
    """Count the participants of ``workshop_id`` and those who voted or took part.

    Runs in its own transaction (the session must have none in progress).
    """
    people = select(Participant.id).where(
        Participant.workshop_id == workshop_id, Participant.visitor.is_(False),
        Participant.erased_at.is_(None))
    voters = select(Vote.participant_id).where(Vote.participant_id.in_(people))
    authors = select(Contribution.participant_id).where(
        Contribution.workshop_id == workshop_id, Contribution.participant_id.in_(people))
    givers = select(PriorityPoints.participant_id).where(
        PriorityPoints.participant_id.in_(people))
    active = voters.union(authors, givers).subquery()
    with session.begin():
        joined = session.scalar(select(func.count()).select_from(people.subquery()))
        voted = session.scalar(select(func.count(func.distinct(Vote.participant_id)))
                               .where(Vote.participant_id.in_(people)))
        acting = session.scalar(select(func.count()).select_from(active))
    return Turnout(joined or 0, voted or 0, acting or 0)
