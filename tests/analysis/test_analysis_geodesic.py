"""Geodesic nearest place and 2SFCA against pyproj's geodesic over every pair."""

import numpy as np
import pytest
import shapely

from trajectoires.analysis import (
    geodesic_km,
    nearest_distances,
    nearest_geodesic,
    to_lambert93,
    two_step_fca,
    two_step_fca_geodesic,
)


@pytest.fixture(scope="module")
def overseas(territory_reference):
    """WGS 84 centroids and populations of the 129 communes of the five DROM."""
    ref = territory_reference
    table = ref.communes_of(ref.france)
    table = table[~table["metropolitan"] & table["area_km2"].notna()]
    points = shapely.get_coordinates(shapely.centroid(
        ref.commune_geometries(table.index, crs="EPSG:4326")))
    return points, table["population"].to_numpy(dtype=float)


def every_pair_km(origins: np.ndarray, places: np.ndarray) -> np.ndarray:
    """(n, m) geodesic distances, every pair measured."""
    return geodesic_km(np.repeat(origins, len(places), axis=0),
                       np.tile(places, (len(origins), 1))).reshape(len(origins), len(places))


def test_nearest_is_the_geodesic_nearest_of_every_place(overseas, shared_data):
    origins, _ = overseas
    assert len(origins) == 129
    for places in (shared_data.france_services(), shared_data.libraries()):
        result = nearest_geodesic(origins, places)
        brute = every_pair_km(origins, places)
        np.testing.assert_allclose(result.distance_km, brute.min(axis=1), rtol=0, atol=1e-9)
        chosen = brute[np.arange(len(origins)), result.nearest]
        np.testing.assert_allclose(chosen, brute.min(axis=1), rtol=0, atol=1e-9)


def test_two_step_fca_on_the_geodesic_pairs(overseas, shared_data):
    origins, population = overseas
    known = ~np.isnan(population)  # Mayotte has no population in the 2017 reference
    origins, population = origins[known], population[known]
    places = shared_data.libraries()
    places = places[places[:, 0] < -40]  # the Antilles and Guyane: a dense matrix stays small
    result = two_step_fca_geodesic(origins, population, places, radius_km=20)
    reach = every_pair_km(origins, places) <= 20
    served = reach.T.astype(float) @ population
    ratio = np.divide(1.0, served, out=np.zeros(len(places)), where=served > 0)
    np.testing.assert_allclose(result.supply_ratio, ratio, rtol=1e-12)
    np.testing.assert_allclose(result.accessibility, reach @ ratio, rtol=1e-12)
    assert result.pairs == reach.sum() > 0


def test_lambert_93_is_within_100_m_in_metropolitan_france(finistere, shared_data):
    """Where Lambert-93 is kept (metropolitan France), it agrees with the geodesic."""
    places = shared_data.france_services()
    lonlat = np.column_stack(_to_wgs84(finistere.weights.points))
    lambert = nearest_distances(finistere.weights.points, to_lambert93(*places.T))
    geodesic = nearest_geodesic(lonlat, places)
    assert np.abs(lambert.distance_km - geodesic.distance_km).max() < 0.1
    catchment = two_step_fca(finistere.weights.points, finistere.table["population"]
                             .to_numpy(dtype=float), to_lambert93(*places.T), radius_km=20)
    assert catchment.pairs > 0


def _to_wgs84(xy: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    from pyproj import Transformer

    return Transformer.from_crs("EPSG:2154", "EPSG:4326", always_xy=True).transform(
        xy[:, 0], xy[:, 1])


@pytest.mark.parametrize(("origins", "places", "message"), [
    ([[700_000.0, 6_600_000.0]], [[3.0, 46.5]], "origins_lonlat: expected WGS 84"),
    ([[3.0, 46.5]], [[np.nan, 46.5]], "places_lonlat: 1 points have no coordinates"),
    ([[3.0, 46.5]], np.zeros((0, 2)), "places_lonlat: no place"),
    ([3.0, 46.5], [[3.0, 46.5]], r"origins_lonlat: expected an \(n, 2\) array"),
])
def test_wrong_points_are_refused(origins, places, message):
    with pytest.raises(ValueError, match=message):
        nearest_geodesic(origins, places)
