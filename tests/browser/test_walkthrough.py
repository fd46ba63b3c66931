"""The first five minutes, in a real Chromium: find Finistère, run a live workshop."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Browser, Page, expect

from trajectoires.db import Database
from trajectoires.foresight.facilitators import create_facilitator

EMAIL = "animation@example.org"
PASSWORD = "un mot de passe solide"


@pytest.fixture
def facilitator(database: Database) -> str:
    with database.sessionmaker() as session:
        create_facilitator(session, EMAIL, "Animatrice", PASSWORD)
    return EMAIL


def test_search_finistere_and_see_its_277_communes(live_server: str, browser: Browser) -> None:
    page = browser.new_page()
    page.goto(live_server + "/")
    page.get_by_label("Commune, intercommunalité, département ou région").fill("Finistère")
    page.get_by_role("button", name="Rechercher").click()
    if "/recherche" in page.url:  # several matches: pick the département
        page.get_by_role("link", name=re.compile(r"^Finistère")).first.click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Finistère")
    expect(page.locator("figure.map svg path[data-code]")).to_have_count(277)
    expect(page.locator("figure.map svg title").first).not_to_be_empty()
    page.close()


def _join(browser: Browser, base: str, code: str, pseudonym: str) -> Page:
    page = browser.new_context().new_page()
    page.goto(base + "/rejoindre")
    page.get_by_label("Code de l'atelier").fill(code)
    page.get_by_label("Pseudonyme").fill(pseudonym)
    page.get_by_role("button", name="Rejoindre").click()
    expect(page.locator("#my-pseudonym")).to_have_text(pseudonym)
    expect(page.locator("#live-status")).not_to_contain_text("s'active avec JavaScript")
    return page


def test_live_workshop_two_participants(
    live_server: str, browser: Browser, facilitator: str
) -> None:
    host = browser.new_context().new_page()
    host.goto(live_server + "/connexion")
    host.get_by_label("Adresse e-mail").fill(facilitator)
    host.get_by_label("Mot de passe").fill(PASSWORD)
    host.get_by_role("button", name=re.compile("connecter", re.I)).click()
    host.goto(live_server + "/ateliers/nouveau")
    host.get_by_label("Territoire").fill("29")
    host.get_by_label("Titre").fill("Le numérique en Finistère en 2030")
    host.get_by_label("Question posée").fill("Que faut-il pour que personne ne reste à l'écart ?")
    host.get_by_role("button", name="Créer l'atelier").click()
    code = host.locator("#join-code").inner_text().strip()
    assert re.fullmatch(r"[A-Z0-9 ]{6,8}", code), code
    opener = host.get_by_role("button", name="Ouvrir l'atelier")
    if opener.count():
        opener.click()

    alice = _join(browser, live_server, code, "Alice")
    bruno = _join(browser, live_server, code, "Bruno")

    text = "Un lieu de médiation numérique dans chaque canton"
    alice.get_by_label("Votre proposition").fill(text)
    alice.get_by_role("button", name="Publier").click()

    # Bruno sees it appear without reloading, then votes; Alice sees the count live.
    item = bruno.locator("#statements li", has_text=text)
    expect(item).to_be_visible()
    item.get_by_role("button", name=re.compile("^Pour")).click()
    expect(alice.locator("#statements li", has_text=text)).to_contain_text("1 pour")
    expect(host.locator("#statements li", has_text=text)).to_be_visible()
