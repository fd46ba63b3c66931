"""The demo creates one example workshop of each kind that declares demo content, once."""

from __future__ import annotations

from tests.foresight import factories as f
from trajectoires.db import Database
from trajectoires.foresight.contributions import list_contributions
from trajectoires.foresight.demo import ensure_demo_workshops
from trajectoires.foresight.kinds import kinds


def test_one_example_per_kind_created_once(database: Database) -> None:
    owner = f.facilitator(database)
    with f.session(database) as s:
        first = ensure_demo_workshops(s, owner.id, f.FINISTERE)
        again = ensure_demo_workshops(s, owner.id, f.FINISTERE)
    expected = [k.key for k in kinds() if k.demo is not None]
    assert [w.kind for w in first] == expected and "debate" in expected
    assert [w.id for w in again] == [w.id for w in first]
    assert all(w.example for w in first)
    with f.session(database) as s:
        for workshop in first:
            assert list_contributions(s, workshop.id), f"{workshop.kind} example is empty"
