"""Path encoding: relative, quantised path data that decodes back to the rings."""

from __future__ import annotations

import re

import numpy as np
import shapely
from hypothesis import given, settings
from hypothesis import strategies as st

from trajectoires.render._paths import encode_paths, fit_frame, simplify_for_frame

ORIGIN = (140_000.0, 6_800_000.0)


def decode(d: str) -> list[list[tuple[int, int]]]:
    """Absolute rings of an SVG path made of M, m, l and z commands."""
    rings: list[list[tuple[int, int]]] = []
    pen = start = (0, 0)
    for command, operands in re.findall(r"([MmlZz])([^MmlZz]*)", d):
        numbers = [int(n) for n in re.findall(r"-?\d+", operands)]
        pairs = list(zip(numbers[::2], numbers[1::2], strict=True))
        if command in "Mm":
            (dx, dy), pairs = pairs[0], pairs[1:]
            pen = (dx, dy) if command == "M" else (pen[0] + dx, pen[1] + dy)
            start = pen
            rings.append([pen])
        for dx, dy in pairs:
            pen = (pen[0] + dx, pen[1] + dy)
            rings[-1].append(pen)
        if command in "zZ":
            pen = start
    return rings


def expected_rings(shape, frame) -> list[list[tuple[int, int]]]:
    """Quantised rings without closing point nor consecutive repeats."""
    rings = []
    for ring in shapely.get_rings(shapely.get_parts(shape)):
        points = []
        for x, y in shapely.get_coordinates(ring)[:-1]:
            point = (round((x - frame.x_min) * frame.scale), round((frame.y_max - y) * frame.scale))
            if not points or point != points[-1]:
                points.append(point)
        if len(points) >= 3:
            rings.append(points)
    return rings


def test_path_data_decodes_to_the_quantised_rings():
    # A polygon with a hole, and a second part: three rings in one path.
    outer = shapely.box(0, 0, 10_000, 10_000)
    hole = shapely.box(2_000, 2_000, 5_000, 6_000)
    island = shapely.box(12_000, 1_000, 14_000, 3_000)
    shape = shapely.MultiPolygon([shapely.Polygon(outer.exterior, [hole.exterior]), island])
    shape = shapely.affinity.translate(shape, *ORIGIN)
    frame = fit_frame(np.array([shape]), width=140, density=1)
    (d,) = encode_paths(np.array([shape]), frame)
    assert d.startswith("M") and d.count("z") == 3 and d.count("m") == 2
    assert decode(d) == expected_rings(shape, frame)


offsets = st.integers(0, 50_000)
sides = st.integers(200, 20_000)


def _box(spec: tuple[int, int, int, int]) -> shapely.Polygon:
    x, y, width, height = spec
    return shapely.box(ORIGIN[0] + x, ORIGIN[1] + y, ORIGIN[0] + x + width, ORIGIN[1] + y + height)


boxes = st.tuples(offsets, offsets, sides, sides).map(_box)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.lists(boxes, min_size=1, max_size=3), min_size=1, max_size=6),
       st.integers(100, 900))
def test_every_geometry_round_trips_through_its_path(groups, width):
    shapes = np.array([shapely.MultiPolygon(group) for group in groups])
    frame = fit_frame(shapes, width=width, density=2)
    paths = encode_paths(shapes, frame)
    for shape, d in zip(shapes, paths, strict=True):
        rings = expected_rings(shape, frame)
        if rings:
            assert decode(d) == rings
        assert re.fullmatch(r"(M-?\d+[ -]\d+(l[-0-9 ]+)?z(m[-0-9 ]+(l[-0-9 ]+)?z)*)?", d)


def test_collapsed_communes_keep_a_path_and_none_stays_empty():
    tiny = shapely.box(ORIGIN[0], ORIGIN[1], ORIGIN[0] + 1, ORIGIN[1] + 1)
    large = shapely.box(ORIGIN[0], ORIGIN[1], ORIGIN[0] + 1_000_000, ORIGIN[1] + 1_000_000)
    shapes = np.array([large, tiny, None])
    frame = fit_frame(shapes, width=500, density=2)
    paths = encode_paths(simplify_for_frame(shapes, frame), frame)
    assert paths[0].startswith("M") and paths[1].startswith("M")
    assert paths[2] == ""
