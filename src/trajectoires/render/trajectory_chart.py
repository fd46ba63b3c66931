"""A trajectory chart: one indicator year by year, « tendance » against « actions » and the target.

The drawing of the trajectory page of a Construire 2030 workshop (issue #11). Years run
from left to right; the « tendance » scenario (no action) is a dashed grey line with its
uncertainty band shaded behind it, the « actions » scenario a solid blue line with round
points, the target a red diamond at its year with a dotted level line. Lines differ by
dash and markers as well as by colour, and the ``<title>``/``<desc>`` pair says in words
what is drawn (first and last values of both scenarios, the target and the gap left).

The document has only a ``viewBox`` and fills the width of its container. Two layouts:
the wide one, 640 units (a screen, paper), and the narrow one (``narrow=True``), 360 units
with fewer year labels, for a phone: the page shows one or the other by a CSS media
query, so that on a 390 px phone the labels stay about 13 px tall instead of 7 px (the
640-unit drawing shrunk to 358 px). The heading is the page's: the SVG carries it only
in its ``<title>``.

Examples
--------
>>> chart = TrajectoryChart("Taux FTTH", "%", (2024, 2025, 2026), (80.0, 82.0, 84.0),
...                         (80.0, 85.0, 90.0), target=(2026, 95.0))
>>> svg = trajectory_chart_svg(chart, svg_id="c")
>>> svg.startswith("<svg") and 'class="actions"' in svg and 'class="cible"' in svg
True

"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from trajectoires.render._drawing import GREY, MARGIN, legend_row, svg_document
from trajectoires.render._french import format_number
from trajectoires.render._svg import element, escape

__all__ = ["TrajectoryChart", "trajectory_chart_svg"]

PLOT_TOP = 32
FONT_SIZE = 13
BLUE = "#0b5cad"
RED = "#b3261e"
BAND = "#d9d9d9"


@dataclass(frozen=True)
class _Layout:
    """Sizes of one layout, in ``viewBox`` units: width, left margin, plot height, years."""

    width: int
    left: int
    plot_height: int
    max_years: int
    css_class: str


WIDE = _Layout(640, 84, 240, 7, "graphique-trajectoire graphique-large")
NARROW = _Layout(360, 60, 200, 4, "graphique-trajectoire graphique-etroit")


@dataclass(frozen=True)
class TrajectoryChart:
    """What one chart draws: an indicator's two scenarios over ``years`` and its target.

    ``low``/``high`` bound the uncertainty band of the tendance (``None``: no band);
    ``target`` is ``(year, value)`` or ``None``. Values may be ``None`` or NaN where unknown.
    """

    label: str
    unit: str
    years: tuple[int, ...]
    tendance: tuple[float | None, ...]
    actions: tuple[float | None, ...]
    low: tuple[float | None, ...] | None = None
    high: tuple[float | None, ...] | None = None
    target: tuple[int, float] | None = None
    decimals: int = 1

    def __post_init__(self) -> None:
        """Refuse series whose length differs from the years'."""
        if not self.years:
            raise ValueError("years : au moins une année attendue, reçu aucune")
        for name in ("tendance", "actions", "low", "high"):
            values = getattr(self, name)
            if values is not None and len(values) != len(self.years):
                raise ValueError(f"{name} : {len(self.years)} valeurs attendues (une par "
                                 f"année), reçu {len(values)}")


def _finite(value: float | None) -> bool:
    return value is not None and math.isfinite(value)


def _bounds(chart: TrajectoryChart) -> tuple[float, float]:
    values = [v for series in (chart.tendance, chart.actions, chart.low or (), chart.high or ())
              for v in series if _finite(v)]
    if chart.target is not None and _finite(chart.target[1]):
        values.append(chart.target[1])
    if not values:
        return 0.0, 1.0
    low, high = min(values), max(values)
    if low >= 0 and low < 0.35 * high:
        low = 0.0
    if high == low:
        high, low = high + (abs(high) or 1) * 0.1, low - (abs(low) or 1) * 0.1
    pad = (high - low) * 0.08
    return low - (pad if low != 0 else 0), high + pad


