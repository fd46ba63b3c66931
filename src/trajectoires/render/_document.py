"""Assembly of the SVG document: header, communes grouped by class, legend, source.

Only presentation attributes are used (``fill``, ``stroke``…), never ``style``:
pages embed the map inline under ``Content-Security-Policy: style-src 'self'``,
and their own stylesheet can target the classes (``.communes path.c3``,
``path[data-code="29019"]``) to highlight or select communes.
"""

from __future__ import annotations

import math

import numpy as np

from trajectoires.analysis.classes import MISSING_CLASS
from trajectoires.render._legend import LegendEntry
from trajectoires.render._palette import MISSING_FILL
from trajectoires.render._paths import MapFrame
from trajectoires.render._svg import SVG_NAMESPACE, element, escape, escape_many, text_block

__all__ = ["DENSITY", "LEGEND_WIDTH", "MARGIN", "PATTERNS", "assemble", "commune_groups",
           "heading", "motif"]

MARGIN = 16
LEGEND_WIDTH = 230
DENSITY = 2
"""Grid units per pixel: one device pixel on a high-density screen."""
FONT = "Marianne, system-ui, -apple-system, 'Segoe UI', Arial, sans-serif"
HATCH_SIZE = 6
# Average glyph widths (in em) of a sans-serif font, to wrap text that SVG will not wrap.
BOLD_EM = 0.68
REGULAR_EM = 0.6
TITLE_SIZE = 18
SOURCE_SIZE = 11


def commune_groups(d: np.ndarray, codes: np.ndarray, titles: list[str], *,
                   links: np.ndarray | None, classes: np.ndarray, entries: list[LegendEntry],
                   missing_fill: str, map_fills: dict[str, str] | None = None) -> str:
    """One ``<g>`` per class holding its communes' paths, with the class's fill.

    ``titles`` are already escaped; codes and links are escaped here.
    ``map_fills`` (CSS class → fill) overrides the legend's fill on the map,
    for patterns drawn at the map's scale.
    """
    names = ["cna" if index == MISSING_CLASS else f"c{index}" for index in classes.tolist()]
    paths = [
        f'<path d="{data}" data-code="{code}" class="{name}"><title>{title}</title></path>'
        for data, code, name, title in zip(d.tolist(), escape_many(codes), names, titles,
                                           strict=True)
    ]
    if links is not None:
        hrefs = escape_many(["" if link is None else link for link in links])
        paths = [f'<a href="{href}">{path}</a>' if href else path
                 for path, href in zip(paths, hrefs, strict=True)]
    elements = np.array(paths, dtype=object)
    groups = []
    for entry in entries:
        index = MISSING_CLASS if entry.css_class == "cna" else int(entry.css_class[1:])
        members = elements[classes == index]
        if len(members):
            fill = missing_fill if index == MISSING_CLASS else entry.fill
            fill = (map_fills or {}).get(entry.css_class, fill)
            groups.append(element("g", "\n".join(members.tolist()), fill=fill,
                                  class_=f"classe {entry.css_class}"))
    return "\n".join(groups)


def hatching(pattern_id: str, size: float) -> str:
    """Draw the missing class: a grey background crossed by darker diagonal lines."""
    background = element("rect", width=size, height=size, fill=MISSING_FILL)
    line = element("line", x1=0, y1=0, x2=0, y2=size, stroke="#737373", stroke_width=size / 4)
    return element("pattern", background + line, id=pattern_id, width=size, height=size,
                   patternUnits="userSpaceOnUse", patternTransform="rotate(45)")


PATTERNS = ("hachures", "points")
"""Textures that can be laid over a class's colour, so colour is not its only cue."""


def _ink(fill: str) -> str:
    """Colour of a texture drawn over ``fill``: white on dark colours, dark grey on light."""
    red, green, blue = (int(fill[i:i + 2], 16) for i in (1, 3, 5))
    return "#ffffff" if 0.299 * red + 0.587 * green + 0.114 * blue < 150 else "#404040"


