"""Sparse distances between demand points and sites: the pairs within a cutoff, or the k nearest.

Planar distances take projected metres (Lambert-93 in metropolitan France and
Corsica, as the diagnosis measures them); geodesic ones take WGS 84 longitude
and latitude and are measured along the GRS 80 ellipsoid by
:mod:`~trajectoires.analysis.geodesic` (the overseas départements). The two
never mix in one call; :meth:`Distances.stack` joins the blocks of a territory
that spans both (France as a whole: no pair crosses the sea within a radius).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from trajectoires.analysis.access import _points
from trajectoires.analysis.geodesic import _earth_centred, _lonlat, _tree, geodesic_km

__all__ = ["Distances", "nearest_sites", "within_reach"]


@dataclass(frozen=True, eq=False)
class Distances:
    """Sparse distances: ``km[k]`` between demand ``demand[k]`` and site ``site[k]``.

    ``beyond_km[i]`` is a lower bound of the distance from demand ``i`` to every
    site *not* listed for it (``inf`` when every site is listed, as within a
    radius: the unlisted sites are then simply out of reach).
    """

    demand: np.ndarray
    site: np.ndarray
    km: np.ndarray
    n_demand: int
    n_sites: int
    beyond_km: np.ndarray

    @classmethod
    def stack(cls, blocks: list[tuple[Distances, np.ndarray, np.ndarray]], n_demand: int,
              n_sites: int) -> Distances:
        """Join blocks computed on subsets: ``(block, demand_rows, site_rows)`` positions.

        Examples
        --------
        >>> a = within_reach([[0, 0]], [[0, 3_000]], radius_km=5)
        >>> d = Distances.stack([(a, np.array([1]), np.array([0]))], n_demand=2, n_sites=1)
        >>> d.demand.tolist(), d.site.tolist(), d.km.tolist()
        ([1], [0], [3.0])

        """
        beyond = np.full(n_demand, np.inf)
        demand, site, km = [], [], []
        for block, block_rows, block_cols in blocks:
            rows = np.asarray(block_rows, dtype=np.int64)
            cols = np.asarray(block_cols, dtype=np.int64)
            demand.append(rows[block.demand])
            site.append(cols[block.site])
            km.append(block.km)
            beyond[rows] = block.beyond_km
        empty = np.zeros(0, dtype=np.int64)
        return cls(np.concatenate(demand or [empty]), np.concatenate(site or [empty]),
                   np.concatenate(km or [np.zeros(0)]), n_demand, n_sites, beyond)


def within_reach(demand: object, sites: object, *, radius_km: float,
                 geodesic: bool = False) -> Distances:
    """Every pair of a demand point and a site at most ``radius_km`` apart.

    Parameters
    ----------
    demand, sites : array-like of shape (n, 2)
        Projected metres, or longitude and latitude in degrees when ``geodesic``.
    radius_km : float
        The cutoff (the pairs at exactly this distance are kept).
    geodesic : bool
        Measure along the ellipsoid instead of in the plane.

    Examples
    --------
    >>> d = within_reach([[0, 0], [20_000, 0]], [[0, 3_000], [0, 9_000]], radius_km=5)
    >>> d.demand.tolist(), d.site.tolist(), d.km.tolist()
    ([0], [0], [3.0])
    >>> within_reach([[55.45, -20.88]], [[55.45, -20.97]], radius_km=10, geodesic=True).km.round(3)
    array([9.964])

    """
    from scipy.spatial import cKDTree

    if not radius_km > 0:
        raise ValueError(f"radius_km: expected a positive distance, got {radius_km}")
    if geodesic:
        origins, places = _lonlat(demand, "demand"), _lonlat(sites, "sites")
    else:
        origins, places = _points(demand, "demand"), _points(sites, "sites")
    beyond = np.full(len(origins), np.inf)
    if len(origins) == 0 or len(places) == 0:
        empty = np.zeros(0, dtype=np.int64)
        return Distances(empty, empty, np.zeros(0), len(origins), len(places), beyond)
    if not geodesic:
        pairs = cKDTree(origins).sparse_distance_matrix(
            cKDTree(places), radius_km * 1000.0, output_type="ndarray")
        order = np.lexsort((pairs["j"], pairs["i"]))
        return Distances(pairs["i"][order].astype(np.int64), pairs["j"][order].astype(np.int64),
                         pairs["v"][order] / 1000.0, len(origins), len(places), beyond)
    # the chord never exceeds the geodesic: every pair within reach is found by the chord
    near = _tree(_earth_centred(places)).query_ball_point(_earth_centred(origins),
                                                          radius_km * 1000.0)
    i = np.repeat(np.arange(len(origins)), [len(n) for n in near])
    j = np.fromiter((p for n in near for p in sorted(n)), dtype=np.int64, count=len(i))
    km = geodesic_km(origins[i], places[j]) if len(i) else np.zeros(0)
    keep = km <= radius_km
    return Distances(i[keep], j[keep], km[keep], len(origins), len(places), beyond)


def nearest_sites(demand: object, sites: object, *, k: int, geodesic: bool = False) -> Distances:
    """List the ``k`` nearest sites of each demand point, and a lower bound beyond them.

    ``beyond_km[i]`` is the distance to the ``k + 1``-th nearest site (its chord
    through the Earth when ``geodesic``, which never exceeds the geodesic): no
    unlisted site is nearer. Ties at the cutoff are safe: an unlisted site at
    the same distance is worth no more than the bound says.

    Examples
    --------
    >>> d = nearest_sites([[0, 0]], [[0, 1_000], [0, 2_000], [0, 5_000]], k=2)
    >>> d.site.tolist(), d.km.tolist(), d.beyond_km.tolist()
    ([0, 1], [1.0, 2.0], [5.0])

    """
    from scipy.spatial import cKDTree

    if geodesic:
        origins, places = _lonlat(demand, "demand"), _lonlat(sites, "sites")
        tree, query = _tree(_earth_centred(places)), _earth_centred(origins)
    else:
        origins, places = _points(demand, "demand"), _points(sites, "sites")
        tree, query = cKDTree(places), origins
    n, m = len(origins), len(places)
    k = max(0, min(int(k), m))
    beyond = np.full(n, np.inf)
    if n == 0 or k == 0:
        empty = np.zeros(0, dtype=np.int64)
        return Distances(empty, empty, np.zeros(0), n, m, beyond)
    metres, index = tree.query(query, k=min(k + 1, m))
    metres, index = metres.reshape(n, -1), index.reshape(n, -1)
    if k < m:
        beyond = metres[:, k] / 1000.0
    metres, index = metres[:, :k], index[:, :k]
    i = np.repeat(np.arange(n), k)
    j = index.ravel().astype(np.int64)
    km = geodesic_km(origins[i], places[j]) if geodesic else metres.ravel() / 1000.0
    return Distances(i, j, km, n, m, beyond)
