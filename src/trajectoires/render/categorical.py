"""Maps of named classes (local clusters, distance bands), with an optional layer of points.

The same document as a choropleth (``docs/maps.md``): one ``<path>`` per commune
with ``data-code`` and a hover ``<title>``, communes grouped by class, a
``<title>``/``<desc>`` pair naming each class with its number of communes, a
text legend, presentation attributes only. Colour is never the only cue
(WCAG 1.4.1): a class may carry a texture (``pattern``), every class is named in
the legend, the hover text and the description, and missing values are hatched.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from trajectoires.analysis.classes import MISSING_CLASS
from trajectoires.render._document import (
    DENSITY,
    HATCH_SIZE,
    MARGIN,
    PATTERNS,
    assemble,
    commune_groups,
    heading,
    motif,
)
from trajectoires.render._french import format_number
from trajectoires.render._legend import LegendEntry, draw_legend
from trajectoires.render._svg import element, escape_many
from trajectoires.render.choropleth import check_id, column
from trajectoires.render.outlines import (
    MIN_WIDTH,
    Outlines,
    check_geometries,
    map_width,
    outlines_for,
)

__all__ = ["CategoricalMap", "Category", "PointLayer", "categorical_svg", "render_categorical"]

_COLOUR = re.compile(r"#[0-9a-fA-F]{6}")
POINT_RADIUS = 3.5  # pixels


@dataclass(frozen=True)
class Category:
    """One named class of a categorical map.

    Attributes
    ----------
    key : str
        The value that marks a commune of this class (e.g. ``"high-high"``).
    label : str
        French text of the class in the legend, the hover text and the description.
    fill : str
        Colour, ``#rrggbb``.
    pattern : str or None
        A texture over the colour (``"hachures"`` or ``"points"``, see
        :data:`~trajectoires.render._document.PATTERNS`), so that classes of
        close colours differ by more than colour.

    """

    key: str
    label: str
    fill: str
    pattern: str | None = None


@dataclass(frozen=True)
class PointLayer:
    """Places drawn as dots over the communes, with one entry in the legend.

    Attributes
    ----------
    xy : numpy.ndarray
        ``(n, 2)`` coordinates in the projection of the geometries (metres).
    label : str
        Legend text, e.g. ``"France Services"``; the legend adds the count.
    names : sequence of str, optional
        Hover text of each point.

    """

    xy: np.ndarray
    label: str
    names: Sequence[str] | None = None


@dataclass(frozen=True)
class CategoricalMap:
    """A rendered map of named classes.

    Attributes
    ----------
    svg : str
        The standalone SVG document.
    counts : dict of str to int
        Number of drawn communes in each class (by key), in the order of the classes.
    missing : int
        Drawn communes without a class (hatched as missing).
    drawn : int
        Number of communes drawn.
    missing_geometries : tuple of str
        Codes of the communes skipped because their geometry is missing or empty.
    points_drawn : int
        Points drawn (those inside the frame of the map).

    """

    svg: str
    counts: dict[str, int]
    missing: int
    drawn: int
    missing_geometries: tuple[str, ...]
    points_drawn: int


def _check_classes(classes: Sequence[Category]) -> list[Category]:
    classes = list(classes)
    if not classes:
        raise ValueError("classes : au moins une classe attendue")
    keys = [c.key for c in classes]
    if len(set(keys)) != len(keys):
        raise ValueError(f"classes : clés en double dans {keys}")
    for category in classes:
        if not _COLOUR.fullmatch(category.fill):
            raise ValueError(f"classes : couleur #rrggbb attendue pour {category.key!r}, "
                             f"reçu {category.fill!r}")
        if category.pattern is not None and category.pattern not in PATTERNS:
            raise ValueError(f"classes : motif inconnu {category.pattern!r} pour "
                             f"{category.key!r} ; disponibles : {', '.join(PATTERNS)}")
    return classes


def _class_indexes(categories: Sequence, classes: list[Category]) -> np.ndarray:
    """Index of each commune's class in ``classes``; -1 for None or NaN."""
    position = {c.key: i for i, c in enumerate(classes)}
    indexes = np.empty(len(categories), dtype=np.int64)
    for i, value in enumerate(categories):
        if value is None or (isinstance(value, float) and math.isnan(value)):
            indexes[i] = MISSING_CLASS
        elif value in position:
            indexes[i] = position[value]
        else:
            raise ValueError(f"categories : classe inconnue {value!r} à la position {i} ; "
                             f"classes : {', '.join(map(str, position))}")
    return indexes


