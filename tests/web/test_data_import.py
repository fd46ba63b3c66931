"""Official data imported from the web (#13): ``/donnees/importer``, administrators only.

The same import as ``data import`` (tests/indicators/test_fetch_and_cli.py uses the same
small France Services file): a refused file names its line and column and keeps nothing,
a file of another kind is named, a good file gives the report, then the dataset is listed
and its figures are on the pages; the upload is capped (``data_import_max_kib``) and only
a signed-in facilitator may send a body over ``max_request_kib``.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from tests.conftest import fresh_database_url
from tests.foresight import factories as f
from trajectoires.db import create_database, migrate
from trajectoires.foresight.accounts import set_admin
from trajectoires.indicators.models import Dataset
from trajectoires.settings import Settings
from trajectoires.web.territory.deps import install_reference

pytestmark = pytest.mark.db
PAGE = "/donnees/importer"
FS = (
    "id_fs,lib_fs,insee_com,latitude,longitude,type_fs,format_fs\n"
    "1,FS Quimper,29232,47.99,-4.10,Principal,Fixe\n"
    "2,FS Paris 1,75101,48.86,2.34,Principal,Fixe\n"
)
REAL_FS = Path(__file__).parents[3] / "shared" / "data" / "fr" / "france_services" / (
    "liste-fs-20240801.csv")


@contextmanager
def _world(tmp_path: Path, **limits: str) -> Iterator[tuple]:
    """A database, an app on the fixture reference, Anne (administrator) and Bruno."""
    with fresh_database_url(tmp_path) as url:
        db = create_database(url)
        migrate(db)
        settings = Settings.from_env({}, workspace=str(tmp_path / "ws"), database_url=url,
                                     **limits)
        app = f.make_app(settings.ensure_workspace(), db)
        f.facilitator(db, "anne@example.org")
        f.facilitator(db, "bruno@example.org")
        with f.session(db) as s:
            set_admin(s, "anne@example.org")
        try:
            yield db, app
        finally:
            _settle(app)
            db.engine.dispose()


@pytest.fixture
def world(tmp_path):
    with _world(tmp_path) as made:
        yield made


def _settle(app) -> None:
    """Wait for the warm-up an import started (it reads the database)."""
    thread = app.state.data_refresh
    if thread is not None:
        thread.join(timeout=120)
        assert not thread.is_alive()


def _signed_in(app, email: str) -> TestClient:
    client = TestClient(app)
    assert f.login(client, email).status_code == 303
    return client


def _send(client: TestClient, kind: str, name: str, content: bytes | str, **fields: str):
    token = f.csrf(client, "/connexion")
    data = content.encode() if isinstance(content, str) else content
    return client.post(PAGE, data={"kind": kind, "csrf_token": token, **fields},
                       files={"file": (name, data, "text/csv")}, follow_redirects=False)


def _datasets(db) -> int:
    with f.session(db) as s:
        return s.scalar(select(func.count()).select_from(Dataset))


def _error(response) -> str:
    found = re.search(r'id="import-erreur"[^>]*>(.*?)</div>', response.text, re.S)
    assert found, response.text[:2000]
    return " ".join(re.sub(r"<[^>]+>", " ", found.group(1)).split())


def test_only_an_administrator_may_import(world) -> None:
    db, app = world
    visitor = TestClient(app)
    assert visitor.get(PAGE, follow_redirects=False).headers["location"] == (
        "/connexion?suivant=/donnees/importer")
    refused = _send(visitor, "france-services", "liste-fs-20240801.csv", FS)
    assert refused.status_code == 303 and refused.headers["location"].startswith("/connexion")
    bruno = _signed_in(app, "bruno@example.org")  # a facilitator, not an administrator
    page = bruno.get(PAGE)
    assert page.status_code == 403 and "facilitator admin EMAIL" in page.text
    assert 'id="import-form"' not in page.text
    assert _send(bruno, "france-services", "liste-fs-20240801.csv", FS).status_code == 403
    no_token = _signed_in(app, "anne@example.org").post(
        PAGE, data={"kind": "france-services"}, files={"file": ("a.csv", FS.encode())})
    assert no_token.status_code == 403  # CSRF
    assert _datasets(db) == 0


def test_a_wrong_file_names_its_line_and_column_and_keeps_nothing(world) -> None:
    db, app = world
    anne = _signed_in(app, "anne@example.org")
    bad = _send(anne, "france-services", "bad.csv", FS.replace("29232", "2923X"))
    assert bad.status_code == 422
    message = _error(bad)
    assert message.startswith("Fichier refusé, rien n'a été importé : bad.csv, ligne 2, "
                              "colonne « insee_com »"), message
    # the message is the file field's description, the field marked invalid, focus on it
    assert re.search(r'<input type="file" id="file" name="file" required aria-invalid="true" '
                     r'aria-describedby="file-aide import-erreur">', bad.text)
    assert re.search(r'id="import-erreur" role="alert" tabindex="-1" autofocus', bad.text)
    assert _datasets(db) == 0 and 'id="aucun-jeu"' in bad.text
    empty = _send(anne, "france-services", "vide.csv", b"")
    assert empty.status_code == 422 and "« vide.csv » est vide" in _error(empty)
    unknown = _send(anne, "fibre", "liste-fs-20240801.csv", FS)
    assert unknown.status_code == 422 and "Choisissez le type" in _error(unknown)
    assert 'id="kind" name="kind" required aria-invalid="true"' in unknown.text


def test_a_file_of_another_kind_is_named_and_chosen(world) -> None:
    db, app = world
    anne = _signed_in(app, "anne@example.org")
    wrong = _send(anne, "arcep-debit", "liste-fs-20240801.csv", FS)
    assert wrong.status_code == 422
    message = _error(wrong)
    assert "Fichier refusé, rien n'a été importé" in message
    assert "Ce fichier se lit comme un fichier « france-services »" in message
    assert '<option value="france-services" selected>' in wrong.text
    assert _datasets(db) == 0


def test_a_good_file_gives_the_report_then_is_listed_and_shown(world) -> None:
    db, app = world
    anne = _signed_in(app, "anne@example.org")
    visitor = TestClient(app)
    assert "Sites France Services" not in visitor.get("/territoires/commune/29232").text
    done = _send(anne, "france-services", "liste-fs-20240801.csv", FS)
    assert done.status_code == 200, done.text[:2000]
    summary = " ".join(re.search(r'id="import-resume">(.*?)</p>', done.text, re.S)
                       .group(1).split())
    assert summary == ("liste-fs-20240801.csv (france-services) : 2 lignes lues, 2 rattachées "
                       "à une commune dont 1 par repli, 0 rejetée.")
    assert "millésime 2024-08-01" in done.text
    assert "arrondissement municipal → commune (1)" in done.text
    assert re.search(r'id="import-compte-rendu" role="status" tabindex="-1" autofocus', done.text)
    table = re.search(r'id="jeux-charges">(.*?)</table>', done.text, re.S).group(1)
    assert "france-services (france-services)" in table and "2024-08-01" in table
    assert _datasets(db) == 1
    _settle(app)  # the new state was warmed: the profile and the diagnosis' national inputs
    folder = app.state.settings.workspace / "analysis" / "diagnosis"
    assert any(p.name.startswith("inputs-") for p in folder.iterdir())
    again = _send(anne, "france-services", "liste-fs-20240801.csv", FS)
    assert again.status_code == 200 and "Fichier identique déjà importé" in again.text
    commune = visitor.get("/territoires/commune/29232")  # Quimper has its site now
    assert commune.status_code == 200 and "Sites France Services" in commune.text


def test_the_upload_is_capped(tmp_path) -> None:
    """Over ``data_import_max_kib``: refused by name; over ``max_request_kib``: signed in only."""
    with _world(tmp_path, data_import_max_kib="2048", max_request_kib="64") as (db, app):
        anne = _signed_in(app, "anne@example.org")
        big = FS + "".join(f"{i},FS {i},29232,47.99,-4.10,Principal,Fixe\n"
                           for i in range(3, 6000))  # about 230 KiB: over the 64 KiB cap
        accepted = _send(anne, "france-services", "liste-fs-20240801.csv", big)
        assert accepted.status_code == 200, accepted.text[:500]
        too_large = _send(anne, "france-services", "gros.csv", b"x" * (2048 * 1024 + 1))
        assert too_large.status_code == 413
        assert "« gros.csv » dépasse la taille maximale acceptée ici (2,0 Mio)" in _error(
            too_large)
        assert _datasets(db) == 1
        visitor = TestClient(app)  # the same body from a visitor: refused before it is read
        token = f.csrf(visitor, "/connexion")
        refused = visitor.post(PAGE, data={"kind": "france-services", "csrf_token": token},
                               files={"file": ("liste.csv", big.encode())})
        assert refused.status_code == 413 and "trop volumineuse" in refused.text
        assert not list((tmp_path / "ws").glob(".import-*"))  # no temporary file left


def test_the_real_france_services_list(tmp_path, territory_reference) -> None:
    if not REAL_FS.is_file():
        pytest.skip(f"{REAL_FS} absent (the shared reference data of ../shared/data/fr)")
    with _world(tmp_path) as (_db, app):
        install_reference(app, territory_reference)
        anne = _signed_in(app, "anne@example.org")
        done = _send(anne, "france-services", REAL_FS.name, REAL_FS.read_bytes())
        assert done.status_code == 200, done.text[:2000]
        summary = " ".join(re.search(r'id="import-resume">(.*?)</p>', done.text, re.S)
                           .group(1).split())
        # the CLI's figures (docs/data.md), thousands apart by a narrow no-break space
        assert summary == ("liste-fs-20240801.csv (france-services) : 2 845 lignes lues, 2 843 "
                           "rattachées à une commune dont 32 par repli, 2 rejetées."), summary
        assert "2\u202f845 lignes lues" in done.text
        assert "millésime 2024-08-01" in done.text
        _settle(app)
        page = TestClient(app).get("/territoires/departement/29")
        assert page.status_code == 200 and "Sites France Services" in page.text


def test_the_page_is_linked_where_data_is_missing(world) -> None:
    """The diagnosis' missing datasets, the territory notice and the account page link to it."""
    _db, app = world
    visitor = TestClient(app)
    diagnosis = visitor.get("/territoires/departement/29/diagnostic")
    assert diagnosis.status_code == 200
    assert re.search(r'id="importer-depuis-le-web">[^<]*<a href="/donnees/importer">',
                     diagnosis.text)
    assert 'href="/donnees/importer"' in visitor.get("/territoires/departement/29").text
    account = _signed_in(app, "anne@example.org").get("/compte")
    assert 'id="data-import-link"' in account.text
