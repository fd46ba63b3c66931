"""Maps of a diagnosis: fragility choropleth, local clusters, access with places drawn.

The fragility map is a choropleth of :func:`trajectoires.render.render_choropleth`.
The cluster and access maps are categorical (named classes, not bounds), with
places drawn as marked points, which the choropleth renderer does not offer:
they are written here, with the same conventions (no ``style`` attribute, a
``<title>``/``<desc>`` pair, one ``<path>`` per commune with ``data-code``,
missing values hatched, so colour is never the only cue).
"""

from __future__ import annotations

from dataclasses import dataclass
from html import escape

import numpy as np
import pandas as pd

from trajectoires.render import render_choropleth
from trajectoires.territory import Reference

__all__ = ["LISA_CLASSES", "DiagnosisMaps", "access_map", "cluster_map", "fragility_map"]

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
WIDTH, MAP_W, LEGEND_X = 800, 540, 560


@dataclass(frozen=True)
class DiagnosisMaps:
    """The SVG texts of a diagnosis (None when the map cannot be drawn)."""

    fragility: str | None
    clusters: str | None
    access: dict[str, str]


def fragility_map(ref: Reference, table: pd.DataFrame, unit_name: str, *,
                  column: str = "fragility_index", label: str = "Indice de fragilité numérique",
                  unit: str = "score de 1 à 10", svg_id: str = "carte-fragilite",
                  links: list[str] | None = None) -> str | None:
    """Choropleth of ``column`` over the communes of ``table`` (None: fewer than 2 values)."""
    if table[column].notna().sum() < 2:
        return None
    result = render_choropleth(
        ref.commune_geometries(table.index), table[column].to_numpy(dtype=float),
        codes=table.index, names=table["name"], title=f"{label} — {unit_name}",
        legend_title=label, unit=unit, links=links,
        source="Calcul Trajectoires (méthode nationale 2023) ; voir les sources du rapport",
        svg_id=svg_id, k=5, scheme="quantiles")
    return result.svg


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
    geometries = ref.commune_geometries(table.index)
    x0, y1, scale, height = _frame(geometries)
    top = 40
    fills = {key: color for key, color, _ in classes}
    groups = []
    for key, _color, label in classes:
        paths = []
        for code, name, geometry in zip(table.index, table["name"], geometries, strict=True):
            if geometry is None or categories.get(code) != key:
                continue
            paths.append(f'<path d="{_path(geometry, x0, y1, scale)}" data-code="{code}">'
                         f"<title>{escape(name)} ({code}) : {escape(label)}</title></path>")
        groups.append(f'<g class="classe" fill="{fills[key]}">{"".join(paths)}</g>')
    counts = categories.value_counts()
    entries = [(c, lab, int(counts.get(k, 0))) for k, c, lab in classes]
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
    from trajectoires.analysis import to_lambert93

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
    located = places.dropna(subset=["lat", "lon"])
    points = to_lambert93(located["lon"], located["lat"]) if len(located) else None
    return categorical_svg(ref, table, bands, classes=classes, svg_id=f"carte-acces-{kind}",
                           title=f"Distance au plus proche lieu ({label}) — {unit_name}",
                           points=points, points_label=label)
