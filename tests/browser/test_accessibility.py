"""Accessibility of the pages in a real Chromium: axe-core (WCAG 2.1 A and AA) and keyboard use.

Every page is checked at a desktop and at a phone viewport, in the state a user sees it
(scripts run, live updates connected). See tests/browser/axe.py for how axe-core is injected.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, expect

from tests.browser.axe import assert_accessible
from tests.foresight import factories as f
from trajectoires.db import Database
from trajectoires.settings import Settings

VIEWPORTS = {
    "desktop": {"width": 1280, "height": 900},
    "phone": {"width": 390, "height": 844},
}
SEARCH_LABEL = "Commune, intercommunalité, département ou région"


@pytest.fixture(params=list(VIEWPORTS), ids=list(VIEWPORTS))
def viewport(request: pytest.FixtureRequest) -> dict[str, int]:
    return VIEWPORTS[request.param]


@pytest.fixture
def new_page(browser: Browser, viewport: dict[str, int]) -> Iterator:
    """Open pages in new browser contexts (one per visitor) at the test's viewport."""
    contexts: list[BrowserContext] = []

    def open_page() -> Page:
        context = browser.new_context(viewport=viewport)
        contexts.append(context)
        return context.new_page()

    yield open_page
    for context in contexts:
        context.close()


# -- territory pages ----------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("label", "path"),
    [
        ("home", "/"),
        ("search results", "/recherche?q=Sainte-Marie"),
        ("département page", "/territoires/departement/29"),
        ("commune page", "/territoires/commune/29232"),
        ("workshop list", "/ateliers"),
        ("join page", "/rejoindre"),
        ("login page", "/connexion"),
    ],
)
def test_page_is_accessible(live_server: str, new_page, label: str, path: str) -> None:
    page = new_page()
    page.goto(live_server + path)
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    assert_accessible(page, label)


def test_live_suggestions_are_accessible(live_server: str, new_page) -> None:
    page = new_page()
    page.goto(live_server + "/")
    page.get_by_label(SEARCH_LABEL).fill("quimp")
    expect(page.locator("#suggestions a").first).to_be_visible()
    assert_accessible(page, "home with live suggestions")


# -- a debate workshop --------------------------------------------------------------------------
@pytest.fixture
def debate(database: Database) -> f.Debate:
    """An open debate with two opinion groups, owned by the factories' facilitator."""
    return f.debate_with_blocs(database, owner=f.facilitator(database))


def _participant(new_page, base: str, debate: f.Debate) -> Page:
    """A participant who joined with the code, voted on three statements, and is live."""
    page = new_page()
    page.goto(f"{base}/rejoindre/{debate.workshop.join_code}")
    page.get_by_label("Pseudonyme").fill("Chloé")
    page.get_by_role("button", name="Rejoindre").click()
    expect(page.locator("#live-status")).to_contain_text("active")
    for index, name in enumerate(("Pour", "Contre", "Passer")):  # every pressed style is seen
        item = page.locator("#statements li", has_text=f"Proposition numéro {index}")
        button = item.get_by_role("button", name=re.compile(f"^{name}"))
        button.click()
        expect(button).to_have_attribute("aria-pressed", "true")
    return page


def _facilitator(new_page, base: str, debate: f.Debate) -> Page:
    page = new_page()
    page.goto(base + "/connexion")
    page.get_by_label("Adresse e-mail").fill("anne@example.org")
    page.get_by_label("Mot de passe").fill(f.PASSWORD)
    page.get_by_role("button", name=re.compile("connecter", re.I)).click()
    page.goto(f"{base}/ateliers/{debate.workshop.slug}/animer")
    expect(page.locator("#live-status")).to_contain_text("active")
    return page


def test_participant_page_is_accessible(live_server: str, new_page, debate: f.Debate) -> None:
    page = _participant(new_page, live_server, debate)
    expect(page.locator("#my-group")).to_be_visible()
    assert_accessible(page, "workshop participant page")


def test_facilitator_pages_are_accessible(live_server: str, new_page, debate: f.Debate) -> None:
    page = _facilitator(new_page, live_server, debate)
    expect(page.locator("#join-warning")).to_be_visible()  # served on 127.0.0.1 only
    assert_accessible(page, "workshop facilitation page")
    page.get_by_role("link", name=re.compile("^Projeter")).click()
    expect(page.locator("#join-code")).to_be_visible()
    assert_accessible(page, "workshop projection page")


