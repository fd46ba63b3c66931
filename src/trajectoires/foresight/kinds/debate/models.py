"""The latest opinion snapshot of each debate, shared by the server processes.

One row per workshop, written by the process that computed it
(:mod:`trajectoires.web.workshops.kinds.debate.service`), read by the others: the
snapshot as bytes (:mod:`._stored`: the engine's result included, for the next warm
start) and the section's HTML. Created by the migration ``0010_opinion_snapshots``.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Integer, LargeBinary, Text
from sqlalchemy.orm import Mapped, mapped_column

from trajectoires.db.base import Base, UtcDateTime, utcnow

__all__ = ["StoredOpinions"]


class StoredOpinions(Base):
    """The latest snapshot of a debate's opinion groups (see the module docstring)."""

    __tablename__ = "opinion_snapshot"

    workshop_id: Mapped[int] = mapped_column(
        ForeignKey("workshop.id", ondelete="CASCADE"), primary_key=True)
    version: Mapped[int] = mapped_column(Integer, nullable=False)
    snapshot: Mapped[bytes] = mapped_column(LargeBinary, nullable=False)
    html: Mapped[str] = mapped_column(Text, nullable=False)
    votes_read_at: Mapped[datetime] = mapped_column(UtcDateTime, nullable=False, default=utcnow)
    """When the votes of this snapshot were read: a process with a later change recomputes."""
