"""The opinion map shows every participant, even those who voted exactly alike."""

from __future__ import annotations

import re

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
