"""Maps of the territory pages: any indicator loaded for the territory, cached.

The SVG comes from :func:`trajectoires.render.commune_map`, the one commune map
shared with ``trajectoires territory map`` and the diagnosis (imported lazily:
the page still works, with a notice, if the renderer is unavailable). The page's
``indicateur`` parameter is a key of the catalogue (``density``, ``population``,
``ftth_taux``…). Maps, the store's values of an indicator and the list of
indicators loaded per territory are kept per state of the store (its fingerprint).
"""

from __future__ import annotations

import importlib
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import TYPE_CHECKING, Any

from trajectoires.indicators.catalogue import INDICATORS, REFERENCE
from trajectoires.territory import Reference, Unit, UnitKind

if TYPE_CHECKING:
    import pandas as pd

    from trajectoires.indicators.available import Availability
    from trajectoires.territory.neighbours import NeighbourIndex

__all__ = ["LEGACY_NAMES", "MAX_MAP_COMMUNES", "MapCache", "Shown"]

MAX_MAP_COMMUNES = 6000
"""Largest number of communes drawn on a page (a région; not all of France)."""

LEGACY_NAMES = {"densite": "density"}
"""Former values of ``indicateur`` (links kept working)."""


class Shown:
    """The indicator a page shows: its key, catalogue entry, values and their period."""

    def __init__(self, key: str, values: pd.Series | None, vintage: str | None) -> None:
        self.key = key
        self.entry = INDICATORS[key]
        self.values = values
        self.vintage = vintage


class MapCache:
    """Maps, store values and availability, least recently used dropped first.

    ``state`` (the store's fingerprint) is part of every key: an import makes
    new entries, the old ones age out.
    """

    def __init__(self, reference: Reference, maxsize: int = 64) -> None:
        self.reference = reference
        self.maxsize = maxsize
        self._items: OrderedDict[Hashable, Any] = OrderedDict()
        self._lock = threading.Lock()
        self._neighbour_index = None

    def _cached(self, key: Hashable, compute: Callable[[], Any]) -> Any:  # noqa: ANN401
        with self._lock:
            if key in self._items:
                self._items.move_to_end(key)
                return self._items[key]
        value = compute()
        with self._lock:
            self._items[key] = value
            while len(self._items) > self.maxsize:
                self._items.popitem(last=False)
        return value

    def availability(self, state: str, load: Callable[[], Availability]) -> Availability:
        """Which stored indicators have values where (read once per state of the store)."""
        return self._cached(("availability", state), load)

    def shown(self, key: str, state: str,
              load: Callable[[str], tuple[pd.Series, str | None]]) -> Shown:
        """Return the indicator ``key`` with its values: the reference's, or ``load(key)``'s."""
        if INDICATORS[key].dataset == REFERENCE:
            return Shown(key, None, None)
        return self._cached(("values", state, key), lambda: Shown(key, *load(key)))

    def svg(self, unit: Unit, shown: Shown | str = "density", state: str = "") -> str | None:
        """Return the map of the communes of ``unit`` coloured by ``shown``, or None.

        None when the renderer is unavailable, the unit is a single commune or
        all of France, or fewer than two communes have a value.
        """
        if isinstance(shown, str):
            shown = Shown(shown, None, None)
        if unit.kind is UnitKind.COMMUNE or unit.commune_count > MAX_MAP_COMMUNES:
            return None
        key = ("svg", unit.kind, unit.code, shown.key, state)
        return self._cached(key, lambda: self._render(unit, shown))

    def neighbourhood_svg(self, unit: Unit) -> str | None:
        """Return a small density map of the commune ``unit`` and the communes touching it.

        None when the renderer is unavailable, the commune has no outline or no
        commune touches it (an island).
        """
        return self._cached(("neighbourhood", unit.code), lambda: self._neighbourhood(unit))

    def neighbour_index(self) -> NeighbourIndex:
        """Return the index of neighbouring communes, made once (boxes on first query)."""
        from trajectoires.territory.neighbours import NeighbourIndex

        with self._lock:
            if self._neighbour_index is None:
                self._neighbour_index = NeighbourIndex(self.reference)
            return self._neighbour_index

    def _neighbourhood(self, unit: Unit) -> str | None:
        try:
            render = importlib.import_module("trajectoires.render")
        except ImportError:
            return None
        codes = [unit.code, *self.neighbour_index().neighbours(unit.code)]
        shapes = self.reference.commune_geometries(codes, crs="local")
        if len(codes) < 2 or shapes[0] is None:
            return None
        table = self.reference.communes_of(self.reference.france).loc[codes]
        return render.commune_map(
            self.reference, unit, "density", communes=table,
            outlines=render.prepare_outlines(shapes, 400), width=400,
            title=f"{unit.name} et ses communes voisines : densité de population",
            k=min(4, len(codes)), svg_id="carte-voisinage", rng=0,
            link=lambda commune: f"/territoires/commune/{commune}",
        ).svg

    def _render(self, unit: Unit, shown: Shown) -> str | None:
        try:
            render = importlib.import_module("trajectoires.render")
        except ImportError:
            return None
        table = self.reference.communes_of(unit)
        values = table[shown.key] if shown.values is None else shown.values.reindex(table.index)
        known = int(values.notna().sum())
        if known < 2:
            return None
        return render.commune_map(
            self.reference, unit, shown.key, values=shown.values, vintage=shown.vintage,
            k=min(5, known), link=lambda commune: f"/territoires/commune/{commune}", rng=0,
        ).svg
