"""Server-side SVG maps: metropolitan France (34,738 communes) and Finistère (277).

Measured: the time of :func:`trajectoires.render.render_choropleth` (density in 5
quantile classes, geometries already loaded from the reference, warm: best of
``REPEAT`` runs after one warm-up, as ``timeit`` does, interleaved with the
reference; wall time and CPU time) and the size of the SVG it writes.

References measured in the same run, on the same geometries and values:

- time: a naive SVG writer that loops over every vertex in Python and writes
  absolute coordinates (0.1 px) without simplification, with the same classes,
  titles and codes (``ratio`` = naive time / our time: > 1 means faster);
- size: the same naive SVG (``ratio`` = naive size / our size: > 1 means smaller);
- size: geopandas' plain ``GeoSeries.to_json()`` of the same geometries, what a
  client-side map would have to download before drawing anything.

Also measured: the five maps of a diagnosis of the Finistère (one choropleth and
four categorical maps of six named classes, three with 40 places drawn) from
outlines prepared once with :func:`trajectoires.render.prepare_outlines`,
against the same five maps each simplifying its own outlines.

The reference of places is built once in ``<tmp>/trajectoires-bench-reference``.
"""

from __future__ import annotations

import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import geopandas
import numpy as np
import shapely

from trajectoires.render import (
    Category,
    PointLayer,
    classify,
    prepare_outlines,
    render_categorical,
    render_choropleth,
)
from trajectoires.render._paths import fit_frame
from trajectoires.territory import load_reference

REPEAT = 5
WORKSPACE = Path(tempfile.gettempdir()) / "trajectoires-bench-reference"
GOALS = {"France": ("< 3 s", "< 6 MB"), "Finistère": ("instant (< 0.1 s)", "< 0.5 MB")}


def _race(ours: Callable[[], object], naive: Callable[[], object]) -> dict[str, object]:
    """Time both sides, interleaved, best of ``REPEAT`` after a warm-up of each.

    Interleaving exposes both sides to the same load when the machine is shared;
    CPU time (``time.process_time``, both sides single-threaded) is reported
    beside wall time because it does not count the time spent waiting for a CPU.
    """
    results = {"ours": ours(), "naive": naive()}  # warm-up (first imports, number tables)
    best = {(side, clock): float("inf") for side in results for clock in ("wall", "cpu")}
    for _ in range(REPEAT):
        for side, function in (("ours", ours), ("naive", naive)):
            wall, cpu = time.perf_counter(), time.process_time()
            results[side] = function()
            best[side, "cpu"] = min(best[side, "cpu"], time.process_time() - cpu)
            best[side, "wall"] = min(best[side, "wall"], time.perf_counter() - wall)
    return {"results": results, "best": best}


def _naive_svg(geometries: np.ndarray, values: np.ndarray, codes: list, names: list) -> str:
    """Per-vertex Python writer: absolute coordinates, no simplification."""
    frame = fit_frame(geometries, width=538, density=1)
    classes = classify(values).classes
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {frame.width} '
             f'{frame.height}">']
    for geometry, klass, code, name, value in zip(
        geometries, classes, codes, names, values, strict=True
    ):
        if geometry is None:
            continue
        d = []
        for polygon in getattr(geometry, "geoms", [geometry]):
            for ring in [polygon.exterior, *polygon.interiors]:
                points = [
                    f"{(x - frame.x_min) * frame.scale:.1f} {(frame.y_max - y) * frame.scale:.1f}"
                    for x, y in ring.coords
                ]
                d.append("M" + " L".join(points) + "Z")
        parts.append(f'<path d="{"".join(d)}" data-code="{code}" class="c{klass}">'
                     f"<title>{name} ({code}) : {value:.1f} hab./km²</title></path>")
    parts.append("</svg>")
    return "\n".join(parts)


