"""The hall without internet, end to end in a real Chromium (issue #9's quality bar).

An Imaginer 2030 runs on the hall's laptop (SQLite): the facilitator creates and opens
it, a participant on a phone posts a headline, the facilitator closes it, then builds the
day's event with the forms (a talk with a PDF, a PNG map as preparatory material, the
workshop in the programme) and publishes it. The workshop is exported
with ``trajectoires workshop export``, imported with ``trajectoires workshop import``
into the territory's server (PostgreSQL): the event page there lists both files, each
served with the hall's bytes (SHA-256 compared), the image drawn by Chromium, the page no
wider than the 390 px phone. The workshop is then published there from the facilitation page,
found by the archive's search with a word of the headline, enriched by a visitor
(a comment), and the headline's version history shows the version written in the hall.

The server's database is the test database in the PostgreSQL run; in the SQLite run a
fresh schema of the local PostgreSQL when it is reachable, else the test is skipped
with the reason (the PostgreSQL half is the point).
"""

from __future__ import annotations

import hashlib
import os
import re
import struct
import uuid
import zlib
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy
from playwright.sync_api import Browser, Page, expect
from typer.testing import CliRunner

from tests.browser import _day as day
from tests.browser._day import LIVE
from tests.browser.conftest import serving
from trajectoires.commands.workshop import app as workshop_cli
from trajectoires.db import Database, create_database, migrate
from trajectoires.foresight.facilitators import create_facilitator
from trajectoires.settings import Settings
from trajectoires.web import create_app
from trajectoires.web.territory.deps import install_reference

pytestmark = pytest.mark.db
HALL = "salle@example.org"
OFFICE = "bureau@example.org"
WORD = "Kerouzéré"
HEADLINE = f"Le tiers-lieu de {WORD} accueille tout le canton"
LOCAL_PG = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n" + bytes(range(256))


def _png(width: int = 3, height: int = 2) -> bytes:
    """A real RGB PNG (the browser draws it), built without an image library."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return (struct.pack(">I", len(data)) + kind + data
                + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF))
    rows = b"".join(b"\0" + bytes([200, 40, 90]) * width for _ in range(height))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height,
                                                              8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b""))


PNG = _png()
FILES = {"Chiffres du canton.pdf": PDF, "Carte des lieux.png": PNG}


@pytest.fixture
def server_url() -> Iterator[str]:
    """A PostgreSQL database for the territory's server (a fresh schema, dropped after)."""
    base = os.environ.get("TRAJECTOIRES_TEST_DATABASE_URL", "") or LOCAL_PG
    if not base.startswith("postgresql"):
        pytest.skip(f"the server half needs PostgreSQL; TRAJECTOIRES_TEST_DATABASE_URL={base}")
    schema = f"carry_{uuid.uuid4().hex[:10]}"
    try:
        admin = sqlalchemy.create_engine(base)
        with admin.begin() as conn:
            conn.exec_driver_sql(f'CREATE SCHEMA "{schema}"')
    except sqlalchemy.exc.OperationalError as exc:
        pytest.skip(f"no PostgreSQL reachable at {base} for the server half: {exc.orig}")
    separator = "&" if "?" in base else "?"
    try:
        yield f"{base}{separator}options=-csearch_path%3D{schema}"
    finally:
        with admin.begin() as conn:
            conn.exec_driver_sql(f'DROP SCHEMA "{schema}" CASCADE')
        admin.dispose()


def _instance(folder: Path, url: str, email: str, reference) -> tuple[Database, object]:  # noqa: ANN001
    settings = Settings.from_env({}, workspace=str(folder), database_url=url).ensure_workspace()
    db = create_database(url)
    migrate(db)
    with db.sessionmaker() as s:
        create_facilitator(s, email, "Animatrice", day.PASSWORD)
    app = create_app(settings, db)
    install_reference(app, reference)
    return db, app


def _hall_workshop(page: Page, phone: Page, base: str) -> str:
    """Run a small Imaginer 2030 in the hall: one headline, then closed; return its slug."""
    day.sign_in(page, base, HALL)
    slug = day.create_workshop(page, base, "Imaginer 2030", "Le canton en 2030",
                               Horizon="2030-10")
    day.open_workshop(page, "Vision")
    day.join(phone, base, day.join_code(page), "Maëlle", "Médiathèque", "Association")
    day.post(phone, "Titre du futur", {"Titre": HEADLINE})
    expect(day.item(page, "headline", HEADLINE)).to_be_visible()
    day.close_workshop(page, (phone,))
    return slug


def _hall_event(page: Page, base: str, workshop: str) -> str:
    """Build the day's event with the forms: a talk with a PDF, a map, the workshop; publish."""
    page.goto(f"{base}/evenements/nouveau")
    page.get_by_label("Territoire").fill("29")
    page.get_by_label("Titre").fill("Forum du canton")
    page.get_by_label("Début").fill("2027-05-20T09:00")
    page.get_by_label("Fin").fill("2027-05-20T17:00")
    page.get_by_role("button", name="Créer l'événement").click()
    expect(page).to_have_url(re.compile(r"/evenements/forum-du-canton-\w+/gerer"))
    slug = page.url.split("/")[-2]
    form = page.locator("#nouvelle-intervention")
    form.get_by_label("Titre").fill("Le canton en chiffres")
    form.get_by_label("Intervenant·e").fill("Yann")
    form.get_by_role("button", name="Ajouter au programme").click()
    talk = page.locator("details.manage-item", has_text="Le canton en chiffres")
    talk.locator("summary").click()
    talk.locator("input[type=file]").set_input_files(
        {"name": "Chiffres du canton.pdf", "mimeType": "application/pdf", "buffer": PDF})
    talk.get_by_role("button", name="Envoyer le fichier").click()
    page.locator("#envoi-fichier input[type=file]").set_input_files(
        {"name": "Carte des lieux.png", "mimeType": "image/png", "buffer": PNG})
    page.locator("#envoi-fichier").get_by_role("button", name="Envoyer le fichier").click()
    expect(page.locator("#documents")).to_contain_text("Carte des lieux.png")
    page.locator("#lier-atelier select").select_option(value=workshop)
    page.get_by_role("button", name="Ajouter l'atelier au programme").click()
    page.get_by_role("button", name="Publier l'événement").click()
    expect(page.locator("#publication")).to_contain_text("Publié")
    return slug


