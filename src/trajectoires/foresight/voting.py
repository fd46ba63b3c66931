"""Voting: agree (1), disagree (-1) or pass (0) on a statement; the latest vote wins.

The hot path of a live workshop: it runs prebuilt Core statements
(:mod:`trajectoires.foresight._queries`) and :func:`vote_as` identifies the
participant and records the vote in one transaction.

Examples
--------
>>> parse_vote_value("-1")
-1

"""

from __future__ import annotations

from sqlalchemy import Connection, Row, Select
from sqlalchemy.orm import Session

from trajectoires.foresight._queries import (
    OTHERS_COUNTS,
    PARTICIPANT_AND_TARGET,
    PARTICIPANT_IN_WORKSHOP,
    UPSERT_VOTE,
    VOTE_AND_OTHERS,
    VOTE_TARGET,
)
from trajectoires.foresight._retry import retry_when_locked
from trajectoires.foresight.errors import (
    ConflictError,
    InvalidInputError,
    NotAllowedError,
    NotFoundError,
)
from trajectoires.foresight.kinds import get_kind
from trajectoires.foresight.models import VISIBLE, utcnow
from trajectoires.foresight.participation import (
    Counts,
    ParticipantView,
    VoteOutcome,
    count_votes,
    hash_token,
)
from trajectoires.foresight.workshops import WorkshopView, view

__all__ = [
    "VOTE_VALUES",
    "parse_vote_value",
    "participant_in_workshop",
    "vote",
    "vote_as",
    "vote_counts",
]

VOTE_VALUES = (1, -1, 0)


def parse_vote_value(value: object) -> int:
    """Return ``value`` as -1, 0 or 1; raise :class:`InvalidInputError` otherwise."""
    try:
        number = int(str(value).strip())
    except ValueError:
        number = None
    if number not in VOTE_VALUES:
        raise InvalidInputError("invalid_vote", value=str(value)[:20])
    return number


TOKEN_BATCH = 20
MAX_TOKENS = 200
"""Participant cookies read per request at most (browsers keep about 180 per site)."""


def _identify_row(
    connection: Connection, slug: str, tokens: list[str], query: Select = PARTICIPANT_IN_WORKSHOP,
    **params: object,
) -> Row:
    # A browser holds one cookie per workshop joined (30 days): more than 20 are looked up
    # by batches, so joining a 21st workshop does not lock its participant out.
    hashes = [hash_token(t) for t in tokens if t][:MAX_TOKENS] or [""]
    for start in range(0, len(hashes), TOKEN_BATCH):
        batch = hashes[start:start + TOKEN_BATCH]
        row = connection.execute(query, {"slug": slug, "hashes": batch, **params}).first()
        if row is None:
            raise NotFoundError("workshop_not_found")
        if row.participant_id is not None:
            break
    return row


def _identify(
    connection: Connection, slug: str, tokens: list[str]
) -> tuple[WorkshopView, ParticipantView | None]:
    row = _identify_row(connection, slug, tokens)
    me = None
    if row.participant_id is not None:
        me = ParticipantView(row.participant_id, row.id, row.participant_pseudonym)
    return view(row), me


def participant_in_workshop(
    session: Session, slug: str, tokens: list[str]
) -> tuple[WorkshopView, ParticipantView | None]:
    """Return the workshop ``slug`` and the participant holding one of ``tokens``, if any.

    Raises
    ------
    NotFoundError
        No workshop has this slug.

    """
    with session.begin():
        return _identify(session.connection(), slug, tokens)


def _check_target(
    participant: ParticipantView, found: tuple | None
) -> None:
    """Refuse a vote on ``found`` (author, visibility, type, kind, phase), or on nothing."""
    if found is None:
        raise NotFoundError("statement_not_found")
    author_id, visibility, type_key, kind_key, status = found
    if visibility != VISIBLE:
        raise ConflictError("statement_hidden")
    if author_id == participant.id:
        raise ConflictError("own_statement")
    kind = get_kind(kind_key)
    if not kind.contribution_type(type_key).votable:
        raise ConflictError("type_not_votable")
    phase = kind.phase(status)
    if not phase.accepts_votes:
        raise ConflictError("phase_refuses_votes", phase=phase.label)


def _upsert(
    connection: Connection, participant: ParticipantView, statement_id: int, number: int
) -> VoteOutcome:
    """Record the vote (checked) and return the counts with it.

    On PostgreSQL one statement records the vote and reads the others' votes (one round
    trip); on SQLite, in process, the upsert then the read.
    """
    params = {"p_participant": participant.id, "p_statement": statement_id, "p_value": number,
              "p_updated": utcnow()}
    dialect = connection.dialect.name
    if dialect == "postgresql":
        tally = dict(connection.execute(VOTE_AND_OTHERS, params).all())
    else:
        connection.execute(UPSERT_VOTE[dialect], params)
        tally = dict(connection.execute(OTHERS_COUNTS, params).all())
    tally[number] = tally.get(number, 0) + 1  # the voter's own vote, counted once
    counts = Counts(tally.get(1, 0), tally.get(-1, 0), tally.get(0, 0))
    return VoteOutcome(statement_id, participant.workshop_id, number, counts)


def _record(
    connection: Connection, participant: ParticipantView, statement_id: int, number: int
) -> VoteOutcome:
    found = connection.execute(
        VOTE_TARGET, {"statement_id": statement_id, "workshop_id": participant.workshop_id}
    ).first()
    _check_target(participant, found)
    return _upsert(connection, participant, statement_id, number)


@retry_when_locked
def vote(
    session: Session, participant: ParticipantView, statement_id: int, value: object
) -> VoteOutcome:
    """Record the participant's vote on a statement; the latest vote replaces earlier ones.

    Raises
    ------
    InvalidInputError
        ``value`` is not 1 (agree), -1 (disagree) or 0 (pass).
    NotFoundError
        No such statement in the participant's workshop.
    ConflictError
        The statement is hidden or the participant's own, or the phase refuses votes.

    """
    number = parse_vote_value(value)
    with session.begin():
        return _record(session.connection(), participant, statement_id, number)


@retry_when_locked
def vote_as(
    session: Session, slug: str, tokens: list[str], statement_id: int, value: object
) -> VoteOutcome:
    """Vote as the participant of workshop ``slug`` holding one of ``tokens`` (cookies).

    Identifying and voting share one transaction: the workshop, the participant and the
    statement voted on are read in one statement, the vote recorded in another (#14: two
    round trips to PostgreSQL instead of four). Errors are those of :func:`vote`, plus
    :class:`NotFoundError` (no such workshop) and :class:`NotAllowedError` (no participant
    holds these tokens).
    """
    number = parse_vote_value(value)
    with session.begin():
        connection = session.connection()
        row = _identify_row(connection, slug, tokens, PARTICIPANT_AND_TARGET,
                            statement_id=statement_id)
        if row.participant_id is None:
            raise NotAllowedError("not_participant")
        me = ParticipantView(row.participant_id, row.id, row.participant_pseudonym)
        found = None
        if row.target_id is not None:
            found = (row.target_author, row.target_visibility, row.target_type, row.kind,
                     row.status)
        _check_target(me, found)
        return _upsert(connection, me, statement_id, number)


def vote_counts(session: Session, statement_ids: list[int]) -> dict[int, Counts]:
    """Return the counts of each statement in ``statement_ids`` (missing: no votes yet)."""
    with session.begin():
        return count_votes(session, list(statement_ids))
