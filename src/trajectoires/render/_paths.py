"""Geometry → SVG path data, vectorised over all communes at once.

The pipeline never loops over vertices in Python: shapely simplifies every
geometry in C, the coordinates of all rings come out as one array, NumPy
quantises them to an integer grid and drops repeated points, numbers are
looked up in a table of their texts, and all paths are joined as one string
then split per geometry.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import shapely

__all__ = ["MapFrame", "encode_paths", "fit_frame", "simplify_for_frame"]

# Input coordinates this small are almost certainly longitude/latitude degrees.
_DEGREE_LIMIT = 360.0


@dataclass(frozen=True)
class MapFrame:
    """Affine mapping from projected metres (Lambert-93, or a DROM's UTM) to the SVG grid.

    ``x_grid = (x - x_min) * scale`` and ``y_grid = (y_max - y) * scale``: the
    SVG y axis points down. One grid unit is ``1 / density`` output pixel.

    Attributes
    ----------
    x_min, y_max : float
        Top-left corner of the drawn extent, in metres.
    scale : float
        Grid units per metre.
    width, height : int
        Size of the drawn extent in grid units.
    density : int
        Grid units per output pixel.

    """

    x_min: float
    y_max: float
    scale: float
    width: int
    height: int
    density: int

    @property
    def tolerance(self) -> float:
        """Simplification tolerance in metres: half a grid unit."""
        return 0.5 / self.scale


def fit_frame(
    geometries: np.ndarray, width: float, density: int = 1, max_height: float | None = None
) -> MapFrame:
    """Fit the extent of ``geometries`` into ``width`` (and ``max_height``) output pixels.

    Parameters
    ----------
    geometries : numpy.ndarray of shapely geometries
        Projected geometries (metres: Lambert-93, or a DROM's UTM); ``None`` entries are ignored.
    width : float
        Width of the map area in output pixels.
    density : int, default 1
        Grid units per output pixel (1 = integer pixels).
    max_height : float, optional
        Height limit in output pixels: a tall territory is drawn narrower.

    Returns
    -------
    MapFrame

    Raises
    ------
    ValueError
        If there is nothing to draw, or if the coordinates look like degrees.

    Examples
    --------
    >>> import shapely
    >>> brest = shapely.box(140_000, 6_830_000, 150_000, 6_835_000)
    >>> frame = fit_frame(np.array([brest]), width=200)
    >>> frame.width, frame.height, frame.scale
    (200, 100, 0.02)
    >>> tall = fit_frame(np.array([brest]), width=200, max_height=50)
    >>> tall.width, tall.height
    (100, 50)
    >>> fit_frame(np.array([shapely.box(-4.5, 48.4, -4.4, 48.5)]), width=200)
    Traceback (most recent call last):
    ...
    ValueError: geometries : les coordonnées ressemblent à des degrés (longitude/latitude) ; \
attendu : mètres d'une projection (Lambert-93, EPSG:2154, ou l'UTM d'un DROM)

    """
    x_min, y_min, x_max, y_max = shapely.total_bounds(geometries)
    if not np.isfinite([x_min, y_min, x_max, y_max]).all():
        raise ValueError("geometries : aucune géométrie à dessiner (toutes manquantes ou vides)")
    span = max(x_max - x_min, y_max - y_min)
    if span == 0:
        raise ValueError("geometries : l'étendue des géométries est nulle")
    if max(abs(x_min), abs(x_max), abs(y_min), abs(y_max)) <= _DEGREE_LIMIT and span < 50:
        raise ValueError(
            "geometries : les coordonnées ressemblent à des degrés (longitude/latitude) ; "
            "attendu : mètres d'une projection (Lambert-93, EPSG:2154, ou l'UTM d'un DROM)"
        )
    scale = width * density / (x_max - x_min) if x_max > x_min else width * density / span
    if max_height is not None and y_max > y_min:
        scale = min(scale, max_height * density / (y_max - y_min))
    return MapFrame(
        x_min=float(x_min),
        y_max=float(y_max),
        scale=float(scale),
        width=round((x_max - x_min) * scale),
        height=max(1, round((y_max - y_min) * scale)),
        density=density,
    )


def simplify_for_frame(geometries: np.ndarray, frame: MapFrame) -> np.ndarray:
    """Simplify geometries to half a grid unit of ``frame``.

    Douglas–Peucker without topology checks is about seven times faster than
    shapely's topology-preserving variant; the few geometries it collapses to
    nothing (tiny communes) are redone with ``preserve_topology=True``.

    Examples
    --------
    >>> import shapely
    >>> wiggly = shapely.Polygon([(0, 0), (500, 1), (1000, 0), (1000, 1000), (0, 1000)])
    >>> wiggly = shapely.affinity.translate(wiggly, 140_000, 6_830_000)
    >>> frame = fit_frame(np.array([wiggly]), width=100)
    >>> simplified = simplify_for_frame(np.array([wiggly]), frame)
    >>> int(shapely.get_num_coordinates(wiggly)), int(shapely.get_num_coordinates(simplified[0]))
    (6, 5)

    """
    simplified = shapely.simplify(geometries, frame.tolerance, preserve_topology=False)
    collapsed = shapely.is_empty(simplified) & ~shapely.is_empty(geometries)
    collapsed &= ~shapely.is_missing(geometries)
    if collapsed.any():
        simplified[collapsed] = shapely.simplify(
            geometries[collapsed], frame.tolerance, preserve_topology=True
        )
    return simplified


def _ring_points(geometries: np.ndarray, frame: MapFrame) -> tuple[np.ndarray, np.ndarray]:
    """Quantised points of every ring, with the geometry index of each point.

    The closing point of each ring and consecutive repeated points are dropped;
    rings left with fewer than three points are dropped unless they are all that
    remains of their geometry.
    """
    parts, part_geom = shapely.get_parts(geometries, return_index=True)
    rings, ring_part = shapely.get_rings(parts, return_index=True)
    coords, point_ring = shapely.get_coordinates(rings, return_index=True)
    grid = np.empty(coords.shape, dtype=np.int64)
    grid[:, 0] = np.rint((coords[:, 0] - frame.x_min) * frame.scale)
    grid[:, 1] = np.rint((frame.y_max - coords[:, 1]) * frame.scale)
    new_ring = np.r_[True, point_ring[1:] != point_ring[:-1]]
    last_of_ring = np.r_[new_ring[1:], True]
    repeated = np.r_[False, (grid[1:] == grid[:-1]).all(axis=1)] & ~new_ring
    keep = ~last_of_ring & ~repeated
    grid, point_ring = grid[keep], point_ring[keep]
    ring_geom = part_geom[ring_part]
    ring_size = np.bincount(point_ring, minlength=len(rings))
    solid = ring_size >= 3
    geom_solid = np.zeros(len(geometries), dtype=bool)
    geom_solid[ring_geom[solid]] = True
    keep_ring = solid | ~geom_solid[ring_geom]
    keep = keep_ring[point_ring]
    return grid[keep], point_ring[keep], ring_geom


_COMMANDS = np.array(["", "l", "m", "M"], dtype=object)
_ENDINGS = np.array(["", "z", "z\n"], dtype=object)  # "\n" ends a geometry's path


@lru_cache(maxsize=8)
def _number_tables(limit: int) -> np.ndarray:
    """Text of every integer in ``[-limit, limit]``, bare then with its separator.

    Numbers are written by looking them up in this table rather than formatted
    one by one: ``n`` bare is at ``n + limit``, and with its separator (a space,
    unless its own minus sign separates it from the previous number) at
    ``n + limit + 2 * limit + 1``. Callers round ``limit`` up to a power of two,
    so that the few tables built are kept and reused (they are never modified).
    """
    values = range(-limit, limit + 1)
    bare = [str(n) for n in values]
    spaced = [f" {n}" if n >= 0 else str(n) for n in values]
    return np.array(bare + spaced, dtype=object)


def encode_paths(geometries: np.ndarray, frame: MapFrame) -> np.ndarray:
    """SVG path data (``d`` attribute) for each geometry.

    The first ring of a geometry starts with an absolute ``M``; later rings use
    a relative ``m`` from the previous ring's start; points are relative ``l``
    steps on the integer grid of ``frame``; each ring ends with ``z``.

    Parameters
    ----------
    geometries : numpy.ndarray of shapely (Multi)Polygons
        Already simplified (see :func:`simplify_for_frame`); ``None`` or empty
        entries give an empty string.
    frame : MapFrame
        The grid to draw on (see :func:`fit_frame`).

    Returns
    -------
    numpy.ndarray of str, same length as ``geometries``

    Examples
    --------
    >>> import shapely
    >>> squares = np.array([shapely.box(0, 0, 10, 10), None, shapely.box(10, 0, 20, 10)])
    >>> squares = shapely.transform(squares, lambda xy: xy * 1000 + (140_000, 6_830_000))
    >>> frame = fit_frame(squares, width=20)
    >>> encode_paths(squares, frame).tolist()
    ['M10 10l0-10-10 0 0 10z', '', 'M20 10l0-10-10 0 0 10z']

    """
    grid, point_ring, ring_geom = _ring_points(geometries, frame)
    paths = np.full(len(geometries), "", dtype=object)
    if len(grid) == 0:
        return paths
    point_geom = ring_geom[point_ring]
    ring_start = np.r_[True, point_ring[1:] != point_ring[:-1]]
    geom_start = np.r_[True, point_geom[1:] != point_geom[:-1]]
    ring_end = np.r_[ring_start[1:], True]
    geom_end = np.r_[geom_start[1:], True]
    step = np.diff(grid, axis=0, prepend=np.zeros((1, 2), dtype=np.int64))
    # A ring's start is relative to the previous ring's start (where ``z`` leaves the pen).
    starts = np.flatnonzero(ring_start)
    step[starts[1:]] = grid[starts[1:]] - grid[starts[:-1]]
    step[geom_start] = grid[geom_start]
    command = np.zeros(len(grid), dtype=np.intp)  # index into _COMMANDS
    command[np.r_[False, ring_start[:-1]]] = 1
    command[ring_start] = 2
    command[geom_start] = 3
    limit = 1 << int(np.abs(step).max()).bit_length()
    numbers = _number_tables(limit)  # bare texts, then texts with their separator
    tokens = np.empty((len(grid), 4), dtype=object)
    tokens[:, 0] = _COMMANDS[command]
    tokens[:, 1] = numbers[step[:, 0] + limit + (command == 0) * (2 * limit + 1)]
    tokens[:, 2] = numbers[step[:, 1] + limit + (2 * limit + 1)]
    tokens[:, 3] = _ENDINGS[ring_end.astype(np.intp) + geom_end]
    paths[point_geom[geom_start]] = "".join(tokens.ravel().tolist()).split("\n")[:-1]
    return paths
