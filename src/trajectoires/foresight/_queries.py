"""Prebuilt SQL statements of the hot path: identifying a participant, voting.

Built once at import and executed with bound values: on SQLite, building a
SQLAlchemy statement costs more than running it, and a live workshop votes a lot.
"""

from __future__ import annotations

from sqlalchemy import bindparam, func, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.sql.dml import Insert

from trajectoires.foresight.models import Contribution, Participant, Vote, Workshop

__all__ = [
    "OTHERS_COUNTS",
    "PARTICIPANT_AND_TARGET",
    "PARTICIPANT_IN_WORKSHOP",
    "STATEMENT_COUNTS",
    "UPSERT_VOTE",
    "VOTE_AND_OTHERS",
    "VOTE_TARGET",
]

PARTICIPANT_IN_WORKSHOP = (
    select(
        *Workshop.__table__.columns,
        Participant.id.label("participant_id"),
        Participant.pseudonym.label("participant_pseudonym"),
    )
    .outerjoin(
        Participant,
        (Participant.workshop_id == Workshop.id)
        & Participant.token_hash.in_(bindparam("hashes", expanding=True)),
    )
    .where(Workshop.slug == bindparam("slug"))
    .limit(1)
)

PARTICIPANT_AND_TARGET = PARTICIPANT_IN_WORKSHOP.add_columns(
    Contribution.id.label("target_id"),
    Contribution.participant_id.label("target_author"),
    Contribution.status.label("target_visibility"),
    Contribution.type.label("target_type"),
).outerjoin(
    Contribution,
    (Contribution.id == bindparam("statement_id")) & (Contribution.workshop_id == Workshop.id),
)
"""The workshop, the participant and the statement voted on, in one round trip (#14)."""

VOTE_TARGET = (
    select(
        Contribution.participant_id, Contribution.status, Contribution.type, Workshop.kind,
        Workshop.status,
    )
    .join(Workshop, Workshop.id == Contribution.workshop_id)
    .where(
        Contribution.id == bindparam("statement_id"),
        Contribution.workshop_id == bindparam("workshop_id"),
    )
)

STATEMENT_COUNTS = (
    select(Vote.value, func.count())
    .where(Vote.contribution_id == bindparam("statement_id"))
    .group_by(Vote.value)
)


def _upsert(insert: Insert) -> Insert:
    statement = insert.values(
        participant_id=bindparam("p_participant"),
        contribution_id=bindparam("p_statement"),
        value=bindparam("p_value"),
        updated_at=bindparam("p_updated"),
    )
    return statement.on_conflict_do_update(
        index_elements=[Vote.participant_id, Vote.contribution_id],
        set_={"value": statement.excluded.value, "updated_at": statement.excluded.updated_at},
    )


UPSERT_VOTE = {
    "sqlite": _upsert(sqlite.insert(Vote)),
    "postgresql": _upsert(postgresql.insert(Vote)),
}

OTHERS_COUNTS = (
    select(Vote.value, func.count())
    .where(
        Vote.contribution_id == bindparam("p_statement"),
        Vote.participant_id != bindparam("p_participant"),
    )
    .group_by(Vote.value)
)
"""Votes on a statement by everyone but the voter (whose vote the caller adds)."""

VOTE_AND_OTHERS = OTHERS_COUNTS.add_cte(
    UPSERT_VOTE["postgresql"].returning(Vote.value).cte("recorded")
)
"""PostgreSQL: record the vote and read the others' votes in one statement.

A data-modifying ``WITH`` runs to completion even though the query does not read it;
the query sees the table as it was before the upsert, hence the others' votes only.
"""
