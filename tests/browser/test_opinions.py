"""The opinion map in a real Chromium: own dot and group, live recomputation after votes."""

from __future__ import annotations

import re

from playwright.sync_api import Browser, expect

from tests.foresight import factories as f
from trajectoires.db import Database


def test_participant_sees_the_map_and_their_group_update_live(
    live_server: str, browser: Browser, database: Database
) -> None:
    debate = f.debate_with_blocs(database)
    page = browser.new_context().new_page()
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error"
            and not m.text.startswith("Failed to load resource") else None)
    page.on("response", lambda r: errors.append(r.url) if r.status >= 400
            and not r.url.endswith("/favicon.ico") else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(live_server + f"/rejoindre/{debate.workshop.join_code}")
    page.get_by_label("Pseudonyme").fill("Chloé")
    page.get_by_role("button", name="Rejoindre").click()
    expect(page.locator("#live-status")).to_contain_text("active")

    section = page.locator("#opinions")
    expect(section.get_by_role("heading", name="Carte des opinions")).to_be_visible()
    expect(section.get_by_role("img", name=re.compile("Carte des opinions"))).to_be_visible()
    expect(section.locator("#opinion-groups tbody tr")).to_have_count(2)
    expect(section.locator("#consensus li").first).to_contain_text("Proposition numéro 0")
    expect(page.locator("#my-group")).to_contain_text("pas encore dans un groupe")
    expect(section.locator("svg .me")).to_have_count(0)  # not on the map before voting
    first_version = int(page.locator("#opinions-body").get_attribute("data-version"))

    # Chloé votes like bloc 0; the section is recomputed and re-rendered live.
    for index, _sid in enumerate(debate.statements):
        item = page.locator("#statements li", has_text=f"Proposition numéro {index}")
        name = "^Pour" if f.bloc_vote(0, index) == 1 else "^Contre"
        button = item.get_by_role("button", name=re.compile(name))
        button.click()
        expect(button).to_have_attribute("aria-pressed", "true")

    expect(page.locator("#my-group")).to_contain_text(
        re.compile(r"Vous êtes dans le groupe [AB]\."), timeout=15_000)
    body = page.locator("#opinions-body")
    assert int(body.get_attribute("data-version")) > first_version
    expect(section.locator("svg .me")).to_have_count(1)
    expect(section.locator("svg .me text")).to_have_text("Vous")
    expect(page.locator("#opinions-announcer")).to_have_text("Les groupes ont été recalculés.")
    letter = page.locator("#my-group").inner_text().strip()[-2]

    # A bloc-0 member's group is the same as Chloé's, and the page reload draws it server-side.
    page.reload()
    expect(page.locator("#my-group")).to_have_text(f"Vous êtes dans le groupe {letter}.")
    expect(section.locator("svg .me")).to_have_count(1)
    expect(section.locator(f'section.opinion-group[data-group="{letter}"] li').first
           ).to_contain_text(f"le groupe {letter} est")
    assert errors == []  # no script error, no Content-Security-Policy violation
    page.close()
