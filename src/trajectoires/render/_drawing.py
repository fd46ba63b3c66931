"""Building blocks of the workshop drawings: document, legend row, notes, time axis, arrows.

:mod:`trajectoires.render.timeline` and :mod:`trajectoires.render.roadmap`
both use the document, the legend row, the empty-drawing note and the period
check; the time axis, the arrows and the row packing serve the roadmap for
now, but take only geometry, no roadmap data. French dates and counts come
from :mod:`trajectoires.render._french`, wrapped text from
:mod:`trajectoires.render._svg`. Unlike the maps, these drawings are laid out
by hand, so text widths are estimated from an average glyph width.
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from dataclasses import dataclass

from trajectoires.render._document import FONT
from trajectoires.render._svg import SVG_NAMESPACE, element, escape

__all__ = ["GREY", "INK", "MARGIN", "REGULAR_EM", "TimeAxis", "arrow_path", "arrowhead",
           "check_period", "empty_note", "legend_row", "pack_rows", "svg_document"]

MARGIN = 16
REGULAR_EM = 0.6  # average glyph width of a sans-serif font, in em
INK = "#1a1a1a"
GREY = "#4d4d4d"


def check_period(start: datetime.date, horizon: datetime.date, start_name: str) -> None:
    """Check that ``horizon`` comes after ``start`` (the argument ``start_name``).

    Examples
    --------
    >>> check_period(datetime.date(2030, 1, 1), datetime.date(2025, 1, 1), "today")
    Traceback (most recent call last):
    ...
    ValueError: horizon : date postérieure à today (2030-01-01) attendue, reçu 2025-01-01

    """
    if horizon <= start:
        raise ValueError(f"horizon : date postérieure à {start_name} ({start}) attendue, "
                         f"reçu {horizon}")


def svg_document(body: Sequence[str], *, svg_id: str, title: str, description: str,
                 width: int, height: float, css_class: str, fixed_size: bool) -> str:
    """Wrap ``body`` in an accessible ``<svg>`` root with its ``<title>`` and ``<desc>``.

    ``fixed_size`` writes ``width`` and ``height``; otherwise only the
    ``viewBox``, and the drawing fills the width of its container.

    Examples
    --------
    >>> svg = svg_document([], svg_id="d", title="T", description="D", width=100,
    ...                    height=49.6, css_class="c", fixed_size=False)
    >>> 'viewBox="0 0 100 50"' in svg, 'aria-labelledby="d-titre d-desc"' in svg
    (True, True)

    """
    height = round(height)
    size = {"width": width, "height": height} if fixed_size else {}
    content = "\n".join(["", element("title", escape(title), id=f"{svg_id}-titre"),
                         element("desc", escape(description), id=f"{svg_id}-desc"), *body, ""])
    return element("svg", content, xmlns=SVG_NAMESPACE, viewBox=f"0 0 {width} {height}",
                   **size, role="img", aria_labelledby=f"{svg_id}-titre {svg_id}-desc",
                   font_family=FONT, class_=css_class) + "\n"


def legend_row(items: Sequence[tuple[str, str, str]], *, y: float, width: float,
               font_size: float) -> tuple[str, float]:
    """Lay legend items out from left to right, wrapping to ``width``.

    Each item is a sample drawn within 10 units of (0, 0), its label (not
    escaped) and a CSS class suffix. Returns the ``<g>`` and the y below it.

    Examples
    --------
    >>> legend_row([("", "a", "a"), ("", "b", "b")], y=0, width=60, font_size=12)[1]
    54

    """
    parts, x, row = [], MARGIN, y + 10
    for sample, label, name in items:
        step = 23 + len(label) * font_size * REGULAR_EM + 16
        if x > MARGIN and x + step > width - MARGIN:
            x, row = MARGIN, row + font_size + 10
        text = element("text", escape(label), x=14, y=round(font_size / 3, 1),
                       font_size=font_size, fill=INK)
        parts.append(element("g", sample + text, class_=f"legende-{name}",
                             transform=f"translate({x + 10:g} {row:g})"))
        x += step
    return element("g", "".join(parts), class_="legende"), row + font_size + 10


def empty_note(text: str, *, x: float, y: float, font_size: float) -> str:
    """Say in italics that there is nothing to draw yet (``text`` is not escaped).

    Examples
    --------
    >>> empty_note("Rien", x=1, y=2, font_size=14)
    '<text x="1" y="2" font-size="14" font-style="italic" fill="#4d4d4d" class="vide">Rien</text>'

    """
    return element("text", escape(text), x=x, y=y, font_size=font_size, font_style="italic",
                   fill=GREY, class_="vide")


@dataclass(frozen=True)
class TimeAxis:
    """A horizontal time axis: dates from ``start`` to ``horizon`` across ``left``–``right``.

    Examples
    --------
    >>> axis = TimeAxis(datetime.date(2025, 1, 1), datetime.date(2026, 1, 1), 0, 365)
    >>> axis.x(datetime.date(2025, 7, 2)), axis.x(datetime.date(2030, 1, 1))
    (182.0, 365.0)

    """

    start: datetime.date
    horizon: datetime.date
    left: float
    right: float

    def x(self, when: datetime.date) -> float:
        """Abscissa of ``when``, clamped to the axis."""
        days = (min(max(when, self.start), self.horizon) - self.start).days
        return round(self.left + days * (self.right - self.left)
                     / (self.horizon - self.start).days, 1)

    def years(self, top: float, bottom: float) -> str:
        """Years at the top, centred in their span, and a line at each new year."""
        parts = [element("line", x1=x, y1=top, x2=x, y2=bottom, stroke="#8c8c8c")
                 for x in (self.left, self.right)]
        for year in range(self.start.year, self.horizon.year + 1):
            left = self.x(datetime.date(year, 1, 1))
            right = self.x(datetime.date(year, 12, 31))
            if right - left >= 40:
                parts.append(element("text", str(year), x=round((left + right) / 2, 1),
                                     y=top + 18, text_anchor="middle", font_size=14,
                                     font_weight="bold", fill=GREY))
            if self.start < datetime.date(year, 1, 1):
                parts.append(element("line", x1=left, y1=top, x2=left, y2=bottom,
                                     stroke="#bdbdbd", stroke_dasharray="4 3"))
        return element("g", "\n".join(parts), class_="annees")


def arrowhead(marker_id: str, fill: str = GREY) -> str:
    """Define the arrowhead ``marker_end="url(#marker_id)"`` draws, drawn at 9 units."""
    return element("marker", element("path", d="M0 0L10 5L0 10z", fill=fill), id=marker_id,
                   viewBox="0 0 10 10", refX=10, refY=5, markerWidth=9, markerHeight=9,
                   markerUnits="userSpaceOnUse", orient="auto")


def arrow_path(xa: float, ya: float, xb: float, yb: float, *, detour: float) -> str:
    """Join (``xa``, ``ya``), the end of one item, to (``xb``, ``yb``), the start of the next.

    A curve when the second starts well after the first ends; otherwise a path
    that turns back ``detour`` below (or above) ``ya``, through the gap between
    the rows rather than across the items.

    Examples
    --------
    >>> arrow_path(10, 20, 100, 20, detour=23)
    'M10.0 20.0C55.0 20.0 55.0 20.0 100.0 20.0'
    >>> arrow_path(100, 20, 50, 60, detour=23)
    'M100.0 20.0H104.0V43.0H40.0V60.0L50.0 60.0'

    """
    if xb - xa >= 24:
        dx = max(12.0, (xb - xa) / 2)
        return (f"M{xa:.1f} {ya:.1f}C{xa + dx:.1f} {ya:.1f} {xb - dx:.1f} {yb:.1f} "
                f"{xb:.1f} {yb:.1f}")
    gap = ya + detour * (1 if yb > ya else -1)
    return (f"M{xa:.1f} {ya:.1f}H{xa + 4:.1f}V{gap:.1f}H{xb - 10:.1f}V{yb:.1f}"
            f"L{xb:.1f} {yb:.1f}")


def pack_rows(extents: Sequence[tuple[float, float]], keys: Sequence[int],
              gap: float) -> list[int]:
    """Row of each extent (left, right): the first one where it fits ``gap`` after the last.

    Greedy, by left end (then right end, then key): items that overlap are
    stacked, items far enough apart share a row.

    Examples
    --------
    >>> pack_rows([(0, 10), (5, 20), (25, 30)], [1, 2, 3], gap=12)
    [0, 1, 0]

    """
    ends: list[float] = []
    rows = [0] * len(extents)
    for index in sorted(range(len(extents)), key=lambda i: (extents[i], keys[i])):
        left, right = extents[index]
        row = next((r for r, end in enumerate(ends) if end + gap <= left), len(ends))
        if row == len(ends):
            ends.append(right)
        ends[row] = right
        rows[index] = row
    return rows
