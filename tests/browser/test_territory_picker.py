"""The indicator picker of a territory page on a 390 px phone: usable, accessible, no overflow.

A small INSEE « dossier complet » is imported before the server starts; the visitor picks
an imported indicator in the select and sends the form (a plain GET, as without JavaScript).
"""

from __future__ import annotations

import pytest
from playwright.sync_api import Browser, expect

from tests.browser.axe import assert_accessible
from tests.indicators import write
from trajectoires.db import Database
from trajectoires.indicators.store import import_file

DOSSIER = ("CODGEO;P21_POP;P21_POP65P\n"
           "29232;63000;15750\n29019;139000;27800\n29039;3000;900\n")


@pytest.fixture
def loaded(database: Database, territory_reference, tmp_path) -> Database:
    with database.session() as session:
        import_file(session, "insee-census", write(tmp_path, "dossier_complet.csv", DOSSIER),
                    territory_reference, vintage="2021")
    return database


def test_picking_an_indicator_on_a_phone(loaded: Database, live_server: str,
                                         browser: Browser) -> None:
    context = browser.new_context(viewport={"width": 390, "height": 844})
    page = context.new_page()
    page.goto(live_server + "/territoires/departement/29")
    picker = page.get_by_label("Indicateur de la carte et du tableau")
    picker.select_option("insee_part_65p")
    page.get_by_role("button", name="Afficher").click()
    expect(page).to_have_url(live_server + "/territoires/departement/29?indicateur=insee_part_65p")
    expect(page.locator("figure.map figcaption")).to_contain_text("2021")
    expect(page.get_by_role("columnheader", name="Part des 65 ans ou plus (%)")).to_be_visible()
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"territory page: {width} px wide in a 390 px viewport"
    assert_accessible(page, "département page, imported indicator picked, phone")
    context.close()
