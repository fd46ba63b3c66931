"""Overseas maps are drawn in their own projection: north is up, places on their commune.

Lambert-93 is made for metropolitan France: La Réunion drawn in it is turned by
about 38° (north points left). Each DROM is drawn in its official UTM
projection, where north is up to within a degree or two. The SVG of each map
is read back: the commune whose WGS 84 centroid is northernmost must be the
topmost (smallest y) and the easternmost the rightmost (largest x).
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pytest

from trajectoires.diagnosis import diagnose
from trajectoires.diagnosis._geopackage import layer_crs
from trajectoires.diagnosis.report import build_maps, write_report
from trajectoires.territory import CRS_NAMES, WGS84

pytestmark = pytest.mark.db

_TOKEN = re.compile(r"[MmlZz]|-?\d+")


def drawn_centres(svg: str) -> pd.DataFrame:
    """Mean vertex (SVG x, y) of each ``<path data-code>`` of ``svg``, by commune code.

    The paths are those of :func:`trajectoires.render._paths.encode_paths`: an
    absolute ``M``, relative ``m`` (from the previous ring's start) and ``l``.
    """
    centres = {}
    for data, code in re.findall(r'<path d="([^"]*)" data-code="(\w+)"', svg):
        tokens, points = _TOKEN.findall(data), []
        x = y = start_x = start_y = 0
        command, i = "l", 0
        while i < len(tokens):
            token = tokens[i]
            if token in "MmlZz":
                command, i = token, i + 1
                if token in "Zz":
                    x, y = start_x, start_y
                continue
            dx, dy = int(token), int(tokens[i + 1])
            i += 2
            if command == "M":
                x, y = dx, dy
            else:
                x, y = x + dx, y + dy
            if command in "Mm":
                start_x, start_y, command = x, y, "l"
            points.append((x, y))
        centres[code] = np.mean(points, axis=0)
    return pd.DataFrame.from_dict(centres, orient="index", columns=["x", "y"])


def lonlat_centres(ref, codes) -> pd.DataFrame:
    import shapely

    points = shapely.get_coordinates(shapely.centroid(ref.commune_geometries(codes, crs=WGS84)))
    return pd.DataFrame(points, index=list(codes), columns=["lon", "lat"])


def assert_north_up(svg: str, ref) -> None:
    drawn = drawn_centres(svg)
    true = lonlat_centres(ref, drawn.index)
    assert len(drawn) >= 5
    assert drawn["y"].idxmin() == true["lat"].idxmax(), "the northernmost commune is not on top"
    assert drawn["x"].idxmax() == true["lon"].idxmax(), "the easternmost is not on the right"
    assert drawn["y"].idxmax() == true["lat"].idxmin(), "the southernmost is not at the bottom"
    assert drawn["x"].idxmin() == true["lon"].idxmin(), "the westernmost is not on the left"
    # and every commune in order: x grows with the longitude, y falls with the latitude
    assert drawn["x"].corr(true["lon"], method="spearman") > 0.95
    assert drawn["y"].corr(true["lat"], method="spearman") < -0.95


@pytest.fixture(scope="module")
def diagnoses(loaded, territory_reference):
    ref, results = territory_reference, {}
    with loaded.database.session() as session:
        for code in ("974", "973", "971", "29"):
            results[code] = diagnose(session, ref, ref.resolve(code),
                                     cache_dir=loaded.path / "analysis")
    return results


@pytest.mark.parametrize("code", ["974", "973", "971"])
def test_diagnosis_maps_have_north_up(diagnoses, territory_reference, code):
    maps = build_maps(territory_reference, diagnoses[code])
    assert maps.fragility and maps.access
    for svg in (maps.fragility, maps.clusters, *maps.access.values()):
        if svg:
            assert_north_up(svg, territory_reference)


def test_saint_denis_on_top_of_la_reunion(diagnoses, territory_reference):
    drawn = drawn_centres(build_maps(territory_reference, diagnoses["974"]).fragility)
    assert drawn["y"].idxmin() == "97411"  # Saint-Denis
    assert drawn["x"].idxmax() in {"97410", "97419"}  # Saint-Benoît, Sainte-Rose


def test_places_are_drawn_on_the_map_of_la_reunion(diagnoses, territory_reference):
    """Every place of the territory is inside the frame of its outlines."""
    result = diagnoses["974"]
    maps = build_maps(territory_reference, result)
    for item in result.access:
        svg = maps.access[item.kind]
        drawn = int(re.search(r'class="lieux"', svg) is not None and svg.count("<circle"))
        assert drawn >= item.places_in_territory > 0, item.kind


@pytest.mark.parametrize("code", ["974", "29"])
def test_report_names_the_geopackage_projection(diagnoses, territory_reference, tmp_path, code):
    """The report's file list names the GeoPackage's CRS; the written files agree."""
    import sqlite3

    result = diagnoses[code]
    files = write_report(territory_reference, result, tmp_path)
    html = files.html.read_text(encoding="utf-8")
    crs = layer_crs(list(result.communes.index))
    line = next(li for li in html.split("<li>") if "communes.gpkg" in li)
    assert f"{CRS_NAMES[crs]}, {crs}" in line
    assert "Lambert-93" not in line or code == "29"
    with sqlite3.connect(files.gpkg) as db:
        assert db.execute("SELECT srs_id FROM gpkg_geometry_columns").fetchone()[0] == int(
            crs.split(":")[1])
    assert_north_up(html[html.index('<figure class="carte">'):], territory_reference)


def test_geojson_of_la_reunion_in_wgs84(diagnoses, territory_reference, tmp_path):
    """The GeoJSON outlines are the reference's WGS 84 ones (to 10⁻⁶ degree)."""
    import json

    import shapely

    files = write_report(territory_reference, diagnoses["974"], tmp_path)
    features = json.loads(files.geojson.read_text(encoding="utf-8"))["features"]
    codes = [f["properties"]["code"] for f in features]
    ours = shapely.from_geojson([json.dumps(f["geometry"]) for f in features])
    theirs = territory_reference.commune_geometries(codes, crs=WGS84)
    assert np.allclose(shapely.bounds(ours), shapely.bounds(theirs), atol=2e-6)


@pytest.mark.parametrize("code", ["974", "973", "971"])
def test_territory_map_has_north_up(territory_reference, code):
    from trajectoires.render import commune_map

    ref = territory_reference
    assert_north_up(commune_map(ref, ref.resolve(code), "population").svg, ref)


def test_drom_drawn_as_insets_beside_metropolitan_france(diagnoses, territory_reference,
                                                          tmp_path):
    """A map spanning metropolitan France and the DROM draws each DROM in its inset.

    In Lambert-93 La Réunion lies 10,000 km east of Brest and Guyane 7,000 km
    west: the Finistère would be a speck. In its inset each DROM keeps north up.
    """
    from trajectoires.diagnosis.maps import access_map, fragility_map
    from trajectoires.diagnosis.report import write_geojson

    ref = territory_reference
    parts = [diagnoses[code].communes for code in ("29", "974", "973")]
    table = pd.concat(parts)
    drawn = drawn_centres(fragility_map(ref, table, "trois territoires"))
    width = drawn["x"].max() - drawn["x"].min()
    finistere = drawn.loc[parts[0].index]
    assert finistere["x"].max() - finistere["x"].min() > 0.2 * width
    for part in parts:
        svg_paths = drawn.loc[part.index]
        true = lonlat_centres(ref, part.index)
        assert svg_paths["y"].idxmin() == true["lat"].idxmax()
        assert svg_paths["x"].idxmax() == true["lon"].idxmax()
        assert svg_paths["x"].corr(true["lon"], method="spearman") > 0.9
    # the places of both DROM are drawn in their insets, on their communes
    result = diagnoses["974"]
    for item in result.access:
        places = result.places[item.kind]
        svg = access_map(ref, table, "trois territoires", item.kind, label=item.label,
                         places=places)
        inside = places["commune_code"].isin(table.index).sum()
        assert svg.count("<circle") >= inside
    # the GeoJSON stays in longitude and latitude, not in the insets
    rows = table.reset_index(names="code")[["code"]]
    path = tmp_path / "mixed.geojson"
    write_geojson(ref, rows, path, np.full(len(rows), None, dtype=object))
    import json

    import shapely
    features = json.loads(path.read_text(encoding="utf-8"))["features"]
    assert shapely.total_bounds(shapely.from_geojson(
        [json.dumps(f["geometry"]) for f in features])).round(0).tolist() == [-55.0, -21.0,
                                                                               56.0, 49.0]
