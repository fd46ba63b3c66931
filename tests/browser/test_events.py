"""Event pages in a real Chromium on a 390 px phone: axe-core finds no WCAG 2.1 A/AA violation
on the list, the public page, the creation form and the management page, and none is wider
than the phone; the facilitator creates an event and adds a talk with the forms."""

from __future__ import annotations

import io
import re
from pathlib import Path

from playwright.sync_api import Browser, Page, expect

from tests.browser._day import sign_in
from tests.browser.axe import assert_accessible
from tests.foresight import factories as f
from trajectoires.db import Database
from trajectoires.foresight.demo import ensure_demo_workshops
from trajectoires.foresight.events import get_event
from trajectoires.foresight.events.demo import ensure_demo_event
from trajectoires.foresight.events.files import attach_file
from trajectoires.foresight.workshops import create_workshop
from trajectoires.settings import Settings

PHONE = {"width": 390, "height": 844}


def _check(page: Page, what: str) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"{what}: {width} px wide in a 390 px viewport"
    assert_accessible(page, what)


def _example_event(db: Database, folder: Path) -> str:
    owner = f.facilitator(db)
    with f.session(db) as s:
        workshops = ensure_demo_workshops(s, owner.id, f.FINISTERE)
    with f.session(db) as s:
        event = ensure_demo_event(s, owner.id, f.FINISTERE, workshops)
    with f.session(db) as s:  # not in the programme: offered in a list, its long title too
        create_workshop(s, owner.id, f.FINISTERE, "Atelier des médiateurs numériques et des "
                        "secrétaires de mairie des communes rurales du Finistère, à Carhaix",
                        "Que faire ?")
    talk = get_event(db.sessionmaker(), event.slug).items[0]
    for name, data, item in (("Diaporama d'ouverture.pdf", b"%PDF-1.4\n%%EOF\n", talk.id),
                             ("Carte.png", b"\x89PNG\r\n\x1a\n" + b"\0" * 20, None)):
        with f.session(db) as s:
            attach_file(s, owner.id, event.slug, name=name, data=io.BytesIO(data),
                        folder=folder, max_bytes=1024, item_id=item)
    return event.slug


def test_event_pages_on_a_phone(live_server: str, browser: Browser, database: Database,
                                settings: Settings) -> None:
    slug = _example_event(database, settings.workspace / "evenements")
    context = browser.new_context(viewport=PHONE)
    page = context.new_page()
    try:
        page.goto(f"{live_server}/evenements")
        _check(page, "event list")
        page.get_by_role("link", name=re.compile("Exemple — Journée")).click()
        expect(page.locator("#exemple")).to_contain_text("simulés")
        expect(page.locator("#programme > li")).to_have_count(6)
        expect(page.locator("#brief-titre")).to_contain_text("Finistère")
        _check(page, "event page")
        sign_in(page, live_server, "anne@example.org")
        page.goto(f"{live_server}/evenements/{slug}/gerer")
        page.locator("#element-1 summary").click()
        expect(page.get_by_label("Atelier", exact=True)).to_contain_text("Carhaix")
        _check(page, "event management page")
        page.goto(f"{live_server}/evenements/nouveau")
        _check(page, "new event form")
        page.get_by_label("Territoire").fill("29")
        page.get_by_label("Titre").fill("Forum du numérique")
        page.get_by_label("Début").fill("2027-05-20T09:00")
        page.get_by_label("Fin").fill("2027-05-20T12:30")
        page.get_by_role("button", name="Créer l'événement").click()
        expect(page).to_have_url(re.compile(r"/evenements/forum-du-numerique-\w+/gerer"))
        form = page.locator("#nouvelle-intervention")
        form.get_by_label("Titre").fill("Table ronde")
        form.get_by_label("Intervenant·e").fill("Léa")
        form.get_by_label("Début").fill("2027-05-20T10:00")
        form.get_by_role("button", name="Ajouter au programme").click()
        expect(page.locator("#publication")).to_contain_text("Brouillon")
        page.get_by_role("button", name="Publier l'événement").click()
        expect(page.locator("#publication")).to_contain_text("Publié")
        page.get_by_role("link", name="Voir la page publique").click()
        expect(page.locator("#programme")).to_contain_text("Table ronde")
        expect(page.locator("#programme")).to_contain_text("20/05 10:00")
        _check(page, "new event's page")
    finally:
        context.close()
