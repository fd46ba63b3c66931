"""Participation: joining under a pseudonym, posting statements, voting, moderation, the board.

Participants are recognised by a random token kept in their cookie; only its
SHA-256 digest is stored (the token has 256 bits of entropy, so a slow hash adds nothing).

Examples
--------
>>> Counts(agree=3, disagree=1, passed=2).total
6

"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from trajectoires.foresight._retry import retry_when_locked
from trajectoires.foresight._text import refuse_control_characters
from trajectoires.foresight.contributions import FACILITATOR_AUTHOR, Author, post_contribution
from trajectoires.foresight.errors import (
    ConflictError,
    InvalidInputError,
    NotFoundError,
)
from trajectoires.foresight.history import ANONYMOUS
from trajectoires.foresight.models import (
    ORGANISATION_MAX_LENGTH,
    PSEUDONYM_MAX_LENGTH,
    VISIBLE,
    Contribution,
    Participant,
    Vote,
)
from trajectoires.foresight.moderation import set_visibility
from trajectoires.foresight.workshops import WorkshopView, find_by_join_code

__all__ = [
    "ROLES",
    "Board",
    "BoardStatement",
    "Counts",
    "Joined",
    "check_pseudonym",
    "ParticipantView",
    "VoteOutcome",
    "count_votes",
    "hash_token",
    "hide_statement",
    "join_workshop",
    "profile",
    "participant_for_token",
    "post_seed_statement",
    "post_statement",
    "workshop_board",
]

ROLES = (
    ("elu", "Élu·e"),
    ("agent", "Agent d'une collectivité ou de l'État"),
    ("association", "Association"),
    ("entreprise", "Entreprise"),
    ("habitant", "Habitant·e"),
    ("chercheur", "Chercheur·e"),
    ("etudiant", "Étudiant·e"),
)
"""Roles a participant may give when joining: (key, French label)."""


@dataclass(frozen=True)
class ParticipantView:
    """A participant of one workshop."""

    id: int
    workshop_id: int
    pseudonym: str


@dataclass(frozen=True)
class Joined:
    """Outcome of :func:`join_workshop`: the participant and the token for their cookie."""

    participant: ParticipantView
    workshop: WorkshopView
    token: str = field(repr=False)


@dataclass(frozen=True)
class Counts:
    """Votes on one statement."""

    agree: int = 0
    disagree: int = 0
    passed: int = 0

    @property
    def total(self) -> int:
        """Number of votes, passes included."""
        return self.agree + self.disagree + self.passed


@dataclass(frozen=True)
class BoardStatement:
    """A statement on the board, with its author's pseudonym and its vote counts."""

    id: int
    workshop_id: int
    participant_id: int
    author: str
    text: str
    hidden: bool
    created_at: datetime
    counts: Counts = Counts()


@dataclass(frozen=True)
class VoteOutcome:
    """Outcome of :func:`vote`: the recorded value and the statement's counts after it."""

    statement_id: int
    workshop_id: int
    value: int
    counts: Counts


@dataclass(frozen=True)
class Board:
    """Statements of a workshop, oldest first, and the viewer's own votes."""

    workshop: WorkshopView
    statements: list[BoardStatement]
    my_votes: dict[int, int]

    def to_vote(self, viewer: ParticipantView | None) -> list[BoardStatement]:
        """Visible statements of others that ``viewer`` has not voted on yet, oldest first."""
        if viewer is None:
            return []
        return [s for s in self.statements if not s.hidden and s.participant_id != viewer.id
                and s.id not in self.my_votes]


def profile(organisation: str | None, role: str | None) -> tuple[str | None, str | None]:
    """Return the organisation (spaces collapsed) and role (a key of :data:`ROLES`) checked."""
    return _profile(organisation, role)


def hash_token(token: str) -> str:
    """Return the SHA-256 hex digest stored for a participant token."""
    return hashlib.sha256(token.encode()).hexdigest()


