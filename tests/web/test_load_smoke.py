"""The load path of ``bench/bench_kinds.py``, small: nothing acknowledged is lost, no 5xx.

Twenty participants of one Imaginer 2030 workshop, three SSE listeners, a real uvicorn
server in a subprocess on the database of the test (SQLite, or a fresh PostgreSQL
schema when ``TRAJECTOIRES_TEST_DATABASE_URL`` is set: the ``database_url`` fixture
marks it ``db``, so ``make test-postgres`` runs it too). The same harness as the
benchmark (joins through the pages, every contribution type, points, the facilitator's
phase changes, the paced stages cut to one second each); no timing is asserted.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from bench.bench_kinds import Plan, load

PLAN = Plan(participants=20, listeners=3, paced_seconds=1.0, reference_each=2)


@pytest.fixture
def workspace(tmp_path: Path, territory_reference, pytestconfig: pytest.Config) -> Path:
    """A server workspace whose territory reference is already built (the session's)."""
    cache = pytestconfig.cache
    if cache is None:
        pytest.skip("the pytest cache is disabled: the reference would be built (minutes)")
    folder = tmp_path / "workspace"
    folder.mkdir()
    (folder / "reference").symlink_to(cache.mkdir("territory-reference") / "reference")
    return folder


def test_every_acknowledged_write_is_stored(database_url: str, workspace: Path) -> None:
    result = load(database_url, workspace, PLAN)
    tally = result.tally

    assert not tally.statuses, f"responses other than the expected 2xx: {dict(tally.statuses)}"
    assert result.lost == dict.fromkeys(("headline", "milestone", "factor", "target",
                                         "points"), 0)
    assert result.unacknowledged == 0
    assert len(tally.acked["headline"]) == PLAN.participants
    assert len(tally.acked["target"]) == PLAN.participants
    assert len(tally.acked["milestone"]) >= 2 * PLAN.participants
    assert len(tally.acked["factor"]) >= PLAN.participants
    assert sum(1 for points in tally.points.values() if points) == 5 * PLAN.participants
    assert tally.events["contribution"] > 0 and tally.events["ranking"] > 0
