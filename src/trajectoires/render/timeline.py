"""A backcasting timeline: future headlines at the top, milestones back down to today.

The drawing of the « Imaginer 2030 » workshop. It reads from the future back
to the present, as backcasting does: the horizon and its headlines at the top,
then the milestones, latest first, down to « aujourd'hui » at the bottom. Each
milestone is linked to the headlines it leads to by a line that runs in a
gutter left of the axis, so links never cross the labels.

The document is narrow (420 units wide, as tall as its content) and has no
fixed size: it fills its container, a 390-pixel phone included, with text of
12 units or more. Categories differ by shape and colour (WCAG 1.4.1), and the
``<title>``/``<desc>`` pair and each milestone's ``<title>`` say in words what
the drawing shows. The helpers it shares with :mod:`trajectoires.render.roadmap`
(French dates, wrapped text, the document and the legend row) are in private
modules.
"""

from __future__ import annotations

import bisect
import datetime
from collections.abc import Sequence
from dataclasses import dataclass, field

from trajectoires.render._document import heading
from trajectoires.render._drawing import (
    GREY,
    INK,
    MARGIN,
    REGULAR_EM,
    check_period,
    empty_note,
    legend_row,
    svg_document,
)
from trajectoires.render._french import count, french_date, french_month
from trajectoires.render._svg import element, escape, text_lines, wrap
from trajectoires.render.choropleth import check_id

__all__ = ["CATEGORIES", "TimelineHeadline", "TimelineMilestone", "marker", "timeline_svg"]

WIDTH = 420
YEAR_RIGHT = 46  # year labels end here
GUTTER_LEFT = 60  # column of the first headline's links
GUTTER_WIDTH = 72  # at most, for all the columns
AXIS_GAP = 16  # from the last column to the axis, and from the axis to the labels
TEXT_SIZE = 14
SMALL_SIZE = 12
TEXT_LINE = 17
SMALL_LINE = 15
LABEL_GAP = 8
BOLD_EM = 0.68
PX_PER_YEAR = 72
MIN_AXIS = 240
MARKER = 7
LINK = "#1f4e79"

CATEGORIES: dict[str | None, tuple[str, str, str]] = {
    "technologique": ("cercle", "#0072b2", "technologique"),
    "culturel": ("carre", "#d55e00", "culturel"),
    "comportemental": ("triangle", "#009e73", "comportemental"),
    None: ("losange", "#595959", "sans catégorie"),
}
"""Category of a milestone → (shape, colour, label): shape and colour both differ."""

_CORNERS = {  # of each shape but the circle, in units of the marker's size
    "carre": ((-0.85, -0.85), (0.85, -0.85), (0.85, 0.85), (-0.85, 0.85)),
    "triangle": ((0, -1.05), (1.2, 1.05), (-1.2, 1.05)),
    "losange": ((0, -1.2), (1.2, 0), (0, 1.2), (-1.2, 0)),
}


@dataclass(frozen=True)
class TimelineHeadline:
    """A headline of the future (« à la une en 2030 »), drawn at the top.

    Attributes
    ----------
    id : int
        Identifier, referred to by :attr:`TimelineMilestone.leads_to`.
    title : str
        The headline, in French (not escaped).
    when : datetime.date
        Date of the imagined newspaper.

    """

    id: int
    title: str
    when: datetime.date


@dataclass(frozen=True)
class TimelineMilestone:
    """A step on the way back from the headlines to today.

    Attributes
    ----------
    id : int
        Identifier.
    title : str
        What happens, in French (not escaped).
    when : datetime.date
        When it happens; drawn between today and the horizon (clamped).
    category : str or None
        ``"technologique"``, ``"culturel"``, ``"comportemental"`` or ``None``.
    leads_to : tuple of int
        Ids of the headlines it leads to; unknown ids are ignored.
    tags : tuple of str
        PESTLE tags (« économique », « social »…), written small.

    """

    id: int
    title: str
    when: datetime.date
    category: str | None = None
    leads_to: tuple[int, ...] = ()
    tags: tuple[str, ...] = ()


def marker(category: str | None, x: float, y: float, size: float = MARKER) -> str:
    """Draw the shape of ``category`` centred on (``x``, ``y``).

    Examples
    --------
    >>> marker("culturel", 10, 10, 5)[:50]
    '<polygon points="5.8,5.8 14.2,5.8 14.2,14.2 5.8,14'

    """
    shape, fill, _ = CATEGORIES[category]
    paint = {"fill": fill, "stroke": "#ffffff", "stroke_width": 1.5, "class_": "marque"}
    if shape == "cercle":
        return element("circle", cx=x, cy=y, r=size, **paint)
    points = " ".join(f"{x + dx * size:.1f},{y + dy * size:.1f}" for dx, dy in _CORNERS[shape])
    return element("polygon", points=points, **paint)