def _points(layer: PointLayer, outlines: Outlines) -> tuple[str, int]:
    """Draw the points inside the frame in a ``<g class="lieux">``; return it and their number."""
    xy = np.asarray(layer.xy, dtype=float).reshape(-1, 2)
    frame = outlines.frame
    gx = np.rint((xy[:, 0] - frame.x_min) * frame.scale)
    gy = np.rint((frame.y_max - xy[:, 1]) * frame.scale)
    inside = np.isfinite(gx) & np.isfinite(gy) & (gx >= 0) & (gx <= frame.width)
    inside &= (gy >= 0) & (gy <= frame.height)
    radius = POINT_RADIUS * DENSITY
    if layer.names is None:
        titles = [""] * int(inside.sum())
    else:
        names = column("points.names", layer.names, len(xy))
        titles = [f"<title>{text}</title>" for text in escape_many(names[inside])]
    circles = "".join(
        f'<circle cx="{x:.0f}" cy="{y:.0f}" r="{radius}">{title}</circle>' if title
        else f'<circle cx="{x:.0f}" cy="{y:.0f}" r="{radius}"/>'
        for x, y, title in zip(gx[inside].tolist(), gy[inside].tolist(), titles, strict=True)
    )
    group = element("g", circles, class_="lieux", fill="#000000", stroke="#ffffff",
                    stroke_width=DENSITY)
    return group, int(inside.sum())


def _communes(count: int) -> str:
    return f"{format_number(count)} commune{'s' if count > 1 else ''}"


def _legend_rows(classes: list[Category], counts: list[int], missing: int, *, svg_id: str,
                 missing_label: str) -> tuple[list[LegendEntry], dict[str, str], str]:
    """Legend entries, the fills of patterned classes on the map, and their patterns."""
    entries, map_fills, defs = [], {}, []
    for i, (category, count) in enumerate(zip(classes, counts, strict=True)):
        fill = category.fill
        if category.pattern:
            pattern = f"{svg_id}-motif-{i}"
            defs.append(motif(pattern, category.pattern, fill, HATCH_SIZE * DENSITY))
            defs.append(motif(f"{pattern}-legende", category.pattern, fill, HATCH_SIZE))
            map_fills[f"c{i}"], fill = f"url(#{pattern})", f"url(#{pattern}-legende)"
        entries.append(LegendEntry(f"{category.label} ({format_number(count)})", fill, count,
                                   f"c{i}"))
    if missing:
        entries.append(LegendEntry(f"{missing_label} ({format_number(missing)})",
                                   f"url(#{svg_id}-hachures-legende)", missing, "cna"))
    return entries, map_fills, "".join(defs)


def _description(classes: list[Category], counts: list[int], missing: int, *, drawn: int,
                 skipped: int, legend_title: str, missing_label: str, source: str,
                 points: tuple[str, int] | None) -> str:
    """Text alternative of the map: each class with its number of communes, the points."""
    rows = [f"{c.label} : {_communes(n)}" for c, n in zip(classes, counts, strict=True)]
    if missing:
        rows.append(f"{missing_label} : {_communes(missing)}")
    text = f"Carte de {_communes(drawn)}. {legend_title} : {' ; '.join(rows)}."
    if points is not None:
        text += f" Points noirs : {points[0]}, {format_number(points[1])} sur la carte."
    if skipped:
        many = "s" if skipped > 1 else ""
        text += f" {format_number(skipped)} commune{many} sans géométrie, non dessinée{many}."
    if source:
        text += f" Source : {source}."
    return text


def _inputs(geometries: Sequence | np.ndarray | Outlines, categories: Sequence, *,
            codes: Sequence[str] | np.ndarray, names: Sequence[str] | np.ndarray,
            links: Sequence[str | None] | np.ndarray | None, classes: Sequence[Category],
            width: int, svg_id: str) -> tuple:
    """Check the arguments once, at the public boundary."""
    classes = _check_classes(classes)
    if not isinstance(geometries, Outlines):
        geometries = check_geometries(geometries)
    size = len(geometries)
    if len(categories) != size:
        raise ValueError(f"categories : {size} valeurs attendues (une par géométrie), "
                         f"reçu {len(categories)}")
    if width < MIN_WIDTH:
        raise ValueError(f"width : au moins {MIN_WIDTH} pixels attendus, reçu {width}")
    check_id(svg_id)
    indexes = _class_indexes(categories, classes)
    return (outlines_for(geometries, width), indexes, classes, column("codes", codes, size),
            column("names", names, size), column("links", links, size))