def _ticks(low: float, high: float) -> list[float]:
    """Round values between ``low`` and ``high``, four to six of them."""
    raw = (high - low) / 4
    magnitude = 10 ** math.floor(math.log10(raw))
    step = next(m * magnitude for m in (1, 2, 2.5, 5, 10) if m * magnitude >= raw)
    first = math.ceil(low / step) * step
    return [first + i * step for i in range(int((high - first) / step) + 1)]


@dataclass(frozen=True)
class _Frame:
    years: tuple[int, ...]
    low: float
    high: float
    layout: _Layout = WIDE

    @property
    def left(self) -> int:
        return self.layout.left

    @property
    def right(self) -> int:
        return self.layout.width - MARGIN

    @property
    def bottom(self) -> int:
        return PLOT_TOP + self.layout.plot_height

    def x(self, year: int) -> float:
        span = max(self.years[-1] - self.years[0], 1)
        return round(self.left + (year - self.years[0]) * (self.right - 12 - self.left) / span,
                     1)

    def y(self, value: float) -> float:
        top, bottom = PLOT_TOP, self.bottom
        return round(bottom - (value - self.low) * (bottom - top) / (self.high - self.low), 1)


def _axes(frame: _Frame, chart: TrajectoryChart) -> str:
    parts = []
    bottom, left, right = frame.bottom, frame.left, frame.right
    ticks = _ticks(frame.low, frame.high)
    decimals = _tick_decimals(ticks)
    for tick in ticks:
        y = frame.y(tick)
        parts.append(element("line", x1=left, y1=y, x2=right, y2=y, stroke="#e0e0e0"))
        parts.append(element("text", escape(format_number(tick, decimals)),
                             x=left - 6, y=y + 4, text_anchor="end", font_size=FONT_SIZE,
                             fill=GREY))
    every = max(1, math.ceil(len(chart.years) / frame.layout.max_years))
    for index, year in enumerate(chart.years):
        if index % every and year != chart.years[-1]:
            continue
        parts.append(element("text", str(year), x=frame.x(year), y=bottom + 18,
                             text_anchor="middle", font_size=FONT_SIZE, fill=GREY))
    parts.append(element("line", x1=left, y1=bottom, x2=right, y2=bottom, stroke="#8c8c8c"))
    if chart.unit:  # above the value axis, left-aligned: room for « locaux », « habitants »
        parts.append(element("text", escape(chart.unit), x=MARGIN, y=PLOT_TOP - 14,
                             font_size=FONT_SIZE, fill=GREY, class_="unite"))
    return element("g", "".join(parts), class_="axes")


def _tick_decimals(ticks: list[float]) -> int:
    """Decimals that tell the ticks apart: those of their step (0.005: 3, 2.5: 1, 20: 0).

    >>> _tick_decimals([0.355, 0.36, 0.365]), _tick_decimals([5.0, 7.5]), _tick_decimals([20.0])
    (3, 1, 0)
    """
    if len(ticks) < 2:  # noqa: PLR2004 - one tick: its own decimals
        step = abs(ticks[0]) if ticks and ticks[0] else 1.0
    else:
        step = abs(ticks[1] - ticks[0])
    for decimals in range(7):
        scaled = step * 10**decimals
        if abs(scaled - round(scaled)) < 1e-6 * max(scaled, 1):
            return decimals
    return 6


def _points(frame: _Frame, years: Sequence[int], values: Sequence[float | None]) -> list[str]:
    return [f"{frame.x(y)},{frame.y(v)}" for y, v in zip(years, values, strict=True)
            if _finite(v)]


def _band(frame: _Frame, chart: TrajectoryChart) -> str:
    if chart.low is None or chart.high is None:
        return ""
    upper = _points(frame, chart.years, chart.high)
    lower = _points(frame, chart.years, chart.low)
    if len(upper) < 2 or len(lower) < 2:
        return ""
    return element("polygon", points=" ".join(upper + lower[::-1]), fill=BAND,
                   fill_opacity=0.7, class_="incertitude")