@dataclass
class _Scale:
    """Date → y, linear, except that crowded milestones push what is below them down."""

    top: float
    per_day: float
    horizon: datetime.date
    keys: list[int] = field(default_factory=list)  # -ordinal of placed dates, ascending
    shifts: list[float] = field(default_factory=list)

    def linear(self, when: datetime.date) -> float:
        """Height of ``when`` if nothing had been pushed down."""
        return self.top + (self.horizon - when).days * self.per_day

    def y(self, when: datetime.date) -> float:
        """Height of ``when``: linear, shifted as much as the last milestone on or after it."""
        index = bisect.bisect_right(self.keys, -when.toordinal())
        return self.linear(when) + (self.shifts[index - 1] if index else 0.0)

    def place(self, when: datetime.date, lowest: float) -> float:
        """Place a milestone at ``when`` (dates descending), no higher than ``lowest``."""
        y = round(max(self.y(when), lowest), 1)
        self.keys.append(-when.toordinal())
        self.shifts.append(y - self.linear(when))
        return y


@dataclass(frozen=True)
class _Placed:
    milestone: TimelineMilestone
    y: float
    lines: list[str]
    meta: list[str]
    bottom: float


def _check(milestones: Sequence[TimelineMilestone], today: datetime.date,
           horizon: datetime.date, svg_id: str) -> None:
    check_id(svg_id)
    check_period(today, horizon, "today")
    for milestone in milestones:
        if milestone.category not in CATEGORIES:
            expected = ", ".join(repr(key) for key in CATEGORIES)
            raise ValueError(f"milestones : catégorie attendue parmi {expected}, reçu "
                             f"{milestone.category!r} (jalon {milestone.id})")


def _legend(y: float, milestones: Sequence[TimelineMilestone]) -> tuple[str, float]:
    keys = [key for key in CATEGORIES if key is not None]
    if any(milestone.category is None for milestone in milestones):
        keys.append(None)
    items = [(marker(key, 0, 0, 6), CATEGORIES[key][2], CATEGORIES[key][0]) for key in keys]
    if any(milestone.leads_to for milestone in milestones):
        sample = element("line", x1=-9, y1=0, x2=9, y2=0, stroke=LINK, stroke_width=1.5)
        items.append((sample, "mène à la une", "lien"))
    return legend_row(items, y=y, width=WIDTH, font_size=SMALL_SIZE)


def _columns(count: int) -> list[float]:
    step = min(10.0, GUTTER_WIDTH / count) if count else 0.0
    return [round(GUTTER_LEFT + index * step, 1) for index in range(count)]


def _headlines(headlines: Sequence[TimelineHeadline], columns: list[float],
               y: float) -> tuple[str, dict[int, tuple[float, float]], float]:
    """Stack the headline boxes, each starting just left of its link column."""
    parts, anchors = [], {}
    offset = min(6.0, (columns[1] - columns[0]) / 2) if len(columns) > 1 else 6.0
    for headline, column in zip(headlines, columns, strict=True):
        left, right = column - offset, WIDTH - MARGIN
        lines = wrap(headline.title, int((right - left - 16) / (TEXT_SIZE * BOLD_EM)))
        bottom = y + 36 + (len(lines) - 1) * 18 + 10
        hover = f"À la une en {french_month(headline.when)} : {headline.title}"
        parts.append(element(
            "g",
            element("title", escape(hover))
            + element("rect", x=left, y=y, width=right - left, height=bottom - y, rx=6,
                      fill="#eef3f9", stroke=LINK, stroke_width=1.5)
            + element("text", escape(f"À la une · {french_month(headline.when)}"), x=left + 8,
                      y=y + 18, font_size=SMALL_SIZE, fill=GREY)
            + text_lines(lines, x=left + 8, y=y + 36, line_height=18, font_size=TEXT_SIZE,
                         font_weight="bold", fill=INK),
            class_="une", data_id=headline.id,
        ))
        anchors.setdefault(headline.id, (column, bottom))
        y = bottom + 8
    return "\n".join(parts), anchors, y


