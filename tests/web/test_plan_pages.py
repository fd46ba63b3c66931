"""Planning page, downloads and API (#12) on the real France Services and libraries."""

from __future__ import annotations

import re

import pytest

from tests.diagnosis.workspace import FILES, FR, require_shared_data, workspace
from tests.web.conftest import client_for

pytestmark = pytest.mark.db
CHOICES = {"reseau": "france-services", "nouveaux": "3", "rayon": "10", "modele": "mclp",
           "candidats": "communes", "part": "100", "calculer": "1"}


@pytest.fixture(scope="module")
def client(territory_reference, tmp_path_factory):
    """A client on a workspace with France Services and the libraries imported."""
    from trajectoires.indicators.store import import_file

    require_shared_data()
    with workspace(tmp_path_factory.mktemp("web-plan"), territory_reference, load=False) as ws:
        for kind, path, vintage in FILES:
            if kind in ("france-services", "libraries"):
                with ws.database.session() as session:
                    import_file(session, kind, FR / path, territory_reference, vintage=vintage)
        yield client_for(ws, territory_reference)


def test_form_then_plan_with_map_table_and_downloads(client):
    form = client.get("/territoires/departement/29/plan")
    assert form.status_code == 200
    assert 'name="nouveaux"' in form.text and "Résultat" not in form.text
    page = client.get("/territoires/departement/29/plan", params=CHOICES)
    assert page.status_code == 200
    html = page.text
    assert 'id="carte-plan-titre"' in html and '<g class="lieux"' in html  # the new sites drawn
    assert "nouvellement à portée" in html
    assert len(re.findall(r'<th scope="row">Centre de ', html)) == 3
    assert "optimum prouvé" in html and "populations légales" in html
    assert "France Services : millésime 2024-08-01" in html
    assert "style=" not in html and "<style" not in html  # CSP: no inline styles
    for name in ("plan.json", "sites.csv", "sites-tableur.csv", "communes.csv", "plan.geojson"):
        assert f"/territoires/departement/29/plan/{name}?" in html
    sheet = client.get("/territoires/departement/29/plan/sites-tableur.csv", params=CHOICES)
    assert sheet.status_code == 200 and sheet.content.startswith(b"\xef\xbb\xbfrang;site;")
    data = client.get("/territoires/departement/29/plan/plan.json", params=CHOICES).json()
    assert data["model"] == "mclp" and len(data["sites"]) == 3 and data["gap"] == 0


def test_api_is_the_same_plan(client):
    data = client.get("/api/v1/territories/departement/29/plan",
                      params={"new": "3", "radius": "10"}).json()
    page = client.get("/territoires/departement/29/plan/plan.json", params=CHOICES).json()
    assert data["sites"] == page["sites"]
    assert data["covered_population_after"] == page["covered_population_after"]
    scratch = client.get("/api/v1/territories/departement/29/plan",
                         params={"new": "2", "network": "aucun"}).json()
    assert scratch["network"] == [] and scratch["covered_population_before"] == 0
    assert scratch["upper_bound"] == scratch["covered_population_after"]
    median = client.get("/api/v1/territories/departement/29/plan",
                        params={"new": "2", "model": "p-median"}).json()
    assert median["model"] == "p-median" and median["upper_bound"] is None
    assert median["gap"] == 0 and median["objective_unit"] == "habitants × km"
    schema = client.get("/api/v1/openapi.json").json()
    assert "/api/v1/territories/{kind}/{code}/plan" in schema["paths"]


