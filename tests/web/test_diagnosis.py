"""Diagnosis page and API through the in-process client, on real imported data."""

from __future__ import annotations

import re
import threading
from collections import Counter
from concurrent.futures import ThreadPoolExecutor

import pytest

from trajectoires.indicators.catalogue import KINDS

pytestmark = pytest.mark.db


def test_page_has_picker_maps_rankings(client):
    response = client.get("/territoires/departement/29/diagnostic")
    assert response.status_code == 200
    html = response.text
    assert re.search(r"<h1>Diagnostic numérique — Finistère", html)
    assert '<select id="indicateur" name="indicateur">' in html
    assert 'value="fragility_index" selected' in html
    assert 'aria-labelledby="carte-fragilite-titre' in html
    assert 'aria-labelledby="carte-lisa-titre' in html
    assert 'id="carte-acces-france-services-titre"' in html
    assert '<g class="lieux"' in html  # mediation places drawn on the access maps
    assert "<caption>Communes classées" in html
    assert html.count('<th scope="row">') >= 277
    # too few criteria: listed apart, and every name of the ranking leads to its commune
    assert "Communes non classées (trop peu de critères connus)" in html
    assert '<a href="/territoires/commune/29084">Île-Molène</a>' in html
    assert '<a href="/territoires/commune/29232">Quimper</a>' in html
    assert "style=" not in html and "<style" not in html  # CSP: no inline styles


def test_picker_and_compare_with(client):
    response = client.get("/territoires/departement/29/diagnostic",
                          params={"indicateur": "dist_libraries", "comparer": "Ille-et-Vilaine"})
    html = response.text
    assert 'value="dist_libraries" selected' in html
    assert "Distance au plus proche lieu (bibliothèques)" in html
    assert "Finistère et Ille-et-Vilaine" in html
    wrong = client.get("/territoires/departement/29/diagnostic", params={"comparer": "Quimpre"})
    assert wrong.status_code == 200 and "Vouliez-vous dire" in wrong.text


def test_territory_page_links_the_diagnosis(client):
    html = client.get("/territoires/departement/29").text
    assert 'href="/territoires/departement/29/diagnostic"' in html


def test_api_serves_the_same_diagnosis(client):
    data = client.get("/api/v1/territories/departement/29/diagnosis").json()
    assert data["name"] == "Finistère" and data["partial"] is True
    assert len(data["communes"]) == 277
    assert data["absent_criteria"] == ["no_4g_coverage"]
    assert [m["kind"] for m in data["missing_datasets"]] == [
        "arcep-ftth", "arcep-mobile", "arcep-mobile-sites", "populations", "anct-kitscarto"]
    assert [c["code"] for c in data["comparison"]] == ["29", "53", "FR"]
    assert data["moran"]["seed"] == 12345 and data["places"]
    ranked = [c for c in data["communes"] if c["rank"] is not None]  # enough criteria
    first = min(ranked, key=lambda c: c["rank"])
    assert first["rank"] == 1 and 1 <= first["fragility_index"] <= 10
    # the communes listed apart on the page, with what they miss (was not in the API)
    assert data["ranking_required"] == 3 and len(data["ranking_criteria"]) == 4
    apart = {c["code"]: c["missing_criteria"] for c in data["communes"] if c["rank"] is None
             and c["fragility_index"] is not None}
    assert apart["29084"] and set(apart["29084"]) <= set(data["ranking_criteria"])  # Île-Molène
    assert all(len(m) > 4 - 3 for m in apart.values())
    assert all(len(c["missing_criteria"]) <= 1 for c in ranked)
    compared = client.get("/api/v1/territories/departement/29/diagnosis/compare",
                          params={"avec": "35"}).json()
    assert [c["code"] for c in compared] == ["29", "35"]


def test_api_errors_are_french(client):
    response = client.get("/api/v1/territories/departement/99/diagnosis")
    assert response.status_code == 404 and "99" in response.json()["detail"]
    too_big = client.get("/api/v1/territories/pays/FR/diagnosis")
    assert too_big.status_code == 422 and "trajectoires diagnose FR" in too_big.json()["detail"]
    bad = client.get("/api/v1/territories/departement/29/diagnosis/compare",
                     params={"avec": "zzzzqqq"})
    assert bad.status_code == 404


