"""A roadmap: one lane per actor, actions as bars on a time axis, milestones and dependencies.

The drawing of the « Construire 2030 » workshop. Time runs from left to right,
from ``start`` to ``horizon``, with the years marked at the top; each actor has
a lane with its name on the left. Actions that overlap in a lane are stacked
in sub-rows, their labels included, so no two labels overlap; milestones are
diamonds (those of no actor sit in a « Jalons » row at the top) and a
dependency is an arrow from the end of one action to the start of the next.

The document is 960 units wide, with ``width`` and ``height`` set: on a
projector it is read at its natural size, on a phone its container scrolls
sideways (a page may also stretch it with CSS). Bars, points and diamonds
differ by shape, and the ``<title>``/``<desc>`` pair and each item's
``<title>`` (with the full title and dates) say in words what is drawn.
"""

from __future__ import annotations

import datetime
import textwrap
from collections.abc import Sequence
from dataclasses import dataclass

from trajectoires.render._document import heading
from trajectoires.render._drawing import (
    GREY,
    INK,
    MARGIN,
    TimeAxis,
    arrow_path,
    arrowhead,
    check_period,
    empty_note,
    legend_row,
    pack_rows,
    svg_document,
)
from trajectoires.render._french import count, french_date, french_month
from trajectoires.render._svg import element, escape, text_lines, wrap
from trajectoires.render.choropleth import check_id

__all__ = ["RoadmapAction", "RoadmapLane", "RoadmapMilestone", "roadmap_svg"]

WIDTH = 960
NAME_WIDTH = 150
PLOT_LEFT = MARGIN + NAME_WIDTH + 14
PLOT_RIGHT = WIDTH - MARGIN - 8
ROW = 46
BAR = 34
LANE_PAD = 8
TEXT_SIZE = 13
GLYPH = 0.62 * TEXT_SIZE  # average width of a character, a little generous
ITEM_GAP = 12
POINT_R = 6
DIAMOND = 9
BAR_FILL = "#dbe7f3"
BAR_STROKE = "#1f4e79"
MILESTONE_FILL = "#b35806"
# A label beside its shape may cross an arrow or a year line: a white outline keeps it legible.
_HALO = {anchor: {"text_anchor": "end" if anchor == "end" else None, "stroke": "#ffffff",
                  "stroke_width": 3, "stroke_linejoin": "round", "paint_order": "stroke"}
         for anchor in ("start", "end")}


@dataclass(frozen=True)
class RoadmapLane:
    """An actor of the roadmap, drawn as one horizontal lane.

    Attributes
    ----------
    id : int
        Identifier, referred to by actions and milestones.
    name : str
        Name of the actor, in French (not escaped).

    """

    id: int
    name: str


@dataclass(frozen=True)
class RoadmapAction:
    """An action an actor carries out between two dates, drawn as a bar.

    Attributes
    ----------
    id : int
        Identifier, referred to by the dependencies.
    title : str
        What is done (not escaped).
    lane_id : int
        The actor's lane.
    start, end : datetime.date
        Its dates; clamped to the roadmap; an end before the start gives a point.

    """

    id: int
    title: str
    lane_id: int
    start: datetime.date
    end: datetime.date


@dataclass(frozen=True)
class RoadmapMilestone:
    """A dated milestone, drawn as a diamond.

    Attributes
    ----------
    id : int
        Identifier.
    title : str
        What is reached (not escaped).
    when : datetime.date
        Its date (clamped to the roadmap).
    lane_id : int or None
        The actor's lane, or ``None`` for the « Jalons » row at the top.

    """

    id: int
    title: str
    when: datetime.date
    lane_id: int | None = None


@dataclass(frozen=True)
class _Item:
    """Something drawn in a lane: its shape from ``x0`` to ``x1`` and its label."""

    kind: str  # "action", "ponctuelle" or "jalon"
    key: int
    x0: float
    x1: float
    lines: tuple[str, ...]
    label_x: float
    anchor: str  # "inside", "start" or "end"
    hover: str

    @property
    def extent(self) -> tuple[float, float]:
        """Leftmost and rightmost x of the shape and its label."""
        width = max(len(line) for line in self.lines) * GLYPH
        if self.anchor == "start":
            return self.x0, self.label_x + width
        if self.anchor == "end":
            return self.label_x - width, self.x1
        return self.x0, self.x1