class TestWithJoinQrCode:
    """The same pages when participants can reach the server: link and QR code shown."""

    @pytest.fixture
    def settings(self, settings: Settings) -> Settings:
        return dataclasses.replace(settings, public_url="http://ateliers.example.org")

    def test_facilitator_pages_are_accessible(
        self, live_server: str, new_page, debate: f.Debate
    ) -> None:
        page = _facilitator(new_page, live_server, debate)
        expect(page.locator("#join-qr svg")).to_be_visible()
        assert_accessible(page, "workshop facilitation page with QR code")
        page.goto(f"{live_server}/ateliers/{debate.workshop.slug}/projection")
        expect(page.locator("#join-qr svg")).to_be_visible()
        assert_accessible(page, "workshop projection page with QR code")


# -- keyboard -----------------------------------------------------------------------------------
# The outline is drawn outside the element (outline-offset): it shows over the first opaque
# background among the element's ancestors.
FOCUS_STYLE = """() => {
  const behind = (node) => {
    for (; node; node = node.parentElement) {
      const colour = getComputedStyle(node).backgroundColor;
      if (!/^rgba\\(.*, 0\\)$/.test(colour) && colour !== "transparent") return colour;
    }
    return "rgb(255, 255, 255)";
  };
  const el = document.activeElement;
  const style = getComputedStyle(el);
  return {
    focusVisible: el.matches(":focus-visible"),
    outlineStyle: style.outlineStyle,
    outlineWidth: parseFloat(style.outlineWidth) || 0,
    outlineColor: style.outlineColor,
    boxShadow: style.boxShadow,
    background: behind(el.parentElement),
  };
}"""


def _luminance(css_colour: str) -> float:
    channels = [int(c) / 255 for c in re.findall(r"\d+", css_colour)[:3]]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def _contrast(a: str, b: str) -> float:
    high, low = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def _assert_focus_visible(page: Page, what: str) -> None:
    style = page.evaluate(FOCUS_STYLE)
    assert style["focusVisible"], f"{what}: focused without :focus-visible ({style})"
    has_outline = style["outlineStyle"] != "none" and style["outlineWidth"] >= 2
    assert has_outline or style["boxShadow"] != "none", f"{what}: no focus indicator ({style})"
    if has_outline:  # WCAG 1.4.11: the indicator stands out from the page at 3:1
        ratio = _contrast(style["outlineColor"], style["background"])
        assert ratio >= 3, f"{what}: focus outline contrast {ratio:.2f}:1 ({style})"


def _tab_to(page: Page, target, what: str, limit: int = 80) -> int:
    """Press Tab until ``target`` has the focus; return the number of presses."""
    for presses in range(1, limit + 1):
        page.keyboard.press("Tab")
        if target.evaluate("el => el === document.activeElement"):
            return presses
    raise AssertionError(f"{what} not reached after {limit} presses of Tab")


def test_participant_reaches_the_statement_field_and_votes_with_tab(
    live_server: str, new_page, debate: f.Debate
) -> None:
    page = new_page()
    page.goto(f"{live_server}/rejoindre/{debate.workshop.join_code}")
    page.get_by_label("Pseudonyme").fill("Chloé")
    page.get_by_label("Pseudonyme").press("Enter")
    expect(page.locator("#live-status")).to_contain_text("active")

    _tab_to(page, page.get_by_label("Votre proposition"), "the statement field")
    _assert_focus_visible(page, "statement field")
    page.keyboard.type("Former les agents d'accueil des mairies")
    _tab_to(page, page.get_by_role("button", name="Publier"), "the publish button")
    _assert_focus_visible(page, "publish button")

    first = page.locator("#statements li", has_text="Proposition numéro 0")
    for name in ("Pour", "Contre", "Passer"):
        _tab_to(page, first.get_by_role("button", name=name, exact=True), f"vote « {name} »")
        _assert_focus_visible(page, f"vote button « {name} »")
    page.keyboard.press("Enter")
    expect(first.get_by_role("button", name="Passer", exact=True)).to_have_attribute(
        "aria-pressed", "true"
    )