def _lines(frame: _Frame, chart: TrajectoryChart) -> str:
    trend = _points(frame, chart.years, chart.tendance)
    act = _points(frame, chart.years, chart.actions)
    parts = [element("polyline", points=" ".join(trend), fill="none", stroke=GREY,
                     stroke_width=2.5, stroke_dasharray="7 5", class_="tendance")]
    dots = "".join(element("circle", cx=p.split(",")[0], cy=p.split(",")[1], r=3.5,
                           fill=BLUE) for p in act)
    parts.append(element("g", element("polyline", points=" ".join(act), fill="none",
                                      stroke=BLUE, stroke_width=3) + dots, class_="actions"))
    return "".join(parts)


def _target(frame: _Frame, chart: TrajectoryChart) -> str:
    if chart.target is None or not _finite(chart.target[1]):
        return ""
    year, value = chart.target
    x, y = frame.x(min(max(year, chart.years[0]), chart.years[-1])), frame.y(value)
    level = element("line", x1=frame.left, y1=y, x2=frame.right, y2=y, stroke=RED,
                    stroke_width=1.5, stroke_dasharray="2 4")
    diamond = element("path", d=f"M{x} {y - 8}l8 8l-8 8l-8-8z", fill=RED)
    return element("g", level + diamond, class_="cible")


def _legend(chart: TrajectoryChart, y: float, width: int) -> tuple[str, float]:
    items = [
        (element("line", x1=-10, y1=0, x2=10, y2=0, stroke=GREY, stroke_width=2.5,
                 stroke_dasharray="7 5"), "Tendance (sans action)", "tendance"),
        (element("line", x1=-10, y1=0, x2=10, y2=0, stroke=BLUE, stroke_width=3)
         + element("circle", r=3.5, fill=BLUE), "Avec les actions", "actions"),
    ]
    if chart.low is not None:
        items.append((element("rect", x=-10, y=-6, width=20, height=12, fill=BAND),
                      "Incertitude de la tendance", "incertitude"))
    if chart.target is not None:
        items.append((element("path", d="M0 -8l8 8l-8 8l-8-8z", fill=RED), "Cible", "cible"))
    return legend_row(items, y=y, width=width, font_size=FONT_SIZE)


def _value(chart: TrajectoryChart, value: float | None) -> str:
    if not _finite(value):
        return "inconnue"
    unit = f"\u202f{chart.unit}" if chart.unit else ""
    return f"{format_number(value, chart.decimals)}{unit}"


def _description(chart: TrajectoryChart) -> str:
    first, last = chart.years[0], chart.years[-1]
    text = (f"{chart.label}, de {first} à {last}. Tendance : {_value(chart, chart.tendance[0])} "
            f"en {first}, {_value(chart, chart.tendance[-1])} en {last}. Avec les actions : "
            f"{_value(chart, chart.actions[-1])} en {last}.")
    if chart.target is not None:
        text += f" Cible : {_value(chart, chart.target[1])} en {chart.target[0]}."
    return text


def trajectory_chart_svg(chart: TrajectoryChart, *, svg_id: str = "trajectoire",
                         title: str | None = None, narrow: bool = False) -> str:
    """Draw ``chart`` as an accessible SVG document (``svg_id`` prefixes its ids).

    ``title`` (the chart's label by default) is the ``<title>``, not drawn: the page's
    heading says it. ``narrow`` draws the 360-unit layout for phones (class
    ``graphique-etroit``; the wide one has ``graphique-large``).

    Raises
    ------
    ValueError
        ``svg_id`` is not a plain identifier (letters, digits, ``-``, ``_``).

    """
    if not svg_id.replace("-", "").replace("_", "").isalnum():
        raise ValueError(f"svg_id : identifiant de lettres, chiffres, - et _ attendu, "
                         f"reçu {svg_id!r}")
    layout = NARROW if narrow else WIDE
    low, high = _bounds(chart)
    frame = _Frame(chart.years, low, high, layout)
    legend, bottom = _legend(chart, frame.bottom + 30, layout.width)
    body = [_axes(frame, chart), _band(frame, chart), _target(frame, chart),
            _lines(frame, chart), legend]
    return svg_document([b for b in body if b], svg_id=svg_id, title=title or chart.label,
                        description=_description(chart), width=layout.width,
                        height=bottom + 4, css_class=layout.css_class, fixed_size=False)