def check_pseudonym(name: str) -> None:
    """Refuse an empty, over-long or reserved (« Participant·e anonyme ») pseudonym."""
    if not name:
        raise InvalidInputError("empty_pseudonym")
    if len(name) > PSEUDONYM_MAX_LENGTH:
        raise InvalidInputError("pseudonym_too_long", limit=PSEUDONYM_MAX_LENGTH, length=len(name))
    if name.casefold() == ANONYMOUS.casefold():
        raise InvalidInputError("reserved_pseudonym", pseudonym=name)


def _profile(organisation: str | None, role: str | None) -> tuple[str | None, str | None]:
    org = " ".join(refuse_control_characters(organisation or "", "Organisation").split()) or None
    if org is not None and len(org) > ORGANISATION_MAX_LENGTH:
        raise InvalidInputError(
            "organisation_too_long", limit=ORGANISATION_MAX_LENGTH, length=len(org)
        )
    role = (role or "").strip() or None
    if role is not None and role not in dict(ROLES):
        raise InvalidInputError("unknown_role", role=role[:20],
                                allowed=", ".join(label for _key, label in ROLES))
    return org, role


@retry_when_locked
def join_workshop(
    session: Session, code: str, pseudonym: str, *, organisation: str | None = None,
    role: str | None = None,
) -> Joined:
    """Join the workshop whose join code is ``code`` under ``pseudonym``.

    ``organisation`` and ``role`` (a key of :data:`ROLES`) are optional; they are
    counted in reports, never published next to the pseudonym.

    Raises
    ------
    InvalidInputError
        Malformed code, empty or over-long pseudonym, over-long organisation, unknown role.
    NotFoundError
        No workshop has this code.
    ConflictError
        The workshop is not open yet or closed, or the pseudonym is taken
        (case-insensitively).

    """
    name = " ".join(refuse_control_characters(pseudonym, "Pseudonyme").split())
    if not name:
        raise InvalidInputError("empty_pseudonym")
    check_pseudonym(name)
    org, role = _profile(organisation, role)
    workshop = find_by_join_code(session, code)
    if not workshop.manifest.phase(workshop.status).accepts_participants:
        if workshop.status == "draft":
            raise ConflictError("workshop_not_open", code=workshop.join_code)
        raise ConflictError("workshop_closed")
    token = secrets.token_urlsafe(32)
    row = Participant(
        workshop_id=workshop.id, pseudonym=name, pseudonym_key=name.casefold(),
        token_hash=hash_token(token), organisation=org, role=role,
    )
    try:
        with session.begin():
            session.add(row)
    except IntegrityError:
        raise ConflictError("duplicate_pseudonym", pseudonym=name) from None
    return Joined(ParticipantView(row.id, row.workshop_id, row.pseudonym), workshop, token)


def participant_for_token(
    session: Session, workshop_id: int, token: str | None
) -> ParticipantView | None:
    """Return the participant of this workshop holding ``token``, or ``None``."""
    if not token:
        return None
    with session.begin():
        row = session.scalar(
            select(Participant).where(
                Participant.token_hash == hash_token(token), Participant.workshop_id == workshop_id
            )
        )
        return ParticipantView(row.id, row.workshop_id, row.pseudonym) if row else None


def post_statement(session: Session, participant: ParticipantView, text: str) -> BoardStatement:
    """Post a statement of at most 280 characters in the participant's workshop.

    A statement is the debate's contribution type ``statement`` in the generic store
    (:func:`~trajectoires.foresight.contributions.post_contribution`).

    Raises
    ------
    InvalidInputError
        Empty text (after stripping), or longer than 280 characters.
    ConflictError
        The workshop's current phase does not accept statements.

    """
    author = Author(participant_id=participant.id, workshop_id=participant.workshop_id)
    posted = post_contribution(session, participant.workshop_id, author, "statement",
                               {"text": text})
    return BoardStatement(
        posted.id, posted.workshop_id, participant.id, participant.pseudonym, posted.text,
        posted.hidden, posted.created_at,
    )


