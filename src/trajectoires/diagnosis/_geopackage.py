"""Write a table of communes with their outlines as a GeoPackage, in their own projection.

The layer ``communes`` takes the projection of its communes: Lambert-93 when
they are all in metropolitan France (Corsica included), the official UTM
projection when they are all in one DROM (Guadeloupe and Martinique share
RGAF09 / UTM zone 20N), and WGS 84 longitude and latitude when they span
several (France as a whole). Lambert-93 would bend and stretch the overseas
outlines (Saint-Denis de La Réunion: 497 km² instead of 143 km²).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pandas as pd

from trajectoires.territory import LAMBERT_93, WGS84, Reference, crs_of

__all__ = ["layer_crs", "write_geopackage"]

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


def layer_crs(codes: Sequence[str]) -> str:
    """CRS of a layer of the communes ``codes``: their common projection, else WGS 84.

    The département of an overseas commune is the first three characters of
    its INSEE code (``97411`` → ``974``); every other commune is measured in
    Lambert-93.

    Examples
    --------
    >>> layer_crs(["29019", "2A004"]), layer_crs(["97411"]), layer_crs(["97101", "97209"])
    ('EPSG:2154', 'EPSG:2975', 'EPSG:5490')
    >>> layer_crs(["29019", "97411"]), layer_crs([])
    ('EPSG:4326', 'EPSG:2154')

    """
    projections = {crs_of(code[:3]) for code in codes} or {LAMBERT_93}
    return projections.pop() if len(projections) == 1 else WGS84


def _outlines(ref: Reference, codes: list[str], crs: str,
              geometries: np.ndarray | None) -> np.ndarray:
    """Outlines of ``codes`` in ``crs`` (``geometries``: the maps' ones, if read).

    The maps are drawn in the layer's CRS, except when the communes span
    several projections (the maps in Lambert-93, the layer in WGS 84).
    """
    if geometries is not None and crs != WGS84:
        return np.asarray(geometries, dtype=object)
    read_as = crs if crs in (LAMBERT_93, WGS84) else "local"
    return np.asarray(ref.commune_geometries(codes, crs=read_as), dtype=object)


def _blobs(geometries: np.ndarray, srs_id: int) -> tuple[list[bytes | None], np.ndarray]:
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
    header, empty = struct.Struct("<2sBBi4d"), struct.pack("<2sBBi", b"GP", 0, 0b10001, srs_id)
    blobs = [None if data is None
             else empty + data if math.isnan(box[0])
             else header.pack(b"GP", 0, 0b011, srs_id, box[0], box[2], box[1], box[3]) + data
             for data, box in zip(wkb, bounds.tolist(), strict=True)]
    return blobs, shapely.total_bounds(polygons)


def write_geopackage(ref: Reference, table: pd.DataFrame, path: Path,
                     geometries: np.ndarray | None = None) -> None:
    """Write ``table`` with the commune outlines as a GeoPackage layer in their own CRS.

    The CRS is :func:`layer_crs` of ``table["code"]``. ``geometries`` are the
    outlines of the rows of ``table`` in the maps' projection
    (:func:`trajectoires.diagnosis.maps.map_crs`), if already read: used as
    they are when the layer is in that projection, else the outlines are read
    from ``ref`` in the layer's CRS. The file is written with :mod:`sqlite3`
    following the OGC GeoPackage 1.3 encoding standard (OGC 12-128r18): the
    required metadata tables, layer ``communes`` of ``MULTIPOLYGON``, numbers
    as ``REAL`` and text as ``TEXT``; no spatial index (optional in the
    standard). GDAL, QGIS and pyogrio read it; no GDAL is loaded to write it.
    """
    import sqlite3

    from trajectoires.diagnosis.report import _plain_columns, _rows

    codes = [str(code) for code in table["code"]]
    crs = layer_crs(codes)
    srs_id = int(crs.split(":")[1])
    blobs, bounds = _blobs(_outlines(ref, codes, crs, geometries), srs_id)
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
            _metadata(db, bounds, srs_id)
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


def _metadata(db, bounds: np.ndarray, srs_id: int) -> None:  # noqa: ANN001 (sqlite3.Connection)
    """Write the required tables of a GeoPackage holding the layer ``communes`` in ``srs_id``."""
    from pyproj import CRS

    systems = [("Undefined cartesian SRS", -1, "NONE", -1, "undefined", None),
               ("Undefined geographic SRS", 0, "NONE", 0, "undefined", None)]
    for epsg in sorted({4326, srs_id}):  # WGS 84 is required by the standard
        crs = CRS.from_epsg(epsg)
        systems.append((crs.name, epsg, "EPSG", epsg, crs.to_wkt("WKT1_GDAL"), None))
    db.execute(f"PRAGMA application_id = {_GPKG_APPLICATION_ID}")
    db.execute(f"PRAGMA user_version = {_GPKG_VERSION}")
    db.executescript(_GPKG_TABLES)
    db.executemany("INSERT INTO gpkg_spatial_ref_sys VALUES (?, ?, ?, ?, ?, ?)", systems)
    db.execute("INSERT INTO gpkg_contents (table_name, data_type, identifier, min_x, min_y, "
               "max_x, max_y, srs_id) VALUES ('communes', 'features', 'communes', ?, ?, ?, ?, "
               "?)", [*(float(v) for v in bounds), srs_id])
    db.execute("INSERT INTO gpkg_geometry_columns VALUES "
               "('communes', 'geom', 'MULTIPOLYGON', ?, 0, 0)", [srs_id])