def render_categorical(
    geometries: Sequence | np.ndarray | Outlines,
    categories: Sequence,
    *,
    codes: Sequence[str] | np.ndarray,
    names: Sequence[str] | np.ndarray,
    classes: Sequence[Category],
    title: str,
    legend_title: str,
    source: str,
    points: PointLayer | None = None,
    links: Sequence[str | None] | np.ndarray | None = None,
    width: int = 800,
    missing_label: str = "Donnée manquante",
    svg_id: str = "carte",
) -> CategoricalMap:
    """Draw a map of communes coloured by named classes, as a standalone SVG document.

    Parameters
    ----------
    geometries : sequence of shapely Polygon or MultiPolygon, or Outlines
        As for :func:`~trajectoires.render.choropleth_svg`.
    categories : sequence
        The key of each commune's class; None or NaN is a missing value,
        hatched grey in the class ``missing_label``.
    codes, names, links, width, missing_label, svg_id
        As for :func:`~trajectoires.render.choropleth_svg`.
    classes : sequence of Category
        The classes, in legend order; each legend row gives its number of communes.
    title, legend_title, source : str
        Title of the map, of the legend, and the source line.
    points : PointLayer, optional
        Places drawn as black dots with a white ring (those outside the frame
        are left out), with one legend entry that gives their number.

    Returns
    -------
    CategoricalMap

    Raises
    ------
    ValueError
        On columns of the wrong length, a category that is not a class, a
        colour that is not ``#rrggbb``, an unknown pattern, or the errors of
        :func:`~trajectoires.render.choropleth_svg`.

    Examples
    --------
    >>> import shapely
    >>> squares = [shapely.box(x, 6_800_000, x + 1000, 6_801_000) for x in (140_000, 141_000)]
    >>> classes = [Category("near", "moins de 5 km", "#fef0d9"),
    ...            Category("far", "plus de 5 km", "#d7301f", pattern="hachures")]
    >>> result = render_categorical(
    ...     squares, ["near", "far"], codes=["29001", "29002"], names=["Argol", "Arzano"],
    ...     classes=classes, title="Distance", legend_title="Distance", source="",
    ...     points=PointLayer(np.array([[140_500.0, 6_800_500.0]]), "Mairies", ["Mairie"]))
    >>> result.counts, result.points_drawn, result.svg.count("<path ")
    ({'near': 1, 'far': 1}, 1, 2)

    """
    outlines, indexes, classes, codes, names, links = _inputs(
        geometries, categories, codes=codes, names=names, links=links, classes=classes,
        width=width, svg_id=svg_id)
    present = outlines.present
    drawn = indexes[present]
    counts = np.bincount(drawn[drawn >= 0], minlength=len(classes)).tolist()
    missing = int((drawn == MISSING_CLASS).sum())
    entries, map_fills, defs = _legend_rows(classes, counts, missing, svg_id=svg_id,
                                            missing_label=missing_label)
    communes = _commune_layer(outlines, drawn, classes, codes=codes, names=names, links=links,
                              entries=entries, map_fills=map_fills, svg_id=svg_id,
                              missing_label=missing_label)
    shown = None
    if points is not None:
        layer, entries, shown = _point_layer(points, outlines, entries)
        communes += "\n" + layer
    description = _description(classes, counts, missing, drawn=int(present.sum()),
                               skipped=int((~present).sum()), legend_title=legend_title,
                               missing_label=missing_label, source=source, points=shown)
    header = heading(title, width)
    legend = draw_legend(entries, x=2 * MARGIN + map_width(width), y=header[1],
                         legend_title=legend_title, unit="")
    svg = assemble(svg_id=svg_id, title=title, description=description, frame=outlines.frame,
                   communes=communes, drawn=int(present.sum()), heading=header, legend=legend,
                   source=source, width=width, interactive=links is not None, defs=defs,
                   css_class="carte-categories")
    return CategoricalMap(svg, {c.key: n for c, n in zip(classes, counts, strict=True)},
                          missing, int(present.sum()),
                          tuple(str(code) for code in codes[~present]),
                          0 if shown is None else shown[1])


def _commune_layer(outlines: Outlines, drawn: np.ndarray, classes: list[Category], *,
                   codes: np.ndarray, names: np.ndarray, links: np.ndarray | None,
                   entries: list[LegendEntry], map_fills: dict[str, str], svg_id: str,
                   missing_label: str) -> str:
    """Group of the communes drawn, each filled by its class, titled with its name and class."""
    present = outlines.present
    labels = [missing_label if i == MISSING_CLASS else classes[i].label for i in drawn.tolist()]
    titles = escape_many([f"{name} ({code})\u00a0: {label}" for name, code, label
                          in zip(names[present], codes[present], labels, strict=True)])
    return commune_groups(outlines.paths, codes[present], titles,
                          links=None if links is None else links[present], classes=drawn,
                          entries=entries, missing_fill=f"url(#{svg_id}-hachures)",
                          map_fills=map_fills)


def _point_layer(points: PointLayer, outlines: Outlines, entries: list[LegendEntry]
                 ) -> tuple[str, list[LegendEntry], tuple[str, int]]:
    """Layer of the points, the legend entries with theirs, and (label, number drawn)."""
    layer, points_drawn = _points(points, outlines)
    entries = [*entries, LegendEntry(f"{points.label} ({format_number(points_drawn)})",
                                     "#000000", points_drawn, "lieux", shape="point")]
    return layer, entries, (points.label, points_drawn)


def categorical_svg(geometries: Sequence | np.ndarray | Outlines, categories: Sequence,
                    **options: object) -> str:
    """Return only the SVG text of :func:`render_categorical` (same arguments).

    Examples
    --------
    >>> import shapely
    >>> square = shapely.box(140_000, 6_800_000, 141_000, 6_801_000)
    >>> svg = categorical_svg([square], ["far"], codes=["29001"], names=["Argol"],
    ...                       classes=[Category("far", "plus de 15 km", "#d7301f")],
    ...                       title="Distance", legend_title="Distance", source="")
    >>> "Argol (29001)\u00a0: plus de 15 km" in svg, 'class="carte-categories"' in svg
    (True, True)

    """
    return render_categorical(geometries, categories, **options).svg