def post_seed_statement(
    session: Session, facilitator_id: int, workshop_id: int, text: str
) -> BoardStatement:
    """Post a seed statement as the workshop's facilitator (« Animation »), as Pol.is's seeds.

    Allowed before the opening (the debate then starts with something to vote on) and
    while the workshop is open; the same checks as a participant's (length, duplicates).

    Raises
    ------
    InvalidInputError, ConflictError
        As :func:`post_statement`; ``ConflictError`` too once the workshop is closed.
    NotAllowedError
        The caller does not run this workshop.

    """
    author = Author(facilitator_id=facilitator_id)
    posted = post_contribution(session, workshop_id, author, "statement", {"text": text})
    return BoardStatement(posted.id, posted.workshop_id, 0, FACILITATOR_AUTHOR, posted.text,
                          posted.hidden, posted.created_at)


def count_votes(
    session: Session, statement_ids: list[int] | None, workshop_id: int = 0
) -> dict[int, Counts]:
    """Count votes per statement: of ``statement_ids``, or of the whole workshop.

    Runs inside the caller's transaction.
    """
    query = select(Vote.contribution_id, Vote.value, func.count()).group_by(
        Vote.contribution_id, Vote.value
    )
    if statement_ids is not None:
        query = query.where(Vote.contribution_id.in_(statement_ids))
    else:
        query = query.join(Contribution, Contribution.id == Vote.contribution_id).where(
            Contribution.workshop_id == workshop_id
        )
    tallies: dict[int, dict[int, int]] = {}
    for statement_id, value, count in session.execute(query):
        tallies.setdefault(statement_id, {})[value] = count
    return {
        sid: Counts(t.get(1, 0), t.get(-1, 0), t.get(0, 0)) for sid, t in tallies.items()
    }


def hide_statement(
    session: Session, facilitator_id: int, statement_id: int, *, hidden: bool = True,
    reason: str | None = None,
) -> BoardStatement:
    """Hide (or show again) a statement; only the workshop's facilitator may.

    Raises
    ------
    NotFoundError, NotAllowedError
        Unknown statement, or the caller does not run its workshop.

    """
    try:
        done = set_visibility(session, facilitator_id, statement_id, hidden=hidden,
                              reason=reason)
    except NotFoundError:
        raise NotFoundError("statement_not_found") from None
    return BoardStatement(
        done.id, done.workshop_id, done.participant_id or 0, done.author, done.text,
        done.hidden, done.created_at,
    )


def workshop_board(
    session: Session,
    workshop: WorkshopView,
    viewer: ParticipantView | None = None,
    *,
    include_hidden: bool = False,
) -> Board:
    """Return the statements of ``workshop`` with their counts, oldest first.

    Hidden statements are left out unless ``include_hidden`` (the facilitator's view).
    ``my_votes`` maps statement ids to the viewer's vote.
    """
    query = (
        select(Contribution, Participant.pseudonym)
        .outerjoin(Participant, Participant.id == Contribution.participant_id)
        .where(Contribution.workshop_id == workshop.id, Contribution.type == "statement")
        .order_by(Contribution.id)
    )
    if not include_hidden:
        query = query.where(Contribution.status == VISIBLE)
    with session.begin():
        counts = count_votes(session, None, workshop.id)
        statements = [
            BoardStatement(
                s.id, s.workshop_id, s.participant_id or 0, pseudonym or FACILITATOR_AUTHOR,
                s.text, s.hidden, s.created_at, counts.get(s.id, Counts()),
            )
            for s, pseudonym in session.execute(query)
        ]
        my_votes: dict[int, int] = {}
        if viewer is not None:
            rows = session.execute(
                select(Vote.contribution_id, Vote.value).where(Vote.participant_id == viewer.id)
            )
            my_votes = {sid: value for sid, value in rows}
    return Board(workshop, statements, my_votes)
