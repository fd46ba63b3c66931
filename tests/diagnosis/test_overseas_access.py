"""Distances to help overseas: every commune within 100 m of the geodesic distance.

The distance of a commune is measured from the centroid of its outline in its
own projection (Lambert-93 in metropolitan France and Corsica, the official UTM
projection of each DROM) to the nearest place. Here the same two points are
taken back to longitude and latitude and the nearest place is searched again by
geodesic distance on the GRS 80 ellipsoid (that of RGF93, RGAF09, RGFG95, RGR92
and RGM04; WGS 84 differs from it by 0.1 mm), with pyproj's ``Geod``.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from trajectoires.diagnosis import diagnose, load_inputs
from trajectoires.diagnosis._access import national_access
from trajectoires.territory import LAMBERT_93, LOCAL_CRS, WGS84

pytestmark = pytest.mark.db

TOLERANCE_M = 100.0
OVERSEAS = ("971", "972", "973", "974", "976")


@pytest.fixture(scope="module")
def places(loaded):
    with loaded.database.session() as session:
        return load_inputs(session).places


@pytest.fixture(scope="module")
def national(territory_reference, places):
    return national_access(territory_reference, places, None)


@pytest.fixture(scope="module")
def origins(territory_reference, national):
    """Longitude and latitude of the centroid of each commune's outline in its own CRS."""
    import shapely
    from pyproj import Transformer

    ref = territory_reference
    communes = ref.communes_of(ref.france).loc[national.index]
    xy = shapely.get_coordinates(shapely.centroid(
        ref.commune_geometries(communes.index, crs="local")))
    crs = communes["departement_code"].map(LOCAL_CRS).fillna(LAMBERT_93).to_numpy()
    lonlat = np.full(xy.shape, np.nan)
    for name in np.unique(crs):
        rows = crs == name
        back = Transformer.from_crs(name, WGS84, always_xy=True)
        lonlat[rows] = np.column_stack(back.transform(xy[rows, 0], xy[rows, 1]))
    return pd.DataFrame(lonlat, index=communes.index, columns=["lon", "lat"]).assign(
        departement=communes["departement_code"].to_numpy())


def geodesic_nearest_m(origins: np.ndarray, places: np.ndarray,
                       candidates: int | None = None) -> np.ndarray:
    """Geodesic distance (m) from each origin to its nearest place, both as (lon, lat).

    Every place is measured when ``candidates`` is None; otherwise the nearest
    ``candidates`` by straight line through the Earth (earth-centred coordinates
    from pyproj) are, and the shortest kept.
    """
    from pyproj import Geod, Transformer
    from scipy.spatial import cKDTree

    if candidates is None:
        index = np.broadcast_to(np.arange(len(places)), (len(origins), len(places)))
    else:
        to_ecef = Transformer.from_crs(WGS84, "EPSG:4978", always_xy=True)

        def ecef(lonlat: np.ndarray) -> np.ndarray:
            return np.column_stack(to_ecef.transform(lonlat[:, 0], lonlat[:, 1],
                                                     np.zeros(len(lonlat))))

        index = cKDTree(ecef(places)).query(ecef(origins), k=candidates)[1]
    lon = np.repeat(origins[:, 0], index.shape[1])
    lat = np.repeat(origins[:, 1], index.shape[1])
    far = places[index.ravel()]
    _, _, metres = Geod(ellps="GRS80").inv(lon, lat, far[:, 0], far[:, 1])
    return metres.reshape(index.shape).min(axis=1)


@pytest.mark.parametrize("kind", ["france-services", "mediation-places", "libraries"])
def test_every_commune_within_100_m_of_the_geodesic(national, origins, places, kind):
    located = places[kind][["lon", "lat"]].dropna().to_numpy(dtype=float)
    overseas = origins["departement"].isin(OVERSEAS).to_numpy()
    assert overseas.sum() == 129
    lonlat = origins[["lon", "lat"]].to_numpy()
    geodesic = np.empty(len(origins))
    geodesic[overseas] = geodesic_nearest_m(lonlat[overseas], located)  # every place
    geodesic[~overseas] = geodesic_nearest_m(lonlat[~overseas], located, candidates=8)
    error = pd.Series(np.abs(national[f"dist_{kind}"].to_numpy() * 1000 - geodesic),
                      index=origins.index)
    for where, rows in (("overseas", overseas), ("metropolitan", ~overseas)):
        off = error[rows][error[rows] > TOLERANCE_M]
        worst = error[rows].nlargest(3).round(1).to_dict()
        assert off.empty, f"{len(off)} {where} communes off by more than 100 m; worst: {worst}"


def test_population_beyond_10_km_in_la_reunion(loaded, territory_reference, origins, places):
    """« Habitants à plus de 10 km » of La Réunion: the communes the geodesic puts beyond."""
    ref = territory_reference
    with loaded.database.session() as session:
        result = diagnose(session, ref, ref.resolve("974"), cache_dir=loaded.path / "analysis")
    table = result.communes
    reunion = origins.loc[table.index]
    for access in result.access:
        located = places[access.kind][["lon", "lat"]].dropna().to_numpy(dtype=float)
        km = geodesic_nearest_m(reunion[["lon", "lat"]].to_numpy(), located) / 1000
        assert not (np.abs(km - 10) < 0.1).any()  # no commune on the edge: the count is sharp
        beyond = table["population"].to_numpy(dtype=float)[km > 10].sum()
        assert access.population_beyond == pytest.approx(beyond), access.kind
        assert access.mean_distance_km == pytest.approx(km.mean(), abs=0.1), access.kind


@pytest.mark.parametrize(("codes", "srs_id"), [
    (("97411", "97415", "97422"), 2975),  # La Réunion: RGR92 / UTM zone 40S
    (("97101", "97209"), 5490),  # Guadeloupe and Martinique share RGAF09 / UTM zone 20N
    (("97302", "97611"), 4326),  # Guyane and Mayotte: two projections, so WGS 84
    (("29019", "97411"), 4326),
    (("29019", "2A004"), 2154),  # metropolitan France and Corsica: Lambert-93
])
def test_geopackage_outlines_in_their_own_crs(territory_reference, tmp_path, codes, srs_id):
    """The layer's CRS is its communes' own (or WGS 84); outlines and areas line up."""
    import shapely
    from pyproj import Transformer

    pyogrio = pytest.importorskip("pyogrio")
    from trajectoires.diagnosis.report import write_geopackage

    ref = territory_reference
    table = pd.DataFrame({"code": list(codes), "area_km2": ref.communes_of(ref.france).loc[
        list(codes), "area_km2"].to_numpy()})
    path = tmp_path / "communes.gpkg"
    write_geopackage(ref, table, path)
    info = pyogrio.read_info(path, layer="communes")
    assert info["crs"] == f"EPSG:{srs_id}"
    frame = pyogrio.read_dataframe(path, layer="communes")
    back = Transformer.from_crs(f"EPSG:{srs_id}", WGS84, always_xy=True)
    outlines = shapely.transform(frame.geometry.to_numpy(), lambda xy: np.column_stack(
        back.transform(xy[:, 0], xy[:, 1])))
    reference = ref.commune_geometries(list(codes), crs=WGS84)
    for code, ours, theirs in zip(codes, outlines, reference, strict=True):
        assert shapely.hausdorff_distance(ours, theirs) < 1e-7, code  # degrees: about 1 cm
    if srs_id != 4326:  # projected: the layer's areas are the reference's
        np.testing.assert_allclose(frame.geometry.area.to_numpy() / 1e6,
                                   table["area_km2"].to_numpy(), rtol=1e-9)
