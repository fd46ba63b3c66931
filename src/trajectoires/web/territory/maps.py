"""Maps of the territory pages, rendered once and kept in an LRU cache.

The SVG comes from :func:`trajectoires.render.choropleth_svg` (imported lazily:
the page still works, with a notice, if the renderer is unavailable).
Overseas communes are drawn in their local projection, metropolitan ones in
Lambert-93 (``crs="local"`` of :meth:`Reference.commune_geometries`).
"""

from __future__ import annotations

import importlib
import math
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from trajectoires.territory import GEOMETRY_SOURCE, POPULATION_VINTAGE, Reference, Unit, UnitKind

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


INDICATORS = {
    "densite": MapIndicator("densite", "Densité de population", "hab./km²", "density"),
    "population": MapIndicator("population", "Population municipale", "hab.", "population"),
}


class MapCache:
    """SVG maps per (territory, indicator), least recently used dropped first."""

    def __init__(self, reference: Reference, maxsize: int = 128) -> None:
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
        table = self.reference.communes_of(unit)
        values = table[indicator.column].astype("Float64").to_numpy(dtype=float, na_value=math.nan)
        known = int((~np.isnan(values)).sum())
        if known < 2:
            return None
        geometries = self.reference.commune_geometries(table.index, crs="local")
        return render.choropleth_svg(
            geometries,
            values,
            codes=table.index.to_numpy(),
            names=table["name"].to_numpy(),
            title=f"{indicator.label} — {unit.name}",
            legend_title=indicator.label,
            unit=indicator.unit,
            source=f"{POPULATION_VINTAGE} ; {GEOMETRY_SOURCE}",
            links=[f"/territoires/commune/{c}" for c in table.index],
            k=min(5, known),
            svg_id=f"carte-{indicator.id}",
        )
