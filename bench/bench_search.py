"""The archive's search at scale: 10,000 published workshops, 1 million contributions (#9).

Built on SQLite, then on PostgreSQL: 10,000 closed, published workshops over 400
communes of 10 départements (each commune in an EPCI), published over 2024–2026, 100
contributions each (1,000,000 rows, inserted in bulk at the driver: ``executemany`` on
SQLite, ``COPY`` on PostgreSQL), then each workshop put in the index by the real
:func:`~trajectoires.foresight.search.index_document` (its body: the question and the
titles of its contributions, as ``archive_text`` writes them), then ``VACUUM`` /
``ANALYZE`` (the steady state autovacuum keeps). French words are drawn from a
Zipf-like vocabulary (a few common, many rare), so queries range from every workshop
to a handful.

The databases are cached (built once, reused by later runs): ``bench/out/bench_search_
<size>_<fixture>_m<migration head>.sqlite`` and the PostgreSQL schema of the same name in
the ``test`` database; a change of size, of :data:`FIXTURE` or of the migration head
builds them again (and drops the older ones). The building times are reported with
the run that built them.

Measured: :func:`~trajectoires.foresight.search.search_documents` as the search page
runs it (the count, the first page of 20, their snippets), for 24 queries — one word
(common, rare), two and three words, typed without accents, with a département, an
EPCI or a commune, a type, a year, no word — each run 10 times after a warm-up run:
p50 and p99 of the 240 times. Reference in the same run, on the same database: a
workshop read by its primary key (median of 240); ``ratio`` = reference / measured
(the search costs 1/ratio primary-key reads). Goal: p99 < 100 ms.
``python -m bench --quick search`` builds 1,000 workshops (100,000 contributions);
``BENCH_SEARCH_WORKSHOPS=N`` any size.
"""

from __future__ import annotations

import json
import os
import random
import statistics
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import sqlalchemy
from sqlalchemy import insert, select
from sqlalchemy.exc import DBAPIError

from bench._live import PG_URL
from trajectoires.db import create_database, migrate
from trajectoires.foresight.models import Facilitator, Workshop
from trajectoires.foresight.search import index_document, search_documents

QUICK = bool(os.environ.get("BENCH_QUICK"))
WORKSHOPS = int(os.environ.get("BENCH_SEARCH_WORKSHOPS", "1000" if QUICK else "10000"))
"""Published workshops built (``--quick``: 1,000; ``BENCH_SEARCH_WORKSHOPS``: any size)."""
PER_WORKSHOP, RUNS, CHUNK = 100, 10, 20_000
FIXTURE = "f3"
"""Version of the built data: change it when :func:`_build` changes (cached databases)."""
OUT = Path(__file__).parent / "out"
VERSIONS = Path(__file__).parents[1] / "src/trajectoires/db/migrations/versions"
DEPARTEMENTS = ("22", "29", "35", "44", "49", "53", "56", "72", "85", "14")
COMMUNES_PER_DEP, COMMUNES_PER_EPCI = 40, 8
STEMS = ("école", "médiation", "fibre", "numérique", "tiers-lieu", "bibliothèque", "mairie",
         "conseiller", "aidant", "démarche", "réseau", "antenne", "collège", "lycée", "habitant",
         "association", "entreprise", "commune", "quartier", "village", "bourg", "marché",
         "atelier", "formation", "compétence", "accès", "débit", "couverture", "usage",
         "service", "guichet", "jeunesse", "aîné", "famille", "mobilité", "transport", "santé",
         "emploi", "agriculture", "tourisme", "culture", "sport", "données", "ordinateur",
         "tablette", "smartphone", "imprimante", "logiciel", "sécurité", "confiance")
ENDINGS = ("", "s", "ment", "ation", "eur", "ique", "age", "ité", "elle", "iste")
FILLERS = ("le", "la", "les", "des", "du", "pour", "avec", "dans", "chaque", "un", "une")


def _fixture_name() -> str:
    """Name of the cached database: size, fixture version and migration head."""
    head = sorted(p.stem for p in VERSIONS.glob("0*.py"))[-1].split("_")[0]
    return f"bench_search_{WORKSHOPS}x{PER_WORKSHOP}_{FIXTURE}_m{head}"


def _vocabulary() -> tuple[list[str], list[float]]:
    words = [stem + end for end in ENDINGS for stem in STEMS]
    weights = [1 / (rank + 1) ** 1.1 for rank in range(len(words))]  # Zipf-like
    return words, weights


def _text(rng: random.Random, words: list[str], weights: list[float]) -> str:
    chosen = rng.choices(words, weights, k=rng.randint(5, 9))
    return " ".join(w if rng.random() < .7 else f"{rng.choice(FILLERS)} {w}" for w in chosen)


