"""No page is wider than its screen: a 390 px phone and a 1,280 px desktop, in Chromium.

The diagnosis page measured 1,454 px on a phone and 1,494 px on a 1,280 px screen (tables
outside their scroll wrapper, maps past the edge). A wide table may scroll inside its own
box; the page itself must not.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser

from tests.browser.axe import assert_accessible
from tests.browser.conftest import serving
from tests.diagnosis.workspace import require_shared_data, workspace
from trajectoires.settings import Settings
from trajectoires.web.app import create_app
from trajectoires.web.territory.deps import install_reference

VIEWPORTS = {"phone": (390, 844), "desktop": (1280, 900)}
PAGES = (
    "/",
    "/recherche?q=Saint",
    "/territoires/departement/29",
    "/territoires/commune/29232",
    "/territoires/departement/29/diagnostic",
    "/territoires/departement/29/diagnostic?indicateur=dist_libraries&comparer=Morbihan",
    "/territoires/commune/29232/diagnostic",
    "/ateliers",
    "/connexion",
    "/mot-de-passe-oublie",
    "/invitation/lien-expire",
    "/mot-de-passe/lien-expire",
    "/rejoindre",
    "/rejoindre?code=ABC123",
    "/evenements",
    "/archives",
    "/archives?q=numerique",
    "/donnees-supprimees",
)
EXPIRED_LINKS = {"/invitation/lien-expire": 403, "/mot-de-passe/lien-expire": 403}
"""Pages of a link no longer valid: their own page, with the status that says so."""


@pytest.fixture(scope="module")
def data_server(territory_reference, tmp_path_factory) -> Iterator[str]:
    """The app on a workspace with the real files imported (the diagnosis has its data)."""
    require_shared_data()
    with workspace(tmp_path_factory.mktemp("widths"), territory_reference, load=True) as ws:
        settings = Settings.from_env({}, workspace=str(ws.path), database_url=ws.database_url)
        app = create_app(settings, ws.database)
        install_reference(app, territory_reference)
        with serving(app) as base:
            yield base


def overflow(browser: Browser, url: str, width: int, height: int) -> dict:
    """The page's width against the viewport's, and the widest element that sticks out."""
    context = browser.new_context(viewport={"width": width, "height": height})
    page = context.new_page()
    try:
        response = page.goto(url, timeout=120_000)
        return {"status": response.status if response else None} | page.evaluate("""(width) => {
            const doc = document.documentElement;
            let culprit = null, right = width;
            for (const el of document.body.querySelectorAll('*')) {
                const box = el.getBoundingClientRect();
                if (box.right > right + 1 && el.closest('.scroll-x, .table-scroll') === null) {
                    right = box.right;
                    culprit = el.tagName.toLowerCase() + (el.id ? '#' + el.id : '')
                        + (el.className && typeof el.className === 'string'
                           ? '.' + el.className.trim().split(/\\s+/).join('.') : '');
                }
            }
            return {scroll: doc.scrollWidth, culprit: culprit, right: Math.round(right)};
        }""", width)
    finally:
        context.close()


@pytest.mark.parametrize("viewport", list(VIEWPORTS))
def test_no_page_is_wider_than_the_screen(data_server: str, browser: Browser,
                                          viewport: str) -> None:
    width, height = VIEWPORTS[viewport]
    wide, statuses = {}, {}
    for path in PAGES:
        found = overflow(browser, data_server + path, width, height)
        statuses[path] = found["status"]
        if found["scroll"] > width:
            wide[path] = found
    assert wide == {}, f"pages wider than {width} px: {wide}"
    # each page measured is the page itself, not an error page that happens to fit
    assert statuses == {path: EXPIRED_LINKS.get(path, 200) for path in PAGES}


@pytest.mark.parametrize("viewport", list(VIEWPORTS))
def test_diagnosis_page_is_accessible(data_server: str, browser: Browser, viewport: str) -> None:
    """The diagnosis page with its data: scrolling tables are focusable, labelled regions."""
    width, height = VIEWPORTS[viewport]
    context = browser.new_context(viewport={"width": width, "height": height})
    page = context.new_page()
    try:
        page.goto(data_server + "/territoires/departement/29/diagnostic", timeout=120_000)
        assert_accessible(page, f"diagnosis page ({viewport})")
    finally:
        context.close()


def test_diagnosis_without_data_fits_a_phone(live_server: str, browser: Browser) -> None:
    """Before any import the diagnosis lists each missing file with its web page: those long
    addresses (up to 101 characters) pushed a Corse-du-Sud commune's page to 505 px on a phone."""
    found = overflow(browser, live_server + "/territoires/commune/2A004/diagnostic", 390, 844)
    assert found["scroll"] <= 390, found
