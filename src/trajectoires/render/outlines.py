"""Commune outlines prepared for drawing: checked, framed, simplified and encoded once.

Every map of a page or a report draws the same communes on the same frame; only
the colours change. :func:`prepare_outlines` does the geometric work once (check,
frame, simplification, path encoding) and the map functions accept its result in
place of the geometries, so a diagnosis with five maps simplifies its outlines
once, not five times.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import shapely

from trajectoires.render import _paths
from trajectoires.render._document import DENSITY, LEGEND_WIDTH, MARGIN

__all__ = ["MAX_ASPECT", "MIN_WIDTH", "Outlines", "prepare_outlines"]

MIN_WIDTH = 400
MAX_ASPECT = 1.25  # height / width of the map area: tall territories are drawn narrower
_POLYGONAL = (shapely.GeometryType.POLYGON, shapely.GeometryType.MULTIPOLYGON)


@dataclass(frozen=True, eq=False)
class Outlines:
    """Outlines ready to be drawn on a map ``width`` pixels wide.

    Attributes
    ----------
    present : numpy.ndarray of bool
        One entry per input geometry: False when it was ``None`` or empty
        (the commune is skipped and counted).
    frame : MapFrame
        Mapping from projected metres to the SVG grid.
    paths : numpy.ndarray of str
        Path data (``d``) of each present geometry, in input order.
    width : int
        Width of the document these outlines were prepared for.

    """

    present: np.ndarray
    frame: _paths.MapFrame
    paths: np.ndarray
    width: int

    def __len__(self) -> int:
        return len(self.present)


def check_geometries(geometries: Sequence | np.ndarray) -> np.ndarray:
    """Return ``geometries`` as an object array, or raise if one is not polygonal."""
    array = np.asarray(geometries, dtype=object)
    if array.ndim != 1:
        raise ValueError("geometries : séquence à une dimension de géométries shapely attendue")
    kinds = shapely.get_type_id(array)
    wrong = np.flatnonzero((kinds >= 0) & ~np.isin(kinds, _POLYGONAL))
    if len(wrong):
        kind = shapely.get_type_id(array[wrong[0]])
        raise ValueError(
            f"geometries : Polygon ou MultiPolygon attendus, reçu {shapely.GeometryType(kind).name}"
            f" à la position {wrong[0]}"
        )
    return array


def map_width(width: int) -> int:
    """Width in pixels of the map area of a document ``width`` pixels wide (legend aside)."""
    return width - 3 * MARGIN - LEGEND_WIDTH


def prepare_outlines(geometries: Sequence | np.ndarray, width: int = 800) -> Outlines:
    """Check, frame, simplify and encode ``geometries`` for maps ``width`` pixels wide.

    Parameters
    ----------
    geometries : sequence of shapely Polygon or MultiPolygon
        One per commune, in projected metres (Lambert-93, or the UTM projection
        of a DROM); ``None`` or empty ones are skipped.
    width : int, default 800
        Width of the SVG documents that will use them (at least 400).

    Returns
    -------
    Outlines

    Examples
    --------
    >>> import shapely
    >>> squares = [shapely.box(x, 6_800_000, x + 1000, 6_801_000) for x in (140_000, 141_000)]
    >>> outlines = prepare_outlines(squares + [None])
    >>> len(outlines), outlines.present.tolist(), outlines.paths.tolist()
    (3, [True, True, False], ['M522 522l0-522-522 0 0 522z', 'M1044 522l0-522-522 0 0 522z'])

    """
    if width < MIN_WIDTH:
        raise ValueError(f"width : au moins {MIN_WIDTH} pixels attendus, reçu {width}")
    geoms = check_geometries(geometries)
    present = ~(shapely.is_missing(geoms) | shapely.is_empty(geoms))
    area = map_width(width)
    frame = _paths.fit_frame(geoms[present], area, DENSITY, max_height=MAX_ASPECT * area)
    paths = _paths.encode_paths(_paths.simplify_for_frame(geoms[present], frame), frame)
    return Outlines(present, frame, paths, width)


def outlines_for(geometries: Sequence | np.ndarray | Outlines, width: int) -> Outlines:
    """``geometries`` if already prepared for ``width``, else :func:`prepare_outlines`."""
    if isinstance(geometries, Outlines):
        if geometries.width != width:
            raise ValueError(
                f"geometries : contours préparés pour {geometries.width} pixels, "
                f"carte de {width} pixels demandée"
            )
        return geometries
    return prepare_outlines(geometries, width)
