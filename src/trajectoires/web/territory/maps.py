"""Maps of the territory pages, rendered once and kept in an LRU cache.

The SVG comes from :func:`trajectoires.render.territory_choropleth`, the one
implementation shared with ``trajectoires territory map`` (imported lazily: the
page still works, with a notice, if the renderer is unavailable). The URL
parameter ``indicateur`` is French; the renderer's indicator names are English.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from functools import lru_cache

from trajectoires.territory import Reference, Unit, UnitKind

__all__ = ["INDICATORS", "MAX_MAP_COMMUNES", "MapCache", "MapIndicator"]

MAX_MAP_COMMUNES = 6000
"""Largest number of communes drawn on a page (a région; not all of France)."""


@dataclass(frozen=True)
class MapIndicator:
    """An indicator that can colour the communes of a territory map."""

    id: str
    label: str
    unit: str
    column: str
    render_name: str


INDICATORS = {
    "densite": MapIndicator(
        "densite", "Densité de population", "hab./km²", "density", render_name="density"
    ),
    "population": MapIndicator(
        "population", "Population municipale", "hab.", "population", render_name="population"
    ),
}


class MapCache:
    """SVG maps per (territory, indicator), least recently used dropped first."""

    def __init__(self, reference: Reference, maxsize: int = 64) -> None:
        self.reference = reference
        self._render = lru_cache(maxsize=maxsize)(self._render_uncached)

    def svg(self, unit: Unit, indicator: str = "densite") -> str | None:
        """Return the map of the communes of ``unit`` coloured by ``indicator``, or None.

        None when the renderer is unavailable, the unit is a single commune or
        all of France, or fewer than two communes have a value.
        """
        if unit.kind is UnitKind.COMMUNE or unit.commune_count > MAX_MAP_COMMUNES:
            return None
        return self._render(unit.kind, unit.code, indicator)

    def _render_uncached(self, kind: UnitKind, code: str, indicator_id: str) -> str | None:
        try:
            render = importlib.import_module("trajectoires.render")
        except ImportError:
            return None
        unit = self.reference.get(kind, code)
        indicator = INDICATORS[indicator_id]
        known = self.reference.communes_of(unit)[indicator.column].notna().sum()
        if known < 2:
            return None
        result = render.territory_choropleth(
            self.reference,
            unit,
            indicator.render_name,
            k=int(min(5, known)),
            link=lambda commune: f"/territoires/commune/{commune}",
            rng=0,
        )
        return result.svg