def _territories() -> list[tuple[str, list[tuple[str, str]]]]:
    places = []
    for dep in DEPARTEMENTS:
        for i in range(COMMUNES_PER_DEP):
            code = f"{dep}{i + 1:03d}"
            epci = f"2{dep}{i // COMMUNES_PER_EPCI:06d}"
            places.append((code, [("commune", code), ("epci", epci), ("departement", dep),
                                  ("region", "53"), ("pays", "FR")]))
    return places


def _workshop_rows(rng: random.Random, words: list[str], weights: list[float],
                   places: list) -> list[dict]:  # noqa: ANN001
    start = datetime(2024, 1, 1, tzinfo=UTC)
    rows = []
    for w in range(1, WORKSHOPS + 1):
        code = places[w % len(places)][0]
        published = start + timedelta(hours=w * 3 * 365 * 24 / WORKSHOPS)  # 2024–2026
        rows.append({"id": w, "slug": f"atelier-{w:05d}", "join_code": f"{w:06d}",
                     "title": f"Atelier {w} : {_text(rng, words, weights)[:80]}",
                     "question": "Comment sommes-nous arrivés là ?", "territory_kind": "commune",
                     "territory_code": code, "territory_name": f"Commune {code}",
                     "kind": ("imaginer-2030", "construire-2030", "debate")[w % 3],
                     "status": "closed", "facilitator_id": 1, "created_at": published,
                     "published_at": published, "licence": "etalab-2.0", "settings": {}})
    return rows


CONTRIBUTION_COLUMNS = ("id", "workshop_id", "type", "text", "payload", "status", "on_paper",
                        "created_at", "updated_at")


def _insert_contributions(db, batch: list[tuple]) -> None:  # noqa: ANN001
    """Bulk insert at the driver: executemany on SQLite, COPY on PostgreSQL."""
    columns = ", ".join(CONTRIBUTION_COLUMNS)
    raw = db.engine.raw_connection()
    try:
        cursor = raw.cursor()
        if db.engine.dialect.name == "sqlite":
            marks = ", ".join("?" * len(CONTRIBUTION_COLUMNS))
            cursor.executemany(f"INSERT INTO contribution ({columns}) VALUES ({marks})", batch)
        else:
            with cursor.copy(f"COPY contribution ({columns}) FROM STDIN") as copy:
                for row in batch:
                    copy.write_row(row)
        raw.commit()
    finally:
        raw.close()


def _build(db) -> dict:  # noqa: ANN001
    """Insert the workshops and contributions in bulk, then index each workshop."""
    rng = random.Random(2030)
    words, weights = _vocabulary()
    places = _territories()
    started = time.perf_counter()
    with db.session() as s:
        s.execute(insert(Facilitator), [{"id": 1, "email": "b@example.org",
                                         "display_name": "Bench", "password_hash": "x"}])
    rows = _workshop_rows(rng, words, weights, places)
    with db.session() as s:
        for i in range(0, len(rows), CHUNK):
            s.execute(insert(Workshop), rows[i:i + CHUNK])
    titles: dict[int, list[str]] = {}
    batch, cid = [], 0
    stamp = datetime(2024, 1, 1, tzinfo=UTC)
    stamp_value = (stamp.strftime("%Y-%m-%d %H:%M:%S.%f") if db.engine.dialect.name == "sqlite"
                   else stamp)
    for w in range(1, WORKSHOPS + 1):
        texts = titles[w] = [_text(rng, words, weights) for _ in range(PER_WORKSHOP)]
        for text in texts:
            cid += 1
            batch.append((cid, w, "headline", text, json.dumps({"title": text}), "visible",
                          False, stamp_value, stamp_value))
        if len(batch) >= CHUNK:
            _insert_contributions(db, batch)
            batch = []
    if batch:
        _insert_contributions(db, batch)
    inserted = time.perf_counter() - started
    chains = dict(places)
    started = time.perf_counter()
    with db.session() as s:
        for row in rows:
            code = row["territory_code"]
            index_document(s, "workshop", row["slug"], title=row["title"],
                           body="\n".join([row["question"], *titles[row["id"]]]),
                           territory=("commune", code, row["territory_name"]),
                           territories=chains[code], year=row["created_at"].year,
                           subtype=row["kind"], url=f"/archives/{row['slug']}",
                           published_at=row["published_at"])
    with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.exec_driver_sql("VACUUM" if db.engine.dialect.name == "sqlite" else "VACUUM ANALYZE")
    with db.engine.begin() as conn:
        conn.exec_driver_sql("ANALYZE")
        conn.exec_driver_sql("CREATE TABLE bench_fixture (contributions INTEGER,"
                             " insert_s FLOAT, index_s FLOAT)")
        conn.exec_driver_sql(f"INSERT INTO bench_fixture VALUES ({cid}, {inserted},"
                             f" {time.perf_counter() - started})")
    return _built(db)


def _built(db) -> dict | None:  # noqa: ANN001
    """What the cached database holds (``None``: not built, or not to the end)."""
    try:
        with db.engine.connect() as conn:
            found = conn.exec_driver_sql("SELECT contributions, insert_s, index_s"
                                         " FROM bench_fixture").one_or_none()
    except DBAPIError:
        return None
    if found is None:
        return None
    return {"contributions": found[0], "insert_s": found[1], "index_s": found[2]}


