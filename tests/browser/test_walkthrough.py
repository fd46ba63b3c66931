"""The first five minutes, in a real Chromium: find Finistère, run a live workshop."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.browser.conftest import serving
from trajectoires.db import Database
from trajectoires.foresight.facilitators import create_facilitator
from trajectoires.settings import Settings
from trajectoires.web import create_app
from trajectoires.web.territory.deps import install_reference

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


@pytest.fixture
def hall_server(settings: Settings, database: Database, territory_reference) -> Iterator[str]:  # noqa: ANN001
    """The app as ``serve --host 0.0.0.0`` runs it in a hall (its LAN address given to it)."""
    app = create_app(settings, database)
    install_reference(app, territory_reference)
    app.state.listen_host, app.state.lan_urls = "0.0.0.0", ["http://192.168.1.20:8000"]  # noqa: S104
    with serving(app) as base:
        yield base


def _sign_in_and_create(browser: Browser, base: str, facilitator: str) -> Page:
    host = browser.new_context().new_page()
    host.goto(base + "/connexion")
    host.get_by_label("Adresse e-mail").fill(facilitator)
    host.get_by_label("Mot de passe").fill(PASSWORD)
    host.get_by_role("button", name=re.compile("connecter", re.I)).click()
    host.goto(base + "/ateliers/nouveau")
    host.get_by_label("Territoire").fill("29")
    host.get_by_label("Titre").fill("Le numérique en Finistère en 2030")
    host.get_by_label("Question posée").fill("Que faut-il pour que personne ne reste à l'écart ?")
    host.get_by_role("button", name="Créer l'atelier").click()
    return host


def test_hall_projection_shows_a_large_qr_code(
    hall_server: str, browser: Browser, facilitator: str
) -> None:
    host = _sign_in_and_create(browser, hall_server, facilitator)
    console: list[str] = []
    host.on("console", lambda message: console.append(message.text))
    code = host.locator("#join-code").inner_text().strip()
    expect(host.locator("#join-link")).to_have_text(f"http://192.168.1.20:8000/rejoindre/{code}")
    qr = host.get_by_role("img", name=re.compile("^Code QR du lien pour rejoindre"))
    expect(qr).to_be_visible()
    host.get_by_role("link", name=re.compile("^Projeter")).click()
    host.set_viewport_size({"width": 1280, "height": 720})
    expect(host.get_by_role("heading", level=1)).to_have_text("Le numérique en Finistère en 2030")
    expect(host.locator("#join-code")).to_have_text(code)
    box = host.get_by_role("img", name=re.compile("^Code QR")).bounding_box()
    assert box is not None and box["height"] >= 0.6 * 720, box
    assert abs(box["width"] - box["height"]) < 1
    assert host.locator("header, nav").count() == 0
    assert not [text for text in console if "Content Security Policy" in text]


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
    host = _sign_in_and_create(browser, live_server, facilitator)
    code = host.locator("#join-code").inner_text().strip()
    assert re.fullmatch(r"[A-Z0-9 ]{6,8}", code), code
    # served on 127.0.0.1 only: the page says phones cannot reach it, and what to run
    expect(host.locator("#join-warning")).to_contain_text("trajectoires serve --host 0.0.0.0")
    expect(host.locator("#join-draft")).to_be_visible()
    early = browser.new_context().new_page()  # a participant who scanned before the opening
    early.goto(f"{live_server}/rejoindre/{code}")
    expect(early.locator("#join-not-open")).to_contain_text("pas encore ouvert")
    early.close()
    host.get_by_role("button", name="Ouvrir l'atelier").click()
    expect(host.locator("#join-draft")).to_have_count(0)

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