def test_openapi_documents_the_models(client):
    schema = client.get("/api/v1/openapi.json").json()
    assert "/api/v1/territories/{kind}/{code}/diagnosis" in schema["paths"]
    models = schema["components"]["schemas"]
    assert {"DiagnosisOut", "CommuneOut", "MissingOut"} <= set(models)
    assert "missing_criteria" in models["CommuneOut"]["properties"]
    assert {"ranking_criteria", "ranking_required"} <= set(models["DiagnosisOut"]["properties"])


def test_nothing_loaded_says_what_is_missing(empty_client):
    html = empty_client.get("/territoires/departement/29/diagnostic").text
    assert "ne peut pas être calculé" in html
    assert "trajectoires data fetch france-services --import" in html
    # no criterion, no ranking rule in figures (it said « moins de 0 critères »)
    assert "Pas de classement : aucun critère" in html and "0 critères" not in html
    data = empty_client.get("/api/v1/territories/departement/29/diagnosis").json()
    assert len(data["missing_datasets"]) == len(KINDS) and data["moran"] is None
    assert all(c["fragility_index"] is None for c in data["communes"])


def test_user_chooses_criteria_reference_and_distance(client):
    params = [("criteres", "share_65_plus"), ("criteres", "share_single_person"),
              ("reference", "region"), ("distance", "5"), ("correction", "bonferroni")]
    html = client.get("/territoires/departement/29/diagnostic", params=params).text
    assert 'id="critere-share_single_person" name="criteres" value="share_single_person" checked' \
        in html
    assert 'id="critere-poverty_rate" name="criteres" value="poverty_rate">' in html  # unchecked
    assert '<option value="region" selected>' in html
    assert "seuil d'éloignement : 5 km" in html
    assert "Moran local, correction de Bonferroni à 5 %" in html
    assert "l'indice n'est pas celui de la méthode nationale" in html
    assert '<input type="hidden" name="reference" value="region">' in html  # kept by other forms
    data = client.get("/api/v1/territories/departement/29/diagnosis", params=params).json()
    assert data["custom_criteria"] and data["reference"] == "region" and data["beyond_km"] == 5
    assert data["correction"] == "bonferroni"
    assert [c["key"] for c in data["criteria"]] == ["share_65_plus", "share_single_person"]
    assert all(set(c["values"]) == {"share_65_plus", "share_single_person"}
               for c in data["communes"])
    default = client.get("/api/v1/territories/departement/29/diagnosis").json()
    assert default["reference"] == "departement" and not default["custom_criteria"]
    assert any(c["relative"] is not None for c in default["communes"])


@pytest.mark.parametrize(("params", "message"), [
    ({"criteres": "age"}, "critère inconnu « age »"),
    ({"reference": "canton"}, "territoire de référence inconnu « canton »"),
    ({"distance": "-2"}, "attendu un nombre de km de 0,5 à 200"),
    ({"distance": "1e308"}, "distance « 1e+308 » : attendu un nombre de km de 0,5 à 200"),
    ({"distance": "nan"}, "distance « nan »"),
    ({"choix": "1"}, "aucun critère choisi"),  # the form with every criterion unticked
    ({"correction": "holm"}, "correction inconnue « holm »"),
])
def test_wrong_choices_get_a_french_422(client, params, message):
    api = client.get("/api/v1/territories/departement/29/diagnosis", params=params)
    assert api.status_code == 422 and message in api.json()["detail"]
    page = client.get("/territoires/departement/29/diagnostic", params=params)
    assert page.status_code == 422 and message in page.text
    # the whole page: the form again, the message tied to it
    assert 'id="choix-erreur"' in page.text
    assert '<form method="get" class="options-form" aria-describedby="choix-erreur">' in page.text


def test_a_distance_that_is_not_a_number_keeps_the_page(client):
    page = client.get("/territoires/departement/29/diagnostic", params={"distance": "dix"})
    assert page.status_code == 422 and "un nombre de kilomètres attendu" in page.text
    assert 'class="options-form"' in page.text


