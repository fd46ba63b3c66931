"""Write a diagnosis to a folder: HTML report, CSV, GeoJSON and GeoPackage.

The HTML report is self-contained (maps inlined as SVG, CSS in a ``<style>``
element: the file is opened from disk, not served under the web app's CSP) and
works offline. Every file is written under a temporary name and renamed into
place, so a folder never holds a half-written file.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd

from trajectoires.diagnosis.compute import Diagnosis
from trajectoires.diagnosis.maps import DiagnosisMaps, build_maps
from trajectoires.diagnosis.options import CORRECTIONS
from trajectoires.diagnosis.tables import dictionary, export_table, ranked_rows
from trajectoires.territory import Reference
from trajectoires.territory.summary import format_number

__all__ = ["REPORT_FILES", "ReportFiles", "build_maps", "render_body", "render_html",
           "write_geojson", "write_geopackage", "write_report"]

REPORT_FILES = ("diagnostic.html", "communes.csv", "dictionnaire.csv", "comparaison.csv",
                "communes.geojson", "communes.gpkg")
TEMPLATES = Path(__file__).parent / "templates"


@dataclass(frozen=True)
class ReportFiles:
    """Paths of the files written."""

    html: Path
    csv: Path
    comparison: Path
    geojson: Path
    gpkg: Path


@lru_cache(maxsize=1)
def _environment():  # noqa: ANN202 (jinja2 is imported lazily)
    """Make the Jinja environment of the report, once per process.

    Compiled templates are kept in Jinja's bytecode cache (a private folder of
    the user in the temporary directory, keyed by each template's checksum, so
    an edited template is compiled again): compiling them costs more than
    rendering a report.
    """
    from jinja2 import Environment, FileSystemBytecodeCache, FileSystemLoader, select_autoescape

    try:
        bytecode_cache = FileSystemBytecodeCache()
    except (OSError, RuntimeError):  # no writable temporary directory: compile every time
        bytecode_cache = None
    env = Environment(loader=FileSystemLoader(TEMPLATES), autoescape=select_autoescape(),
                      trim_blocks=True, lstrip_blocks=True, bytecode_cache=bytecode_cache)
    env.filters["fr"] = french_number
    env.filters["pct"] = lambda v, d=1: "—" if v is None else f"{french_number(100 * v, d)} %"
    env.globals["corrections"] = CORRECTIONS
    return env


def french_number(value: object, decimals: int = 1) -> str:
    """Write a number the French way (decimal comma, narrow no-break space); — when missing.

    Examples
    --------
    >>> french_number(1234.56), french_number(None), french_number(float("nan"), 0)
    ('1\u202f234,6', '—', '—')

    """
    if value is pd.NA:
        return "—"
    return format_number(None if value is None else float(value), decimals)


def render_html(diagnosis: Diagnosis, maps: DiagnosisMaps, *, standalone: bool = True) -> str:
    """Render the HTML report (a full document; the CSS inline when ``standalone``)."""
    env = _environment()
    css = (TEMPLATES / "report.css").read_text(encoding="utf-8") if standalone else ""
    return env.get_template("report.html").render(
        d=diagnosis, maps=maps, rows=ranked_rows(diagnosis), css=css,
        files=REPORT_FILES)


def render_body(diagnosis: Diagnosis, maps: DiagnosisMaps) -> str:
    """Render the body of the report (sections only), for the web page."""
    return _environment().get_template("_diagnosis_body.html").render(
        d=diagnosis, maps=maps, rows=ranked_rows(diagnosis))


def _atomic(path: Path, write) -> Path:
    partial = path.with_name(f".partiel-{path.name}")
    partial.unlink(missing_ok=True)
    write(partial)
    partial.replace(path)
    return path


def write_report(ref: Reference, diagnosis: Diagnosis, output: Path, progress=None,
                 geometries: np.ndarray | None = None) -> ReportFiles:
    """Write the report and the exports of ``diagnosis`` into ``output``.

    The outlines (Lambert-93, aligned with ``diagnosis.communes``) are read
    once, unless given as ``geometries``: every map and both geographic
    exports use them.
    """
    output = Path(output)
    output.mkdir(parents=True, exist_ok=True)
    step = progress or (lambda message, done: None)
    step("Cartes", 0.85)
    if geometries is None:
        geometries = ref.commune_geometries(diagnosis.communes.index)
    elif len(geometries) != len(diagnosis.communes):
        raise ValueError(f"geometries : {len(diagnosis.communes)} contours attendus (un par "
                         f"commune du diagnostic), reçu {len(geometries)}")
    maps = build_maps(ref, diagnosis, geometries)
    html = render_html(diagnosis, maps)
    html_path = _atomic(output / "diagnostic.html",
                        lambda p: p.write_text(html, encoding="utf-8"))
    step("Exports CSV, GeoJSON, GeoPackage", 0.92)
    table = export_table(diagnosis)
    by_code = dict(zip(diagnosis.communes.index, geometries, strict=True))
    ranked_outlines = np.array([by_code.get(code) for code in table["code"]], dtype=object)
    csv_path = _atomic(output / "communes.csv",
                       lambda p: table.to_csv(p, index=False, encoding="utf-8"))
    _atomic(output / "dictionnaire.csv", lambda p: dictionary(table, diagnosis).to_csv(
        p, index=False, encoding="utf-8"))
    comparison = pd.DataFrame(diagnosis.comparison)
    comp_path = _atomic(output / "comparaison.csv",
                        lambda p: comparison.to_csv(p, index=False, encoding="utf-8"))
    geojson = _atomic(output / "communes.geojson",
                      lambda p: write_geojson(ref, table, p, ranked_outlines))
    gpkg = _atomic(output / "communes.gpkg",
                   lambda p: write_geopackage(ref, table, p, ranked_outlines))
    step("Terminé", 1.0)
    return ReportFiles(html_path, csv_path, comp_path, geojson, gpkg)


def _plain_columns(table: pd.DataFrame) -> dict[str, np.ndarray]:
    """Columns as numpy arrays: numbers as float (NaN when missing), text as object."""
    columns = {}
    for name in table.columns:
        series = table[name]
        if pd.api.types.is_numeric_dtype(series):
            columns[name] = pd.to_numeric(series, errors="coerce").to_numpy(
                dtype=float, na_value=np.nan)
        else:
            columns[name] = np.array([None if pd.isna(v) else str(v) for v in series],
                                     dtype=object)
    return columns


def _lambert(ref: Reference, table: pd.DataFrame, geometries: np.ndarray | None) -> np.ndarray:
    """Lambert-93 outlines of the rows of ``table`` (given, or read from ``ref``)."""
    if geometries is None:
        geometries = ref.commune_geometries(table["code"])
    return np.asarray(geometries, dtype=object)


def _rows(table: pd.DataFrame) -> tuple[list[str], list[tuple]]:
    """Column names and rows of ``table`` as plain Python values (None when missing)."""
    columns = _plain_columns(table)
    values = []
    for array in columns.values():
        plain = array.astype(object)
        if array.dtype.kind == "f":
            plain[np.isnan(array)] = None
        values.append(plain.tolist())
    return list(columns), list(zip(*values, strict=True))


def write_geojson(ref: Reference, table: pd.DataFrame, path: Path,
                  geometries: np.ndarray | None = None) -> None:
    """Write ``table`` with the commune outlines as GeoJSON (WGS84, RFC 7946).

    ``geometries`` are the Lambert-93 outlines of the rows of ``table``, if
    already read. The geometries' text comes from GEOS as it is (no parsing
    back into Python), at 10⁻⁶ degree precision.
    """
    import shapely
    from pyproj import Transformer

    # back from the Lambert-93 outlines the maps already read (one column read, not two)
    to_wgs84 = Transformer.from_crs("EPSG:2154", "EPSG:4326", always_xy=True)
    geometries = _lambert(ref, table, geometries)
    geometries = shapely.transform(geometries, lambda xy: np.column_stack(
        to_wgs84.transform(xy[:, 0], xy[:, 1])))
    texts = shapely.to_geojson(shapely.set_precision(geometries, 1e-6)).tolist()
    names, rows = _rows(table)
    features = ",\n".join(
        f'{{"type": "Feature", "properties": '
        f"{json.dumps(dict(zip(names, row, strict=True)), ensure_ascii=False)}, "
        f'"geometry": {"null" if text is None else text}}}'
        for row, text in zip(rows, texts, strict=True))
    path.write_text(f'{{"type": "FeatureCollection", "name": "communes", "features": [\n'
                    f"{features}\n]}}\n", encoding="utf-8")


_GPKG_APPLICATION_ID = 0x47504B47  # "GPKG"
_GPKG_VERSION = 10300  # GeoPackage 1.3.0
_GPKG_TABLES = """
CREATE TABLE gpkg_spatial_ref_sys (srs_name TEXT NOT NULL, srs_id INTEGER PRIMARY KEY,
  organization TEXT NOT NULL, organization_coordsys_id INTEGER NOT NULL,
  definition TEXT NOT NULL, description TEXT);
