"""What the event services return: frozen views of events, programme items and files."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from trajectoires.foresight.events.models import WORKSHOP, Event, EventFile, EventItem
from trajectoires.foresight.workshops import WorkshopView

__all__ = ["EventDetail", "EventView", "FileView", "ItemView", "event_view", "file_view",
           "item_view"]


@dataclass(frozen=True)
class FileView:
    """An uploaded file: the name shown, the type found in its content, its size and digest."""

    id: int
    event_id: int
    item_id: int | None
    name: str
    stored_name: str
    content_type: str
    size: int
    sha256: str
    created_at: datetime

    @property
    def is_image(self) -> bool:
        """Whether the file is an image (shown inline) rather than a PDF (downloaded)."""
        return self.content_type.startswith("image/")


@dataclass(frozen=True)
class EventView:
    """An event without its programme (lists, search, the territory pages)."""

    id: int
    slug: str
    title: str
    summary: str
    territory_kind: str
    territory_code: str
    territory_name: str
    starts_at: datetime
    ends_at: datetime
    place: str
    organisers: tuple[str, ...]
    partners: tuple[str, ...]
    preparation: str
    links: tuple[dict[str, Any], ...]
    facilitator_id: int
    example: bool
    created_at: datetime
    updated_at: datetime
    published_at: datetime | None = None

    @property
    def is_draft(self) -> bool:
        """Whether its facilitator still prepares it: not listed, not found, 404 to others."""
        return self.published_at is None

    @property
    def path(self) -> str:
        """Address of the public page of the event."""
        return f"/evenements/{self.slug}"


@dataclass(frozen=True)
class ItemView:
    """One entry of the programme, with its files and (for a workshop entry) its workshop."""

    id: int
    event_id: int
    position: int
    kind: str
    title: str
    speaker: str
    organisation: str
    summary: str
    starts_at: datetime | None
    ends_at: datetime | None
    links: tuple[dict[str, Any], ...]
    workshop: WorkshopView | None = None
    files: tuple[FileView, ...] = ()

    @property
    def is_workshop(self) -> bool:
        """Whether the entry is a workshop of the product."""
        return self.kind == WORKSHOP


@dataclass(frozen=True)
class EventDetail:
    """An event with its programme (in order) and its preparatory files."""

    event: EventView
    items: tuple[ItemView, ...] = ()
    files: tuple[FileView, ...] = field(default=())

    @property
    def workshops(self) -> tuple[WorkshopView, ...]:
        """The workshops of the programme, in its order."""
        return tuple(item.workshop for item in self.items if item.workshop is not None)


def event_view(row: Event) -> EventView:
    """Copy an :class:`Event` row into an :class:`EventView`."""
    return EventView(
        row.id, row.slug, row.title, row.summary, row.territory_kind, row.territory_code,
        row.territory_name, row.starts_at, row.ends_at, row.place, tuple(row.organisers or ()),
        tuple(row.partners or ()), row.preparation, tuple(row.links or ()), row.facilitator_id,
        bool(row.example), row.created_at, row.updated_at, row.published_at,
    )


def file_view(row: EventFile) -> FileView:
    """Copy an :class:`EventFile` row into a :class:`FileView`."""
    return FileView(row.id, row.event_id, row.item_id, row.name, row.stored_name,
                    row.content_type, row.size, row.sha256, row.created_at)


def item_view(row: EventItem, workshop: WorkshopView | None = None,
              files: tuple[FileView, ...] = ()) -> ItemView:
    """Copy an :class:`EventItem` row into an :class:`ItemView`."""
    return ItemView(row.id, row.event_id, row.position, row.kind, row.title, row.speaker,
                    row.organisation, row.summary, row.starts_at, row.ends_at,
                    tuple(row.links or ()), workshop, files)