def _check(lanes: Sequence[RoadmapLane], actions: Sequence[RoadmapAction],
           milestones: Sequence[RoadmapMilestone], start: datetime.date,
           horizon: datetime.date) -> None:
    check_period(start, horizon, "start")
    known = {lane.id for lane in lanes}
    if len(known) < len(lanes):
        ids = [lane.id for lane in lanes]
        raise ValueError(f"lanes : identifiants distincts attendus, reçu {ids}")
    for name, items in (("actions", actions), ("milestones", milestones)):
        for item in items:
            if item.lane_id is not None and item.lane_id not in known:
                raise ValueError(f"{name} : lane_id parmi {sorted(known)} attendu, reçu "
                                 f"{item.lane_id} ({item.title!r})")


def _beside(kind: str, key: int, title: str, span: tuple[float, float], hover: str) -> _Item:
    """Label an item beside its shape: on the right, else on the left."""
    x0, x1 = span
    lines = tuple(wrap(title, 24, max_lines=2))
    width = max(len(line) for line in lines) * GLYPH
    if x1 + 6 + width <= PLOT_RIGHT:
        return _Item(kind, key, x0, x1, lines, round(x1 + 6, 1), "start", hover)
    return _Item(kind, key, x0, x1, lines, round(x0 - 6, 1), "end", hover)


def _action_item(action: RoadmapAction, lane: str, time: TimeAxis) -> _Item:
    first, last = time.x(action.start), time.x(action.end)
    if last - first < 1:  # ends before it starts, or lies wholly outside the axis
        when = french_date(action.start)
        hover = f"{action.title} — {lane} : le {when}"
        if action.end < action.start:
            hover += f" (fin indiquée avant le début : {french_date(action.end)})"
        return _beside("ponctuelle", action.id, action.title,
                       (first - POINT_R, first + POINT_R), hover)
    hover = (f"{action.title} — {lane} : du {french_date(action.start)} "
             f"au {french_date(action.end)}")
    if action.start < time.start or action.end > time.horizon:
        hover += " (dépasse la période de la feuille de route)"
    last = max(last, first + 4)
    chars = int((last - first - 12) / GLYPH)
    whole = textwrap.wrap(action.title, max(chars, 1), break_long_words=False) or [""]
    if chars >= 16 or (len(whole) <= 2 and max(map(len, whole)) <= chars):
        lines = tuple(wrap(action.title, chars, max_lines=2))
        return _Item("action", action.id, first, last, lines, round(first + 6, 1), "inside",
                     hover)
    return _beside("action", action.id, action.title, (first, last), hover)


def _milestone_item(milestone: RoadmapMilestone, lane: str, time: TimeAxis) -> _Item:
    x = time.x(milestone.when)
    hover = f"Jalon : {milestone.title} — {lane}, {french_date(milestone.when)}"
    return _beside("jalon", milestone.id, milestone.title, (x - DIAMOND, x + DIAMOND), hover)


def _item_svg(item: _Item, top: float) -> str:
    middle = top + BAR / 2
    if item.kind == "action":
        shape = element("rect", x=item.x0, y=top, width=round(item.x1 - item.x0, 1),
                        height=BAR, rx=4, fill=BAR_FILL, stroke=BAR_STROKE, stroke_width=1.5)
    elif item.kind == "ponctuelle":
        shape = element("circle", cx=round((item.x0 + item.x1) / 2, 1), cy=middle, r=POINT_R,
                        fill=BAR_FILL, stroke=BAR_STROKE, stroke_width=2)
    else:
        x = (item.x0 + item.x1) / 2
        points = (f"{x:.1f},{middle - DIAMOND:.1f} {x + DIAMOND:.1f},{middle:.1f} "
                  f"{x:.1f},{middle + DIAMOND:.1f} {x - DIAMOND:.1f},{middle:.1f}")
        shape = element("polygon", points=points, fill=MILESTONE_FILL, stroke="#ffffff",
                        stroke_width=1.5)
    first = middle + 4.5 - (len(item.lines) - 1) * 7.5
    label = text_lines(item.lines, x=item.label_x, y=round(first, 1), line_height=15,
                       font_size=TEXT_SIZE, fill=INK, **_HALO.get(item.anchor, {}))
    return element("g", element("title", escape(item.hover)) + shape + label,
                   class_=item.kind, data_id=item.key)


