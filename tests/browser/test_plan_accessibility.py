"""The planning page (#12) in Chromium at 390 px: axe-core finds no WCAG 2.1 AA violation."""

from __future__ import annotations

import pytest

from tests.browser.axe import assert_accessible
from tests.browser.conftest import serving
from tests.diagnosis.workspace import FILES, FR, require_shared_data, workspace
from trajectoires.settings import Settings
from trajectoires.web import create_app
from trajectoires.web.territory.deps import install_reference


@pytest.fixture(scope="module")
def plan_server(territory_reference, tmp_path_factory):
    from trajectoires.indicators.store import import_file

    require_shared_data()
    with workspace(tmp_path_factory.mktemp("browser-plan"), territory_reference,
                   load=False) as ws:
        kind, path, vintage = next(f for f in FILES if f[0] == "france-services")
        with ws.database.session() as session:
            import_file(session, kind, FR / path, territory_reference, vintage=vintage)
        settings = Settings.from_env({}, workspace=str(ws.path), database_url=ws.database_url)
        app = create_app(settings, ws.database)
        install_reference(app, territory_reference)
        with serving(app) as base:
            yield base


def test_plan_page_on_a_phone(plan_server, browser):
    page = browser.new_page(viewport={"width": 390, "height": 844})
    page.set_default_timeout(120_000)  # the plan is computed on a shared, loaded machine
    problems: list[str] = []
    page.on("pageerror", lambda error: problems.append(str(error)))
    page.on("console", lambda m: problems.append(m.text)  # the 422 of the invalid form aside
            if m.type == "error" and "Failed to load resource" not in m.text else None)
    page.goto(plan_server + "/territoires/departement/29/plan")
    assert_accessible(page, "plan form")
    page.get_by_label("Nouveaux lieux").fill("2")
    page.get_by_role("button", name="Calculer le plan").click()
    page.wait_for_selector("#carte-plan-titre", state="attached")
    assert page.get_by_role("heading", name="Résultat").is_visible()
    assert_accessible(page, "plan result")
    wider = page.evaluate("document.documentElement.scrollWidth")
    assert wider <= 390, f"the page is {wider} px wide on a 390 px phone"
    page.get_by_label("Rayon (km)").fill("-3")
    page.get_by_role("button", name="Calculer le plan").click()
    page.wait_for_selector("#plan-erreur", state="attached")
    assert "Rayon invalide" in page.locator("#plan-erreur").inner_text()
    assert_accessible(page, "plan error")
    page.get_by_label("Rayon (km)").fill("10")
    page.get_by_label("Ou vos propres sites candidats : un fichier CSV").set_input_files(
        files=[{"name": "sites.csv", "mimeType": "text/csv",
                "buffer": b"nom;lat;lon\nSalle A;48,39;-4,49\nSalle B;47,99;-4,10\n"}])
    page.get_by_role("button", name="Calculer avec mon fichier").click()
    page.wait_for_selector("#carte-plan-titre", state="attached")
    assert page.get_by_role("rowheader", name="Salle A").count() + page.get_by_role(
        "rowheader", name="Salle B").count() >= 1
    assert page.get_by_role("link", name="sites-tableur.csv").get_attribute(
        "download") == "plan-29-sites-tableur.csv"
    assert_accessible(page, "plan from the user's file")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    assert problems == []  # a style or script blocked by the CSP would show here
    page.close()
