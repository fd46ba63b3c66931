"""Access to places year by year: nearest distance and 2SFCA with the places open each year.

The places open in a year are those of the loaded list, less the ones closed by
then, plus the ones opened by then. Distances are those of the diagnosis
(:func:`trajectoires.analysis.nearest_distances` in Lambert-93 from each
commune's centroid, :func:`trajectoires.analysis.nearest_geodesic` overseas); the
nearest of a year is the nearer of the nearest listed place still open and the
nearest opened one. The 2SFCA (Luo & Wang 2003, radius 20 km, binary step) is
linear in the places: each open place adds its supply ratio ``1 / Σ population
within reach`` to the communes within reach, so the accessibility of a year is the
sum over the places open then, with the projected populations of that year.
Overseas, the analysis engine's geodesic functions are called for each year.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import pandas as pd

from trajectoires import analysis

__all__ = ["RADIUS_KM", "NewPlace", "Network"]

RADIUS_KM = 20.0
"""Catchment radius of the 2SFCA (the diagnosis's ``ACCESS_RADIUS_KM``)."""


@dataclass(frozen=True)
class NewPlace:
    """A place opened by an action: where (Lambert-93 and WGS 84) and from which column."""

    x: float
    y: float
    lon: float
    lat: float
    start: int
    metropolitan: bool


class Network:
    """The places of one network and the communes measured from them.

    Parameters
    ----------
    places : pandas.DataFrame
        Listed places (``x``, ``y``, ``lon``, ``lat``).
    communes : pandas.DataFrame
        National communes (``x``, ``y``, ``lon``, ``lat``, ``metropolitan``).
    rows : numpy.ndarray
        Positions of the territory's communes in ``communes``.

    """

    def __init__(self, places: pd.DataFrame, communes: pd.DataFrame, rows: np.ndarray) -> None:
        from scipy import sparse
        from scipy.spatial import cKDTree

        self.rows = rows
        metro = communes["metropolitan"].to_numpy(bool)
        self.xy_all = communes[["x", "y"]].to_numpy(float)
        self.lonlat_all = communes[["lon", "lat"]].to_numpy(float)
        self.metro_rows = rows[metro[rows]]
        self.overseas_rows = rows[~metro[rows]]
        self.overseas_all = np.flatnonzero(~metro & np.isfinite(self.lonlat_all).all(axis=1))
        self.places_xy = places[["x", "y"]].to_numpy(float)
        self.places_lonlat = places[["lon", "lat"]].to_numpy(float)
        self.tree = cKDTree(self.places_xy)
        # demand of the 2SFCA: every metropolitan commune within two radii of the territory
        metro_all = np.flatnonzero(metro & np.isfinite(self.xy_all).all(axis=1))
        if len(self.metro_rows) > len(metro_all) / 4:  # most of France: all of it
            local = metro_all
        else:
            near = cKDTree(self.xy_all[metro_all]).query_ball_point(
                self.xy_all[self.metro_rows], 2 * RADIUS_KM * 1000.0)
            local = np.unique(np.concatenate([metro_all[n] for n in near] + [
                np.zeros(0, dtype=np.int64)])).astype(np.int64)
        self.local = local
        self.local_tree = cKDTree(self.xy_all[local]) if len(local) else None
        pairs = (self.local_tree.sparse_distance_matrix(
            self.tree, RADIUS_KM * 1000.0, output_type="ndarray")
            if len(local) else np.zeros(0, dtype=[("i", int), ("j", int), ("v", float)]))
        self.reach = sparse.csr_array((np.ones(len(pairs)), (pairs["i"], pairs["j"])),
                                      shape=(len(local), len(self.places_xy)))
        self._pairs: dict[NewPlace, np.ndarray] = {}
        self.base_distance = self._nearest_listed(frozenset())

    @lru_cache(maxsize=16)  # noqa: B019 - one Network per projection engine
    def _nearest_listed(self, closed: frozenset[int]) -> np.ndarray:
        """Distance (km) from the territory's communes to the nearest listed place still open."""
        keep = np.ones(len(self.places_xy), dtype=bool)
        keep[list(closed)] = False
        distance = np.full(len(self.rows), np.nan)
        if not keep.any():
            return np.full(len(self.rows), np.inf)
        metro = np.isin(self.rows, self.metro_rows)
        if metro.any():
            distance[metro] = analysis.nearest_distances(
                self.xy_all[self.rows[metro]], self.places_xy[keep]).distance_km
        if (~metro).any():
            distance[~metro] = analysis.nearest_geodesic(
                self.lonlat_all[self.rows[~metro]], self.places_lonlat[keep]).distance_km
        return distance

    def distances(self, closed: list[frozenset[int]], opened: list[list[NewPlace]]
                  ) -> np.ndarray:
        """Distance (territory communes × years) with the places closed and opened each year."""
        out = np.empty((len(self.rows), len(closed)))
        for col, (shut, new) in enumerate(zip(closed, opened, strict=True)):
            distance = self._nearest_listed(shut).copy()
            if new:
                distance = np.minimum(distance, self.nearest_new(new))
            out[:, col] = distance
        return out

    def nearest_new(self, new: list[NewPlace]) -> np.ndarray:
        """Distance (km) from the territory's communes to the nearest of the places ``new``.

        The nearest of a union of places is the smaller of the nearest of each part,
        to the last bit: each distance is that of one pair, computed alike whatever the
        other places (what an opening switched on reuses, ``Engine.near_action``).
        """
        near = np.full(len(self.rows), np.inf)
        if not new:
            return near
        metro = np.isin(self.rows, self.metro_rows)
        xy = np.array([[p.x, p.y] for p in new])
        lonlat = np.array([[p.lon, p.lat] for p in new])
        if metro.any():
            near[metro] = analysis.nearest_distances(
                self.xy_all[self.rows[metro]], xy).distance_km
        if (~metro).any():
            near[~metro] = analysis.nearest_geodesic(
                self.lonlat_all[self.rows[~metro]], lonlat).distance_km
        return near

    def new_pairs(self, place: NewPlace) -> np.ndarray:
        """Positions in :attr:`local` of the communes within reach of a new metropolitan place."""
        found = self._pairs.get(place)
        if found is not None:
            return found
        if self.local_tree is None or not place.metropolitan:
            found = np.zeros(0, dtype=np.int64)
        else:
            found = np.asarray(self.local_tree.query_ball_point(
                [place.x, place.y], RADIUS_KM * 1000.0), dtype=np.int64)
        self._pairs[place] = found
        return found

    def accessibility(self, population: np.ndarray, closed: list[frozenset[int]],
                      opened: list[list[NewPlace]]) -> np.ndarray:
        """2SFCA (places per 10,000 inhabitants; territory communes × years).

        ``population`` is the national population (communes × years) of the scenario.
        """
        out = np.full((len(self.rows), len(closed)), np.nan)
        metro = np.isin(self.rows, self.metro_rows)
        where = np.searchsorted(self.local, self.rows[metro])
        for col, (shut, new) in enumerate(zip(closed, opened, strict=True)):
            pop = np.nan_to_num(population[self.local, col])
            served = self.reach.T @ pop
            ratio = np.divide(1.0, served, out=np.zeros_like(served), where=served > 0)
            ratio[list(shut)] = 0.0
            access = self.reach @ ratio
            for place in new:
                reached = self.new_pairs(place)
                total = pop[reached].sum()
                if total > 0:
                    access[reached] += 1.0 / total
            known = ~np.isnan(population[self.rows[metro], col])
            column = np.where(known, access[where] * 10_000, np.nan)
            out[metro, col] = column
            if (~metro).any():
                out[~metro, col] = self._overseas_access(population[:, col], shut, new)
        return out

    def _overseas_access(self, population: np.ndarray, shut: frozenset[int],
                         new: list[NewPlace]) -> np.ndarray:
        """2SFCA of the overseas communes of the territory, by the geodesic engine.

        The demand is every overseas commune (they are few): the places near the
        territory's border serve its neighbours too.
        """
        rows = self.overseas_all
        known = ~np.isnan(population[rows])
        keep = np.ones(len(self.places_lonlat), dtype=bool)
        keep[list(shut)] = False
        places = np.vstack([self.places_lonlat[keep],
                            np.array([[p.lon, p.lat] for p in new]).reshape(-1, 2)])
        out = np.full(len(rows), np.nan)
        if known.any() and len(places):
            result = analysis.two_step_fca_geodesic(
                self.lonlat_all[rows[known]], population[rows[known]], places,
                radius_km=RADIUS_KM)
            out[known] = result.accessibility * 10_000
        return out[np.searchsorted(rows, self.overseas_rows)]