def _lane(name: str, items: list[_Item], *, top: float, shade: bool, css: dict[str, object],
          ends: dict[int, tuple[float, float, float]]) -> tuple[str, str, float]:
    """Draw one lane: its background and name, then its items; record where actions are.

    Returns the background, the items and the bottom of the lane.
    """
    rows = pack_rows([item.extent for item in items], [item.key for item in items], ITEM_GAP)
    name_lines = wrap(name, int(NAME_WIDTH / (14 * 0.68)), max_lines=3)
    height = max(2 * LANE_PAD + BAR + max(rows, default=0) * ROW,
                 2 * LANE_PAD + 17 * len(name_lines) + 6)
    background = element(
        "g",
        element("title", escape(name))
        + element("rect", x=MARGIN, y=top, width=WIDTH - 2 * MARGIN, height=height,
                  fill="#f3f5f8" if shade else "#ffffff")
        + text_lines(name_lines, x=MARGIN + 6, y=top + LANE_PAD + 21, line_height=17,
                     font_size=14, font_weight="bold", fill=INK),
        **css,
    )
    drawn = []
    for item, row in zip(items, rows, strict=True):
        row_top = top + LANE_PAD + row * ROW
        drawn.append(_item_svg(item, row_top))
        if item.kind != "jalon":
            ends[item.key] = (item.x0, item.x1, row_top + BAR / 2)
    return background, "\n".join(drawn), top + height


def _arrows(dependencies: Sequence[tuple[int, int]],
            ends: dict[int, tuple[float, float, float]], marker_id: str) -> str:
    parts = []
    for before, after in dict.fromkeys(tuple(pair) for pair in dependencies):
        if before == after or before not in ends or after not in ends:
            continue
        path = arrow_path(ends[before][1], ends[before][2], ends[after][0] - 1,
                          ends[after][2], detour=ROW / 2)
        parts.append(element("path", d=path, class_="dependance", data_avant=before,
                             data_apres=after, marker_end=f"url(#{marker_id})"))
    return element("g", "\n".join(parts), class_="dependances", fill="none", stroke=GREY,
                   stroke_width=1.5) if parts else ""


def _legend(y: float, marker_id: str, start: datetime.date, horizon: datetime.date) -> str:
    items = [
        (element("rect", x=-10, y=-7, width=20, height=14, rx=3, fill=BAR_FILL,
                 stroke=BAR_STROKE, stroke_width=1.5), "action", "action"),
        (element("circle", r=POINT_R, fill=BAR_FILL, stroke=BAR_STROKE, stroke_width=2),
         "action ponctuelle", "ponctuelle"),
        (element("polygon", points="0,-8 8,0 0,8 -8,0", fill=MILESTONE_FILL), "jalon", "jalon"),
        (element("path", d="M-10 0H10", stroke=GREY, stroke_width=1.5,
                 marker_end=f"url(#{marker_id})"), "dépendance (avant → après)", "dependance"),
    ]
    legend, _ = legend_row(items, y=y - 10, width=WIDTH - 200, font_size=TEXT_SIZE)
    period = element("text", escape(f"De {french_month(start)} à {french_month(horizon)}"),
                     x=WIDTH - MARGIN, y=y + 4.5, text_anchor="end", font_size=TEXT_SIZE,
                     fill=GREY, class_="periode")
    return legend + period


def _description(lanes: Sequence[RoadmapLane], actions: Sequence[RoadmapAction],
                 milestones: Sequence[RoadmapMilestone], arrows: int,
                 period: tuple[datetime.date, datetime.date]) -> str:
    span = f"de {french_month(period[0])} à {french_month(period[1])}"
    if not actions and not milestones:
        return f"Aucune action pour l'instant ; feuille de route {span}."
    return (f"Feuille de route {span} : {count(len(lanes), 'acteur')}, "
            f"{count(len(actions), 'action')}, {count(len(milestones), 'jalon')} et "
            f"{count(arrows, 'dépendance')}.")


def _items_by_lane(lanes: Sequence[RoadmapLane], actions: Sequence[RoadmapAction],
                   milestones: Sequence[RoadmapMilestone],
                   time: TimeAxis) -> dict[int | None, list[_Item]]:
    names = {lane.id: lane.name for lane in lanes}
    items: dict[int | None, list[_Item]] = {None: []} | {key: [] for key in names}
    for action in actions:
        items[action.lane_id].append(
            _action_item(action, names[action.lane_id], time))
    for milestone in milestones:
        name = "Jalons" if milestone.lane_id is None else names[milestone.lane_id]
        items[milestone.lane_id].append(_milestone_item(milestone, name, time))
    return items


