"""Models of events: a foresight day or cycle, its programme and its files.

Plain tables, documented column by column, so that exports can read them as they are:

- :class:`Event`: one day (or cycle of days) for a territory, at a stable slug;
- :class:`EventItem`: one entry of its programme, a talk or a workshop of the product,
  in the order of ``position``;
- :class:`EventFile`: an uploaded PDF or image, material of a talk (``item_id``) or
  preparatory material of the event (``item_id`` is ``None``). The bytes live in the
  workspace folder (:func:`trajectoires.foresight.events.files.stored_path`), not in
  the database: the row keeps the name shown, the type found in the content, the size
  and the SHA-256 of the bytes.

Times are stored in UTC (``UtcDateTime``) and shown in Europe/Paris. Links (material
given as addresses) are JSON lists of ``{"label": ..., "url": ...}``; organisers and
partners JSON lists of names. The schema is created by the migration ``0007_events``.
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
    String,
    Text,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from trajectoires.db.base import Base, UtcDateTime, utcnow

__all__ = ["ITEM_KINDS", "Event", "EventFile", "EventItem"]

LIST = JSON().with_variant(JSONB(), "postgresql")
TALK = "talk"
WORKSHOP = "workshop"
ITEM_KINDS = (TALK, WORKSHOP)


class Event(Base):
    """A foresight day or cycle for a territory, run by one facilitator (its organiser account).

    ``starts_at`` and ``ends_at`` bound the whole event; ``organisers`` and ``partners``
    are lists of names; ``links`` the preparatory material given as addresses
    (uploaded preparatory files are :class:`EventFile` rows without an item);
    ``preparation`` a free text for participants. ``example`` marks demo content.
    """

    __tablename__ = "event"
    __table_args__ = (
        Index("ix_event_territory", "territory_kind", "territory_code"),
        Index("ix_event_facilitator", "facilitator_id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    slug: Mapped[str] = mapped_column(String(80), unique=True)
    title: Mapped[str] = mapped_column(String(160))
    summary: Mapped[str] = mapped_column(Text, default="")
    territory_kind: Mapped[str] = mapped_column(String(20))
    territory_code: Mapped[str] = mapped_column(String(20))
    territory_name: Mapped[str] = mapped_column(String(200))
    starts_at: Mapped[datetime] = mapped_column(UtcDateTime())
    ends_at: Mapped[datetime] = mapped_column(UtcDateTime())
    place: Mapped[str] = mapped_column(String(300), default="")
    organisers: Mapped[list[str]] = mapped_column(LIST, default=list)
    partners: Mapped[list[str]] = mapped_column(LIST, default=list)
    preparation: Mapped[str] = mapped_column(Text, default="")
    links: Mapped[list[dict[str, Any]]] = mapped_column(LIST, default=list)
    facilitator_id: Mapped[int] = mapped_column(ForeignKey("facilitator.id", ondelete="RESTRICT"))
    example: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)
    published_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    """``None`` while its facilitator prepares it (a draft: only they see it)."""


class EventItem(Base):
    """One entry of an event's programme: a talk (``kind="talk"``) or a workshop.

    A talk has a ``speaker``, their ``organisation``, a ``summary`` and ``links``
    (material as addresses; uploaded files are :class:`EventFile` rows of the item). A
    workshop entry points to a workshop of the product (``workshop_id``), each workshop
    at most once per event. ``starts_at`` and ``ends_at`` are optional (a programme may
    give no times).
    """

    __tablename__ = "event_item"
    __table_args__ = (
        CheckConstraint("kind in ('talk', 'workshop')", name="kind"),
        Index("ix_event_item_event_position", "event_id", "position"),
        Index("ix_event_item_workshop", "workshop_id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("event.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(String(10), default=TALK)
    title: Mapped[str] = mapped_column(String(200))
    speaker: Mapped[str] = mapped_column(String(160), default="")
    organisation: Mapped[str] = mapped_column(String(160), default="")
    summary: Mapped[str] = mapped_column(Text, default="")
    starts_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    ends_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    links: Mapped[list[dict[str, Any]]] = mapped_column(LIST, default=list)
    workshop_id: Mapped[int | None] = mapped_column(
        ForeignKey("workshop.id", ondelete="CASCADE")
    )


class EventFile(Base):
    """An uploaded file (PDF or image) of an event, stored in the workspace folder.

    ``name`` is the file name shown and given on download (its extension matches
    ``content_type``, found in the bytes); ``stored_name`` the name of the file in the
    event's folder; ``sha256`` the digest of the bytes; ``item_id`` the talk it belongs
    to, or ``None`` for the event's preparatory material.
    """

    __tablename__ = "event_file"
    __table_args__ = (Index("ix_event_file_event", "event_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("event.id", ondelete="CASCADE"))
    item_id: Mapped[int | None] = mapped_column(
        ForeignKey("event_item.id", ondelete="CASCADE")
    )
    name: Mapped[str] = mapped_column(String(200))
    stored_name: Mapped[str] = mapped_column(String(80), unique=True)
    content_type: Mapped[str] = mapped_column(String(40))
    size: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)
