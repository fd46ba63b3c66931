"""The trajectory of a Construire 2030 in a real Chromium on a 390 px phone (issue #11).

The facilitator unticks an action in « Et si… ? »: the chart of the distance to France
Services follows without a reload (the live region ``construire.trajectory``), the page
and the effect form pass axe-core (WCAG 2.1 A/AA) and are no wider than the screen.
Small fixture reference of about thirty communes and the real France Services list.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.browser._day import sign_in
from tests.browser.axe import assert_accessible
from tests.browser.conftest import serving
from tests.diagnosis.workspace import FR
from tests.foresight import factories as f
from trajectoires.db import Database
from trajectoires.foresight.contributions import Author
from trajectoires.foresight.kinds._construire_effects import add_effect
from trajectoires.settings import Settings

PHONE = {"width": 390, "height": 844}
FS_FILE = FR / "france_services/liste-fs-20240801.csv"
# on a phone the page shows the narrow drawing of each chart (the wide one is hidden)
ACTIONS_LINE = "#indicateur-dist_france-services svg.graphique-etroit g.actions polyline"
TENDANCE_LINE = "#indicateur-dist_france-services svg.graphique-etroit polyline.tendance"
TICK_LABELS = "#indicateur-dist_france-services svg:visible g.axes text"


def _fits(page: Page, what: str) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"{what}: {width} px wide in a 390 px viewport"


def _labels_readable(page: Page) -> None:
    """The axis labels of the visible chart are at least 10 px tall (they were 7 px)."""
    expect(page.locator("#indicateur-dist_france-services svg.graphique-large")).to_be_hidden()
    heights = page.locator(TICK_LABELS).evaluate_all(
        "els => els.map(e => e.getBoundingClientRect().height)")
    assert heights and min(heights) >= 10, f"axis labels {min(heights or [0]):.1f} px tall"


def _workshop(db: Database):
    from trajectoires.indicators.store import import_file

    with db.session() as session:
        import_file(session, "france-services", FS_FILE, f.reference())
    owner = f.facilitator(db)
    ws = f.kind_workshop(db, "construire-2030", owner, "acteurs")
    actor = f.post_as(db, ws, owner, "actor", name="Morlaix Communauté",
                      actor_type="collectivite")
    with f.session(db) as s:
        from trajectoires.foresight.workshops import set_phase

        set_phase(s, owner.id, ws.slug, "actions")
    action = f.post_as(db, ws, owner, "action", title="France Services à Morlaix",
                       owner=actor.id, start="2026-01", end="2027-06", instrument="autre")
    with f.session(db) as s:
        add_effect(s, Author(facilitator_id=owner.id), action.id, {
            "type": "open-place", "network": "france-services", "commune": "29151",
            "year": 2027, "assumption": "Ouverture votée au conseil communautaire"})
    return ws, action.id


def test_switching_an_action_updates_the_chart_live(browser: Browser, settings: Settings,
                                                    database: Database) -> None:
    if not FS_FILE.exists():
        pytest.skip(f"real France Services list absent ({FS_FILE}); it is present in CI")
    ws, action = _workshop(database)
    with serving(f.make_app(settings, database)) as base:
        context = browser.new_context(viewport=PHONE)  # closed before the server stops
        try:
            page = context.new_page()
            sign_in(page, base, "anne@example.org")
            page.goto(f"{base}/ateliers/{ws.slug}/trajectoire")
            expect(page.locator("[data-live-status]")).to_have_text(
                "Mise à jour en direct : active.")
            moved = page.locator(ACTIONS_LINE).get_attribute("points")
            trend = page.locator(TENDANCE_LINE).get_attribute("points")
            assert moved != trend
            _labels_readable(page)
            assert_accessible(page, "page de la trajectoire")
            _fits(page, "page de la trajectoire")
            page.evaluate("window.pasRecharge = true")
            page.get_by_role("checkbox", name="France Services à Morlaix").uncheck()
            expect(page.locator("#trajectoire-resume")).to_contain_text("0 action sur 1")
            flat = page.locator(TENDANCE_LINE).get_attribute("points")  # the axis may change
            expect(page.locator(ACTIONS_LINE)).to_have_attribute("points", flat)
            assert page.evaluate("window.pasRecharge === true")  # no reload
            expect(page.locator("[data-switch-status]")).to_have_text("Trajectoire mise à jour.")
            page.get_by_role("checkbox", name="France Services à Morlaix").check()
            expect(page.locator("#trajectoire-resume")).to_contain_text("1 action sur 1")
            expect(page.locator(ACTIONS_LINE)).to_have_attribute("points", moved)
            assert page.evaluate("window.pasRecharge === true")
            page.goto(f"{base}/ateliers/{ws.slug}/trajectoire/actions/{action}/effets/nouveau"
                      "?type=reach")
            assert_accessible(page, "formulaire d'un effet")
            _fits(page, "formulaire d'un effet")
            # the indicator list is as wide as its longest label (« Part des pas ou peu
            # diplômés (15 ans et plus non scolarisés) »): the form measured 552 px
            page.goto(f"{base}/ateliers/{ws.slug}/trajectoire/actions/{action}/effets/nouveau"
                      "?type=indicator")
            expect(page.locator("#effet-indicator")).to_be_visible()
            _fits(page, "formulaire d'un effet sur un indicateur")
        finally:
            context.close()


def test_charts_stay_readable_on_a_wide_screen_and_on_paper(browser: Browser, settings: Settings,
                                                            database: Database) -> None:
    """A chart filled a 1,280 px screen (1,160 px wide, 24 px labels; one chart per A4 page)."""
    if not FS_FILE.exists():
        pytest.skip(f"real France Services list absent ({FS_FILE}); it is present in CI")
    ws, _ = _workshop(database)
    chart = "#indicateur-dist_france-services svg.graphique-large"
    with serving(f.make_app(settings, database)) as base:
        context = browser.new_context(viewport={"width": 1280, "height": 900})
        try:
            page = context.new_page()
            page.goto(f"{base}/ateliers/{ws.slug}/trajectoire")
            width = page.locator(chart).bounding_box()["width"]
            assert 600 <= width <= 800, f"chart {width:.0f} px wide on a 1,280 px screen"
            expect(page.locator("#indicateur-dist_france-services svg.graphique-etroit")
                   ).to_be_hidden()
        finally:
            context.close()
        # on paper: A4 less 15 mm margins is 180 × 267 mm (680 × 1,009 px); two indicators
        # fit on a page (each was 17 cm tall, one per page)
        context = browser.new_context(viewport={"width": 680, "height": 1009})
        try:
            page = context.new_page()
            page.emulate_media(media="print")
            page.goto(f"{base}/ateliers/{ws.slug}/trajectoire")
            expect(page.locator(chart)).to_be_visible()
            width = page.locator(chart).bounding_box()["width"]
            assert width <= 11.5 / 2.54 * 96 + 1, f"chart {width:.0f} px wide on paper"
            height = page.locator("#indicateur-dist_france-services").bounding_box()["height"]
            assert height <= 1009 / 2, f"an indicator {height:.0f} px tall on paper"
        finally:
            context.close()