def _rows(label: str, table, geometries: np.ndarray) -> list[dict]:
    values = table["density"].to_numpy(dtype=float, na_value=np.nan)
    codes, names = table.index.to_list(), table["name"].to_list()

    def ours():
        return render_choropleth(
            geometries, values, codes=codes, names=names, title=f"Densité — {label}",
            legend_title="Densité de population", unit="hab./km²", source="INSEE",
        )

    race = _race(ours, lambda: _naive_svg(geometries, values, codes, names))
    result, naive = race["results"]["ours"], race["results"]["naive"]
    best = race["best"]
    present = geometries[~shapely.is_missing(geometries)]
    geojson = len(geopandas.GeoSeries(present, crs="EPSG:2154").to_json().encode()) / 1e6
    ours_size = len(result.svg.encode()) / 1e6
    naive_size = len(naive.encode()) / 1e6
    goal_time, goal_size = GOALS[label]
    return [
        *(
            {"name": f"SVG map of {label} ({result.drawn} communes): {clock} time",
             "value": best["ours", clock], "unit": "s", "goal": goal_time,
             "reference": best["naive", clock], "reference_name": "naive per-vertex SVG writer",
             "ratio": best["naive", clock] / best["ours", clock]}
            for clock in ("wall", "cpu")
        ),
        {"name": f"SVG map of {label}: size", "value": ours_size, "unit": "MB",
         "goal": goal_size, "reference": naive_size,
         "reference_name": "naive per-vertex SVG", "ratio": naive_size / ours_size},
        {"name": f"SVG map of {label}: size vs GeoJSON", "value": ours_size, "unit": "MB",
         "goal": goal_size, "reference": geojson,
         "reference_name": "GeoSeries.to_json()", "ratio": geojson / ours_size},
    ]


CLASSES = [Category(key, key, colour, pattern) for key, colour, pattern in (
    ("high-high", "#ca0020", None), ("low-low", "#0571b0", None),
    ("high-low", "#f4a582", "hachures"), ("low-high", "#92c5de", "hachures"),
    ("not significant", "#f0f0f0", None), ("no neighbours", "#ffffff", "points"))]


def _diagnosis_maps_row(table, geometries: np.ndarray) -> dict:
    """Five maps of one territory: outlines shared, against each map preparing its own."""
    rng = np.random.default_rng(0)
    values = table["density"].to_numpy(dtype=float, na_value=np.nan)
    labels = rng.choice([c.key for c in CLASSES], size=len(table)).tolist()
    codes, names = table.index.to_list(), table["name"].to_list()
    centres = shapely.get_coordinates(shapely.centroid(geometries[rng.choice(len(table), 40)]))
    points = PointLayer(centres, "Lieux", [f"Lieu {i}" for i in range(len(centres))])

    def five(outlines) -> list[str]:
        svgs = [render_choropleth(outlines, values, codes=codes, names=names, title="Densité",
                                  legend_title="Densité", unit="hab./km²", source="").svg]
        for i in range(4):
            svgs.append(render_categorical(
                outlines, labels, codes=codes, names=names, classes=CLASSES, title="Classes",
                legend_title="Classes", source="", points=points if i else None,
                svg_id=f"carte-{i}").svg)
        return svgs

    race = _race(lambda: five(prepare_outlines(geometries)), lambda: five(geometries))
    assert race["results"]["ours"] == race["results"]["naive"]  # the same documents
    best = race["best"]
    return {"name": f"five diagnosis maps of Finistère ({len(table)} communes), outlines "
                    "prepared once: wall time", "value": best["ours", "wall"], "unit": "s",
            "goal": "instant (< 0.1 s)", "reference": best["naive", "wall"],
            "reference_name": "each map simplifying its own outlines",
            "ratio": best["naive", "wall"] / best["ours", "wall"]}


def run() -> list[dict]:
    ref = load_reference(WORKSPACE, progress=True)
    france = ref.metropolitan_communes()
    finistere = ref.communes_of(ref.resolve("29"))
    outlines = ref.commune_geometries(finistere.index.to_list())
    return [
        *_rows("France", france, ref.commune_geometries(france.index.to_list())),
        *_rows("Finistère", finistere, outlines),
        _diagnosis_maps_row(finistere, outlines),
    ]


if __name__ == "__main__":
    for row in run():
        print(row)