CREATE TABLE gpkg_contents (table_name TEXT NOT NULL PRIMARY KEY, data_type TEXT NOT NULL,
  identifier TEXT UNIQUE, description TEXT DEFAULT '',
  last_change DATETIME NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')),
  min_x DOUBLE, min_y DOUBLE, max_x DOUBLE, max_y DOUBLE, srs_id INTEGER,
  CONSTRAINT fk_gc_r_srs_id FOREIGN KEY (srs_id) REFERENCES gpkg_spatial_ref_sys(srs_id));
CREATE TABLE gpkg_geometry_columns (table_name TEXT NOT NULL, column_name TEXT NOT NULL,
  geometry_type_name TEXT NOT NULL, srs_id INTEGER NOT NULL, z TINYINT NOT NULL,
  m TINYINT NOT NULL, CONSTRAINT pk_geom_cols PRIMARY KEY (table_name, column_name),
  CONSTRAINT uk_gc_table_name UNIQUE (table_name),
  CONSTRAINT fk_gc_tn FOREIGN KEY (table_name) REFERENCES gpkg_contents(table_name),
  CONSTRAINT fk_gc_srs FOREIGN KEY (srs_id) REFERENCES gpkg_spatial_ref_sys (srs_id));
"""


def _geopackage_blobs(geometries: np.ndarray) -> tuple[list[bytes | None], np.ndarray]:
    """GeoPackage geometry blobs (header with the envelope, then ISO WKB) and total bounds.

    An empty outline gets the header's empty flag and no envelope (OGC 12-128,
    § 2.1.3.1.1: never a NaN envelope); a missing one is NULL.
    """
    import struct

    import shapely

    polygons = np.array([None if g is None else (g if g.geom_type == "MultiPolygon"
                                                 else shapely.MultiPolygon([g]))
                         for g in geometries], dtype=object)
    wkb = shapely.to_wkb(polygons, byte_order=1, flavor="iso").tolist()
    bounds = shapely.bounds(polygons)
    # "GP", version 0, flags 0b011: little-endian header with an [x, x, y, y] envelope;
    # flags 0b10001: empty geometry (bit 4), no envelope, little-endian
    header, empty = struct.Struct("<2sBBi4d"), struct.pack("<2sBBi", b"GP", 0, 0b10001, 2154)
    blobs = [None if data is None
             else empty + data if math.isnan(box[0])
             else header.pack(b"GP", 0, 0b011, 2154, box[0], box[2], box[1], box[3]) + data
             for data, box in zip(wkb, bounds.tolist(), strict=True)]
    return blobs, shapely.total_bounds(polygons)


def write_geopackage(ref: Reference, table: pd.DataFrame, path: Path,
                     geometries: np.ndarray | None = None) -> None:
    """Write ``table`` with the commune outlines as a GeoPackage layer (Lambert-93).

    ``geometries`` are the Lambert-93 outlines of the rows of ``table``, if
    already read. The file is written with :mod:`sqlite3` following the OGC
    GeoPackage 1.3 encoding standard (OGC 12-128r18): the required metadata
    tables, layer ``communes`` of ``MULTIPOLYGON`` in EPSG:2154, numbers as
    ``REAL`` and text as ``TEXT``; no spatial index (optional in the standard).
    GDAL, QGIS and pyogrio read it; no GDAL is loaded to write it.
    """
    import sqlite3

    blobs, bounds = _geopackage_blobs(_lambert(ref, table, geometries))
    names, rows = _rows(table)
    kinds = ["REAL" if array.dtype.kind == "f" else "TEXT"
             for array in _plain_columns(table).values()]
    quoted = ['"' + name.replace('"', '""') + '"' for name in names]
    path.unlink(missing_ok=True)
    db = sqlite3.connect(path)
    # a new file under a temporary name, renamed into place once complete: no journal
    # and no sync per statement are needed (the standard's tables are created in one go)
    db.execute("PRAGMA journal_mode = OFF")
    db.execute("PRAGMA synchronous = OFF")
    try:
        with db:
            _geopackage_metadata(db, bounds)
            db.execute("CREATE TABLE communes (fid INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL, "
                       "geom MULTIPOLYGON" + "".join(
                           f", {name} {kind}" for name, kind in zip(quoted, kinds, strict=True))
                       + ")")
            # fid (NULL: numbered by SQLite), geom, then the columns in order
            marks = ", ".join(["NULL"] + ["?"] * (len(names) + 1))
            db.executemany("INSERT INTO communes VALUES (" + marks + ")",  # noqa: S608 (only "?")
                           [(blob, *row) for blob, row in zip(blobs, rows, strict=True)])
    finally:
        db.close()


def _geopackage_metadata(db, bounds: np.ndarray) -> None:  # noqa: ANN001 (sqlite3.Connection)
    """Write the required tables of a GeoPackage holding the layer ``communes``."""
    from pyproj import CRS

    wgs84, lambert = CRS.from_epsg(4326), CRS.from_epsg(2154)
    db.execute(f"PRAGMA application_id = {_GPKG_APPLICATION_ID}")
    db.execute(f"PRAGMA user_version = {_GPKG_VERSION}")
    db.executescript(_GPKG_TABLES)
    db.executemany("INSERT INTO gpkg_spatial_ref_sys VALUES (?, ?, ?, ?, ?, ?)", [
        ("Undefined cartesian SRS", -1, "NONE", -1, "undefined", None),
        ("Undefined geographic SRS", 0, "NONE", 0, "undefined", None),
        (wgs84.name, 4326, "EPSG", 4326, wgs84.to_wkt("WKT1_GDAL"), None),
        (lambert.name, 2154, "EPSG", 2154, lambert.to_wkt("WKT1_GDAL"), None)])
    db.execute("INSERT INTO gpkg_contents (table_name, data_type, identifier, min_x, min_y, "
               "max_x, max_y, srs_id) VALUES ('communes', 'features', 'communes', ?, ?, ?, ?, "
               "2154)", [float(v) for v in bounds])
    db.execute("INSERT INTO gpkg_geometry_columns VALUES "
               "('communes', 'geom', 'MULTIPOLYGON', 2154, 0, 0)")
