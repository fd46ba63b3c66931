"""Territory pages in a real Chromium: live suggestions, keyboard, sortable table.

Console errors (a script blocked by the Content-Security-Policy, say) fail the tests.
"""

from __future__ import annotations

import re

from playwright.sync_api import Browser, Page, expect

SEARCH_LABEL = "Commune, intercommunalité, département ou région"


def _page(browser: Browser) -> tuple[Page, list[str]]:
    page = browser.new_page()
    problems: list[str] = []
    page.on("pageerror", lambda error: problems.append(str(error)))
    page.on(
        "console",
        lambda m: (
            problems.append(m.text)
            if m.type == "error" and "Failed to load resource" not in m.text
            else None
        ),
    )
    page.on(  # the browser asks for /favicon.ico on its own; any other failure counts
        "response",
        lambda r: (
            problems.append(f"{r.status} {r.url}")
            if r.status >= 400 and not r.url.endswith("/favicon.ico")
            else None
        ),
    )
    return page, problems


def test_live_suggestions_and_keyboard(live_server: str, browser: Browser) -> None:
    page, problems = _page(browser)
    page.goto(live_server + "/")
    field = page.get_by_label(SEARCH_LABEL)
    field.fill("quimp")
    suggestions = page.locator("#suggestions a")
    # the first search builds the name index of the whole reference (seconds on a busy machine)
    expect(suggestions.first).to_be_visible(timeout=30_000)
    expect(page.locator("#suggestions-etat")).to_contain_text("suggestion")
    expect(page.locator("#suggestions")).to_contain_text("Quimperlé")
    field.press("ArrowDown")
    expect(suggestions.first).to_be_focused()
    page.keyboard.press("ArrowDown")
    expect(suggestions.nth(1)).to_be_focused()
    page.keyboard.press("ArrowUp")
    page.keyboard.press("ArrowUp")
    expect(field).to_be_focused()
    field.fill("quimper")
    expect(page.locator("#suggestions a").first).to_contain_text("Commune 29232")
    page.locator("#suggestions a").first.click()
    expect(page).to_have_url(re.compile(r"/territoires/commune/29232$"))
    expect(page.get_by_role("heading", level=1)).to_contain_text("Quimper")
    assert problems == [], problems
    page.close()


def test_sortable_communes_table(live_server: str, browser: Browser) -> None:
    page, problems = _page(browser)
    page.goto(live_server + "/territoires/departement/29")
    table = page.locator("table.sortable")
    population = table.get_by_role("button", name="Population")
    header = table.locator("thead th").nth(2)
    population.click()
    expect(header).to_have_attribute("aria-sort", "ascending")
    expect(table.locator("thead th").first).not_to_have_attribute("aria-sort", "ascending")
    population.click()
    expect(header).to_have_attribute("aria-sort", "descending")
    expect(table.locator("tbody tr").first.locator("th")).to_have_text("Brest")
    expect(table.locator("tbody tr").nth(1).locator("th")).to_have_text("Quimper")
    table.get_by_role("button", name="Commune", exact=True).focus()
    page.keyboard.press("Enter")
    expect(table.locator("thead th").first).to_have_attribute("aria-sort", "ascending")
    expect(header).not_to_have_attribute("aria-sort", "descending")
    assert problems == [], problems
    page.close()


def test_search_without_javascript(live_server: str, browser: Browser) -> None:
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(live_server + "/")
    page.get_by_label(SEARCH_LABEL).fill("Sainte-Marie")
    page.get_by_role("button", name="Rechercher").click()
    expect(page).to_have_url(re.compile(r"/recherche\?q=Sainte-Marie"))
    expect(page.locator(".result-list a")).to_have_count(9)
    page.get_by_role("link", name="Sainte-Marie").first.click()
    expect(page).to_have_url(re.compile(r"/territoires/commune/97418$"))
    context.close()


def test_api_docs_render_without_internet(live_server: str, browser: Browser) -> None:
    """Swagger UI came from a CDN: the page was blank without internet."""
    page, problems = _page(browser)
    requested: list[str] = []
    page.on("request", lambda r: requested.append(r.url))
    page.goto(live_server + "/api/docs")
    expect(page.locator(".swagger-ui .opblock").first).to_be_visible(timeout=30_000)
    assert all(url.startswith(live_server) or url.startswith("data:") for url in requested), (
        [u for u in requested if not u.startswith(live_server)])
    assert problems == [], problems
    page.close()