def _event_files_arrived(visitor: Page, base: str, slug: str) -> None:
    """On the server the event page lists both files; each serves the hall's bytes."""
    visitor.goto(f"{base}/evenements/{slug}")
    expect(visitor.locator("#programme")).to_contain_text("Le canton en chiffres")
    expect(visitor.locator("#programme")).to_contain_text("Le canton en 2030")
    width = visitor.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"event page {width} px wide at 390 px"
    for (name, data), where in zip(FILES.items(), ("#programme", "main"), strict=True):
        link = visitor.locator(where).get_by_role("link", name=name)  # the PDF under its talk
        expect(link).to_be_visible()
        served = visitor.request.get(base + link.get_attribute("href"))
        assert served.ok, (name, served.status)
        assert hashlib.sha256(served.body()).hexdigest() == hashlib.sha256(data).hexdigest(), name
    visitor.get_by_role("link", name="Carte des lieux.png").click()
    assert visitor.evaluate("document.images[0].naturalWidth") == 3  # drawn by the browser


def _carry(slug: str, hall_url: str, server_url: str, folder: Path) -> None:
    """Export from the hall and import into the server with the command line."""
    archive = folder / "atelier.zip"
    out = CliRunner().invoke(workshop_cli, ["export", slug, "--output", str(archive),
                                            "--workspace", str(folder / "hall")],
                             env={"TRAJECTOIRES_DATABASE_URL": hall_url})
    assert out.exit_code == 0, out.output
    into = CliRunner().invoke(workshop_cli, ["import", str(archive), "--facilitator", OFFICE,
                                             "--workspace", str(folder / "server")],
                              env={"TRAJECTOIRES_DATABASE_URL": server_url})
    assert into.exit_code == 0 and "importé" in into.output, into.output


def _publish_find_enrich(page: Page, visitor: Page, base: str, slug: str) -> None:
    day.sign_in(page, base, OFFICE)
    page.goto(f"{base}/ateliers/{slug}/animer")
    page.get_by_role("button", name="Publier l'atelier").click()
    expect(page.locator("#publication-etat")).to_contain_text("Publié le")
    visitor.goto(f"{base}/archives")
    visitor.get_by_label("Mots cherchés").fill(WORD)
    visitor.get_by_role("button", name="Chercher").click()
    visitor.get_by_role("link", name="Le canton en 2030").click()
    expect(visitor.get_by_role("heading", level=1)).to_contain_text("Le canton en 2030")
    expect(visitor.get_by_text(HEADLINE).first).to_be_visible()
    visitor.goto(f"{base}/archives/{slug}/enrichir")
    visitor.get_by_label(re.compile("^Pseudonyme")).fill("Visiteuse")
    visitor.get_by_role("button", name="Participer").click()
    visitor.get_by_label(f"Commenter « {HEADLINE}"[:60], exact=False).fill(
        "Et la ligne de car qui y mène ?")
    visitor.get_by_role("button", name="Commenter").first.click()
    expect(visitor.get_by_text("Et la ligne de car qui y mène ?")).to_be_visible()
    visitor.get_by_role("link", name=re.compile(f"Historique de « {re.escape(HEADLINE)}")).click()
    expect(visitor.get_by_role("heading", level=1)).to_have_text("Historique de la contribution")
    expect(visitor.get_by_role("heading", name=re.compile("Version 1"))).to_be_visible()
    expect(visitor.locator("main")).to_contain_text("Maëlle")


def test_hall_to_server_publish_find_enrich(browser: Browser, server_url: str, tmp_path: Path,
                                            territory_reference) -> None:
    hall_url = f"sqlite:///{tmp_path / 'hall.sqlite'}"
    hall_db, hall_app = _instance(tmp_path / "hall", hall_url, HALL, territory_reference)
    server_db, server_app = _instance(tmp_path / "server", server_url, OFFICE,
                                      territory_reference)
    contexts = [browser.new_context(viewport=v, locale="fr-FR") for v in (
        {"width": 1280, "height": 900}, {"width": 390, "height": 844})]
    for context in contexts:
        context.set_default_timeout(LIVE)
    expect.set_options(timeout=LIVE)
    try:
        laptop, phone = (c.new_page() for c in contexts)
        with serving(hall_app) as base:
            slug = _hall_workshop(laptop, phone, base)
            event = _hall_event(laptop, base, slug)
        _carry(slug, hall_url, server_url, tmp_path)
        with serving(server_app) as base:
            _event_files_arrived(phone, base, event)
            _publish_find_enrich(laptop, phone, base, slug)
    finally:
        expect.set_options(timeout=None)
        for context in contexts:
            context.close()
        for db in (hall_db, server_db):
            db.engine.dispose()
