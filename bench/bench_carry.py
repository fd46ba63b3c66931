"""Carrying a 500-participant workshop: ``workshop export`` and ``workshop import`` (#9).

The workshop (an Imaginer 2030 of 500 participants at 10 tables: 500 headlines, 1,500
milestones pointing at headlines, 500 targets, 15,000 votes, 2,500 priority points
and one version per contribution) is written straight into a SQLite file with Core
inserts (setting it up through the services would take minutes and is not measured).

Measured, on SQLite then on PostgreSQL (a fresh schema of the ``test`` database,
skipped when unreachable): the export of that workshop to a ZIP, and its import into
an empty instance (checks, one transaction, ids drawn afresh, payload references
followed). Reference in the same run, on the same database: the least any carry costs
— ``SELECT *`` of the same rows, ``json.dumps`` and a ZIP for the export; a plain
``executemany`` of the same rows into empty tables (one transaction) for the import.
``ratio`` = reference time / measured time (1 would be "as cheap as a raw copy"); the
CPU time of this process is in the measure's name (the machine's load inflates wall time).
Also reported: the open-data ZIP of the imported workshop once published there (built on
each request of ``/archives/{slug}/donnees.zip``), against the export.
"""

from __future__ import annotations

import io
import json
import random
import tempfile
import time
import zipfile
from datetime import UTC, datetime, timedelta
from pathlib import Path

import sqlalchemy

from bench._live import PG_URL, _drop_schema, _postgres_schema
from trajectoires.db import Database, create_database, migrate
from trajectoires.foresight.carry import TABLES, export_workshop, import_workshop
from trajectoires.foresight.carry._dump import scope_clause
from trajectoires.foresight.facilitators import create_facilitator
from trajectoires.foresight.history_models import ContributionVersion
from trajectoires.foresight.models import (
    Contribution,
    Participant,
    PriorityPoints,
    Vote,
    Workshop,
    WorkshopTable,
)
from trajectoires.foresight.opendata import workshop_zip

PARTICIPANTS = 500
HEADLINES, MILESTONES, TARGETS = 500, 1500, 500
VOTES_EACH, POINTS_EACH = 30, 5
GOAL_SECONDS = 5.0


def _insert(conn, model, rows: list[dict]) -> list[int]:  # noqa: ANN001
    table = model.__table__
    if "id" in table.c and rows and "id" not in rows[0]:
        statement = sqlalchemy.insert(table).returning(table.c.id, sort_by_parameter_order=True)
        return list(conn.execute(statement, rows).scalars())
    conn.execute(sqlalchemy.insert(table), rows)
    return []


def _contributions(conn, workshop_id: int, people: list[int], tables: list[int],  # noqa: ANN001
                   now: datetime, rng: random.Random) -> list[int]:
    def row(i: int, ctype: str, payload: dict) -> dict:
        at = now + timedelta(seconds=i)
        return {"workshop_id": workshop_id, "participant_id": people[i % PARTICIPANTS],
                "table_id": tables[i % 10], "type": ctype, "text": payload["title"],
                "payload": payload, "status": "visible", "created_at": at, "updated_at": at}

    heads = _insert(conn, Contribution, [row(i, "headline", {
        "title": f"Titre du futur {i}", "story": "Nous sommes en octobre 2030. " * 4,
        "date": "2030-10"}) for i in range(HEADLINES)])
    steps = _insert(conn, Contribution, [row(i, "milestone", {
        "title": f"Jalon {i}", "date": "2028-06", "category": "culturel",
        "leads_to": sorted(rng.sample(heads, 2))}) for i in range(MILESTONES)])
    marks = _insert(conn, Contribution, [row(i, "target", {
        "title": f"Cible {i}", "indicator": "ftth_taux", "target_value": 98.0,
        "target_date": "2030-10"}) for i in range(TARGETS)])
    return heads + steps + marks


def build(db: Database) -> str:
    """Write the 500-participant workshop; return its slug."""
    rng = random.Random(2030)
    with db.sessionmaker() as s:
        owner = create_facilitator(s, "bench@example.org", "Bench", "bench-password-123")
    now = datetime(2026, 12, 2, 9, 0, tzinfo=UTC)
    with db.engine.begin() as conn:
        [workshop_id] = _insert(conn, Workshop, [{
            "slug": "banc-carry", "join_code": "BENCH2", "title": "Banc d'essai",
            "question": "Nous sommes en octobre 2030…", "territory_kind": "departement",
            "territory_code": "29", "territory_name": "Finistère", "kind": "imaginer-2030",
            "status": "closed", "facilitator_id": owner.id, "created_at": now,
            "settings": {"horizon": "2030-10"}}])
        tables = _insert(conn, WorkshopTable, [{"workshop_id": workshop_id, "name": f"Table {i}"}
                                               for i in range(10)])
        people = _insert(conn, Participant, [{
            "workshop_id": workshop_id, "pseudonym": f"Personne {i}",
            "pseudonym_key": f"personne {i}", "token_hash": f"{i:064x}",
            "table_id": tables[i % 10], "created_at": now} for i in range(PARTICIPANTS)])
        made = _contributions(conn, workshop_id, people, tables, now, rng)
        _insert(conn, Vote, [{"participant_id": p, "contribution_id": c,
                              "value": rng.choice((-1, 0, 1)), "updated_at": now}
                             for p in people for c in rng.sample(made, VOTES_EACH)])
        _insert(conn, PriorityPoints, [{"participant_id": p, "contribution_id": c,
                                        "points": 1, "updated_at": now}
                                       for p in people for c in rng.sample(made, POINTS_EACH)])
        _insert(conn, ContributionVersion, [{
            "contribution_id": c, "workshop_id": workshop_id, "number": 1,
            "action": "created", "participant_id": people[i % PARTICIPANTS],
            "text": "version", "payload": {}, "status": "visible", "created_at": now}
            for i, c in enumerate(made)])
    return "banc-carry"