QUERIES = [
    ("numérique", {}), ("école", {}), ("confiance", {}), ("sécuritéiste", {}),
    ("médiation numérique", {}), ("fibre débit couverture", {}), ("ecoles numeriques", {}),
    ("acces", {}), ("numérique", {"territory": ("departement", "29")}),
    ("école", {"territory": ("epci", "229000001")}),
    ("médiation", {"territory": ("commune", "29007")}),
    ("", {"territory": ("departement", "56")}), ("", {"territory": ("commune", "35012")}),
    ("numérique", {"year": 2025}), ("bibliothèque", {"kind": "workshop", "subtype": "debate"}),
    ("", {}), ("", {"year": 2026, "subtype": "imaginer-2030"}),
    ("tablette smartphone", {"territory": ("departement", "44")}), ("quartierique", {}),
    ("introuvable", {}), ("habitant", {"territory": ("region", "53")}),
    ("aîné famille santé", {}), ("le la les", {}), ("données", {"year": 2024}),
]


def _times(db) -> tuple[list[float], list[float]]:  # noqa: ANN001
    searches, lookups = [], []
    rng = random.Random(9)
    for _ in range(RUNS):
        for query, filters in QUERIES:
            with db.sessionmaker() as s, s.begin():
                started = time.perf_counter()
                search_documents(s, query, limit=20, **filters)
                searches.append(time.perf_counter() - started)
            with db.sessionmaker() as s, s.begin():
                key = rng.randint(1, WORKSHOPS)
                started = time.perf_counter()
                s.execute(select(Workshop).where(Workshop.id == key)).scalar_one()
                lookups.append(time.perf_counter() - started)
    return searches, lookups


def _measure(label: str, url: str) -> list[dict]:
    db = create_database(url)
    try:
        built = _built(db)
        cached = built is not None
        if built is None:
            migrate(db)
            built = _build(db)
        _times(db)  # warm-up run (caches, plans)
        searches, lookups = _times(db)
    finally:
        db.engine.dispose()
    searches.sort()
    p50 = statistics.median(searches) * 1000
    p99 = searches[int(0.99 * (len(searches) - 1))] * 1000
    reference = statistics.median(lookups) * 1000
    common = {"unit": "ms", "reference": reference,
              "reference_name": "a workshop read by its primary key"}
    size = f"{WORKSHOPS:,} workshops, {built['contributions']:,} contributions"
    return [
        {"name": f"{label}: search p50 ({size}, {len(QUERIES)} queries × {RUNS})", "value": p50,
         "ratio": reference / p50, "goal": "report", **common},
        {"name": f"{label}: search p99", "value": p99, "ratio": reference / p99,
         "goal": "p99 < 100 ms", **common},
        {"name": f"{label}: building: bulk insert of the workshops and contributions"
                 + (" (cached database, built earlier)" if cached else ""),
         "value": built["insert_s"], "unit": "s", "goal": "report"},
        {"name": f"{label}: building: indexing the {WORKSHOPS:,} workshops (index_document)",
         "value": built["index_s"], "unit": "s", "goal": "report"},
    ]


def _sqlite_url() -> str:
    """The cached SQLite database under ``bench/out`` (built once per fixture and schema)."""
    OUT.mkdir(exist_ok=True)
    for old in OUT.glob("bench_search_*.sqlite*"):
        if not old.name.startswith(_fixture_name() + ".sqlite"):
            old.unlink()  # another size or version: one cached database at a time
    return f"sqlite:///{OUT / _fixture_name()}.sqlite"


def _postgres_url() -> str | None:
    """The cached PostgreSQL schema (kept between runs), created when missing."""
    schema = _fixture_name()
    try:
        admin = sqlalchemy.create_engine(PG_URL)
        with admin.begin() as conn:
            stale = conn.exec_driver_sql(
                "SELECT nspname FROM pg_namespace WHERE nspname LIKE 'bench\\_search\\_%%'"
                " AND nspname <> %(s)s", {"s": schema}).scalars().all()
            for name in stale:
                conn.exec_driver_sql(f'DROP SCHEMA "{name}" CASCADE')
            conn.exec_driver_sql(f'CREATE SCHEMA IF NOT EXISTS "{schema}"')
        admin.dispose()
    except sqlalchemy.exc.OperationalError:
        return None
    separator = "&" if "?" in PG_URL else "?"
    return f"{PG_URL}{separator}options=-csearch_path%3D{schema}"


def run() -> list[dict]:
    """Measure on SQLite, then on PostgreSQL when reachable (cached databases)."""
    rows = _measure("SQLite", _sqlite_url())
    url = _postgres_url()
    if url is None:
        return [*rows, {"name": "PostgreSQL: skipped (unreachable)", "value": None}]
    return rows + _measure("PostgreSQL", url)