def _place(milestones: Sequence[TimelineMilestone], scale: _Scale, today: datetime.date,
           chars: int) -> tuple[list[_Placed], float]:
    """Place milestones latest first; a label too close to the one above is pushed down.

    Returns the placements and the highest y where the next label may start.
    """
    placed, lowest = [], scale.top + 4
    for milestone in sorted(milestones, key=lambda m: (-m.when.toordinal(), m.id)):
        when = min(max(milestone.when, today), scale.horizon)
        y = scale.place(when, lowest)
        lines = wrap(milestone.title, chars)
        meta = wrap(" · ".join((french_month(milestone.when), *milestone.tags)),
                    int(chars * TEXT_SIZE / SMALL_SIZE))
        last_line = y + 5 + (len(lines) - 1) * TEXT_LINE
        bottom = last_line + SMALL_LINE + 1 + (len(meta) - 1) * SMALL_LINE + SMALL_SIZE / 4
        placed.append(_Placed(milestone, y, lines, meta, round(bottom, 1)))
        lowest = bottom + LABEL_GAP + TEXT_SIZE - 5
    return placed, lowest


def _milestone(placed: _Placed, axis_x: float, titles: dict[int, str]) -> str:
    milestone, y = placed.milestone, placed.y
    hover = f"{milestone.title} — {french_date(milestone.when)}, "
    hover += CATEGORIES[milestone.category][2]
    if milestone.tags:
        hover += " ; thèmes : " + ", ".join(milestone.tags)
    leads = [titles[key] for key in dict.fromkeys(milestone.leads_to) if key in titles]
    if leads:
        hover += " ; mène à : " + " ; ".join(f"« {title} »" for title in leads)
    label_x = axis_x + AXIS_GAP
    last = y + 5 + (len(placed.lines) - 1) * TEXT_LINE
    content = (element("title", escape(hover)) + marker(milestone.category, axis_x, y)
               + text_lines(placed.lines, x=label_x, y=y + 5, line_height=TEXT_LINE,
                            font_size=TEXT_SIZE, fill=INK, class_="intitule")
               + text_lines(placed.meta, x=label_x, y=last + SMALL_LINE + 1,
                            line_height=SMALL_LINE, font_size=SMALL_SIZE, fill=GREY,
                            class_="etiquettes"))
    category = milestone.category or "sans-categorie"
    return element("g", content, class_=f"jalon {category}", data_id=milestone.id,
                   data_date=milestone.when.isoformat())


def _links(placed: list[_Placed], anchors: dict[int, tuple[float, float]],
           axis_x: float) -> str:
    parts = []
    for item in placed:
        for key in dict.fromkeys(item.milestone.leads_to):
            if key not in anchors:
                continue
            column, top = anchors[key]
            path = f"M{axis_x - MARKER - 3:g} {item.y:g}H{column:g}V{top:g}"
            parts.append(element("path", d=path, class_="lien", data_jalon=item.milestone.id,
                                 data_une=key)
                         + element("circle", cx=column, cy=item.y, r=2.5, fill=LINK))
    return element("g", "\n".join(parts), class_="liens", fill="none", stroke=LINK,
                   stroke_width=1.5) if parts else ""


def _axis(scale: _Scale, today: datetime.date, bottom: float, axis_x: float) -> str:
    """Draw the axis, its years on the left, the horizon at the top and today at the bottom."""
    label_x = axis_x + AXIS_GAP
    parts = [element("line", x1=axis_x, y1=scale.top, x2=axis_x, y2=bottom, stroke=GREY,
                     stroke_width=3, class_="axe"),
             element("line", x1=axis_x - 8, y1=scale.top, x2=axis_x + 8, y2=scale.top,
                     stroke=GREY, stroke_width=3),
             element("text", escape(f"Horizon · {french_month(scale.horizon)}"), x=label_x,
                     y=scale.top - 14, font_size=TEXT_SIZE, font_weight="bold", fill=INK,
                     class_="horizon"),
             element("circle", cx=axis_x, cy=bottom, r=6, fill=INK),
             element("text", escape(f"Aujourd'hui · {french_date(today)}"), x=label_x,
                     y=bottom + 5, font_size=TEXT_SIZE, font_weight="bold", fill=INK,
                     class_="aujourdhui")]
    for year in range(today.year + 1, scale.horizon.year + 1):
        y = round(scale.y(datetime.date(year, 1, 1)), 1)
        if y - scale.top < 14 or bottom - y < 14:
            continue
        parts.append(element(
            "g",
            element("line", x1=YEAR_RIGHT + 4, y1=y, x2=axis_x - 6, y2=y, stroke="#bdbdbd",
                    stroke_dasharray="2 3")
            + element("line", x1=axis_x - 6, y1=y, x2=axis_x + 6, y2=y, stroke=GREY,
                      stroke_width=2)
            + element("text", str(year), x=YEAR_RIGHT, y=y + 4, text_anchor="end",
                      font_size=SMALL_SIZE, font_weight="bold", fill=GREY),
            class_="annee", data_annee=year,
        ))
    return element("g", "\n".join(parts), class_="frise-axe")


