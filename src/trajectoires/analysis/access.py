"""Access to help: distance to the nearest place, population beyond a distance, 2SFCA.

Distances are straight-line (crow-fly) distances in a projection (metres)
between the centroid of each commune and the places (mediation places, France
Services, libraries), a proxy for travel time as in the IFN v2
(``library_distance``). The functions here take points in one projection
(Lambert-93 for metropolitan France and Corsica); far from the mainland,
:mod:`~trajectoires.analysis.geodesic` measures along the ellipsoid instead.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np

__all__ = [
    "Catchment",
    "NearestPlaces",
    "PopulationBeyond",
    "nearest_distances",
    "population_beyond",
    "to_lambert93",
    "two_step_fca",
]


@dataclass(frozen=True, eq=False)
class NearestPlaces:
    """For each origin: ``distance_km`` to the nearest place and its position ``nearest``."""

    distance_km: np.ndarray
    nearest: np.ndarray


@dataclass(frozen=True)
class PopulationBeyond:
    """Inhabitants (and units) farther than ``threshold_km`` from the nearest place."""

    threshold_km: float
    population: float
    share: float
    units: int


@dataclass(frozen=True, eq=False)
class Catchment:
    """Two-step floating catchment area result.

    ``accessibility``: supply per inhabitant reachable from each demand unit
    (multiply by 10,000 for places per 10,000 inhabitants); ``supply_ratio``:
    supply over the population within reach of each place; ``pairs``: number of
    demand-supply pairs within ``radius_km``.
    """

    accessibility: np.ndarray
    supply_ratio: np.ndarray
    radius_km: float
    pairs: int


def _points(xy: object, name: str) -> np.ndarray:
    points = np.asarray(xy, dtype=float)
    if points.ndim != 2 or points.shape[1] != 2:
        raise ValueError(f"{name}: expected an (n, 2) array of x, y in metres, got {points.shape}")
    if np.isnan(points).any():
        raise ValueError(f"{name}: {int(np.isnan(points).any(axis=1).sum())} points have no "
                         "coordinates; drop them first")
    return points


@lru_cache(maxsize=1)
def _wgs84_to_lambert93():
    from pyproj import Transformer

    return Transformer.from_crs("EPSG:4326", "EPSG:2154", always_xy=True)


def to_lambert93(lon: object, lat: object) -> np.ndarray:
    """Project WGS84 longitudes and latitudes to Lambert-93 (EPSG:2154) metres.

    Examples
    --------
    >>> to_lambert93([3.0], [46.5]).round().tolist()
    [[700000.0, 6600000.0]]

    """
    lon, lat = np.asarray(lon, dtype=float), np.asarray(lat, dtype=float)
    x, y = _wgs84_to_lambert93().transform(lon, lat)
    return np.column_stack([x, y])


def nearest_distances(origins_xy: object, places_xy: object) -> NearestPlaces:
    """Distance from each origin to the nearest place (k-d tree, exact).

    Parameters
    ----------
    origins_xy, places_xy : array-like of shape (n, 2)
        Projected coordinates in metres, all in one projection (Lambert-93 for
        metropolitan France; overseas, see :mod:`~trajectoires.analysis.geodesic`).

    Examples
    --------
    >>> result = nearest_distances([[0, 0], [10_000, 0]], [[3_000, 4_000]])
    >>> result.distance_km.tolist(), result.nearest.tolist()
    ([5.0, 8.06225774829855], [0, 0])

    """
    from scipy.spatial import cKDTree

    origins = _points(origins_xy, "origins_xy")
    places = _points(places_xy, "places_xy")
    if len(places) == 0:
        raise ValueError("places_xy: no place, distances are undefined")
    distance, nearest = cKDTree(places).query(origins, k=1)
    return NearestPlaces(distance / 1000.0, nearest.astype(np.int64))


def population_beyond(distance_km: object, population: object,
                      threshold_km: float) -> PopulationBeyond:
    """Inhabitants living farther than ``threshold_km`` from the nearest place.

    Units without a population are not counted (and never as zero): pass known
    populations only.

    Examples
    --------
    >>> population_beyond([1.0, 12.0, 20.0], [100, 50, 50], 10)
    PopulationBeyond(threshold_km=10, population=100.0, share=0.5, units=2)

    """
    d = np.asarray(distance_km, dtype=float)
    p = np.asarray(population, dtype=float)
    if np.isnan(p).any():
        raise ValueError(f"population: {int(np.isnan(p).sum())} missing values")
    far = d > threshold_km
    total = float(p.sum())
    beyond = float(p[far].sum())
    return PopulationBeyond(threshold_km, beyond, beyond / total if total else float("nan"),
                            int(far.sum()))


def two_step_fca(demand_xy: object, demand: object, supply_xy: object, supply: object = None,
                 *, radius_km: float) -> Catchment:
    """Two-step floating catchment area (2SFCA) with a crow-fly radius.

    Parameters
    ----------
    demand_xy : array-like of shape (n, 2)
        Demand points (commune centroids), metres.
    demand : array-like
        Population of each demand point.
    supply_xy : array-like of shape (m, 2)
        Places, metres.
    supply : array-like, optional
        Capacity of each place (1 each when omitted).
    radius_km : float
        Catchment radius: pairs at most this far apart are linked.

    Notes
    -----
    Luo, W. & Wang, F. (2003), Measures of spatial accessibility to health care
    in a GIS environment, Environment and Planning B 30(6). Step 1:
    ``R_j = S_j / Σ_{d_kj ≤ d0} P_k``; step 2: ``A_i = Σ_{d_ij ≤ d0} R_j``. As
    ``access.Access.two_stage_fca`` with a binary step, on a sparse matrix of
    the pairs within reach instead of a long table.

    Examples
    --------
    >>> result = two_step_fca([[0, 0], [0, 5_000]], [100, 300], [[0, 1_000]], radius_km=10)
    >>> result.supply_ratio.tolist(), result.accessibility.tolist()
    ([0.0025], [0.0025, 0.0025])

    """
    from scipy.spatial import cKDTree

    origins = _points(demand_xy, "demand_xy")
    places = _points(supply_xy, "supply_xy")
    population, capacity = _demand_supply(demand, supply, len(origins), len(places))
    pairs = cKDTree(origins).sparse_distance_matrix(
        cKDTree(places), radius_km * 1000.0, output_type="ndarray"
    )  # every pair within reach, including those at distance zero
    return _catchment(pairs["i"], pairs["j"], population, capacity, radius_km)


def _demand_supply(demand: object, supply: object, origins: int,
                   places: int) -> tuple[np.ndarray, np.ndarray]:
    """Return the population of each origin and the capacity of each place (1 by default)."""
    population = np.asarray(demand, dtype=float)
    capacity = np.ones(places) if supply is None else np.asarray(supply, dtype=float)
    if population.shape != (origins,):
        raise ValueError(f"demand: expected {origins} values, got {population.shape}")
    return population, capacity


def _catchment(origin: np.ndarray, place: np.ndarray, population: np.ndarray,
               capacity: np.ndarray, radius_km: float) -> Catchment:
    """2SFCA from the pairs ``(origin[k], place[k])`` within reach."""
    from scipy import sparse

    if np.isnan(population).any():
        raise ValueError(f"demand: {int(np.isnan(population).sum())} missing populations")
    reach = sparse.csr_array((np.ones(len(origin)), (origin, place)),
                             shape=(len(population), len(capacity)))
    served = reach.T @ population
    ratio = np.divide(capacity, served, out=np.zeros(len(capacity)), where=served > 0)
    return Catchment(reach @ ratio, ratio, float(radius_km), int(reach.nnz))
