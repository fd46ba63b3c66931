"""The opinion map shows every participant, even those who voted exactly alike."""

from __future__ import annotations

import re

import numpy as np

from trajectoires.collective import VoteTable, analyse, opinion_map_svg

PATTERNS = ({1: 1, 2: 1, 3: -1, 4: 1}, {1: 1, 2: -1, 3: 1, 4: -1}, {1: -1, 2: 1, 3: 1, 4: 0},
            {1: 0, 2: -1, 3: -1, 4: 1})


def _dots(svg: str) -> list[tuple[str, ...]]:
    marks = re.findall(r'<(circle|rect|polygon)([^>]*)class="participant"', svg)
    return [tuple(re.findall(r'(?:cx|cy|x|y|points)="([^"]+)"', attrs)) for _, attrs in marks]


def test_nine_participants_voting_four_ways_are_nine_dots() -> None:
    """Nine participants with four vote patterns were drawn as four dots."""
    rows = [(f"p{i}", s, v) for i in range(9) for s, v in PATTERNS[i % 4].items()]
    result = analyse(VoteTable.from_rows(rows), rng=0)
    assert len({tuple(p) for p in result.positions.round(6).tolist()}) == 4
    dots = _dots(opinion_map_svg(result, highlight="p4"))
    assert len(dots) == 9 and len(set(dots)) == 9


def _centre(kind: str, attrs: str) -> tuple[float, float]:
    if kind == "polygon":
        xy = [tuple(map(float, p.split(","))) for p in re.search(
            r'points="([^"]+)"', attrs).group(1).split()]
        return sum(x for x, _ in xy) / len(xy), sum(y for _, y in xy) / len(xy)
    get = dict(re.findall(r'(\w+)="([^"]+)"', attrs))
    if kind == "circle":
        return float(get["cx"]), float(get["cy"])
    return float(get["x"]) + float(get["width"]) / 2, float(get["y"]) + float(get["height"]) / 2


def _label_boxes(svg: str) -> list[tuple[str, tuple[float, float, float, float]]]:
    """Box of each group label, from its anchor and a generous width per character."""
    boxes = []
    for attrs, text in re.findall(r'<text([^>]*class="group-label"[^>]*)>([^<]+)</text>', svg):
        get = dict(re.findall(r'([\w-]+)="([^"]+)"', attrs))
        x, y, size = float(get["x"]), float(get["y"]), float(get["font-size"])
        width = 0.62 * size * len(text)
        left = {"middle": x - width / 2, "end": x - width}.get(get.get("text-anchor"), x)
        boxes.append((text, (left, y - size, left + width, y + 0.3 * size)))
    return boxes


def _overlap(a, b, gap: float = 0.0) -> bool:
    return a[0] < b[2] + gap and b[0] < a[2] + gap and a[1] < b[3] + gap and b[1] < a[3] + gap


def test_group_labels_overlap_neither_each_other_nor_a_participant() -> None:
    """With 99 participants the group labels sat on the dots of their group (and on each
    other's when groups were close): each label now has a free place, linked to its centre."""
    rng = np.random.default_rng(7)
    blocs = (PATTERNS[0], PATTERNS[1], PATTERNS[2])
    rows = [(f"p{i}", s, v if rng.random() > 0.15 else int(rng.choice((-1, 0, 1))))
            for i in range(99) for s, v in blocs[i % 3].items()]
    result = analyse(VoteTable.from_rows(rows), rng=0)
    assert len(result.groups) >= 2
    svg = opinion_map_svg(result)
    dots = [_centre(kind, attrs) for kind, attrs in
            re.findall(r'<(circle|rect|polygon)([^>]*)class="participant"', svg)]
    assert len(dots) == 99
    labels = _label_boxes(svg)
    assert len(labels) == len(result.groups)
    size = float(re.search(r'viewBox="0 0 (\d+)', svg).group(1))
    for text, box in labels:
        assert box[0] >= 0 and box[2] <= size and box[1] >= 0 and box[3] <= size, text
        hit = [d for d in dots if _overlap(box, (d[0] - 5, d[1] - 5, d[0] + 5, d[1] + 5))]
        assert not hit, f"« {text} » covers {len(hit)} participants"
    for i, (text, box) in enumerate(labels):
        for other, box2 in labels[i + 1:]:
            assert not _overlap(box, box2, 2), f"« {text} » and « {other} » overlap"
