"""The debate on the big screen, in a real Chromium: the projection view follows the workshop
live (its phase, the end of « en préparation », the opinion map) without a reload."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, expect

from tests.browser._day import LIVE, join_by_link, sign_in
from tests.browser.axe import assert_accessible
from tests.foresight import factories as f
from trajectoires.db import Database

PROJECTOR = {"width": 1280, "height": 720}


@pytest.fixture
def host(browser: Browser) -> Iterator[BrowserContext]:
    context = browser.new_context(viewport=PROJECTOR)
    yield context
    context.close()


def _projection(host: BrowserContext, base: str, owner, slug: str) -> tuple[Page, Page]:
    """The facilitator's controls and projection, signed in, the projection live."""
    controls = host.new_page()
    sign_in(controls, base, owner.email)
    projection = host.new_page()
    projection.goto(f"{base}/ateliers/{slug}/projection")
    expect(projection.locator("#live-status")).to_contain_text("active")
    projection.evaluate("window.sameDocument = true")
    controls.goto(f"{base}/ateliers/{slug}/animer")
    return controls, projection


def test_projection_follows_the_phase_live(
    live_server: str, host: BrowserContext, database: Database
) -> None:
    owner = f.facilitator(database)
    ws = f.workshop(database, owner, status="draft")
    controls, projection = _projection(host, live_server, owner, ws.slug)
    expect(projection.locator("#join-draft")).to_be_visible()

    controls.get_by_role("button", name="Ouvrir l'atelier").click()
    expect(projection.locator("#workshop-phase")).to_have_text("Ouvert", timeout=LIVE)
    expect(projection.locator("#join-draft")).to_be_hidden()

    controls.get_by_role("button", name="Clore l'atelier").click()
    expect(projection.locator("#workshop-phase")).to_have_text("Clos", timeout=LIVE)
    assert projection.evaluate("window.sameDocument") is True


def test_projection_shows_the_opinion_map_live(
    live_server: str, host: BrowserContext, browser: Browser, database: Database
) -> None:
    owner = f.facilitator(database)
    debate = f.debate_with_blocs(database, owner=owner)
    _controls, projection = _projection(host, live_server, owner, debate.workshop.slug)
    body = projection.locator("#opinions-body")
    expect(projection.locator("#opinion-groups")).to_be_visible()
    expect(projection.locator("#export-polis")).to_have_count(0)
    before = body.get_attribute("data-computed-at")

    phone = browser.new_context(viewport={"width": 390, "height": 844})
    try:
        chloe = phone.new_page()
        join_by_link(chloe, live_server, debate.workshop.join_code, "Chloé")
        for index in range(3):
            item = chloe.locator("#statements li", has_text=f"Proposition numéro {index}")
            item.get_by_role("button", name=re.compile("^Pour")).click()
        expect(body).not_to_have_attribute("data-computed-at", before or "", timeout=LIVE)
    finally:
        phone.close()
    assert projection.evaluate("window.sameDocument") is True
    projection.set_viewport_size({"width": 390, "height": 844})
    assert projection.evaluate("document.documentElement.scrollWidth") <= 390


def test_facilitator_pages_fit_a_phone_and_pass_axe(
    live_server: str, browser: Browser, database: Database
) -> None:
    owner = f.facilitator(database)
    ws = f.workshop(database, owner, status="draft")
    phone = browser.new_context(viewport={"width": 390, "height": 844})
    try:
        page = phone.new_page()
        sign_in(page, live_server, owner.email)
        page.goto(f"{live_server}/ateliers/{ws.slug}/animer")
        page.get_by_label("Proposition de départ").fill("Un bus numérique chaque semaine")
        page.get_by_role("button", name="Ajouter la proposition").click()
        expect(page.locator("#statements")).to_contain_text("Un bus numérique chaque semaine")
        page.get_by_label("Proposition de départ").fill("un bus numérique, chaque semaine")
        page.get_by_role("button", name="Ajouter la proposition").click()
        expect(page.locator("#seed-error")).to_contain_text("existe déjà")
        checks = [("facilitation page with a refused seed", None),
                  ("workshop edit page", f"/ateliers/{ws.slug}/modifier"),
                  ("workshop delete confirmation", f"/ateliers/{ws.slug}/supprimer")]
        for label, path in checks:
            if path:
                page.goto(live_server + path)
            assert page.evaluate("document.documentElement.scrollWidth") <= 390, label
            assert_accessible(page, label)
        page.get_by_role("button", name="Supprimer définitivement").click()
        expect(page.locator("#list-notice")).to_contain_text("a été supprimé")
    finally:
        phone.close()


def test_one_statement_at_a_time_on_a_phone(
    live_server: str, browser: Browser, database: Database
) -> None:
    debate = f.debate_with_blocs(database, per_bloc=2, n_statements=3)
    phone = browser.new_context(viewport={"width": 390, "height": 844})
    try:
        page = phone.new_page()
        join_by_link(page, live_server, debate.workshop.join_code, "Chloé")
        card = page.locator("#next-vote")
        first = page.locator("#statements li", has_text="Proposition numéro 0")
        expect(card.locator("#next-vote-text")).to_have_text("Proposition numéro 0")
        expect(card.locator("#next-vote-left")).to_have_text("3 propositions sans votre vote.")
        expect(first.locator(".counts")).to_be_hidden()
        expect(first.locator(".counts-hint")).to_be_visible()
        assert_accessible(page, "one statement at a time")

        card.get_by_role("button", name="Pour").click()
        expect(card.locator("#next-vote-text")).to_have_text("Proposition numéro 1")
        expect(first.locator(".counts")).to_be_visible()
        expect(first.locator('[data-count="agree"]')).to_have_text("5")  # 4 of the blocs + hers
        expect(first.get_by_role("button", name="Pour")).to_have_attribute("aria-pressed", "true")
        card.get_by_role("button", name="Contre").click()
        expect(card.locator("#next-vote-text")).to_have_text("Proposition numéro 2")
        # voting in the list on the card's statement moves the card on too
        page.locator("#statements li", has_text="Proposition numéro 2").get_by_role(
            "button", name="Passer").click()
        expect(page.locator("#next-vote-done")).to_be_visible()
        third = page.locator("#statements li", has_text="Proposition numéro 2")
        expect(third.locator(".count-pass")).to_have_text("1 passe")
        expect(page.locator("#next-vote-card")).to_be_hidden()
        assert page.evaluate("document.documentElement.scrollWidth") <= 390
    finally:
        phone.close()
