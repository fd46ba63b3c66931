"""Where demand, candidate sites and existing places lie, and how distances are measured."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from trajectoires.analysis.planning._reach import Distances, nearest_sites, within_reach

__all__ = ["Layout"]


def _coords(points: object, name: str) -> np.ndarray:
    array = np.asarray(points, dtype=float).reshape(-1, 2) if np.size(points) else np.zeros((0, 2))
    if np.isnan(array).any():
        raise ValueError(f"{name}: {int(np.isnan(array).any(axis=1).sum())} points have no "
                         "coordinates; drop them first")
    return array


def _mask(mask: object, n: int) -> np.ndarray:
    if mask is None:
        return np.zeros(n, dtype=bool)
    array = np.asarray(mask, dtype=bool)
    return np.full(n, bool(array)) if array.ndim == 0 else array


@dataclass(frozen=True, eq=False)
class Layout:
    """Demand points, candidate sites and existing places of a planning problem.

    Each row is either projected metres (Lambert-93 in metropolitan France, as
    the diagnosis measures) or, where its ``*_geodesic`` flag is set, WGS 84
    longitude and latitude measured along the ellipsoid (overseas). Pairs are
    only formed within one kind: a metropolitan commune and a site in La
    Réunion are never within reach of each other.

    Examples
    --------
    >>> layout = Layout.planar([[0, 0], [6_000, 0]], [[0, 1_000], [6_000, 1_000]],
    ...                        existing=[[0, 0]])
    >>> layout.reach(2, "candidates").site.tolist(), layout.reach(2, "existing").demand.tolist()
    ([0, 1], [0])

    """

    demand: np.ndarray
    candidates: np.ndarray
    existing: np.ndarray
    demand_geodesic: np.ndarray
    candidates_geodesic: np.ndarray
    existing_geodesic: np.ndarray

    @classmethod
    def planar(cls, demand: object, candidates: object, existing: object = ()) -> Layout:
        """Every point in one projection (metres)."""
        return cls.mixed(demand, candidates, existing)

    @classmethod
    def mixed(cls, demand: object, candidates: object, existing: object = (), *,
              demand_geodesic: object = None, candidates_geodesic: object = None,
              existing_geodesic: object = None) -> Layout:
        """Points of both kinds: the masks flag the longitude-latitude rows."""
        d, c, e = (_coords(demand, "demand"), _coords(candidates, "candidates"),
                   _coords(existing, "existing"))
        return cls(d, c, e, _mask(demand_geodesic, len(d)), _mask(candidates_geodesic, len(c)),
                   _mask(existing_geodesic, len(e)))

    def _sites(self, of: str) -> tuple[np.ndarray, np.ndarray]:
        if of == "candidates":
            return self.candidates, self.candidates_geodesic
        if of == "existing":
            return self.existing, self.existing_geodesic
        raise ValueError(f"of: expected 'candidates' or 'existing', got {of!r}")

    def _blocks(self, of: str, compute) -> Distances:  # noqa: ANN001 (demand, sites, geodesic)
        """Apply ``compute`` to the Lambert-93 and to the geodesic part apart, then stack."""
        sites, flags = self._sites(of)
        blocks = []
        for geodesic in (False, True):
            rows = np.flatnonzero(self.demand_geodesic == geodesic)
            cols = np.flatnonzero(flags == geodesic)
            if len(rows) and len(cols):
                blocks.append((compute(self.demand[rows], sites[cols], geodesic), rows, cols))
        return Distances.stack(blocks, len(self.demand), len(sites))

    def reach(self, radius_km: float, of: str = "candidates") -> Distances:
        """Pairs of a demand point and a site (candidate or existing) within ``radius_km``."""
        return self._blocks(of, lambda demand, sites, geodesic: within_reach(
            demand, sites, radius_km=radius_km, geodesic=geodesic))

    def nearest(self, k: int, of: str = "candidates") -> Distances:
        """List the ``k`` nearest sites of each demand point, with a lower bound beyond them."""
        return self._blocks(of, lambda demand, sites, geodesic: nearest_sites(
            demand, sites, k=k, geodesic=geodesic))

    def nearest_km(self, of: str = "existing", among: np.ndarray | None = None) -> np.ndarray:
        """Distance from each demand point to its nearest site (``inf`` when there is none).

        ``among``: positions of the sites to consider (all by default).
        """
        return self.nearest_site(of, among)[0]

    def nearest_site(self, of: str = "existing",
                     among: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
        """Distance to the nearest site and its position in ``among`` (-1 and ``inf`` without)."""
        sites, flags = self._sites(of)
        if among is not None:
            sites, flags = sites[among], flags[among]
        found = Layout(self.demand, sites, sites, self.demand_geodesic, flags, flags)
        near = found.nearest(1, "candidates")
        km = np.full(len(self.demand), np.inf)
        index = np.full(len(self.demand), -1, dtype=np.int64)
        km[near.demand], index[near.demand] = near.km, near.site
        return km, index
