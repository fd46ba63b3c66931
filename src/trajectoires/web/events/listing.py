"""The events a territory page lists: its own, those of the territories in it and above it."""

from __future__ import annotations

from fastapi import Request

from trajectoires.foresight.events import EventView, list_events
from trajectoires.territory import Reference, Unit, UnitKind

__all__ = ["MAX_LISTED", "territory_events"]

MAX_LISTED = 20


def _pairs(ref: Reference, unit: Unit) -> list[tuple[str, str]]:
    """(kind, code) of ``unit``, the units above it and, below France, the units within it."""
    pairs = {(str(unit.kind), unit.code)}
    pairs.update((str(parent.kind), parent.code) for parent in ref.parents(unit))
    if unit.kind is not UnitKind.COMMUNE:
        communes = ref.communes_of(unit)
        pairs.update(("commune", code) for code in communes.index)
        pairs.update(("epci", code) for code in communes["epci_code"].dropna().unique())
    return sorted(pairs)


def territory_events(request: Request, ref: Reference, unit: Unit) -> list[EventView]:
    """Return the events about ``unit``, a territory within it or above it (at most 20).

    France lists every event.
    """
    with request.app.state.db.sessionmaker() as session:
        if unit.kind is UnitKind.COUNTRY:
            return list_events(session)[:MAX_LISTED]
        return list_events(session, territories=_pairs(ref, unit))[:MAX_LISTED]
