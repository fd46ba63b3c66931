"""Live refresh of a Construire 2030 page in a real Chromium: another participant's action
appears in the roadmap without a reload, brought by one combined fragments request, and what
a participant was typing survives the phase changes (the page reloads) until it is posted."""

from __future__ import annotations

from collections.abc import Iterator
from urllib.parse import parse_qs, urlparse

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, expect

from tests.browser._day import join_by_link, sign_in
from tests.browser.test_kinds_accessibility import construire_workshop
from trajectoires.db import Database

PHONE = {"width": 390, "height": 844}


@pytest.fixture
def new_page(browser: Browser) -> Iterator:
    contexts: list[BrowserContext] = []

    def open_page() -> Page:
        context = browser.new_context(viewport=PHONE)
        contexts.append(context)
        return context.new_page()

    yield open_page
    for context in contexts:
        context.close()






def go_to_phase(host: Page, base: str, slug: str, key: str) -> None:
    host.goto(f"{base}/ateliers/{slug}/animer")
    host.locator("#phase-choice").select_option(key)
    host.get_by_role("button", name="Changer de phase").click()
    expect(host.locator("#phase-choice")).to_have_value(key)


def post_action(page: Page, title: str) -> None:
    form = page.locator("#form-nouveau-action")
    form.locator("#nouveau-action-title").fill(title)
    form.locator("#nouveau-action-owner").select_option(label="Mairie")
    form.locator("#nouveau-action-start").fill("2027-06")
    form.locator("#nouveau-action-end").fill("2028-03")
    form.locator("#nouveau-action-instrument").select_option("mutualisation-de-ressources")
    form.get_by_role("button", name="Publier").click()


def test_an_action_appears_in_the_roadmap_with_one_request(
    live_server: str, new_page, database: Database
) -> None:
    _owner, ws = construire_workshop(database)
    chloe, yann = new_page(), new_page()
    join_by_link(chloe, live_server, ws.join_code, "Chloé")
    join_by_link(yann, live_server, ws.join_code, "Yann")
    roadmap = chloe.locator('[data-region="construire.roadmap"]')
    expect(roadmap).to_contain_text("Diagnostic")
    chloe.evaluate("window.sameDocument = true")
    fetched: list[str] = []
    chloe.on("request", lambda r: fetched.append(r.url) if "/fragments" in r.url
             or "/imaginer" in r.url else None)

    post_action(yann, "Tiers-lieu numérique")
    expect(yann.locator("#liste-action")).to_contain_text("Tiers-lieu numérique")

    expect(roadmap).to_contain_text("Tiers-lieu numérique")
    expect(roadmap.locator("svg")).to_contain_text("Tiers-lieu numérique")
    expect(chloe.locator("#liste-action")).to_contain_text("Tiers-lieu numérique")
    assert chloe.evaluate("window.sameDocument") is True  # no reload
    assert len(fetched) == 1, fetched
    url = urlparse(fetched[0])
    assert url.path == f"/ateliers/{ws.slug}/fragments"
    regions = dict(part.partition(":")[::2]
                   for part in parse_qs(url.query)["regions"][0].split(","))
    assert {"construire.roadmap", "contributions.action"} <= set(regions)
    assert regions["construire.roadmap"]  # the page's digest was sent
    assert "construire.actors" not in regions  # not concerned by an action


def test_typed_text_survives_phase_changes_until_posted(
    live_server: str, new_page, database: Database
) -> None:
    _owner, ws = construire_workshop(database)
    chloe, host = new_page(), new_page()
    join_by_link(chloe, live_server, ws.join_code, "Chloé")
    sign_in(host, live_server, "anne@example.org")
    title = chloe.locator("#nouveau-action-title")
    title.fill("Un tiers-lieu à moitié écrit")
    chloe.locator("#form-nouveau-action").get_by_label("Mairie").check()
    title.focus()

    go_to_phase(host, live_server, ws.slug, "engagements")
    expect(chloe.locator("#workshop-phase")).to_have_text("Engagements")
    expect(chloe.locator("#nouveau-action-title")).to_have_count(0)
    expect(chloe.locator("#live-status")).to_contain_text("active")

    go_to_phase(host, live_server, ws.slug, "actions")
    expect(chloe.locator("#workshop-phase")).to_have_text("Actions")
    expect(title).to_have_value("Un tiers-lieu à moitié écrit")
    expect(chloe.locator("#form-nouveau-action").get_by_label("Mairie")).to_be_checked()
    expect(title).to_be_focused()

    post_action(chloe, "Un tiers-lieu enfin écrit")
    expect(chloe.locator("#liste-action")).to_contain_text("Un tiers-lieu enfin écrit")
    drafts = chloe.evaluate(
        "Object.keys(sessionStorage).filter(k => k.startsWith('trajectoires:brouillon:'))")
    assert drafts == []
    chloe.reload()
    expect(chloe.locator("#nouveau-action-title")).to_have_value("")
