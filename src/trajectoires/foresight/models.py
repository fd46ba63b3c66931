"""Models of the foresight domain: workshops, participants and their contributions.

Facilitators, workshops, tables, participants, contributions (the generic store of
every kind), votes and priority points.

The schema is created by the Alembic migrations ``0001_workshops`` and
``0003_contributions``; keep both in step. A workshop's phase is a key of its
kind's manifest, checked by the services, not by the database. Counts of votes per
statement are served by the ``(contribution_id, value)`` index of :class:`Vote`; the
board of a workshop by the ``(workshop_id, id)`` index of :class:`Contribution`.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    ForeignKey,
    Index,
    Integer,
    SmallInteger,
    String,
    Text,
    UniqueConstraint,
    false,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from trajectoires.db.base import Base, UtcDateTime, utcnow

__all__ = [
    "DEFAULT_LICENCE",
    "LICENCES",
    "Contribution",
    "Facilitator",
    "FacilitatorLogin",
    "Participant",
    "PriorityPoints",
    "Vote",
    "Workshop",
    "WorkshopTable",
    "utcnow",
]

STATEMENT_MAX_LENGTH = 280
QUESTION_MAX_LENGTH = 500
TITLE_MAX_LENGTH = 120
PSEUDONYM_MAX_LENGTH = 40
ORGANISATION_MAX_LENGTH = 120
TABLE_NAME_MAX_LENGTH = 60
REASON_MAX_LENGTH = 280
TEXT_MAX_LENGTH = 4000
PAYLOAD = JSON().with_variant(JSONB(), "postgresql")

DEFAULT_LICENCE = "etalab-2.0"
LICENCES = {
    "etalab-2.0": "Licence Ouverte 2.0 (Etalab)",
    "cc-by-4.0": "Creative Commons Attribution 4.0 (CC BY 4.0)",
    "odbl": "Open Database License (ODbL 1.0)",
}
"""Licences a facilitator may choose for a published workshop: key -> French label."""

VISIBLE = "visible"
HIDDEN = "hidden"
PENDING = "pending"
MERGED = "merged"
CONTRIBUTION_STATUSES = (VISIBLE, HIDDEN, PENDING, MERGED)


class Facilitator(Base):
    """A person who creates and runs workshops; logs in with e-mail and password."""

    __tablename__ = "facilitator"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    display_name: Mapped[str] = mapped_column(String(120))
    password_hash: Mapped[str] = mapped_column(String(255))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)
    # set when the account was deleted: e-mail and name erased, no password (foresight.privacy)
    erased_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    # invites facilitators from the web (foresight.accounts)
    is_admin: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())


class FacilitatorLogin(Base):
    """One logged-in browser of a facilitator: its cookie holds the token, the row its hash.

    Logging out deletes the row, so a copied cookie stops working at once, on every
    server process; a row past ``expires_at`` is never accepted.
    """

    __tablename__ = "facilitator_login"
    __table_args__ = (Index("ix_facilitator_login_facilitator", "facilitator_id"),)

    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    facilitator_id: Mapped[int] = mapped_column(ForeignKey("facilitator.id", ondelete="CASCADE"))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UtcDateTime())


class Workshop(Base):
    """One workshop of a given kind about a territory, joined with a short code.

    ``status`` is the key of the current phase of the kind's manifest; ``settings``
    holds the per-workshop options of the kind (horizon, points, pre-moderation…);
    ``locked`` freezes participants' contributions; ``timer_ends_at`` is the end of
    the countdown shown to everyone (``None``: no timer). ``published_at`` is set
    while its productions are public (see :mod:`trajectoires.foresight.publication`),
    under ``licence``, a key of :data:`LICENCES`.
    """

    __tablename__ = "workshop"
    __table_args__ = (Index("ix_workshop_facilitator", "facilitator_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    slug: Mapped[str] = mapped_column(String(80), unique=True)
    join_code: Mapped[str] = mapped_column(String(6), unique=True)
    title: Mapped[str] = mapped_column(String(TITLE_MAX_LENGTH))
    question: Mapped[str] = mapped_column(String(QUESTION_MAX_LENGTH))
    territory_kind: Mapped[str] = mapped_column(String(20))
    territory_code: Mapped[str] = mapped_column(String(20))
    territory_name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(40), default="debate")
    status: Mapped[str] = mapped_column(String(40), default="draft")
    facilitator_id: Mapped[int] = mapped_column(
        ForeignKey("facilitator.id", ondelete="RESTRICT")
    )
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)
    settings: Mapped[dict[str, Any]] = mapped_column(PAYLOAD, default=dict)
    locked: Mapped[bool] = mapped_column(Boolean, default=False)
    timer_ends_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    timer_label: Mapped[str | None] = mapped_column(String(80))
    example: Mapped[bool] = mapped_column(Boolean, default=False)
    published_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    licence: Mapped[str] = mapped_column(String(20), default=DEFAULT_LICENCE)


class WorkshopTable(Base):
    """A small group of participants (a table) that builds its own contributions."""

    __tablename__ = "workshop_table"
    __table_args__ = (UniqueConstraint("workshop_id", "name"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    workshop_id: Mapped[int] = mapped_column(ForeignKey("workshop.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(TABLE_NAME_MAX_LENGTH))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)


class Participant(Base):
    """Someone who joined a workshop under a pseudonym; recognised by a cookie token.

    ``organisation`` and ``role`` are optional and never published with the name;
    ``actor_id`` is the actor (a contribution of a Construire 2030 workshop) the
    participant speaks for, if any.
    """

    __tablename__ = "participant"
    __table_args__ = (UniqueConstraint("workshop_id", "pseudonym_key"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    workshop_id: Mapped[int] = mapped_column(ForeignKey("workshop.id", ondelete="CASCADE"))
    pseudonym: Mapped[str] = mapped_column(String(PSEUDONYM_MAX_LENGTH))
    pseudonym_key: Mapped[str] = mapped_column(String(3 * PSEUDONYM_MAX_LENGTH))  # casefold()
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)
    organisation: Mapped[str | None] = mapped_column(String(ORGANISATION_MAX_LENGTH))
    role: Mapped[str | None] = mapped_column(String(20))
    table_id: Mapped[int | None] = mapped_column(
        ForeignKey("workshop_table.id", ondelete="SET NULL")
    )
    actor_id: Mapped[int | None] = mapped_column(Integer)  # no FK: contribution -> participant
    # joined after publication to enrich the workshop (foresight.enrichment)
    visitor: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    # set when they deleted their participation: the row keeps only ids (foresight.privacy)
    erased_at: Mapped[datetime | None] = mapped_column(UtcDateTime())


class Contribution(Base):
    """One contribution of any kind: a statement, a headline, a milestone, an action.

    ``type`` is a contribution type of the workshop's kind and ``payload`` its typed
    fields, validated by the kind; ``text`` repeats the title field for lists and
    search. ``participant_id`` is ``None`` for what the facilitator entered;
    ``on_paper`` marks contributions made on paper and entered on a table's behalf.
    ``status`` is visible, hidden (with a reason), pending (pre-moderation) or merged
    (into ``merged_into_id``).
    """

    __tablename__ = "contribution"
    __table_args__ = (
        CheckConstraint(
            "status in ('visible', 'hidden', 'pending', 'merged')", name="status"
        ),
        Index("ix_contribution_workshop_id_id", "workshop_id", "id"),
        Index("ix_contribution_participant", "participant_id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    workshop_id: Mapped[int] = mapped_column(ForeignKey("workshop.id", ondelete="CASCADE"))
    participant_id: Mapped[int | None] = mapped_column(
        ForeignKey("participant.id", ondelete="CASCADE")
    )
    type: Mapped[str] = mapped_column(String(40), default="statement")
    parent_id: Mapped[int | None] = mapped_column(
        ForeignKey("contribution.id", ondelete="CASCADE")
    )
    table_id: Mapped[int | None] = mapped_column(
        ForeignKey("workshop_table.id", ondelete="SET NULL")
    )
    text: Mapped[str] = mapped_column(Text)
    payload: Mapped[dict[str, Any]] = mapped_column(PAYLOAD, default=dict)
    status: Mapped[str] = mapped_column(String(10), default=VISIBLE)
    reason: Mapped[str | None] = mapped_column(String(REASON_MAX_LENGTH))
    merged_into_id: Mapped[int | None] = mapped_column(
        ForeignKey("contribution.id", ondelete="SET NULL")
    )
    on_paper: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)
    # « ajouté après l'atelier »: posted while the workshop was published (foresight.enrichment)
    after_session: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())

    @property
    def hidden(self) -> bool:
        """Whether participants no longer see it (hidden, pending or merged)."""
        return self.status != VISIBLE


class Vote(Base):
    """The latest vote of a participant on a statement: 1 agree, -1 disagree, 0 pass."""

    __tablename__ = "vote"
    __table_args__ = (
        CheckConstraint("value in (-1, 0, 1)", name="value"),
        Index("ix_vote_contribution_value", "contribution_id", "value"),
    )

    participant_id: Mapped[int] = mapped_column(
        ForeignKey("participant.id", ondelete="CASCADE"), primary_key=True
    )
    contribution_id: Mapped[int] = mapped_column(
        ForeignKey("contribution.id", ondelete="CASCADE"), primary_key=True
    )
    value: Mapped[int] = mapped_column(SmallInteger)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)


class PriorityPoints(Base):
    """Points a participant put on a contribution in a dot vote (at most their budget)."""

    __tablename__ = "priority_points"
    __table_args__ = (
        CheckConstraint("points > 0", name="points"),
        Index("ix_priority_points_contribution", "contribution_id"),
    )

    participant_id: Mapped[int] = mapped_column(
        ForeignKey("participant.id", ondelete="CASCADE"), primary_key=True
    )
    contribution_id: Mapped[int] = mapped_column(
        ForeignKey("contribution.id", ondelete="CASCADE"), primary_key=True
    )
    points: Mapped[int] = mapped_column(SmallInteger)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)
