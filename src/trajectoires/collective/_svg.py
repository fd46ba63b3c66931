"""The opinion map as a standalone SVG (no plotting library, no inline style).

Groups are told apart by colour *and* shape (colour-blind readers, greyscale
prints), and each group centre carries its label, so colour is never the only cue.
The colours are Okabe and Ito's colour-blind-safe set ("Color Universal Design",
2008). The SVG uses presentation attributes only, so a page embedding it keeps a
``style-src 'self'`` Content-Security-Policy.
"""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

import numpy as np

from trajectoires.collective._result import Result

__all__ = ["GROUP_COLOURS", "GROUP_SHAPES", "group_letter", "opinion_map_svg"]

GROUP_COLOURS = ("#0072b2", "#d55e00", "#009e73", "#cc79a7", "#e69f00", "#56b4e9")
GROUP_SHAPES = ("circle", "square", "triangle", "diamond", "cross", "star")
UNGROUPED = "#8a8a8a"
PALETTE = GROUP_COLOURS  # former name, kept for callers


def group_letter(group: int) -> str:
    """Return the letter of a group id: 0 → ``A``, 1 → ``B``, ….

    >>> group_letter(0), group_letter(2)
    ('A', 'C')
    """
    return chr(65 + group)


def _mark(shape: str, x: float, y: float, r: float) -> str:
    """SVG element (without its closing attributes) of a marker centred on (x, y)."""
    if shape == "circle":
        return f'<circle cx="{x:.1f}" cy="{y:.1f}" r="{r:.1f}"'
    if shape == "square":
        return f'<rect x="{x - r:.1f}" y="{y - r:.1f}" width="{2 * r:.1f}" height="{2 * r:.1f}"'
    if shape == "triangle":
        pts = [(x, y - 1.2 * r), (x - 1.1 * r, y + 0.8 * r), (x + 1.1 * r, y + 0.8 * r)]
    elif shape == "diamond":
        pts = [(x, y - 1.3 * r), (x + 1.3 * r, y), (x, y + 1.3 * r), (x - 1.3 * r, y)]
    elif shape == "cross":
        a, b = 0.4 * r, 1.2 * r
        pts = [(x - a, y - b), (x + a, y - b), (x + a, y - a), (x + b, y - a), (x + b, y + a),
               (x + a, y + a), (x + a, y + b), (x - a, y + b), (x - a, y + a), (x - b, y + a),
               (x - b, y - a), (x - a, y - a)]
    else:  # star: five points
        angles = np.pi / 2 + np.arange(10) * np.pi / 5
        radii = np.where(np.arange(10) % 2 == 0, 1.4 * r, 0.6 * r)
        pts = list(zip(x + radii * np.cos(angles), y - radii * np.sin(angles), strict=True))
    return '<polygon points="' + " ".join(f"{px:.1f},{py:.1f}" for px, py in pts) + '"'