def motif(pattern_id: str, kind: str, fill: str, size: float) -> str:
    """Draw a texture over a solid ``fill`` (``#rrggbb``): diagonal lines or dots.

    Examples
    --------
    >>> motif("m", "points", "#b2182b", 6).count("<circle")
    2

    """
    background = element("rect", width=size, height=size, fill=fill)
    ink = _ink(fill)
    if kind == "hachures":
        mark = element("line", x1=0, y1=0, x2=0, y2=size, stroke=ink, stroke_width=size / 5)
        return element("pattern", background + mark, id=pattern_id, width=size, height=size,
                       patternUnits="userSpaceOnUse", patternTransform="rotate(-45)")
    if kind == "points":
        radius = round(size / 7, 2)
        mark = (element("circle", cx=size / 4, cy=size / 4, r=radius, fill=ink)
                + element("circle", cx=3 * size / 4, cy=3 * size / 4, r=radius, fill=ink))
        return element("pattern", background + mark, id=pattern_id, width=size, height=size,
                       patternUnits="userSpaceOnUse")
    raise ValueError(f"pattern : motif inconnu {kind!r} ; disponibles : {', '.join(PATTERNS)}")


def stroke_width(frame: MapFrame, drawn: int) -> float:
    """Commune border width in grid units: thinner when communes are small on screen."""
    typical = (frame.width * frame.height / max(drawn, 1)) ** 0.5 / frame.density
    return round(min(max(typical / 40, 0.1), 0.8) * frame.density, 2)


def heading(title: str, width: int) -> tuple[str, float]:
    """Draw the title at the top, wrapped to ``width``.

    Returns
    -------
    tuple of (str, float)
        The ``<text>`` element and the y coordinate where the map starts.

    Examples
    --------
    >>> heading("Densité de population — Finistère (29)", 800)[1]
    44

    """
    fragment, baseline = text_block(
        title, x=MARGIN, y=28, max_chars=int((width - 2 * MARGIN) / (TITLE_SIZE * BOLD_EM)),
        line_height=22, font_size=TITLE_SIZE, font_weight="bold",
    )
    return fragment, baseline + 16


def assemble(
    *,
    svg_id: str,
    title: str,
    description: str,
    frame: MapFrame,
    communes: str,
    drawn: int,
    heading: tuple[str, float],
    legend: tuple[str, float],
    source: str,
    width: int,
    interactive: bool,
    defs: str = "",
    css_class: str = "carte-choroplethe",
) -> str:
    """Put the parts together into one ``<svg>`` document.

    ``communes`` is the output of :func:`commune_groups` (``drawn`` paths);
    ``heading`` is the fragment and map top returned by :func:`heading`;
    ``legend`` is the fragment and bottom returned by ``draw_legend``;
    ``interactive`` (communes wrapped in links) makes the root a ``group``
    rather than an ``img``, whose children assistive technologies would hide;
    ``defs`` holds extra patterns and ``css_class`` is the root's class.
    """
    title_text, top = heading
    fragment, legend_bottom = legend
    body = [
        element("title", escape(title), id=f"{svg_id}-titre"),
        element("desc", escape(description), id=f"{svg_id}-desc"),
        element("defs", hatching(f"{svg_id}-hachures", HATCH_SIZE * DENSITY)
                + hatching(f"{svg_id}-hachures-legende", HATCH_SIZE) + defs),
        title_text,
        element("g", communes, class_="communes", stroke="#ffffff", stroke_linejoin="round",
                stroke_width=stroke_width(frame, drawn), fill_rule="evenodd",
                transform=f"translate({MARGIN} {top}) scale({1 / DENSITY})"),
        fragment,
    ]
    bottom = max(top + frame.height / DENSITY, legend_bottom) + 24
    if source:
        source_text, bottom = text_block(
            f"Source : {source}", x=MARGIN, y=bottom, line_height=14,
            max_chars=int((width - 2 * MARGIN) / (SOURCE_SIZE * REGULAR_EM)),
            font_size=SOURCE_SIZE, fill="#4d4d4d", class_="source",
        )
        body.append(source_text)
    height = math.ceil(bottom + 12)
    content = "\n".join(["", *body, ""])
    return element("svg", content, xmlns=SVG_NAMESPACE, viewBox=f"0 0 {width} {height}",
                   width=width, height=height, role="group" if interactive else "img",
                   aria_labelledby=f"{svg_id}-titre {svg_id}-desc", font_family=FONT,
                   class_=css_class) + "\n"
