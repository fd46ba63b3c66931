"""Distances along the ellipsoid: nearest place and 2SFCA without a projection.

Lambert-93 is drawn for metropolitan France and stretches distances far from
it (by a factor of about 1.9 in La Réunion); even each DROM's own UTM
projection is off by 0.1 % at the western edge of Guyane, 100 m over 100 km.
Here points are given as WGS 84 longitude and latitude and distances are
geodesic on the GRS 80 ellipsoid (that of RGF93 and of the overseas datums;
WGS 84 differs from it by 0.1 mm), computed by pyproj's ``Geod`` (Karney's
algorithm, exact to the nanometre). Candidates are found first by the straight
line through the Earth between earth-centred coordinates, which never exceeds
the geodesic and follows it closely: the nearest place is the geodesic-nearest
of the eight nearest by that line.
"""

from __future__ import annotations

import numpy as np

from trajectoires.analysis.access import Catchment, NearestPlaces, _catchment, _demand_supply

__all__ = ["CANDIDATES", "geodesic_km", "nearest_geodesic", "two_step_fca_geodesic"]

CANDIDATES = 8
"""Places measured along the ellipsoid for each origin, the nearest by straight line."""

_GRS80_A = 6_378_137.0
_GRS80_F = 1 / 298.257222101


def _lonlat(points: object, name: str) -> np.ndarray:
    lonlat = np.asarray(points, dtype=float)
    if lonlat.ndim != 2 or lonlat.shape[1] != 2:
        raise ValueError(f"{name}: expected an (n, 2) array of longitude, latitude in degrees, "
                         f"got {lonlat.shape}")
    if np.isnan(lonlat).any():
        raise ValueError(f"{name}: {int(np.isnan(lonlat).any(axis=1).sum())} points have no "
                         "coordinates; drop them first")
    if len(lonlat) and (np.abs(lonlat[:, 0]).max() > 180 or np.abs(lonlat[:, 1]).max() > 90):
        raise ValueError(f"{name}: expected WGS 84 longitudes and latitudes in degrees, got "
                         "values beyond ±180 / ±90 (projected metres?)")
    return lonlat


def _earth_centred(lonlat: np.ndarray) -> np.ndarray:
    """Earth-centred coordinates (metres) of points on the GRS 80 ellipsoid."""
    lon, lat = np.radians(lonlat[:, 0]), np.radians(lonlat[:, 1])
    e2 = _GRS80_F * (2 - _GRS80_F)
    n = _GRS80_A / np.sqrt(1 - e2 * np.sin(lat) ** 2)
    return np.column_stack([n * np.cos(lat) * np.cos(lon), n * np.cos(lat) * np.sin(lon),
                            n * (1 - e2) * np.sin(lat)])


def _tree(points: np.ndarray):
    """k-d tree of earth-centred points (unbalanced: built twice as fast, queried as fast)."""
    from scipy.spatial import cKDTree

    return cKDTree(points, balanced_tree=False, compact_nodes=False)


def geodesic_km(origins_lonlat: object, places_lonlat: object) -> np.ndarray:
    """Geodesic distance (km, GRS 80) between the rows of two ``(n, 2)`` arrays of lon, lat.

    Examples
    --------
    >>> geodesic_km([[55.45, -20.88]], [[55.45, -20.97]]).round(4).tolist()  # Saint-Denis
    [9.9644]

    """
    from pyproj import Geod

    a = _lonlat(origins_lonlat, "origins_lonlat")
    b = _lonlat(places_lonlat, "places_lonlat")
    _, _, metres = Geod(ellps="GRS80").inv(a[:, 0], a[:, 1], b[:, 0], b[:, 1])
    return np.asarray(metres, dtype=float) / 1000.0


def nearest_geodesic(origins_lonlat: object, places_lonlat: object) -> NearestPlaces:
    """Geodesic distance from each origin to the nearest place.

    Parameters
    ----------
    origins_lonlat, places_lonlat : array-like of shape (n, 2)
        WGS 84 longitude and latitude in degrees.

    Examples
    --------
    Saint-Denis de La Réunion, a place 10 km south and one in Brest:

    >>> result = nearest_geodesic([[55.45, -20.88]], [[-4.49, 48.39], [55.45, -20.97]])
    >>> result.distance_km.round(4).tolist(), result.nearest.tolist()
    ([9.9644], [1])

    """
    origins = _lonlat(origins_lonlat, "origins_lonlat")
    places = _lonlat(places_lonlat, "places_lonlat")
    if len(places) == 0:
        raise ValueError("places_lonlat: no place, distances are undefined")
    if len(origins) == 0:
        return NearestPlaces(np.zeros(0), np.zeros(0, dtype=np.int64))
    k = min(CANDIDATES, len(places))
    _, index = _tree(_earth_centred(places)).query(_earth_centred(origins), k=k)
    index = np.asarray(index).reshape(len(origins), k)
    km = geodesic_km(np.repeat(origins, k, axis=0), places[index.ravel()]).reshape(index.shape)
    best = km.argmin(axis=1)
    rows = np.arange(len(origins))
    return NearestPlaces(km[rows, best], index[rows, best].astype(np.int64))


def two_step_fca_geodesic(demand_lonlat: object, demand: object, supply_lonlat: object,
                          supply: object = None, *, radius_km: float) -> Catchment:
    """Two-step floating catchment area with a geodesic radius.

    As :func:`~trajectoires.analysis.two_step_fca` (Luo & Wang 2003, binary
    step), the pairs within ``radius_km`` measured along the ellipsoid.

    Examples
    --------
    >>> result = two_step_fca_geodesic([[55.45, -20.88], [55.45, -20.92]], [100, 300],
    ...                                [[55.45, -20.89]], radius_km=10)
    >>> result.supply_ratio.tolist(), result.accessibility.tolist(), result.pairs
    ([0.0025], [0.0025, 0.0025], 2)

    """
    origins = _lonlat(demand_lonlat, "demand_lonlat")
    places = _lonlat(supply_lonlat, "supply_lonlat")
    population, capacity = _demand_supply(demand, supply, len(origins), len(places))
    # the straight line never exceeds the geodesic: every pair within reach is a candidate
    i = j = np.zeros(0, dtype=np.int64)
    if len(origins) and len(places):
        near = _tree(_earth_centred(places)).query_ball_point(
            _earth_centred(origins), radius_km * 1000.0)
        i = np.repeat(np.arange(len(origins)), [len(n) for n in near])
        j = np.fromiter((p for n in near for p in n), dtype=np.int64, count=len(i))
    if len(i):
        within = geodesic_km(origins[i], places[j]) <= radius_km
        i, j = i[within], j[within]
    return _catchment(i, j, population, capacity, radius_km)
