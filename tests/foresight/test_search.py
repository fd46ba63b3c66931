"""The archive's search: French words, filters, and the same results on SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from tests.conftest import TEST_DATABASE_URL, fresh_database_url
from trajectoires.db import Database, create_database, migrate
from trajectoires.foresight.search import (
    index_document,
    remove_document,
    search_documents,
    terms,
    territory_chain,
)

pytestmark = pytest.mark.db

T0 = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)
COMMUNES = [("29232", "Quimper"), ("29019", "Brest"), ("56121", "Lorient"), ("35238", "Rennes")]
TEXTS = [
    "Le bourg a sa maison numérique ; les écoles sont connectées à la fibre",
    "Une école connectée par canton, des ateliers d'aidants numériques",
    "La médiation numérique dans chaque France Services du territoire",
    "Des tiers-lieux ouverts le samedi, un conseiller numérique par EPCI",
    "Zones blanches résorbées : la 4G partout, le très haut débit pour tous, l'accès connecté",
    "Les aînés accompagnés pour leurs démarches en ligne, sans rupture",
    "Un fablab itinérant dans les collèges et les lycées professionnels",
    "L'intercommunalité finance un réseau d'accueil numérique de proximité",
]
QUERIES = [
    ("école", {}), ("écoles connectées", {}), ("NUMÉRIQUE", {}), ("numeriques", {}),
    ("fibre", {}), ("médiation", {"territory": ("departement", "29")}),
    ("numérique", {"territory": ("departement", "56")}),
    ("numérique", {"territory": ("epci", "242900314")}),
    ("", {"year": 2025}), ("", {"kind": "event"}), ("", {"subtype": "debate"}),
    ("tiers-lieux samedi", {}), ("le la les", {}), ("introuvable", {}),
    ("acces connecte", {}), ("accès, connectée", {}), ("Démarches EN LIGNE", {}),
    ("aidants", {"territory": ("commune", "29232")}), ("", {}),
    ("accompagner", {"year": 2026, "kind": "workshop"}),
]


def _build(db: Database) -> None:
    """Forty documents over four communes, two years, workshops and events."""
    with db.session() as session:
        for i in range(40):
            code, name = COMMUNES[i % len(COMMUNES)]
            chain = territory_chain(None, "commune", code)
            if code == "29232":
                chain.append(("epci", "242900314"))
            kind = "event" if i % 7 == 0 else "workshop"
            index_document(
                session, kind, f"doc-{i:02d}", title=f"Atelier n° {i} à {name}",
                body=TEXTS[i % len(TEXTS)] + ("\nAccompagnement des habitants." if i % 5 == 0
                                              else ""),
                territory=("commune", code, name), territories=chain,
                year=2025 + i % 2, subtype="event" if kind == "event" else
                ("debate" if i % 3 == 0 else "imaginer-2030"),
                url=f"/archives/doc-{i:02d}", published_at=T0 + timedelta(hours=i % 11))
        remove_document(session, "workshop", "doc-05")


def _answers(db: Database) -> list[tuple[int, list[str], list[str]]]:
    found = []
    with db.session() as session:
        for query, filters in QUERIES:
            page = search_documents(session, query, limit=100, **filters)
            found.append((page.total, [h.key for h in page.hits],
                          ["".join(t for t, _m in h.snippet) for h in page.hits[:3]]))
    return found


@pytest.fixture(scope="module")
def sqlite_db(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Database]:
    path = tmp_path_factory.mktemp("search") / "s.sqlite"
    db = create_database(f"sqlite:///{path}")
    migrate(db)
    _build(db)
    yield db
    db.engine.dispose()


def test_stems_and_folds_the_same_words() -> None:
    assert terms("Écoles") == terms("ecole") == ["ecol"]
    assert set(terms("acces tres haut debit")) <= set(terms("l'accès au très haut-débit"))
    assert terms("les des du") == []


def test_finds_every_word_with_filters(sqlite_db: Database) -> None:
    answers = dict(zip((q + str(sorted(f.items())) for q, f in QUERIES), _answers(sqlite_db),
                       strict=True))
    fibre = answers["fibre[]"]
    assert fibre[0] == 5 and all("fibre" in s for s in fibre[2])  # doc-00, 08, 16, 24, 32
    assert answers["écoles connectées[]"][0] == answers["école[]"][0] - 0  # same stems
    departement_56 = answers["numérique[('territory', ('departement', '56'))]"]
    assert departement_56[0] > 0 and all(int(k[4:]) % 4 == 2 for k in departement_56[1])
    epci = answers["numérique[('territory', ('epci', '242900314'))]"]
    assert epci[0] > 0 and all(int(k[4:]) % 4 == 0 for k in epci[1])
    assert answers["le la les[]"][0] == answers["[]"][0] == 39  # stop words only: everything
    assert answers["introuvable[]"][0] == 0
    assert answers["acces connecte[]"][:2] == answers["accès, connectée[]"][:2]
    assert answers["acces connecte[]"][0] == 5  # typed without accents
    assert "doc-05" not in answers["[]"][1]  # removed from the index
    everything = answers["[]"][1]
    assert everything[0] == "doc-32"  # newest published first (10 h), then by id


def test_snippet_marks_the_words_found(sqlite_db: Database) -> None:
    with sqlite_db.session() as session:
        hit = search_documents(session, "fibre").hits[0]
    assert [t for t, matched in hit.snippet if matched] == ["fibre"]


def test_same_results_on_sqlite_and_postgresql(sqlite_db: Database, tmp_path: Path) -> None:
    """The same forty documents and twenty queries answer alike on both databases."""
    if not TEST_DATABASE_URL.startswith("postgresql"):
        pytest.skip("needs TRAJECTOIRES_TEST_DATABASE_URL on PostgreSQL (make test-postgres)")
    with fresh_database_url(tmp_path) as url:
        pg = create_database(url)
        migrate(pg)
        _build(pg)
        try:
            assert _answers(pg) == _answers(sqlite_db)
        finally:
            pg.engine.dispose()


def test_reindexing_without_the_reference_keeps_the_epci(tmp_path: Path) -> None:
    """A workshop published with the reference keeps its EPCI when moderation reindexes it."""
    from tests.foresight import factories as f
    from trajectoires.foresight.models import Workshop
    from trajectoires.foresight.publication import publish_workshop, reindex_workshop
    from trajectoires.foresight.workshops import set_phase

    with fresh_database_url(tmp_path) as url:
        db = create_database(url)
        migrate(db)
        owner = f.facilitator(db)
        ws = f.kind_workshop(db, "debate", owner, territory=f.Unit("commune", "29232", "Quimper"))
        with f.session(db) as s:
            set_phase(s, owner.id, ws.slug, "closed")
        with f.session(db) as s:
            publish_workshop(s, owner.id, ws.slug, reference=f.reference())
        with db.session() as s:
            reindex_workshop(s, s.get(Workshop, ws.id))  # as moderation does: no reference
        with db.session() as s:
            epci = search_documents(s, territory=("epci", "200068120")).total
            departement = search_documents(s, territory=("departement", "29")).total
        db.engine.dispose()
    assert (epci, departement) == (1, 1)


def test_a_workshop_published_before_the_reference_finds_its_epci(tmp_path: Path) -> None:
    """Published without the reference: the app that loads it indexes its EPCI and région."""
    from tests.foresight import factories as f
    from trajectoires.foresight.publication import publish_workshop
    from trajectoires.foresight.workshops import set_phase
    from trajectoires.settings import Settings
    from trajectoires.web.app import create_app
    from trajectoires.web.territory.deps import install_reference

    def found(db: Database) -> tuple[int, ...]:
        with db.session() as s:
            return tuple(search_documents(s, "", territory=t).total for t in (
                ("epci", "200068120"), ("departement", "29"), ("region", "53"), ("pays", "FR")))

    with fresh_database_url(tmp_path) as url:
        db = create_database(url)
        migrate(db)
        owner = f.facilitator(db)
        ws = f.kind_workshop(db, "debate", owner, territory=f.Unit("commune", "29232", "Quimper"))
        with f.session(db) as s:
            set_phase(s, owner.id, ws.slug, "closed")
        with f.session(db) as s:
            publish_workshop(s, owner.id, ws.slug)  # no reference loaded yet
        before = found(db)
        settings = Settings.from_env({}, workspace=str(tmp_path / "ws"), database_url=url)
        install_reference(create_app(settings.ensure_workspace(), db), f.reference())
        after = found(db)
        db.engine.dispose()
    assert before == (0, 1, 0, 0)
    assert after == (1, 1, 1, 1)
