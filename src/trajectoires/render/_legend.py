"""The legend of a choropleth map: class bounds written the French way.

The legend is drawn with presentation attributes only (no ``style``), so the
SVG can be embedded inline under a strict Content-Security-Policy.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from trajectoires.analysis.classes import Classification
from trajectoires.render._french import bound_decimals, format_number
from trajectoires.render._svg import element, text_block

__all__ = ["LegendEntry", "draw_legend", "legend_entries"]

SWATCH_WIDTH = 20
SWATCH_HEIGHT = 14
ROW_HEIGHT = 22
TITLE_LINE_HEIGHT = 17
TITLE_CHARS = 26  # of 13-pixel bold text in the 230-pixel legend column
LABEL_CHARS = 28  # of 12-pixel text beside a swatch
LABEL_LINE_HEIGHT = 14


@dataclass(frozen=True)
class LegendEntry:
    """One row of the legend.

    Attributes
    ----------
    label : str
        Text of the row, e.g. ``"de 15 à 30"`` (not escaped).
    fill : str
        Fill of the swatch: a colour or a ``url(#…)`` pattern reference.
    count : int
        Number of communes in the class.
    css_class : str
        Class of the commune paths drawn with this entry (``c0``…, ``cna``),
        or of the layer of points (``lieux``).
    shape : str, default "rect"
        ``"rect"`` (a swatch of the class's fill) or ``"point"`` (a dot, for
        a layer of points).

    """

    label: str
    fill: str
    count: int
    css_class: str
    shape: str = "rect"


def class_labels(classification: Classification) -> list[str]:
    """Labels ``"de a à b"`` of each class, with shared decimals.

    When each class holds a single value, the label is that value.

    Examples
    --------
    >>> from trajectoires.analysis.classes import classify
    >>> class_labels(classify([0.5, 1.2, 2.4, 1500.0], k=2))
    ['de 0 à 2', 'de 2 à 1\u202f500']
    >>> class_labels(classify([1.0, 2.0, 2.0, 1.0], k=5))
    ['1', '2']

    """
    bounds = classification.bounds.tolist()
    decimals = bound_decimals(bounds)
    texts = [format_number(bound, decimals) for bound in bounds]
    if classification.single_values:
        return texts[1:]
    return [f"de {low} à {high}" for low, high in zip(texts, texts[1:], strict=False)]


def legend_entries(
    classification: Classification,
    fills: Sequence[str],
    missing_fill: str,
    missing_label: str,
) -> list[LegendEntry]:
    """Legend rows: one per class, then the missing class if any value is missing."""
    entries = [
        LegendEntry(label, fill, int(count), f"c{index}")
        for index, (label, fill, count) in enumerate(
            zip(class_labels(classification), fills, classification.counts, strict=True)
        )
    ]
    if classification.missing:
        entries.append(LegendEntry(missing_label, missing_fill, classification.missing, "cna"))
    return entries


def _title_lines(legend_title: str, unit: str) -> list[str]:
    lines = [legend_title] if legend_title else []
    if unit:
        lines.append(f"({unit})")
    return lines


def draw_legend(
    entries: Sequence[LegendEntry], *, x: float, y: float, legend_title: str, unit: str
) -> tuple[str, float]:
    """Draw the legend with its top-left corner at (``x``, ``y``).

    Returns
    -------
    tuple of (str, float)
        The SVG fragment and the y coordinate just below the legend.

    Examples
    --------
    >>> entry = LegendEntry("de 1 à 2", "#ffffb2", 3, "c0")
    >>> svg, bottom = draw_legend([entry], x=0, y=0, legend_title="Densité", unit="hab./km²")
    >>> bottom
    62

    """
    parts = []
    for line in _title_lines(legend_title, unit):
        text, y = text_block(line, x=x, y=y + TITLE_LINE_HEIGHT, max_chars=TITLE_CHARS,
                             line_height=TITLE_LINE_HEIGHT, font_size=13, font_weight="bold")
        parts.append(text)
    y += 6
    for entry in entries:
        label, last = text_block(entry.label, x=x + SWATCH_WIDTH + 8, y=y + 15,
                                 max_chars=LABEL_CHARS, line_height=LABEL_LINE_HEIGHT,
                                 font_size=12)
        parts.append(element("g", _swatch(entry, x, y) + label,
                             class_=f"legende-{entry.css_class}"))
        y = last - 15 + ROW_HEIGHT
    return element("g", "".join(parts), class_="legende"), y


def _swatch(entry: LegendEntry, x: float, y: float) -> str:
    if entry.shape == "point":
        return element("circle", cx=x + SWATCH_WIDTH / 2, cy=y + ROW_HEIGHT / 2, r=4,
                       fill=entry.fill, stroke="#ffffff", stroke_width=1)
    return element("rect", x=x, y=y + (ROW_HEIGHT - SWATCH_HEIGHT) / 2, width=SWATCH_WIDTH,
                   height=SWATCH_HEIGHT, fill=entry.fill, stroke="#737373", stroke_width=0.5)