def opinion_map_svg(
    result: Result, *, size: int = 480, title: str = "Carte des opinions",
    labels: tuple[str, ...] | None = None, point_ids: Sequence[str] | None = None,
    highlight: object = None, highlight_label: str = "Vous", id_prefix: str = "opinion-map",
    show_groups: bool = True,
) -> str:
    """SVG of the participants' positions, by group (colour and shape), with group centres.

    Parameters
    ----------
    result : Result
        An analysis.
    size : int
        Width and height in pixels (the SVG scales with its ``viewBox``).
    title : str
        Title drawn at the top (and in ``<title>`` for screen readers).
    labels : tuple of str, optional
        Legend text per group (default ``Groupe A``, ``Groupe B``, …).
    point_ids : sequence of str, optional
        Public id of each participant (in ``result.participants`` order), written in a
        ``data-participant`` attribute so that a page script can find a dot.
    highlight : optional
        Participant id (as in ``result.participants``) to circle and label.
    highlight_label : str
        Text next to the highlighted participant.
    id_prefix : str
        Prefix of the element ids (several maps on one page need different ones).
    show_groups : bool
        Draw the groups; ``False`` draws every participant as a grey dot (while a
        debate has too few votes for its groups to mean much).

    Examples
    --------
    >>> from trajectoires.collective import analyse, example_votes
    >>> svg = opinion_map_svg(analyse(example_votes()), highlight="p1")
    >>> svg.startswith("<svg") and svg.count('class="participant') >= 8
    True
    >>> "Vous" in svg and "Groupe A" in svg
    True

    """
    margin, top, pad = 24, 40, 56  # pad: room for the labels centred on the edge marks
    pts = result.positions
    span = float(np.abs(pts).max()) if len(pts) else 1.0
    span = span if span > 0 else 1.0
    width, height = size - 2 * pad, size - top - pad - margin

    def xy(point: Sequence[float]) -> tuple[float, float]:
        return (pad + (point[0] / span + 1) / 2 * width,
                top + margin + (1 - point[1] / span) / 2 * height)

    names = labels or tuple(f"Groupe {group_letter(g.id)}" for g in result.groups)
    title_id = f"{id_prefix}-title"
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{size}" height="{size}" '
             f'viewBox="0 0 {size} {size}" role="img" aria-labelledby="{title_id}" '
             f'class="opinion-map" id="{id_prefix}">',
             f'<title id="{title_id}">{escape(title)}</title>',
             f'<rect width="{size}" height="{size}" fill="white"/>',
             f'<text x="{margin}" y="24" font-family="sans-serif" font-size="16">'
             f"{escape(title)}</text>"]
    screen = spread(np.array([xy(p) for p in pts]).reshape(-1, 2))
    parts += _dots(result, screen, point_ids, show_groups)
    if show_groups:
        parts += _centres(result, xy, names, screen, size)
    index = result.index_of(highlight) if highlight is not None else None
    if index is not None:
        x, y = screen[index]
        parts.append(f'<g class="me" id="{id_prefix}-me"><circle cx="{x:.1f}" cy="{y:.1f}" '
                     'r="9" fill="none" stroke="black" stroke-width="2.5"/>'
                     f'<text x="{x:.1f}" y="{y + 25:.1f}" text-anchor="middle" '
                     'font-family="sans-serif" font-size="14" font-weight="bold" stroke="white" '
                     f'stroke-width="3" paint-order="stroke">{escape(highlight_label)}</text></g>')
    parts.append("</svg>")
    return "\n".join(parts)


GOLDEN_ANGLE = np.pi * (3 - np.sqrt(5))
SPREAD_PX = 4.5
"""Participants who voted alike share a position: they are drawn on a sunflower spiral
(Vogel 1979) around it, the k-th at radius ``SPREAD_PX·√k``, so each one is a dot."""


def spread(points: np.ndarray, cell: float = 3.0) -> np.ndarray:
    """Move screen points that fall on the same ``cell``-pixel spot onto a small spiral.

    The first point of a spot stays on it; the others turn around it by the golden
    angle at growing radii, so no dot hides another and the spot stays where it was.

    Examples
    --------
    >>> out = spread(np.array([[10.0, 10.0]] * 3 + [[50.0, 50.0]]))
    >>> len({(round(x, 1), round(y, 1)) for x, y in out}), out[0].tolist(), out[3].tolist()
    (4, [10.0, 10.0], [50.0, 50.0])

    """
    out = points.astype(float).copy()
    if len(points) == 0:
        return out
    keys = np.round(points / cell).astype(np.int64)
    _, spot, counts = np.unique(keys, axis=0, return_inverse=True, return_counts=True)
    spot = spot.ravel()
    rank = np.zeros(len(points), dtype=np.int64)
    seen: dict[int, int] = {}
    for i, s in enumerate(spot):
        if counts[s] > 1:
            rank[i] = seen.get(s, 0)
            seen[s] = rank[i] + 1
    radius = SPREAD_PX * np.sqrt(rank)
    out[:, 0] += radius * np.cos(rank * GOLDEN_ANGLE)
    out[:, 1] += radius * np.sin(rank * GOLDEN_ANGLE)
    return out


def _dots(result: Result, screen: np.ndarray, point_ids: Sequence[str] | None,
          show_groups: bool) -> list[str]:
    out = []
    for i, ((x, y), label) in enumerate(zip(screen, result.labels, strict=True)):
        grouped = show_groups and label >= 0
        colour = GROUP_COLOURS[label % len(GROUP_COLOURS)] if grouped else UNGROUPED
        shape = GROUP_SHAPES[label % len(GROUP_SHAPES)] if grouped else "circle"
        data = f' data-participant="{escape(str(point_ids[i]))}"' if point_ids else ""
        data += f' data-group="{group_letter(int(label))}"' if grouped else ""
        out.append(f'{_mark(shape, x, y, 3.5)} fill="{colour}" fill-opacity="0.75" '
                   f'class="participant"{data}/>')
    return out


