"""The shared pages of every workshop kind in a real Chromium: axe-core (WCAG 2.1 A/AA) at a
phone's 390 px and on a 16:9 screen, nothing wider than the phone, and live updates between
two participants (a contribution posted with the generated form appears on the other's page,
the timer counts down)."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, expect

from tests.browser._day import join_by_link, sign_in
from tests.browser.axe import assert_accessible
from tests.foresight import factories as f
from trajectoires.db import Database
from trajectoires.foresight import facilitation
from trajectoires.foresight.workshops import set_phase

PHONE = {"width": 390, "height": 844}
PROJECTOR = {"width": 1600, "height": 900}


@pytest.fixture
def new_page(browser: Browser) -> Iterator:
    contexts: list[BrowserContext] = []

    def open_page(viewport: dict[str, int] = PHONE) -> Page:
        context = browser.new_context(viewport=viewport)
        contexts.append(context)
        return context.new_page()

    yield open_page
    for context in contexts:
        context.close()


def _session(db: Database, owner, ws) -> None:
    with f.session(db) as s:
        facilitation.create_tables(s, owner.id, ws.id, ["Table 1", "Table 2"])
    with f.session(db) as s:
        facilitation.set_timer(s, owner.id, ws.id, 10, "Écriture")


def _phase(db: Database, owner, ws, key: str):
    with f.session(db) as s:
        return set_phase(s, owner.id, ws.slug, key)


def imaginer_workshop(db: Database):
    owner = f.facilitator(db)
    ws = f.imaginer(db, owner, status="vision")
    lea = f.join(db, ws, "Léa").participant
    headline = f.contribute(db, lea, "headline", {"title": "Le bourg a sa maison numérique"})
    # A long title: the facilitator's « Doublon de » list (a select as wide as its longest
    # option) made the facilitation page 650 px wide on a phone.
    f.contribute(db, lea, "headline", {"title": "Le dernier hameau raccordé à la fibre optique "
                                                "fête l'événement avec toute la commune"})
    _phase(db, owner, ws, "rebours")
    f.contribute(db, lea, "milestone", {"title": "Le schéma est voté",
                                        "date": f.months_from_now(2),
                                        "leads_to": [headline.id], "category": "culturel"})
    _session(db, owner, ws)
    return owner, ws


def construire_workshop(db: Database):
    owner = f.facilitator(db)
    ws = f.kind_workshop(db, "construire-2030", owner, "acteurs")
    anne = f.join(db, ws, "Anne").participant
    mairie = f.post_as(db, ws, anne, "actor", name="Mairie", actor_type="collectivite", people=3)
    ws = _phase(db, owner, ws, "actions")
    f.post_as(db, ws, anne, "action", title="Diagnostic", owner=mairie.id, start="2027-01",
              end="2027-09", instrument="commande-publique")
    _session(db, owner, ws)
    return owner, ws


BUILDERS = {"imaginer-2030": imaginer_workshop, "construire-2030": construire_workshop}






def _fits(page: Page, what: str) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    viewport = page.viewport_size["width"]
    assert width <= viewport, f"{what}: {width} px wide in a {viewport} px viewport"


@pytest.mark.parametrize("kind", list(BUILDERS))
def test_pages_of_each_kind_are_accessible_on_a_phone(
    live_server: str, new_page, database: Database, kind: str
) -> None:
    _owner, ws = BUILDERS[kind](database)
    participant = new_page()
    join_by_link(participant, live_server, ws.join_code, "Chloé")
    expect(participant.locator("#timer")).to_contain_text(re.compile(r"\d+ min \d\d s"))
    expect(participant.locator("form.contribution-form").first).to_be_visible()
    _fits(participant, f"{kind} participant page")
    assert_accessible(participant, f"{kind} participant page")

    host = new_page()
    sign_in(host, live_server, "anne@example.org")
    host.goto(f"{live_server}/ateliers")
    expect(host.locator("#workshops")).to_contain_text("Animer")
    _fits(host, "workshop list with its « Animation » column")
    host.goto(f"{live_server}/ateliers/{ws.slug}/animer")
    expect(host.locator("#live-status")).to_contain_text("active")
    if kind == "imaginer-2030":  # two headlines: the « Doublon de » list is there
        expect(host.locator("select[name=keep_id]").first).to_be_attached()
    _fits(host, f"{kind} facilitation page")
    assert_accessible(host, f"{kind} facilitation page")
    host.goto(f"{live_server}/ateliers/{ws.slug}/projection")
    expect(host.locator("#join-code")).to_be_visible()
    _fits(host, f"{kind} projection page")
    assert_accessible(host, f"{kind} projection page")


@pytest.mark.parametrize("kind", list(BUILDERS))
def test_projection_of_each_kind_on_a_projector(
    live_server: str, new_page, database: Database, kind: str
) -> None:
    _owner, ws = BUILDERS[kind](database)
    host = new_page(PROJECTOR)
    sign_in(host, live_server, "anne@example.org")
    host.goto(f"{live_server}/ateliers/{ws.slug}/projection")
    expect(host.locator("#workshop-phase")).to_be_visible()
    _fits(host, f"{kind} projection page")
    assert_accessible(host, f"{kind} projection page on a projector")


def test_a_contribution_appears_live_and_typed_text_is_kept(
    live_server: str, new_page, database: Database
) -> None:
    _owner, ws = imaginer_workshop(database)
    lea, yann = new_page(), new_page()
    join_by_link(lea, live_server, ws.join_code, "Léa2")
    join_by_link(yann, live_server, ws.join_code, "Yann")
    draft = yann.locator("#nouveau-factor-title")
    draft.fill("Un frein en cours d'écriture")

    form = lea.locator("#form-nouveau-milestone")
    form.get_by_label("Jalon").first.fill("La fibre arrive au bourg")
    form.locator('input[type="month"]').fill(f.months_from_now(3))
    form.get_by_label("Le bourg a sa maison numérique").check()
    form.get_by_role("button", name="Publier").click()
    expect(lea.locator("#liste-milestone")).to_contain_text("La fibre arrive au bourg")
    expect(form.get_by_label("Jalon").first).to_have_value("")

    expect(yann.locator("#liste-milestone")).to_contain_text("La fibre arrive au bourg",
                                                             timeout=10_000)
    expect(draft).to_have_value("Un frein en cours d'écriture")
    expect(draft).to_be_focused()
    assert_accessible(yann, "participant page after a live refresh")
