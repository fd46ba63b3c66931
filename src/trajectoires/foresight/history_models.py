"""Models of a contribution's history, of enrichment after publication, and of visitors' e-mails.

- :class:`ContributionVersion`: one row per change of a contribution (created, edited,
  hidden, shown, merged, absorbed duplicates, reference moved by a merge, copied from
  another workshop). Each row is a **snapshot** of the contribution after the change
  (``text``, ``payload``, ``status``, ``reason``, ``merged_into_id``); what changed is
  the difference with the previous row of the same contribution
  (:func:`trajectoires.foresight.history.changes`). Who acted is ``participant_id``
  or ``facilitator_id`` (both ``None``: the application itself); the name shown is read
  through them at display time, so a participant who deleted their participation is
  shown as « Participant·e anonyme » everywhere, their history included. ``detail``
  holds what a snapshot cannot say (the ids merged, the workshop copied from).
- :class:`Comment`: a comment left on a contribution of a published workshop, by a
  participant (a visitor who joined after publication, or anyone who took part).
  Moderated like contributions (``status`` visible / hidden / pending, ``reason``).
- :class:`VisitorEmail`: the e-mail a visitor gave when the workshop asks for one
  (setting ``enrichment_email``), with the hash of the confirmation token sent to it
  and when it was confirmed. Never published, never exported publicly; erased with the
  participation.

Created by the migration ``0008_history_personal_data`` (with the columns
``contribution.after_session``, ``participant.visitor``, ``participant.erased_at``
and ``facilitator.erased_at`` of :mod:`trajectoires.foresight.models`).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from trajectoires.db.base import Base, UtcDateTime, utcnow
from trajectoires.foresight.models import PAYLOAD, REASON_MAX_LENGTH

__all__ = [
    "COMMENT_MAX_LENGTH",
    "VERSION_ACTIONS",
    "Comment",
    "ContributionVersion",
    "VisitorEmail",
]

COMMENT_MAX_LENGTH = 1000
EMAIL_MAX_LENGTH = 254

VERSION_ACTIONS = (
    "created",  # posted (during the session, or after publication)
    "edited",  # text or payload changed by its author or the facilitator
    "hidden",  # hidden by the facilitator (reason in the snapshot)
    "shown",  # shown again, or approved under pre-moderation
    "merged",  # merged into another (detail: {"into": id})
    "absorbed",  # kept by a merge (detail: {"merged": [ids]})
    "repointed",  # a reference in its payload moved to the kept one of a merge
    "copied",  # copied from another workshop (detail: {"from_workshop": slug, "from": id})
    "effect_added",  # a quantified effect added to an action (detail: {"effect": key, "type"})
    "effect_changed",  # an action's effect replaced (detail as above)
    "effect_removed",  # an action's effect removed (detail as above)
)
"""What a version records; the French labels live in the templates."""


class ContributionVersion(Base):
    """One state of a contribution, after one change (see the module's docstring)."""

    __tablename__ = "contribution_version"
    __table_args__ = (
        UniqueConstraint("contribution_id", "number"),
        Index("ix_contribution_version_workshop", "workshop_id"),
        Index("ix_contribution_version_participant", "participant_id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    contribution_id: Mapped[int] = mapped_column(
        ForeignKey("contribution.id", ondelete="CASCADE"))
    workshop_id: Mapped[int] = mapped_column(ForeignKey("workshop.id", ondelete="CASCADE"))
    number: Mapped[int] = mapped_column(Integer)  # 1, 2, … per contribution
    action: Mapped[str] = mapped_column(String(20))
    participant_id: Mapped[int | None] = mapped_column(
        ForeignKey("participant.id", ondelete="SET NULL"))
    facilitator_id: Mapped[int | None] = mapped_column(
        ForeignKey("facilitator.id", ondelete="SET NULL"))
    text: Mapped[str] = mapped_column(Text)
    payload: Mapped[dict[str, Any]] = mapped_column(PAYLOAD, default=dict)
    status: Mapped[str] = mapped_column(String(10))
    reason: Mapped[str | None] = mapped_column(String(REASON_MAX_LENGTH))
    merged_into_id: Mapped[int | None] = mapped_column(Integer)  # no FK: history outlives it
    detail: Mapped[dict[str, Any]] = mapped_column(PAYLOAD, default=dict)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)


class Comment(Base):
    """A comment on a contribution of a published workshop (moderated by its facilitator)."""

    __tablename__ = "comment"
    __table_args__ = (
        Index("ix_comment_contribution", "contribution_id"),
        Index("ix_comment_participant", "participant_id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    workshop_id: Mapped[int] = mapped_column(ForeignKey("workshop.id", ondelete="CASCADE"))
    contribution_id: Mapped[int] = mapped_column(
        ForeignKey("contribution.id", ondelete="CASCADE"))
    participant_id: Mapped[int] = mapped_column(ForeignKey("participant.id", ondelete="CASCADE"))
    text: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(10), default="visible")
    reason: Mapped[str | None] = mapped_column(String(REASON_MAX_LENGTH))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)


class VisitorEmail(Base):
    """The e-mail of a visitor, its confirmation token's hash and when it was confirmed."""

    __tablename__ = "visitor_email"

    participant_id: Mapped[int] = mapped_column(
        ForeignKey("participant.id", ondelete="CASCADE"), primary_key=True)
    email: Mapped[str] = mapped_column(String(EMAIL_MAX_LENGTH))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    sent_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)
    confirmed_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