@pytest.mark.parametrize(("field", "value", "message"), [
    ("nouveaux", "abc", "Nombre de nouveaux lieux : « abc » n&#39;est pas un nombre."),
    ("nouveaux", "0", "Nombre de nouveaux lieux invalide : 0"),
    ("nouveaux", "400", "400 nouveaux lieux demandés, mais seulement 277 sites candidats"),
    ("rayon", "0", "Rayon invalide : 0.0 km"),
    ("modele", "p-centre", "Modèle inconnu : « p-centre »"),
    ("candidats", "gares", "Candidats inconnus : « gares »"),
    ("reseau", "poste", "Réseau inconnu : « poste »"),
])
def test_invalid_form_is_shown_again_with_the_message(client, field, value, message):
    response = client.get("/territoires/departement/29/plan", params={**CHOICES, field: value})
    assert response.status_code == 422
    assert response.headers["content-type"].startswith("text/html")
    assert message in response.text and 'role="alert"' in response.text
    assert f'value="{value}"' in response.text or field in ("modele", "candidats", "reseau")
    assert "Résultat" not in response.text


def test_api_errors_are_french(client):
    bad = client.get("/api/v1/territories/departement/29/plan", params={"radius": "-1"})
    assert bad.status_code == 422 and bad.json()["detail"].startswith("Rayon invalide")
    missing = client.get("/api/v1/territories/departement/29/plan",
                         params={"network": "mediation-places"})
    assert missing.status_code == 422 and "data import mediation-places" in missing.json()[
        "detail"]
    too_big = client.get("/territoires/pays/FR/plan", params=CHOICES)
    assert too_big.status_code == 422 and "trajectoires plan" in too_big.text
    nowhere = client.get("/api/v1/territories/departement/99/plan")
    assert nowhere.status_code == 404


def _files(root):
    return sorted((str(p), p.stat().st_size) for p in root.rglob("*") if p.is_file())


def test_own_candidate_file_is_planned_and_nothing_is_kept(client):
    """The page's upload: the sites of the file are chosen; its plan is in the page, not kept."""
    import base64
    import json

    from trajectoires.web.territory import plan_pages

    fields = {k: v for k, v in CHOICES.items() if k != "reseau"} | {"nouveaux": "2"}  # none kept
    workspace_root = client.app.state.settings.workspace
    cached, files = list(plan_pages._CACHE), _files(workspace_root)
    own = "nom;lat;lon\nSalle A;48,39;-4,49\nSalle B;47,99;-4,10\nSalle C;48,58;-3,83\n"
    page = client.post("/territoires/departement/29/plan", data=fields,
                       files={"fichier": ("sites.csv", own.encode(), "text/csv")})
    assert page.status_code == 200, re.findall(r'role="alert"[^<]*', page.text)
    assert len(re.findall(r'<th scope="row">Salle [ABC]</th>', page.text)) == 2
    inline = re.search(r'href="data:application/json;base64,([^"]+)" download="plan-29-plan.json"',
                       page.text)
    plan = json.loads(base64.b64decode(inline.group(1)))
    assert plan["candidates"]["kind"] == "fichier" and len(plan["sites"]) == 2
    assert plan["network"] == [] and plan["gap"] == 0
    assert {s["lat"] for s in plan["sites"]} <= {48.39, 47.99, 48.58}
    assert list(plan_pages._CACHE) == cached and _files(workspace_root) == files


@pytest.mark.parametrize(("content", "message"), [
    ("nom,lat,lon\nA,48.3,-4.4\nB,148.3,-4.4\n",
     "sites.csv, ligne 3, colonne « lat » : « 148.3 » n&#39;est pas une latitude"),
    ("nom;latitude\nA;48,3\n", "sites.csv, ligne 1 : colonne lon absente"),
    (None, "choisissez un fichier CSV"),
])
def test_bad_candidate_file_is_refused_with_line_and_column(client, content, message):
    from trajectoires.web.territory import plan_pages

    cached, files = list(plan_pages._CACHE), _files(client.app.state.settings.workspace)
    upload = {} if content is None else {"fichier": ("sites.csv", content.encode(), "text/csv")}
    response = client.post("/territoires/departement/29/plan", data=CHOICES, files=upload)
    assert response.status_code == 422
    assert message in response.text and 'role="alert"' in response.text
    assert "Résultat" not in response.text and "Traceback" not in response.text
    assert list(plan_pages._CACHE) == cached
    assert _files(client.app.state.settings.workspace) == files
