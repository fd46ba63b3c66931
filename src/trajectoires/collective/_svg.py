"""The opinion map as a standalone SVG (no plotting library)."""

from __future__ import annotations

from html import escape

import numpy as np

from trajectoires.collective._result import Result

__all__ = ["opinion_map_svg"]

PALETTE = ("#1b9e77", "#d95f02", "#7570b3", "#e7298a", "#66a61e", "#e6ab02")
UNGROUPED = "#b0b0b0"


def opinion_map_svg(result: Result, *, size: int = 480, title: str = "Carte des opinions",
                    labels: tuple[str, ...] | None = None) -> str:
    """SVG of the participants' positions coloured by group, with group centres.

    Parameters
    ----------
    result : Result
        An analysis.
    size : int
        Width and height in pixels.
    title : str
        Title drawn at the top (and in ``<title>`` for screen readers).
    labels : tuple of str, optional
        Legend text per group (default ``Groupe A``, ``Groupe B``, …).

    Examples
    --------
    >>> from trajectoires.collective import analyse, example_votes
    >>> svg = opinion_map_svg(analyse(example_votes()))
    >>> svg.startswith("<svg") and svg.count("<circle") >= 8
    True

    """
    margin, top = 24, 40
    pts = result.positions
    span = np.abs(pts).max() if len(pts) else 1.0
    span = float(span) if span > 0 else 1.0
    inner = size - 2 * margin

    def xy(point: np.ndarray) -> tuple[float, float]:
        return (margin + (point[0] / span + 1) / 2 * inner,
                top + (1 - point[1] / span) / 2 * (inner - top + margin))

    names = labels or tuple(f"Groupe {chr(65 + g.id)}" for g in result.groups)
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{size}" height="{size}" '
             f'viewBox="0 0 {size} {size}" role="img" aria-labelledby="t">',
             f'<title id="t">{escape(title)}</title>',
             f'<rect width="{size}" height="{size}" fill="white"/>',
             f'<text x="{margin}" y="24" font-family="sans-serif" font-size="16">'
             f"{escape(title)}</text>"]
    for point, label in zip(pts, result.labels, strict=True):
        x, y = xy(point)
        colour = PALETTE[label % len(PALETTE)] if label >= 0 else UNGROUPED
        parts.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3" fill="{colour}" '
                     'fill-opacity="0.6"/>')
    for group in result.groups:
        x, y = xy(np.array(group.center))
        colour = PALETTE[group.id % len(PALETTE)]
        parts.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="8" fill="none" stroke="{colour}" '
                     'stroke-width="3"/>')
        parts.append(f'<text x="{x + 10:.1f}" y="{y - 10:.1f}" font-family="sans-serif" '
                     f'font-size="13" fill="{colour}">{escape(names[group.id])} '
                     f"({group.size})</text>")
    parts.append("</svg>")
    return "\n".join(parts)
