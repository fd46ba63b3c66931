"""Managing one's workshops: edit, duplicate, delete (the facilitator's own only).

What a serious tool does with a workshop that is public is decided here, once:

- **Edit** changes the title, the question and the territory at any phase, except
  while the workshop is published: its archive page, compte rendu and open data are
  public and cited; the facilitator unpublishes it first (nothing is changed silently
  under a link someone shared).
- **Duplicate** creates a new workshop in preparation (draft) of the same kind, with
  the same territory, question and settings, the title followed by « (copie) », and
  the contributions the facilitator wrote (the debate's seed statements, say) — never
  the participants' contributions nor their votes.
- **Delete** erases the workshop and everything of it (participants, contributions,
  votes, history), after a confirmation that says how much. A published workshop is
  refused: it must be unpublished first, so deleting a public record is always two
  deliberate steps.

Examples
--------
>>> DeletionSummary(participants=3, contributions=12, votes=40).total
55

"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from trajectoires.foresight._retry import retry_when_locked
from trajectoires.foresight.errors import ConflictError
from trajectoires.foresight.events._search import events_of, reindex_events
from trajectoires.foresight.kinds import get_kind
from trajectoires.foresight.models import (
    QUESTION_MAX_LENGTH,
    TITLE_MAX_LENGTH,
    VISIBLE,
    Contribution,
    Participant,
    Vote,
    Workshop,
    utcnow,
)
from trajectoires.foresight.workshops import (
    TerritoryLike,
    WorkshopView,
    _clean,
    create_workshop,
    owned_row,
    view,
)

__all__ = [
    "COPY_SUFFIX",
    "DeletionSummary",
    "deletion_summary",
    "delete_workshop",
    "duplicate_workshop",
    "edit_workshop",
]

COPY_SUFFIX = " (copie)"


@dataclass(frozen=True)
class DeletionSummary:
    """What deleting a workshop erases, said on the confirmation page."""

    participants: int
    contributions: int
    votes: int

    @property
    def total(self) -> int:
        """Everything that would be erased."""
        return self.participants + self.contributions + self.votes



@retry_when_locked
def edit_workshop(session: Session, facilitator_id: int, slug: str, *, title: str,
                  question: str, territory: TerritoryLike) -> WorkshopView:
    """Change the title, question and territory of an unpublished workshop.

    Raises
    ------
    InvalidInputError
        Empty or over-long title or question (nothing is changed).
    ConflictError
        The workshop is published.
    NotFoundError, NotAllowedError
        Unknown workshop, not its facilitator.

    """
    title = _clean(title, TITLE_MAX_LENGTH, "title")
    question = _clean(question, QUESTION_MAX_LENGTH, "question")
    with session.begin():
        row = owned_row(session, slug, facilitator_id)
        if row.published_at is not None:
            raise ConflictError("workshop_published_no_edit")
        row.title, row.question = title, question
        row.territory_kind, row.territory_code = str(territory.kind), territory.code
        row.territory_name = territory.name
        return view(row)


def _copyable(kind_key: str) -> set[str]:
    """Types whose contributions stand alone (no reference to another contribution)."""
    kind = get_kind(kind_key)
    return {t.key for t in kind.contribution_types
            if not any(spec.kind in ("ref", "refs") for spec in t.fields)}


@dataclass(frozen=True)
class _Territory:
    kind: str
    code: str
    name: str


def duplicate_workshop(session: Session, facilitator_id: int, slug: str) -> WorkshopView:
    """Create a draft copy of ``slug`` (same territory) with the facilitator's own contributions.

    Raises
    ------
    NotFoundError, NotAllowedError
        Unknown workshop, not its facilitator.

    """
    with session.begin():
        source = view(owned_row(session, slug, facilitator_id))
    title = source.title
    if len(title) + len(COPY_SUFFIX) <= TITLE_MAX_LENGTH:
        title += COPY_SUFFIX
    territory = _Territory(source.territory_kind, source.territory_code, source.territory_name)
    copy = create_workshop(session, facilitator_id, territory, title, source.question,
                           kind=source.kind, settings=dict(source.settings))
    with session.begin():
        mine = session.scalars(select(Contribution).where(
            Contribution.workshop_id == source.id, Contribution.participant_id.is_(None),
            Contribution.parent_id.is_(None), Contribution.status == VISIBLE,
            Contribution.on_paper.is_(False),
            Contribution.type.in_(_copyable(source.kind))).order_by(Contribution.id)).all()
        now = utcnow()
        for c in mine:
            session.add(Contribution(
                workshop_id=copy.id, participant_id=None, type=c.type, text=c.text,
                payload=dict(c.payload or {}), status=VISIBLE, created_at=now, updated_at=now))
    return copy


def deletion_summary(session: Session, facilitator_id: int, slug: str) -> DeletionSummary:
    """Count what deleting ``slug`` would erase (the caller must run it)."""
    with session.begin():
        row = owned_row(session, slug, facilitator_id)
        people = session.scalar(select(func.count()).where(Participant.workshop_id == row.id))
        posts = session.scalar(select(func.count()).where(Contribution.workshop_id == row.id))
        votes = session.scalar(select(func.count()).select_from(Vote).join(
            Contribution, Contribution.id == Vote.contribution_id).where(
            Contribution.workshop_id == row.id))
    return DeletionSummary(people or 0, posts or 0, votes or 0)


@retry_when_locked
def delete_workshop(session: Session, facilitator_id: int, slug: str) -> WorkshopView:
    """Erase the unpublished workshop ``slug`` and everything of it; return what it was.

    Raises
    ------
    ConflictError
        The workshop is published (unpublish it first).
    NotFoundError, NotAllowedError
        Unknown workshop, not its facilitator.

    """
    with session.begin():
        row = owned_row(session, slug, facilitator_id)
        if row.published_at is not None:
            raise ConflictError("workshop_published_no_delete")
        gone = view(row)
        events = events_of(session, row.id)
        session.execute(delete(Workshop).where(Workshop.id == row.id))
        reindex_events(session, events)  # its title leaves their search documents
        return gone