def _lanes(lanes: Sequence[RoadmapLane], items: dict[int | None, list[_Item]],
           top: float) -> tuple[str, str, dict[int, tuple[float, float, float]], float]:
    """Draw the « Jalons » row (if any) and the lanes from ``top`` down.

    Returns the backgrounds, the items, where each action is drawn (x of its
    start, x of its end, y of its middle) and the bottom of the last lane.
    """
    rows: list[tuple[str, list[_Item], dict[str, object]]] = [
        (lane.name, items[lane.id], {"class_": "couloir", "data_id": lane.id}) for lane in lanes]
    if items[None]:
        rows.insert(0, ("Jalons", items[None], {"class_": "couloir-jalons"}))
    backgrounds, drawn, ends, y = [], [], {}, top
    for index, (name, lane_items, css) in enumerate(rows):
        background, shapes, y = _lane(name, lane_items, top=y, shade=index % 2 == 0, css=css,
                                      ends=ends)
        backgrounds.append(background)
        drawn.append(shapes)
    return "\n".join(backgrounds), "\n".join(drawn), ends, max(y, top + ROW)


def roadmap_svg(lanes: Sequence[RoadmapLane], actions: Sequence[RoadmapAction],
                milestones: Sequence[RoadmapMilestone], dependencies: Sequence[tuple[int, int]],
                *, start: datetime.date, horizon: datetime.date,
                title: str = "Feuille de route", svg_id: str = "feuille-de-route") -> str:
    """Draw the roadmap: one lane per actor, actions as bars, milestones as diamonds.

    Parameters
    ----------
    lanes : sequence of RoadmapLane
        One lane per actor, top to bottom in the given order.
    actions : sequence of RoadmapAction
        Bars in their actor's lane; dates outside ``start``–``horizon`` are
        clamped, an action ending before it starts is a point. Overlapping
        actions are stacked in sub-rows.
    milestones : sequence of RoadmapMilestone
        Diamonds in their actor's lane, or in a « Jalons » row at the top.
    dependencies : sequence of (int, int)
        Pairs (action before, action after), drawn as arrows from the end of
        one to the start of the other; pairs naming an unknown action are left out.
    start, horizon : datetime.date
        Ends of the time axis; ``horizon`` must come after ``start``.
    title : str
        Heading and accessible name of the drawing.
    svg_id : str
        Prefix of the ids inside the document; give each drawing of a page its own.

    Returns
    -------
    str
        The SVG document, 960 units wide.

    Raises
    ------
    ValueError
        If ``horizon`` is not after ``start``, or an action or milestone names
        a lane that is not in ``lanes``.

    Examples
    --------
    >>> from datetime import date
    >>> lanes = [RoadmapLane(1, "Mairie"), RoadmapLane(2, "Médiathèque")]
    >>> actions = [RoadmapAction(1, "Former les agents", 1, date(2025, 1, 1), date(2026, 6, 30)),
    ...            RoadmapAction(2, "Ateliers numériques", 2, date(2026, 9, 1), date(2028, 6, 30))]
    >>> svg = roadmap_svg(lanes, actions, [], [(1, 2)], start=date(2025, 1, 1),
    ...                   horizon=date(2030, 12, 31))
    >>> svg.count('class="couloir"'), svg.count('class="dependance"')
    (2, 1)

    """
    lanes, actions, milestones = tuple(lanes), tuple(actions), tuple(milestones)
    check_id(svg_id)
    _check(lanes, actions, milestones, start, horizon)
    time, marker_id = TimeAxis(start, horizon, PLOT_LEFT, PLOT_RIGHT), f"{svg_id}-fleche"
    title_text, y = heading(title, WIDTH)
    legend = _legend(y + 4, marker_id, start, horizon)
    axis_top = y + 24
    backgrounds, drawn, ends, bottom = _lanes(
        lanes, _items_by_lane(lanes, actions, milestones, time), axis_top + 28)
    arrows = _arrows(dependencies, ends, marker_id)
    if not actions and not milestones:
        drawn += empty_note("Aucune action pour l'instant", x=PLOT_LEFT + 12,
                            y=round((axis_top + 28 + bottom) / 2 + 5, 1), font_size=14)
    body = [element("defs", arrowhead(marker_id)), title_text, legend, backgrounds,
            time.years(axis_top, bottom), arrows, element("g", drawn, class_="elements")]
    description = _description(lanes, actions, milestones, arrows.count("<path"),
                               (start, horizon))
    return svg_document(body, svg_id=svg_id, title=title, description=description,
                        width=WIDTH, height=bottom + 16, css_class="feuille-de-route",
                        fixed_size=True)
