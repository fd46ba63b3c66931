"""Official data imported from the web (#13) in Chromium at a phone's width: a refused file then a
good one, each page axe-core clean, no wider than the screen, the message or report focused."""

from __future__ import annotations

from playwright.sync_api import Browser, expect

from tests.browser._day import sign_in
from tests.browser.axe import assert_accessible
from tests.foresight import factories as f
from trajectoires.db import Database
from trajectoires.foresight.accounts import set_admin

PHONE = {"width": 390, "height": 844}
FS = (
    "id_fs,lib_fs,insee_com,latitude,longitude,type_fs,format_fs\n"
    "1,FS Quimper,29232,47.99,-4.10,Principal,Fixe\n"
    "2,FS Paris 1,75101,48.86,2.34,Principal,Fixe\n"
)


def _fits(page, label: str) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"], label
    assert_accessible(page, label)


def _send(page, kind: str, name: str, text: str) -> None:
    page.get_by_label("Type de fichier").select_option(kind)
    page.get_by_label("Fichier officiel").set_input_files(
        {"name": name, "mimeType": "text/csv", "buffer": text.encode()})
    page.get_by_role("button", name="Valider et importer").click()


def test_import_on_a_phone(live_server: str, browser: Browser, database: Database) -> None:
    owner = f.facilitator(database)
    with f.session(database) as s:
        set_admin(s, owner.email)
    context = browser.new_context(viewport=PHONE)
    try:
        page = context.new_page()
        sign_in(page, live_server, owner.email)
        page.goto(live_server + "/compte")
        page.get_by_role("link", name="Importer des données officielles").click()
        expect(page.locator("#aucun-jeu")).to_be_visible()
        _fits(page, "import form")

        _send(page, "france-services", "bad.csv", FS.replace("29232", "2923X"))
        error = page.locator("#import-erreur")
        expect(error).to_contain_text("bad.csv, ligne 2, colonne « insee_com »")
        expect(error).to_be_focused()
        expect(page.get_by_label("Fichier officiel")).to_have_attribute("aria-invalid", "true")
        _fits(page, "file refused")

        _send(page, "france-services", "liste-fs-20240801.csv", FS)
        report = page.locator("#import-compte-rendu")
        expect(report).to_contain_text("2 lignes lues")
        expect(report).to_be_focused()
        expect(page.locator("#jeux-charges")).to_contain_text("liste-fs-20240801.csv")
        _fits(page, "file imported")
    finally:
        context.close()
