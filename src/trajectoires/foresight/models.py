"""Models of the foresight domain: facilitators, workshops, participants, statements, votes.

The schema is created by the Alembic migration ``0001_workshops``; keep both in step.
Counts of votes per statement are served by the ``(statement_id, value)`` index of
:class:`Vote`; the board of a workshop by the ``(workshop_id, id)`` index of :class:`Statement`.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    SmallInteger,
    String,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from trajectoires.db.base import Base, utcnow

__all__ = ["Facilitator", "Participant", "Statement", "Vote", "Workshop", "utcnow"]

STATEMENT_MAX_LENGTH = 280
QUESTION_MAX_LENGTH = 500
TITLE_MAX_LENGTH = 120
PSEUDONYM_MAX_LENGTH = 40



class Facilitator(Base):
    """A person who creates and runs workshops; logs in with e-mail and password."""

    __tablename__ = "facilitator"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    display_name: Mapped[str] = mapped_column(String(120))
    password_hash: Mapped[str] = mapped_column(String(255))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class Workshop(Base):
    """One workshop of a given kind about a territory, joined with a short code."""

    __tablename__ = "workshop"
    __table_args__ = (
        CheckConstraint("status in ('draft', 'open', 'closed')", name="status"),
        Index("ix_workshop_facilitator", "facilitator_id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    slug: Mapped[str] = mapped_column(String(80), unique=True)
    join_code: Mapped[str] = mapped_column(String(6), unique=True)
    title: Mapped[str] = mapped_column(String(TITLE_MAX_LENGTH))
    question: Mapped[str] = mapped_column(String(QUESTION_MAX_LENGTH))
    territory_kind: Mapped[str] = mapped_column(String(20))
    territory_code: Mapped[str] = mapped_column(String(20))
    territory_name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(40), default="debate")
    status: Mapped[str] = mapped_column(String(10), default="draft")
    facilitator_id: Mapped[int] = mapped_column(
        ForeignKey("facilitator.id", ondelete="RESTRICT")
    )
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class Participant(Base):
    """Someone who joined a workshop under a pseudonym; recognised by a cookie token."""

    __tablename__ = "participant"
    __table_args__ = (UniqueConstraint("workshop_id", "pseudonym_key"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    workshop_id: Mapped[int] = mapped_column(ForeignKey("workshop.id", ondelete="CASCADE"))
    pseudonym: Mapped[str] = mapped_column(String(PSEUDONYM_MAX_LENGTH))
    pseudonym_key: Mapped[str] = mapped_column(String(PSEUDONYM_MAX_LENGTH))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class Statement(Base):
    """A short statement posted by a participant; the facilitator may hide it."""

    __tablename__ = "statement"
    __table_args__ = (
        Index("ix_statement_workshop_id_id", "workshop_id", "id"),
        Index("ix_statement_participant", "participant_id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    workshop_id: Mapped[int] = mapped_column(ForeignKey("workshop.id", ondelete="CASCADE"))
    participant_id: Mapped[int] = mapped_column(
        ForeignKey("participant.id", ondelete="CASCADE")
    )
    text: Mapped[str] = mapped_column(String(STATEMENT_MAX_LENGTH))
    hidden: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class Vote(Base):
    """The latest vote of a participant on a statement: 1 agree, -1 disagree, 0 pass."""

    __tablename__ = "vote"
    __table_args__ = (
        CheckConstraint("value in (-1, 0, 1)", name="value"),
        Index("ix_vote_statement_value", "statement_id", "value"),
    )

    participant_id: Mapped[int] = mapped_column(
        ForeignKey("participant.id", ondelete="CASCADE"), primary_key=True
    )
    statement_id: Mapped[int] = mapped_column(
        ForeignKey("statement.id", ondelete="CASCADE"), primary_key=True
    )
    value: Mapped[int] = mapped_column(SmallInteger)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
