"""The iCalendar export of an event (RFC 5545), written with the ``icalendar`` package.

One ``VEVENT`` for the event, and one for each programme entry that has a start time
(``DTEND`` is its end, else the start of the next timed entry, else one hour later).
Times are given in Europe/Paris with its ``VTIMEZONE``; ``UID`` are stable (slug and
entry number), so that a calendar importing the file again updates what it had.

Examples
--------
>>> from datetime import UTC, datetime
>>> from trajectoires.foresight.events.views import EventDetail, EventView
>>> start = datetime(2027, 3, 14, 8, 30, tzinfo=UTC)
>>> event = EventView(1, "journee-abc123", "Journée", "", "departement", "29", "Finistère",
...                   start, start.replace(hour=17), "Brest", ("Mairie",), (), "", (), 1,
...                   False, start, start)
>>> text = event_calendar(EventDetail(event)).decode()
>>> "BEGIN:VEVENT" in text and "TZID=Europe/Paris:20270314T093000" in text
True

"""

from __future__ import annotations

from datetime import datetime, timedelta

from icalendar import Calendar
from icalendar import Event as CalendarEvent

from trajectoires.foresight.events._input import PARIS
from trajectoires.foresight.events.views import EventDetail, ItemView

__all__ = ["event_calendar", "item_calendar"]

PRODID = "-//Trajectoires//Evenements//FR"
DOMAIN = "trajectoires"


def _calendar() -> Calendar:
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    return calendar


def _paris(moment: datetime) -> datetime:
    return moment.astimezone(PARIS)


def _description(*parts: str) -> str:
    return "\n\n".join(part for part in parts if part)


def _event_entry(detail: EventDetail, url: str | None) -> CalendarEvent:
    event = detail.event
    entry = CalendarEvent()
    entry.add("uid", f"evenement-{event.slug}@{DOMAIN}")
    entry.add("dtstamp", event.updated_at)
    entry.add("last-modified", event.updated_at)
    entry.add("dtstart", _paris(event.starts_at))
    entry.add("dtend", _paris(event.ends_at))
    entry.add("summary", ("Exemple — " if event.example else "") + event.title)
    organisers = ", ".join(event.organisers)
    entry.add("description", _description(
        event.summary, f"Territoire : {event.territory_name}",
        f"Organisé par : {organisers}" if organisers else "",
        f"Partenaires : {', '.join(event.partners)}" if event.partners else "",
        f"Programme : {url}" if url else ""))
    if event.place:
        entry.add("location", event.place)
    if url:
        entry.add("url", url)
    return entry


def _end(item: ItemView, following: ItemView | None) -> datetime:
    if item.ends_at:
        return item.ends_at
    if following is not None and following.starts_at and following.starts_at > item.starts_at:
        return following.starts_at
    return item.starts_at + timedelta(hours=1)


def _item_entry(detail: EventDetail, item: ItemView, following: ItemView | None,
                url: str | None) -> CalendarEvent:
    event = detail.event
    entry = CalendarEvent()
    entry.add("uid", f"evenement-{event.slug}-{item.id}@{DOMAIN}")
    entry.add("dtstamp", event.updated_at)
    entry.add("dtstart", _paris(item.starts_at))
    entry.add("dtend", _paris(_end(item, following)))
    who = ", ".join(part for part in (item.speaker, item.organisation) if part)
    kind = "Atelier" if item.is_workshop else "Intervention"
    entry.add("summary", f"{item.title}" + (f" — {who}" if who else ""))
    entry.add("description", _description(f"{kind} de « {event.title} »", item.summary,
                                          url or ""))
    entry.add("categories", [kind])
    if event.place:
        entry.add("location", event.place)
    if url:
        entry.add("url", url)
    return entry


def event_calendar(detail: EventDetail, url: str | None = None) -> bytes:
    """Return the ``.ics`` of the event and of its timed programme entries.

    ``url`` is the public address of the event's page (when the instance knows its
    public address), written in ``URL`` and the descriptions.
    """
    calendar = _calendar()
    calendar.add("x-wr-calname", detail.event.title)
    calendar.add_component(_event_entry(detail, url))
    timed = [item for item in detail.items if item.starts_at is not None]
    for index, item in enumerate(timed):
        following = timed[index + 1] if index + 1 < len(timed) else None
        calendar.add_component(_item_entry(detail, item, following, url))
    calendar.add_missing_timezones()
    return calendar.to_ical()


def item_calendar(detail: EventDetail, item: ItemView, url: str | None = None) -> bytes:
    """Return the ``.ics`` of one timed programme entry (``item.starts_at`` must be set)."""
    timed = [entry for entry in detail.items if entry.starts_at is not None]
    following = next((entry for entry in timed if entry.starts_at > item.starts_at), None)
    calendar = _calendar()
    calendar.add_component(_item_entry(detail, item, following, url))
    calendar.add_missing_timezones()
    return calendar.to_ical()
