"""The version history, personal data and enrichment pages in a real Chromium at 390 px:
axe-core (WCAG 2.1 A/AA) reports no violation and nothing is wider than the phone."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page

from tests.browser.axe import assert_accessible
from tests.foresight import factories as f
from trajectoires.foresight.contributions import Author, edit_contribution
from trajectoires.foresight.enrichment import add_comment, join_as_visitor
from trajectoires.foresight.moderation import set_visibility
from trajectoires.foresight.publication import publish_workshop
from trajectoires.foresight.workshops import set_phase

PHONE = {"width": 390, "height": 844}


@pytest.fixture
def phone(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(viewport=PHONE)
    yield context.new_page()
    context.close()


def _fits(page: Page, label: str) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"{label}: {width} px wide on a 390 px phone"


def test_history_and_enrichment_pages_are_accessible_on_a_phone(live_server, database, phone):
    owner = f.facilitator(database)
    ws = f.imaginer(database, owner)
    lea = f.join(database, ws, "Léa").participant
    long_title = "Une maison numérique dans chaque bourg, ouverte le samedi " * 2
    posted = f.contribute(database, lea, "headline", {"title": long_title.strip()[:115]})
    with f.session(database) as s:
        edit_contribution(s, posted.id, Author(participant_id=lea.id, workshop_id=ws.id),
                          {"title": "Deux maisons numériques"})
    with f.session(database) as s:
        set_visibility(s, owner.id, posted.id, hidden=True, reason="À reformuler")
    with f.session(database) as s:
        set_visibility(s, owner.id, posted.id, hidden=False)
    with f.session(database) as s:
        set_phase(s, owner.id, ws.slug, "closed")
    with f.session(database) as s:
        publish_workshop(s, owner.id, ws.slug)
    with f.session(database) as s:
        visitor = join_as_visitor(s, ws.id, "Visiteuse")
    with f.session(database) as s:
        add_comment(s, visitor.participant, posted.id, "Et à Morlaix aussi ?")

    phone.goto(f"{live_server}/ateliers/{ws.slug}/contributions/{posted.id}/historique")
    assert phone.locator("h1").inner_text() == "Historique de la contribution"
    assert phone.locator(".history-version").count() == 4
    assert_accessible(phone, "version history")
    _fits(phone, "version history")

    phone.context.add_cookies([{"name": f"trajectoires_participant_{ws.id}",
                                "value": visitor.token, "url": live_server}])
    phone.goto(f"{live_server}/archives/{ws.slug}/enrichir")
    assert phone.get_by_text("Et à Morlaix aussi ?").count() == 1
    assert_accessible(phone, "enrichment page")
    _fits(phone, "enrichment page")
    phone.goto(f"{live_server}/ateliers/{ws.slug}/mes-donnees")
    assert_accessible(phone, "personal data page")
    _fits(phone, "personal data page")