LABEL_FONT = 13
LABEL_CHAR = 0.65 * LABEL_FONT
"""Width allowed per character of a group label (bold sans-serif is narrower): generous."""
_DISTANCES = (14, 22, 32, 44, 58, 74, 92, 112, 134, 158, 184)
_DIRECTIONS = ((0, -1), (0, 1), (1, 0), (-1, 0), (0.7, -0.7), (-0.7, -0.7), (0.7, 0.7),
               (-0.7, 0.7))


def _box(x: float, y: float, text: str) -> tuple[float, float, float, float]:
    """Box of a label centred on ``x`` with its baseline at ``y``."""
    half = LABEL_CHAR * len(text) / 2
    return (x - half, y - LABEL_FONT, x + half, y + 0.3 * LABEL_FONT)


def _hits(box: tuple[float, ...], boxes: np.ndarray) -> int:
    if not len(boxes):
        return 0
    return int(((boxes[:, 0] < box[2]) & (box[0] < boxes[:, 2]) & (boxes[:, 1] < box[3])
                & (box[1] < boxes[:, 3])).sum())


def place_labels(centres: Sequence[tuple[float, float]], texts: Sequence[str],
                 dots: np.ndarray, size: int, top: float = 32.0) -> list[tuple[float, float]]:
    """Return a baseline point per label where it covers no dot and no other label.

    Each label tries places around its centre, nearest first (above, below, beside,
    diagonally, further and further); the first free one is taken, else the one covering
    the fewest. Labels are placed largest group first; the map keeps its size.

    Examples
    --------
    >>> dots = np.array([[100.0, 86.0], [100.0, 100.0]])
    >>> place_labels([(100.0, 100.0)], ["Groupe A (2)"], dots, 300)
    [(100.0, 118.5)]

    """
    dot_boxes = np.column_stack([dots - 5, dots + 5]) if len(dots) else np.empty((0, 4))
    taken: list[tuple[float, ...]] = []
    placed: list[tuple[float, float]] = []
    for (cx, cy), text in zip(centres, texts, strict=True):
        best, best_cost = (cx, cy - _DISTANCES[0]), None
        for distance in _DISTANCES:
            for dx, dy in _DIRECTIONS:
                x, y = cx + dx * distance, cy + dy * distance + (0.35 * LABEL_FONT if dy else 0)
                box = _box(x, y, text)
                if box[0] < 2 or box[2] > size - 2 or box[1] < top or box[3] > size - 2:
                    continue
                cost = _hits(box, dot_boxes) + 1000 * _hits(box, np.array(taken).reshape(-1, 4))
                if best_cost is None or cost < best_cost:
                    best, best_cost = (x, y), cost
                if cost == 0:
                    break
            if best_cost == 0:
                break
        placed.append((round(best[0], 1), round(best[1], 1)))
        taken.append(tuple(v + g for v, g in zip(_box(*best, text), (-2, -2, 2, 2), strict=True)))
    return placed


def _centres(result: Result, xy, names: tuple[str, ...], dots: np.ndarray,
             size: int) -> list[str]:
    groups = sorted(result.groups, key=lambda g: -g.size)
    centres = [xy(g.center) for g in groups]
    texts = [f"{names[g.id]} ({g.size})" for g in groups]
    out = []
    for group, (x, y), (lx, ly), text in zip(groups, centres, place_labels(centres, texts, dots,
                                                                          size), texts,
                                             strict=True):
        colour = GROUP_COLOURS[group.id % len(GROUP_COLOURS)]
        shape = GROUP_SHAPES[group.id % len(GROUP_SHAPES)]
        out.append(f'{_mark(shape, x, y, 8)} fill="none" stroke="{colour}" stroke-width="3" '
                   'class="group-centre"/>')
        if abs(ly - (y - 14)) > 1 or abs(lx - x) > 1:  # moved: a line leads to its centre
            end_y = ly - LABEL_FONT / 2 if ly > y else ly
            out.append(f'<line x1="{x:.1f}" y1="{y:.1f}" x2="{lx:.1f}" y2="{end_y:.1f}" '
                       f'stroke="{colour}" stroke-width="1.5" class="group-leader"/>')
        out.append(f'<text x="{lx:.1f}" y="{ly:.1f}" text-anchor="middle" '
                   f'font-family="sans-serif" font-size="{LABEL_FONT}" font-weight="bold" '
                   'fill="black" stroke="white" stroke-width="3" paint-order="stroke" '
                   f'class="group-label">{escape(text)}</text>')
    return out