def test_criteria_order_and_distance_are_canonical(client):
    national = ["poverty_rate", "share_low_diploma", "share_65_plus", "no_4g_coverage",
                "no_thd_coverage"]
    api = "/api/v1/territories/departement/29/diagnosis"
    data = client.get(api, params={"criteres": national}).json()
    assert not data["custom_criteria"]
    assert [c["key"] for c in data["criteria"]] == national[::-1]
    cached = set(client.app.state.diagnoses)
    client.get(api, params={"criteres": national[::-1]})  # the same diagnosis, the same entry
    assert set(client.app.state.diagnoses) == cached
    html = client.get("/territoires/departement/29/diagnostic",
                      params={"criteres": ["poverty_rate", "share_65_plus"],
                              "distance": "12.34"}).text
    assert 'name="distance" type="number" min="0.5" max="200" step="0.1" value="12.3"' in html
    assert '<input type="hidden" name="distance" value="12.3">' in html
    assert html.index('name="criteres" value="share_65_plus">') < html.index(
        'name="criteres" value="poverty_rate">')  # hidden fields in the national order
    assert "seuil d'éloignement : 12,3 km" in html
    assert '<input type="hidden" name="choix" value="1">' in html
    assert client.get(api, params={"distance": "12.34"}).json()["beyond_km"] == 12.3
    default = client.get("/territoires/departement/29/diagnostic")  # an address without criteria
    assert default.status_code == 200 and 'value="poverty_rate" checked' in default.text


def test_concurrent_requests_compute_each_diagnosis_once(client, monkeypatch):
    """Identical requests wait for the one in flight; the national caches are written safely."""
    from trajectoires.web.territory import diagnosis_pages

    folder = client.app.state.settings.workspace / "analysis" / "diagnosis"
    for path in [*folder.glob("inputs-*/fragility-*"), *folder.glob("inputs-*/access-*")]:
        path.unlink()  # rebuilt by the concurrent requests: same files, written at once
    calls, lock, real = Counter(), threading.Lock(), diagnosis_pages.diagnose

    def counting(session, ref, unit, **keywords):
        with lock:
            calls[keywords["reference"], keywords["beyond_km"]] += 1
        return real(session, ref, unit, **keywords)

    monkeypatch.setattr(diagnosis_pages, "diagnose", counting)
    choices = [(reference, distance) for reference in ("epci", "region", "france")
               for distance in (7, 8)]
    requests = [choice for choice in choices for _ in range(3)]
    barrier = threading.Barrier(len(requests))

    def get(choice):
        barrier.wait()
        return client.get("/api/v1/territories/departement/29/diagnosis",
                          params={"reference": choice[0], "distance": choice[1]})

    with ThreadPoolExecutor(len(requests)) as pool:
        responses = list(pool.map(get, requests))
    assert [r.status_code for r in responses] == [200] * len(requests)
    assert calls == Counter({(reference, float(distance)): 1 for reference, distance in choices})
    assert not list(folder.glob("inputs-*/.partiel-*"))


def test_a_failed_diagnosis_is_not_cached(client, monkeypatch):
    from trajectoires.web.territory import diagnosis_pages

    real, failures = diagnosis_pages.diagnose, []

    def failing_once(session, ref, unit, **keywords):
        if not failures:
            failures.append(unit.ref)
            raise OSError("disque plein")
        return real(session, ref, unit, **keywords)

    monkeypatch.setattr(diagnosis_pages, "diagnose", failing_once)
    params = {"distance": "9.9"}
    with pytest.raises(OSError, match="disque plein"):
        client.get("/api/v1/territories/departement/29/diagnosis", params=params)
    again = client.get("/api/v1/territories/departement/29/diagnosis", params=params)
    assert again.status_code == 200 and again.json()["beyond_km"] == 9.9
    assert not client.app.state.diagnoses_running


