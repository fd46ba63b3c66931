"""What recording a version costs each contribution write (#9).

Every post, edit and moderation of a contribution also writes its version
(:func:`trajectoires.foresight.history.record_version`: one ``SELECT max(number)`` and
one ``INSERT``, in the same transaction). Measured through the real services, on
SQLite then on PostgreSQL (a fresh schema of the ``test`` database, skipped when
unreachable): 300 headlines posted by 30 participants of an Imaginer 2030, then each
edited once, then 100 hidden by the facilitator.

Reference in the same run, on the same database: the same writes with
``record_version`` replaced by a function doing nothing (as the code was before the
history). Runs alternate (reference, history, reference, history…) and the median of
3 is kept; ``ratio`` = reference time / measured time (1: versions cost nothing).
"""

from __future__ import annotations

import statistics
import tempfile
import time
from pathlib import Path

from bench._live import _drop_schema, _postgres_schema
from trajectoires.db import create_database, migrate
from trajectoires.foresight import contributions, moderation
from trajectoires.foresight.contributions import Author, edit_contribution, post_contribution
from trajectoires.foresight.facilitators import create_facilitator
from trajectoires.foresight.moderation import set_visibility
from trajectoires.foresight.participation import join_workshop
from trajectoires.foresight.workshops import create_workshop, set_phase

POSTS, PEOPLE, HIDDEN, RUNS = 300, 30, 100, 3


class _Place:
    kind, code, name = "departement", "29", "Finistère"


def _scenario(db, index: int) -> float:
    """Post, edit and hide in a fresh workshop; return the wall time of those writes."""
    with db.sessionmaker() as s:
        owner = create_facilitator(s, f"bench{index}@example.org", "Bench", "mot-de-passe-long")
    with db.sessionmaker() as s:
        ws = create_workshop(s, owner.id, _Place(), "Bench", "Q ?", kind="imaginer-2030",
                             settings={"horizon": "2031-10"})
    with db.sessionmaker() as s:
        ws = set_phase(s, owner.id, ws.slug, "vision")
    people = []
    for i in range(PEOPLE):
        with db.sessionmaker() as s:
            people.append(join_workshop(s, ws.join_code, f"P{i}").participant)
    started = time.perf_counter()
    posted = []
    for i in range(POSTS):
        who = people[i % PEOPLE]
        author = Author(participant_id=who.id, workshop_id=ws.id)
        with db.sessionmaker() as s:
            posted.append((author, post_contribution(s, ws.id, author, "headline",
                                                     {"title": f"Titre {i}"}).id))
    for author, cid in posted:
        with db.sessionmaker() as s:
            edit_contribution(s, cid, author, {"title": f"Titre modifié {cid}"})
    for _author, cid in posted[:HIDDEN]:
        with db.sessionmaker() as s:
            set_visibility(s, owner.id, cid, hidden=True, reason="Bench")
    return time.perf_counter() - started


def _measure(label: str, url: str) -> list[dict]:
    db = create_database(url)
    migrate(db)
    original = contributions.record_version
    times: dict[str, list[float]] = {"history": [], "reference": []}
    try:
        for run in range(RUNS):
            for mode in ("reference", "history"):
                patched = original if mode == "history" else (lambda *_a, **_k: None)
                contributions.record_version = moderation.record_version = patched
                times[mode].append(_scenario(db, run * 2 + (mode == "history")))
    finally:
        contributions.record_version = moderation.record_version = original
        db.engine.dispose()
    writes = POSTS * 2 + HIDDEN
    measured = statistics.median(times["history"]) / writes * 1000
    reference = statistics.median(times["reference"]) / writes * 1000
    return [{"name": f"{label}: one contribution write with its version (post, edit, hide)",
             "value": measured, "unit": "ms", "reference": reference,
             "reference_name": "the same write without the version",
             "ratio": reference / measured, "goal": "report (versions cost < 20 %)"}]


def run() -> list[dict]:
    """Measure on SQLite, then on PostgreSQL when reachable."""
    rows = []
    with tempfile.TemporaryDirectory() as folder:
        rows += _measure("SQLite", f"sqlite:///{Path(folder) / 'bench.sqlite'}")
    found = _postgres_schema()
    if found is None:
        return [*rows, {"name": "PostgreSQL: skipped (unreachable)", "value": None}]
    schema, url = found
    try:
        rows += _measure("PostgreSQL", url)
    finally:
        _drop_schema(schema)
    return rows
