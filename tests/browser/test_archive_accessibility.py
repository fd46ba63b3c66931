"""The open archive in a real Chromium at 390 px: a published workshop's page, its compte
rendu and the search page — axe-core (WCAG 2.1 A/AA) reports no violation, nothing is wider
than the phone."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page

from tests.browser.axe import assert_accessible
from tests.foresight import factories as f
from trajectoires.foresight.participation import join_workshop
from trajectoires.foresight.publication import publish_workshop
from trajectoires.foresight.workshops import set_phase

PHONE = {"width": 390, "height": 844}
LONG = "Une maison numérique dans chaque bourg, ouverte le samedi et le mercredi"


@pytest.fixture
def phone(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(viewport=PHONE)
    yield context.new_page()
    context.close()


WIDEST = """() => [...document.querySelectorAll('body *')]
  .filter((e) => e.getBoundingClientRect().right > 390.5)
  .slice(0, 3).map((e) => e.outerHTML.slice(0, 120))"""


def _fits(page: Page, label: str) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], (f"{label}: {width} px wide on a 390 px phone",
                                     page.evaluate(WIDEST))


def _published_imaginer(database) -> str:
    owner = f.facilitator(database)
    ws = f.imaginer(database, owner)
    with f.session(database) as s:
        lea = join_workshop(s, ws.join_code, "Léa", role="agent").participant
    headline = f.contribute(database, lea, "headline", {"title": LONG, "story": LONG * 3})
    with f.session(database) as s:
        set_phase(s, owner.id, ws.slug, "rebours")
    f.contribute(database, lea, "milestone", {"title": "Le schéma des usages est voté",
                                              "date": f.months_from_now(4),
                                              "leads_to": [headline.id]})
    with f.session(database) as s:
        set_phase(s, owner.id, ws.slug, "closed")
    with f.session(database) as s:
        publish_workshop(s, owner.id, ws.slug, "cc-by-4.0")
    return ws.slug


def test_archive_pages_are_accessible_on_a_phone(live_server, database, phone) -> None:
    slug = _published_imaginer(database)
    phone.goto(f"{live_server}/archives/{slug}")
    assert phone.locator("h1").inner_text() == "Imaginer le Finistère"
    assert phone.locator(".archive-item-title", has_text=LONG).count() == 1
    assert_accessible(phone, "archive page")
    _fits(phone, "archive page")

    phone.goto(f"{live_server}/archives/{slug}/compte-rendu")
    assert phone.locator("#compte-rendu h1").inner_text() == "Imaginer le Finistère"
    assert_accessible(phone, "compte rendu")
    _fits(phone, "compte rendu")
    phone.emulate_media(media="print")
    assert phone.locator(".site-header").is_hidden()  # the document alone on paper
    phone.emulate_media(media="screen")

    phone.goto(f"{live_server}/archives?q=maisons+numeriques&territoire=Finist%C3%A8re")
    assert phone.locator(".archive-hit").count() == 1
    assert phone.locator(".archive-snippet mark").count() >= 1
    assert_accessible(phone, "search results")
    _fits(phone, "search results")

    phone.goto(f"{live_server}/archives?annee=20x6")
    assert phone.locator("#recherche-erreur").is_visible()
    assert_accessible(phone, "search error")
    _fits(phone, "search error")