def _description(headlines: Sequence[TimelineHeadline],
                 milestones: Sequence[TimelineMilestone], today: datetime.date,
                 horizon: datetime.date) -> str:
    span = f"d'aujourd'hui ({french_date(today)}) à l'horizon ({french_month(horizon)})"
    if not milestones:
        return f"Aucun jalon pour l'instant, {span} ; {count(len(headlines), 'titre')} à la une."
    by_category = [count(sum(m.category == key for m in milestones), CATEGORIES[key][2])
                   for key in CATEGORIES if any(m.category == key for m in milestones)]
    return (f"{count(len(milestones), 'jalon')} ({', '.join(by_category)}) menant à "
            f"{count(len(headlines), 'titre')} à la une, {span}.")


def timeline_svg(headlines: Sequence[TimelineHeadline],
                 milestones: Sequence[TimelineMilestone], *, today: datetime.date,
                 horizon: datetime.date, title: str = "Chemin à rebours",
                 svg_id: str = "frise") -> str:
    """Draw the backcasting timeline: headlines at the top, milestones down to today.

    Parameters
    ----------
    headlines : sequence of TimelineHeadline
        Drawn as boxes at the top, in the given order.
    milestones : sequence of TimelineMilestone
        Placed at their date on the vertical axis (clamped to ``today``–``horizon``),
        labels on the right, pushed down when they would overlap.
    today, horizon : datetime.date
        The bottom and the top of the axis; ``horizon`` must come after ``today``.
    title : str
        Heading and accessible name of the drawing.
    svg_id : str
        Prefix of the ids inside the document; give each drawing of a page its own.

    Returns
    -------
    str
        The SVG document: a ``viewBox`` 420 units wide and no fixed size.

    Notes
    -----
    Backcasting starts from a desirable future and works back to the steps that
    lead there: J. B. Robinson, « Futures under glass: a recipe for people who
    hate to predict », *Futures* 22 (8), 1990, p. 820–842.

    Examples
    --------
    >>> from datetime import date
    >>> une = TimelineHeadline(1, "Le bourg a sa maison numérique", date(2030, 6, 1))
    >>> jalon = TimelineMilestone(7, "Un tiers-lieu ouvre", date(2027, 3, 1), "culturel",
    ...                           leads_to=(1,), tags=("social",))
    >>> svg = timeline_svg([une], [jalon], today=date(2025, 1, 1), horizon=date(2030, 12, 31))
    >>> svg.count('class="jalon culturel"'), svg.count('class="lien"')
    (1, 1)

    """
    headlines, milestones = tuple(headlines), tuple(milestones)
    _check(milestones, today, horizon, svg_id)
    title_text, y = heading(title, WIDTH)
    legend, y = _legend(y, milestones)
    columns = _columns(len(headlines))
    boxes, anchors, y = _headlines(headlines, columns, y)
    axis_x = (columns[-1] if columns else GUTTER_LEFT - AXIS_GAP) + AXIS_GAP
    chars = int((WIDTH - MARGIN - axis_x - AXIS_GAP) / (TEXT_SIZE * REGULAR_EM))
    length = max(MIN_AXIS, (horizon - today).days / 365.25 * PX_PER_YEAR)
    scale = _Scale(top=y + 36, per_day=length / (horizon - today).days, horizon=horizon)
    placed, lowest = _place(milestones, scale, today, chars)
    bottom = round(max(scale.y(today), lowest), 1)
    titles = {headline.id: headline.title for headline in reversed(headlines)}
    body = [title_text, legend, boxes, _axis(scale, today, bottom, axis_x),
            _links(placed, anchors, axis_x),
            element("g", "\n".join(_milestone(item, axis_x, titles) for item in placed),
                    class_="jalons")]
    if not milestones:
        body.append(empty_note("Aucun jalon pour l'instant", x=axis_x + AXIS_GAP,
                               y=round((scale.top + bottom) / 2, 1), font_size=TEXT_SIZE))
    return svg_document(body, svg_id=svg_id, title=title,
                        description=_description(headlines, milestones, today, horizon),
                        width=WIDTH, height=bottom + 30, css_class="frise-rebours",
                        fixed_size=False)