def test_the_page_offers_its_files_for_download(client):
    """The page only showed a command to run; it now links the files it describes."""
    html = client.get("/territoires/departement/29/diagnostic",
                      params={"reference": "region"}).text
    base = "/territoires/departement/29/diagnostic/"
    for name in ("diagnostic.pdf", "diagnostic.html", "communes-tableur.csv", "communes.csv",
                 "communes.geojson", "communes.gpkg", "dictionnaire-tableur.csv"):
        assert re.search(f'href="{re.escape(base + name)}\\?[^"]*reference=region', html), name
    french = client.get(base + "communes-tableur.csv", params={"reference": "region"})
    assert french.status_code == 200 and french.headers["content-type"].startswith("text/csv")
    assert "attachment" in french.headers["content-disposition"]
    text = french.content.decode("utf-8")
    assert text.startswith("\ufeffCode commune;Commune;Population;")
    lines = text.splitlines()
    assert len(lines) == 278 and "high-high" not in text and "no neighbours" not in text
    assert re.search(r";\d+,\d;", text) and not re.search(r"\d\.\d{3,}", text)
    machine = client.get(base + "communes.csv", params={"reference": "region"}).text
    assert machine.startswith("code,name,population")
    report = client.get(base + "diagnostic.html", params={"reference": "region"}).text
    assert re.search(r'href="communes-tableur\.csv\?[^"]*reference=region', report)
    gpkg = client.get(base + "communes.gpkg", params={"reference": "region"})
    assert gpkg.content.startswith(b"SQLite format 3")
    geojson = client.get(base + "communes.geojson", params={"reference": "region"}).json()
    assert len(geojson["features"]) == 277
    assert client.get(base + "autre.csv").status_code == 404


def test_the_report_downloads_as_an_a4_pdf(client):
    import io

    from pypdf import PdfReader

    pdf = client.get("/territoires/departement/29/diagnostic/diagnostic.pdf")
    assert pdf.status_code == 200 and pdf.headers["content-type"] == "application/pdf"
    reader = PdfReader(io.BytesIO(pdf.content))
    box = reader.pages[0].mediabox
    assert (round(float(box.width) / 72 * 25.4), round(float(box.height) / 72 * 25.4)) == (210, 297)
    text = " ".join(page.extract_text() for page in reader.pages)
    assert "Finistère" in text and "Classement des communes" in text


def test_the_breadcrumb_shows_the_whole_hierarchy(client):
    def trail(html):
        nav = html[html.index('<nav aria-label="Fil d\'Ariane"'):]
        nav = nav[:nav.index("</nav>")]
        return re.findall(r'<li(?: aria-current="page")?>(?:<a href="([^"]*)">)?([^<]+)', nav)

    diagnosis = trail(client.get("/territoires/commune/29232/diagnostic").text)
    assert diagnosis == [
        ("/", "Accueil"), ("/territoires/pays/FR", "France"),
        ("/territoires/region/53", "Bretagne"), ("/territoires/departement/29", "Finistère"),
        ("/territoires/epci/200068120",
         "Communauté d&#39;agglomération Quimper Bretagne Occidentale"),
        ("/territoires/commune/29232", "Quimper"), ("", "Diagnostic numérique")]
    plan = trail(client.get("/territoires/departement/29/plan").text)
    assert [name for _, name in plan] == ["Accueil", "France", "Bretagne", "Finistère",
                                          "Diagnostic numérique", "Nouveaux lieux"]
    assert plan[-2][0] == "/territoires/departement/29/diagnostic"


def test_the_downloads_answer_head(client):
    """HEAD answered 405 where GET served the file (link checkers, download managers)."""
    base = "/territoires/departement/29/diagnostic/"
    for name in ("diagnostic.html", "communes-tableur.csv", "communes.gpkg"):
        got, head = client.get(base + name), client.head(base + name)
        assert head.status_code == 200, (name, head.status_code)
        assert head.headers["content-type"] == got.headers["content-type"]
        assert head.headers.get("content-disposition") == got.headers.get("content-disposition")
        assert head.content == b""
    assert client.head(base + "inconnu.csv").status_code == 404


def test_one_commune_is_singular(empty_client):
    """A commune's diagnosis covers one commune: « 1 commune. », not « 1 communes. »."""
    page = empty_client.get("/territoires/commune/29232/diagnostic").text
    assert "<p>1 commune.</p>" in page
    assert "1 communes" not in page
