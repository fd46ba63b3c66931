"""Maps of a diagnosis: fragility choropleth, local clusters, access with places drawn.

The renderer of :mod:`trajectoires.render` classifies with mapclassify, whose
import compiles numba functions on every start (about 10 s when numba is
installed), and cannot draw named classes nor points. A diagnosis needs named
classes (local clusters, distance bands) and places drawn as points, and must
start fast, so its maps are written here with the render conventions (no ``style`` attribute, a
``<title>``/``<desc>`` pair, one ``<path>`` per commune with ``data-code``,
missing values hatched, so colour is never the only cue).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from html import escape

import numpy as np
import pandas as pd

from trajectoires import analysis
from trajectoires.territory import Reference

__all__ = ["LISA_CLASSES", "DiagnosisMaps", "access_map", "categorical_svg", "classed_map",
           "cluster_map", "fragility_map"]

LISA_CLASSES: dict[str, tuple[str, str]] = {
    "high-high": ("#b2182b", "Foyer de fragilité (fort entouré de fort)"),
    "low-low": ("#2166ac", "Zone préservée (faible entouré de faible)"),
    "high-low": ("#f4a582", "Îlot fragile (fort entouré de faible)"),
    "low-high": ("#92c5de", "Îlot préservé (faible entouré de fort)"),
    "not significant": ("#f0f0f0", "Pas de regroupement significatif"),
    "no neighbours": ("#ffffff", "Sans voisin (île) ou sans valeur : non testé"),
}
DISTANCE_BANDS = ((0, 5, "#fef0d9"), (5, 10, "#fdcc8a"), (10, 15, "#fc8d59"),
                  (15, float("inf"), "#d7301f"))
WIDTH, MAP_W, LEGEND_X = 960, 540, 560


@dataclass(frozen=True)
class DiagnosisMaps:
    """The SVG texts of a diagnosis (None when the map cannot be drawn)."""

    fragility: str | None
    clusters: str | None
    access: dict[str, str]


YLORRD5 = ("#ffffb2", "#fecc5c", "#fd8d3c", "#f03b20", "#bd0026")
"""ColorBrewer YlOrRd, 5 classes (colour-blind safe)."""


def classed_map(ref: Reference, table: pd.DataFrame, column: str, *, title: str, unit: str,
                svg_id: str, k: int = 5) -> str | None:
    """Map ``column`` in ``k`` quantile classes (None: fewer than 2 values).

    Classes come from :func:`trajectoires.analysis.classify` (numpy, no
    mapclassify import); missing values form their own named class.
    """
    values = pd.to_numeric(table[column], errors="coerce").astype(float)
    if values.notna().sum() < 2:
        return None
    result = analysis.classify(values.to_numpy(), "quantiles", k=k)
    classes, lower = [], float(values.min())
    keys = pd.Series("na", index=table.index)
    for i, upper in enumerate(result.bins):
        keys[result.classes == i] = f"c{i}"
        text = f"de {french(lower)} à {french(float(upper))} {unit}".rstrip()
        classes.append((f"c{i}", YLORRD5[round(i * 4 / max(len(result.bins) - 1, 1))], text))
        lower = float(upper)
    classes.append(("na", "#ffffff", "Donnée manquante"))
    return categorical_svg(ref, table, keys, classes=classes, title=title, svg_id=svg_id)


def french(value: float) -> str:
    """Write a short French number: decimal comma, two decimals at most.

    >>> french(4.5), french(10.0), french(3.333)
    ('4,5', '10', '3,33')
    """
    return f"{value:.2f}".rstrip("0").rstrip(".").replace(".", ",")


def fragility_map(ref: Reference, table: pd.DataFrame, unit_name: str) -> str | None:
    """Choropleth of the fragility index (quantile classes), None without an index."""
    return classed_map(ref, table, "fragility_index", unit="",
                       title=f"Indice de fragilité numérique (1 à 10) — {unit_name}",
                       svg_id="carte-fragilite")


@lru_cache(maxsize=16)
def _outlines(ref: Reference, codes: tuple[str, ...]) -> tuple[tuple, dict[str, str]]:
    """Frame ``(x0, y1, scale, height)`` and path of each commune (cached for every map)."""
    geometries = ref.commune_geometries(codes)
    frame = _frame(geometries)
    x0, y1, scale, _ = frame
    paths = {code: _path(g, x0, y1, scale) for code, g in zip(codes, geometries, strict=True)
             if g is not None}
    return frame, paths


def _frame(geometries: np.ndarray) -> tuple[float, float, float, float]:
    import shapely

    bounds = shapely.total_bounds([g for g in geometries if g is not None])
    scale = MAP_W / max(bounds[2] - bounds[0], (bounds[3] - bounds[1]) / 1.25, 1.0)
    height = (bounds[3] - bounds[1]) * scale
    return bounds[0], bounds[3], scale, height


def _path(geometry: object, x0: float, y1: float, scale: float) -> str:
    import shapely

    simple = shapely.simplify(geometry, 0.5 / scale)
    parts = []
    for polygon in getattr(simple, "geoms", [simple]):
        for ring in [polygon.exterior, *polygon.interiors]:
            xy = np.asarray(ring.coords)[:-1]
            px = np.round((xy[:, 0] - x0) * scale, 1)
            py = np.round((y1 - xy[:, 1]) * scale, 1)
            if len(px) >= 3:
                parts.append("M" + " ".join(f"{a:g} {b:g}" for a, b in zip(px, py, strict=True))
                             + "z")
    return "".join(parts)


def _legend(entries: list[tuple[str, str, int]], top: float, extra: str = "") -> str:
    rows = []
    for i, (color, label, count) in enumerate(entries):
        y = top + 26 * i
        rows.append(f'<rect x="{LEGEND_X}" y="{y}" width="18" height="18" fill="{color}" '
                    f'stroke="#555"/><text x="{LEGEND_X + 26}" y="{y + 14}" font-size="12">'
                    f"{escape(label)} ({count})</text>")
    return f'<g class="legende">{"".join(rows)}{extra}</g>'


def categorical_svg(ref: Reference, table: pd.DataFrame, categories: pd.Series, *,
                    classes: list[tuple[str, str, str]], title: str, svg_id: str,
                    points: np.ndarray | None = None, points_label: str = "") -> str:
    """Draw a map of named classes: ``classes`` is ``(key, colour, French label)``."""
    codes = tuple(table.index)
    (x0, y1, scale, height), paths = _outlines(ref, codes)
    top = 40
    hatch = f"{svg_id}-hachures"
    fills = {key: f"url(#{hatch})" if key == "na" else color for key, color, _ in classes}
    counts = categories.value_counts()
    classes = [c for c in classes if c[0] != "na" or counts.get("na", 0)]
    names = dict(zip(codes, table["name"], strict=True))
    groups = []
    for key, _color, label in classes:
        members = [code for code in categories.index[categories == key] if code in paths]
        body = "".join(f'<path d="{paths[code]}" data-code="{code}"><title>'
                       f"{escape(names[code])} ({code}) : {escape(label)}</title></path>"
                       for code in members)
        groups.append(f'<g class="classe" fill="{fills[key]}">{body}</g>')
    entries = [(fills[k], lab, int(counts.get(k, 0))) for k, _, lab in classes]
    marks, extra = "", ""
    if points is not None and len(points):
        px, py = (points[:, 0] - x0) * scale, (y1 - points[:, 1]) * scale
        inside = (px >= 0) & (px <= MAP_W) & (py >= 0) & (py <= height)
        marks = "".join(f'<circle cx="{a:.1f}" cy="{b:.1f}" r="3.5"/>'
                        for a, b in zip(px[inside], py[inside], strict=True))
        marks = f'<g class="lieux" fill="#000" stroke="#fff" stroke-width="1">{marks}</g>'
        y = top + 26 * len(entries)
        extra = (f'<circle cx="{LEGEND_X + 9}" cy="{y + 9}" r="4" fill="#000" stroke="#fff"/>'
                 f'<text x="{LEGEND_X + 26}" y="{y + 14}" font-size="12">'
                 f"{escape(points_label)} ({int(inside.sum())})</text>")
    description = f"Carte de {len(table)} communes. " + " ; ".join(
        f"{lab} : {n} communes" for _, lab, n in entries) + "."
    total_h = max(height + top, top + 26 * (len(entries) + 2)) + 10
    return (f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {total_h:.0f}" '
            f'width="{WIDTH}" height="{total_h:.0f}" role="img" class="carte-categories" '
            f'aria-labelledby="{svg_id}-titre {svg_id}-desc">'
            f'<title id="{svg_id}-titre">{escape(title)}</title>'
            f'<desc id="{svg_id}-desc">{escape(description)}</desc>'
            f'<defs><pattern id="{hatch}" width="6" height="6" patternUnits="userSpaceOnUse" '
            f'patternTransform="rotate(45)"><rect width="6" height="6" fill="#ffffff"/>'
            f'<line x1="0" y1="0" x2="0" y2="6" stroke="#999" stroke-width="2"/></pattern></defs>'
            f'<text x="0" y="20" font-size="16" font-weight="bold">{escape(title)}</text>'
            f'<g transform="translate(0 {top})" stroke="#777" stroke-width="0.4">'
            f'{"".join(groups)}</g><g transform="translate(0 {top})">{marks}</g>'
            f"{_legend(entries, top, extra)}</svg>")


def cluster_map(ref: Reference, table: pd.DataFrame, unit_name: str) -> str | None:
    """Local clusters of the index (LISA), None when they were not computed."""
    if table["lisa"].isna().all():
        return None
    labels = table["lisa"].fillna("no neighbours")
    classes = [(key, color, label) for key, (color, label) in LISA_CLASSES.items()]
    return categorical_svg(ref, table, labels, classes=classes, svg_id="carte-lisa",
                           title=f"Regroupements locaux de la fragilité — {unit_name}")


def access_map(ref: Reference, table: pd.DataFrame, unit_name: str, kind: str, *,
               label: str, places: pd.DataFrame) -> str | None:
    """Distance bands to the nearest place of ``kind``, the places drawn as dots."""
    column = f"dist_{kind}"
    if column not in table or table[column].isna().all():
        return None
    bands = pd.Series("na", index=table.index)
    classes = []
    for low, high, color in DISTANCE_BANDS:
        key = f"{low}-{high}"
        distance = table[column]
        bands[((distance > low) | ((low == 0) & (distance == 0))) & (distance <= high)] = key
        text = f"plus de {low} km" if high == float("inf") else f"de {low} à {high} km"
        classes.append((key, color, text))
    classes.append(("na", "#ffffff", "Distance non calculée"))
    located = places.dropna(subset=["x", "y"])
    points = located[["x", "y"]].to_numpy(dtype=float) if len(located) else None
    return categorical_svg(ref, table, bands, classes=classes, svg_id=f"carte-acces-{kind}",
                           title=f"Distance au plus proche lieu ({label}) — {unit_name}",
                           points=points, points_label=label)
