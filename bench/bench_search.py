"""The archive's search at scale: 10,000 published workshops, 1 million contributions (#9).

Built on SQLite, then on PostgreSQL (a fresh schema of the ``test`` database, skipped
when unreachable): 10,000 closed, published workshops over 400 communes of 10
départements (each commune in an EPCI), 100 contributions each (1,000,000 rows,
inserted in bulk), then each workshop put in the index by the real
:func:`~trajectoires.foresight.search.index_document` (its body: the question and the
titles of its contributions, as ``archive_text`` writes them). French words are drawn
from a Zipf-like vocabulary (a few common, many rare), so queries range from thousands
of matches to a handful.

Measured: :func:`~trajectoires.foresight.search.search_documents` as the search page
runs it (the count, the first page of 20, their snippets), for 24 queries — one word
(common, rare), two and three words, typed without accents, with a département, an
EPCI or a commune, a type, a year, no word — each run 10 times: p50 and p99 of the
240 times. Reference in the same run, on the same database: a workshop read by its
primary key (median of 240); ``ratio`` = reference / measured (the search costs
1/ratio primary-key reads). Goal: p99 < 100 ms. ``BENCH_SEARCH_WORKSHOPS=2000 python -m
bench search`` builds fewer (100 contributions each), for a machine too loaded for the whole.
"""

from __future__ import annotations

import os
import random
import statistics
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import insert, select

from bench._live import _drop_schema, _postgres_schema
from trajectoires.db import create_database, migrate
from trajectoires.foresight.models import Contribution, Facilitator, Workshop
from trajectoires.foresight.search import index_document, search_documents

WORKSHOPS = int(os.environ.get("BENCH_SEARCH_WORKSHOPS", "10000"))
"""Published workshops built (``BENCH_SEARCH_WORKSHOPS``: a smaller run on a loaded machine)."""
PER_WORKSHOP, RUNS, CHUNK = 100, 10, 20_000
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


def _build(db) -> dict:  # noqa: ANN001
    """Insert the workshops and contributions in bulk, then index each workshop."""
    rng = random.Random(2030)
    words, weights = _vocabulary()
    places = _territories()
    start = datetime(2024, 1, 1, tzinfo=UTC)
    with db.session() as s:
        s.execute(insert(Facilitator), [{"id": 1, "email": "b@example.org",
                                         "display_name": "Bench", "password_hash": "x"}])
    rows, titles = [], {}
    for w in range(1, WORKSHOPS + 1):
        code = places[w % len(places)][0]
        published = start + timedelta(hours=w * 2.5)
        rows.append({"id": w, "slug": f"atelier-{w:05d}", "join_code": f"{w:06d}",
                     "title": f"Atelier {w} : {_text(rng, words, weights)[:80]}",
                     "question": "Comment sommes-nous arrivés là ?", "territory_kind": "commune",
                     "territory_code": code, "territory_name": f"Commune {code}",
                     "kind": ("imaginer-2030", "construire-2030", "debate")[w % 3],
                     "status": "closed", "facilitator_id": 1, "created_at": published,
                     "published_at": published, "licence": "etalab-2.0", "settings": {}})
    with db.session() as s:
        for i in range(0, len(rows), CHUNK):
            s.execute(insert(Workshop), rows[i:i + CHUNK])
    batch, cid = [], 0
    for w in range(1, WORKSHOPS + 1):
        texts = titles[w] = [_text(rng, words, weights) for _ in range(PER_WORKSHOP)]
        for text in texts:
            cid += 1
            batch.append({"id": cid, "workshop_id": w, "type": "headline", "text": text,
                          "payload": {"title": text}, "status": "visible", "on_paper": False,
                          "created_at": start, "updated_at": start})
        if len(batch) >= CHUNK:
            with db.session() as s:
                s.execute(insert(Contribution), batch)
            batch = []
    if batch:
        with db.session() as s:
            s.execute(insert(Contribution), batch)
    chains = dict(places)
    started = time.perf_counter()
    with db.session() as s:
        for row in rows:
            code = row["territory_code"]
            chain = chains[code]
            index_document(s, "workshop", row["slug"], title=row["title"],
                           body="\n".join([row["question"], *titles[row["id"]]]),
                           territory=("commune", code, row["territory_name"]),
                           territories=chain, year=row["created_at"].year,
                           subtype=row["kind"], url=f"/archives/{row['slug']}",
                           published_at=row["published_at"])
    return {"contributions": cid, "index_s": time.perf_counter() - started}


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
        migrate(db)
        built = _build(db)
        if not url.startswith("sqlite"):
            with db.engine.begin() as conn:
                conn.exec_driver_sql("ANALYZE")
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
        {"name": f"{label}: indexing the {WORKSHOPS:,} workshops (index_document)",
         "value": built["index_s"], "unit": "s", "goal": "report"},
    ]


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