def _raw_rows(db: Database, workshop_id: int) -> dict[str, list[dict]]:
    with db.engine.connect() as conn:
        return {t.name: [dict(r) for r in conn.execute(sqlalchemy.select(t.table).where(
            scope_clause(t, workshop_id))).mappings()] for t in TABLES}


def _reference_export(db: Database, workshop_id: int) -> float:
    started = time.perf_counter()
    rows = _raw_rows(db, workshop_id)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, table_rows in rows.items():
            archive.writestr(f"{name}.json", json.dumps(table_rows, default=str))
    return time.perf_counter() - started


def _reference_import(rows: dict[str, list[dict]], target: Database) -> float:
    started = time.perf_counter()
    with target.engine.begin() as conn:
        for carried in TABLES:
            if rows[carried.name]:
                conn.execute(sqlalchemy.insert(carried.table), rows[carried.name])
    return time.perf_counter() - started


def _fresh(url: str) -> Database:
    db = create_database(url)
    migrate(db)
    with db.sessionmaker() as s:
        create_facilitator(s, "serveur@example.org", "Serveur", "bench-password-123")
    return db


def measure(label: str, source: Database, urls: tuple[str, str], slug: str) -> list[dict]:
    """Export ``slug`` from ``source``, import it into the first URL; references to the second."""
    with source.engine.connect() as conn:
        workshop_id = conn.execute(sqlalchemy.select(Workshop.id).where(
            Workshop.slug == slug)).scalar_one()
    buffer = io.BytesIO()
    started, cpu = time.perf_counter(), time.process_time()
    with source.sessionmaker() as s:
        export_workshop(s, slug, buffer)
    exported, export_cpu = time.perf_counter() - started, time.process_time() - cpu
    reference_export = _reference_export(source, workshop_id)
    target = _fresh(urls[0])
    started, cpu = time.perf_counter(), time.process_time()
    with target.sessionmaker() as s:
        outcome = import_workshop(s, io.BytesIO(buffer.getvalue()))
    imported, import_cpu = time.perf_counter() - started, time.process_time() - cpu
    raw = _fresh(urls[1])
    reference_import = _reference_import(_raw_rows(source, workshop_id), raw)
    with target.engine.begin() as conn:
        conn.execute(sqlalchemy.update(Workshop).values(published_at=datetime.now(UTC)))
    started, cpu = time.perf_counter(), time.process_time()
    with target.sessionmaker() as s:
        package = workshop_zip(s, slug)
    opened, open_cpu = time.perf_counter() - started, time.process_time() - cpu
    for db in (target, raw):
        db.engine.dispose()
    size = len(buffer.getvalue()) / 1e6
    goal = f"< {GOAL_SECONDS:g} s"
    return [
        {"name": f"{label}: export, {PARTICIPANTS} participants ({size:.1f} MB ZIP; "
                 f"CPU {export_cpu:.2f} s)",
         "value": exported, "unit": "s", "goal": goal, "reference": reference_export,
         "reference_name": "(SELECT + json + zip)", "ratio": reference_export / exported},
        {"name": f"{label}: import ({sum(outcome.counts.values()):,} rows; "
                 f"CPU {import_cpu:.2f} s)",
         "value": imported, "unit": "s", "goal": goal, "reference": reference_import,
         "reference_name": "(raw executemany)", "ratio": reference_import / imported},
        {"name": f"{label}: open data ZIP of it ({len(package) / 1e6:.1f} MB; "
                 f"CPU {open_cpu:.2f} s)", "value": opened, "unit": "s", "goal": "report",
         "reference": exported, "reference_name": "(the export above)",
         "ratio": exported / opened},
    ]


def run() -> list[dict]:
    """Rows of the benchmark: SQLite to SQLite, then SQLite to PostgreSQL."""
    rows = []
    with tempfile.TemporaryDirectory(prefix="bench-carry-") as folder:
        source = create_database(f"sqlite:///{Path(folder) / 'hall.sqlite'}")
        migrate(source)
        slug = build(source)
        rows += measure("SQLite", source, (f"sqlite:///{folder}/a.sqlite",
                                           f"sqlite:///{folder}/b.sqlite"), slug)
        schemas = [_postgres_schema(), _postgres_schema()]
        if None in schemas:
            rows.append({"name": "PostgreSQL", "value": None, "unit": "",
                         "goal": f"skipped: {PG_URL} unreachable"})
        else:
            try:
                rows += measure("PostgreSQL", source, (schemas[0][1], schemas[1][1]), slug)
            finally:
                for schema, _url in schemas:
                    _drop_schema(schema)
        source.engine.dispose()
    return rows
