"""Insets of the overseas départements on a map of metropolitan France.

A map whose communes span metropolitan France and the DROM (France as a whole)
is drawn in Lambert-93, where the DROM would lie thousands of kilometres away
(La Réunion 10,000 km east), turned and stretched. Each DROM is instead drawn
in its own official projection (:data:`trajectoires.territory.LOCAL_CRS`), at
the same scale, and moved into a column west of Brittany, from Guadeloupe at
the top to Mayotte at the bottom: a translation only, so north stays up and
distances stay true inside each inset.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from trajectoires.territory import LOCAL_CRS

__all__ = ["INSET_OFFSETS", "inset_geometries", "inset_points"]

_EXTENTS = {  # bounds of each DROM in its own projection, rounded out to 5 km (metres)
    "971": (625_000, 1_750_000, 715_000, 1_830_000),
    "972": (690_000, 1_590_000, 740_000, 1_650_000),
    "973": (95_000, 230_000, 435_000, 640_000),
    "974": (315_000, 7_630_000, 380_000, 7_695_000),
    "976": (500_000, 8_560_000, 535_000, 8_605_000),
}
_TOP, _CENTRE_X, _GAP = 7_110_000, -140_000, 40_000  # Lambert-93 metres (Dunkirk's latitude)


def _offsets() -> dict[str, tuple[float, float]]:
    top, offsets = _TOP, {}
    for departement, (x_min, y_min, x_max, y_max) in _EXTENTS.items():
        offsets[departement] = (_CENTRE_X - (x_min + x_max) / 2, top - y_max)
        top -= (y_max - y_min) + _GAP
    return offsets


INSET_OFFSETS = _offsets()
"""Shift (x, y) added to the metres of each DROM's projection to place its inset.

The column spans x from -310 km to +30 km (Brittany's western tip: 99 km) and
y from 7,110 km (Dunkirk) down to 6,290 km (Gironde); in it Saint-Denis de La
Réunion is at (-149 km, 6,435 km).

>>> INSET_OFFSETS["974"]
(-487500.0, -1255000)
"""


def _shift(departements: np.ndarray):  # noqa: ANN202 (iterator of (rows, département))
    for departement in LOCAL_CRS:
        rows = departements == departement
        if rows.any():
            yield rows, departement


def inset_geometries(lambert: np.ndarray, local: np.ndarray,
                     departements: Sequence[str]) -> np.ndarray:
    """Lambert-93 outlines, the DROM's replaced by their own (``local``) ones moved in their inset.

    >>> import shapely
    >>> square = shapely.box(315_000, 7_630_000, 316_000, 7_631_000)
    >>> moved = inset_geometries(np.array([None]), np.array([square]), ["974"])
    >>> shapely.bounds(moved[0]).tolist()
    [-172500.0, 6375000.0, -171500.0, 6376000.0]
    """
    import shapely

    out = np.array(lambert, dtype=object)
    departements = np.asarray(departements, dtype=object)
    for rows, departement in _shift(departements):
        offset = np.array(INSET_OFFSETS[departement])
        out[rows] = shapely.transform(np.asarray(local, dtype=object)[rows],
                                      lambda xy, offset=offset: xy + offset)
    return out


def inset_points(xy: np.ndarray, lonlat: np.ndarray, departements: Sequence[str]) -> np.ndarray:
    """Lambert-93 points ``xy``, those of the DROM projected from ``lonlat`` into their inset.

    >>> inset_points(np.array([[0.0, 0.0]]), np.array([[55.45, -20.88]]), ["974"]).round(-3)
    array([[-149000., 6435000.]])
    """
    from trajectoires.diagnosis.maps import transformer

    out = np.array(xy, dtype=float).reshape(-1, 2)
    lonlat = np.asarray(lonlat, dtype=float).reshape(-1, 2)
    for rows, departement in _shift(np.asarray(departements, dtype=object)):
        projected = transformer("EPSG:4326", LOCAL_CRS[departement]).transform(
            lonlat[rows, 0], lonlat[rows, 1])
        out[rows] = np.column_stack(projected) + INSET_OFFSETS[departement]
    return out
