"""The map inlined in a page under a strict Content-Security-Policy, in real Chromium.

Only a browser shows that no style is blocked and that the presentation
attributes really colour the communes.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from trajectoires.render import commune_map

pytestmark = pytest.mark.browser

CHROMIUM = Path("/usr/bin/chromium")
CSP = "default-src 'none'; style-src 'self'; img-src 'self'"
PAGE = "http://carte.test/"
COLLECT_VIOLATIONS = """
window.violations = [];
document.addEventListener('securitypolicyviolation',
    (event) => window.violations.push(event.violatedDirective + ' ' + event.blockedURI));
"""


@pytest.fixture(scope="module")
def page_with_map(reference) -> Iterator[object]:
    if not CHROMIUM.exists():
        pytest.fail("Chromium is missing: `make test` installs the Debian package chromium")
    from playwright.sync_api import sync_playwright

    result = commune_map(
        reference, reference.resolve("29"), link=lambda code: f"/territoires/commune/{code}"
    )
    html = f"<!doctype html><html lang='fr'><title>Carte</title><body>{result.svg}</body></html>"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=["--no-sandbox", "--disable-gpu"]
        )
        page = browser.new_page()
        page.add_init_script(COLLECT_VIOLATIONS)
        page.route(PAGE, lambda route: route.fulfill(
            status=200, body=html, content_type="text/html; charset=utf-8",
            headers={"Content-Security-Policy": CSP},
        ))
        page.goto(PAGE)
        yield page
        browser.close()


def test_no_content_security_policy_violation(page_with_map):
    # Violations are reported asynchronously; a style="" attribute is reported
    # here as "style-src-attr" (checked by hand against an inline style).
    page_with_map.wait_for_timeout(300)
    assert page_with_map.evaluate("window.violations") == []


def test_communes_are_coloured_and_drawn(page_with_map):
    page = page_with_map
    assert page.locator("svg.carte-choroplethe path[data-code]").count() == 277
    brest = page.locator('path[data-code="29019"]')
    group_fill = brest.evaluate("p => p.closest('g.classe').getAttribute('fill')")
    colour = brest.evaluate("p => getComputedStyle(p).fill")
    red, green, blue = (int(group_fill[i:i + 2], 16) for i in (1, 3, 5))
    assert colour == f"rgb({red}, {green}, {blue})"
    box = brest.evaluate("p => { const b = p.getBBox(); return [b.width, b.height]; }")
    assert box[0] > 5 and box[1] > 5


def test_links_are_reachable_with_the_keyboard(page_with_map):
    page = page_with_map
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.getAttribute('href')")
    assert focused.startswith("/territoires/commune/29")
    label = page.locator("svg.carte-choroplethe").get_attribute("aria-labelledby")
    assert label == "carte-titre carte-desc"
