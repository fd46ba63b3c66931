"""The table « Indicateurs chargés, comparés aux territoires englobants » of the territory pages
and its API (``/api/v1/territories/{kind}/{code}/indicators/parents``).

The first tests run on the real shared files (``client`` of ``tests/web/conftest.py``);
the others on small files imported into a fresh database with the built-in fixture reference.
"""

from __future__ import annotations

import pytest

from tests.diagnosis.workspace import workspace
from tests.indicators import write
from tests.web.conftest import client_for
from trajectoires.indicators.store import import_file

pytestmark = pytest.mark.db

API = "/api/v1/territories/{}/indicators/parents"


@pytest.fixture
def small(fixture_reference, tmp_path):
    """A client on a fresh database and the fixture reference, and how to import a file."""
    with workspace(tmp_path / "ws", fixture_reference, load=False) as ws:
        def load(kind, name, text, dataset=None):
            with ws.database.session() as session:
                import_file(session, kind, write(tmp_path, name, text), fixture_reference,
                            name=dataset)
        yield client_for(ws, fixture_reference), load


def _rows(client, path):
    return {row["id"]: row for row in client.get(API.format(path)).json()["indicators"]}


def _raw_arcep_finistere() -> float:
    """Share of premises ≥ 30 Mbit/s in Finistère, straight from the ARCEP file (exclusive)."""
    import pandas as pd

    from tests.diagnosis.workspace import FR

    raw = pd.read_csv(FR / "arcep/commune-debit-beta.csv", sep=";", skiprows=1,
                      dtype={"code_insee": str, "code_dep": str})
    dep = raw[raw["code_dep"] == "29"]
    thd = dep[["elig_thd30", "elig_thd100", "elig_thd1g"]].sum().sum()
    return 100 * thd / dep["nbr"].sum()


def test_territory_page_compares_loaded_indicators_with_parents(client):
    html = client.get("/territoires/departement/29").text
    assert 'aria-labelledby="indicateurs-titre"' in html
    assert "Sites France Services" in html
    assert "(dérivé DFG, RP 2017)" in html  # a stand-in says what it is
    assert '<a href="/territoires/region/53">Bretagne</a>' in html
    commune = client.get("/territoires/commune/29232").text
    assert "Indicateurs chargés, comparés aux territoires englobants" in commune


def test_compared_indicators_api_follows_the_aggregation_rules(client):
    body = client.get("/api/v1/territories/departement/29/indicators/parents").json()
    assert [v["name"] for v in body["indicators"][0]["values"]] == [
        "Finistère", "Bretagne", "France"]
    by_id = {row["id"]: row for row in body["indicators"]}
    sites = [v["value"] for v in by_id["france_services_sites"]["values"]]
    assert sites[0] < sites[1] < sites[2] == 2843  # sums; matched sites of the whole file
    thd = by_id["arcep_taux_thd30"]
    assert thd["values"][0]["value"] == pytest.approx(_raw_arcep_finistere(), rel=1e-9)
    assert thd["period"] == "2019-09-30" and thd["licence"]
    quimper = client.get("/api/v1/territories/commune/29232/indicators/parents").json()
    kinds = [v["kind"] for v in quimper["indicators"][0]["values"]]
    assert kinds == ["commune", "epci", "departement", "region", "pays"]
    assert client.get("/api/v1/territories/departement/00/indicators/parents").status_code == 404


def test_territory_page_without_data_says_how_to_load_it(empty_client):
    html = empty_client.get("/territoires/departement/29").text
    assert "Aucun jeu de données n'est chargé" in html
    body = empty_client.get("/api/v1/territories/departement/29/indicators/parents").json()
    assert body["indicators"] == []


# -- small files on the fixture reference ------------------------------------------------

FILOSOFI = "CODGEO;TP6021\n29232;14,2\n29019;16,0\n"
IRCOM = "CODE_INSEE,LIBCOM,TX_POVERTY\n29232,Quimper,20.5\n29019,Brest,22.0\n"
LIBRARIES = ("Libelle1;INSEE;coordonnees_finales;code_bib;type_adresse\n"
             "Médiathèque;29232;47.99,-4.10;1;Bibliothèque ouverte au public\n"
             "Bibliothèque;29019;48.39,-4.49;2;Bibliothèque ouverte au public\n")


def test_official_indicator_replaces_its_stand_in_when_both_are_loaded(small):
    client, load = small
    load("insee-poverty", "taux_pauvrete.csv", IRCOM, "ircom")
    rows = _rows(client, "departement/29")
    assert rows["ircom_part_foyers_rfr_12000"]["stands_in_for"] == "insee_taux_pauvrete"
    html = client.get("/territoires/departement/29").text
    assert "(approximation, pas le taux de pauvreté)" in html
    assert "remplace l'indicateur officiel, non chargé" in html
    load("insee-poverty", "FILO2021_DISP_PAUVRES_COM.csv", FILOSOFI, "filosofi")
    rows = _rows(client, "departement/29")
    assert "insee_taux_pauvrete" in rows and "ircom_part_foyers_rfr_12000" not in rows
    html = client.get("/territoires/departement/29").text
    profile = html.split('aria-labelledby="indicateurs-titre"', 1)[1]
    assert "Taux de pauvreté (seuil à 60 % du niveau de vie médian)" in profile
    assert "(approximation, pas le taux de pauvreté)" not in profile  # used to show both
    # the map's picker still offers every loaded indicator, the stand-in with its own label
    picker = html.split('id="indicateur"', 1)[1].split("</select>", 1)[0]
    assert 'value="ircom_part_foyers_rfr_12000"' in picker


def test_loaded_datasets_without_a_compared_indicator_say_so(small):
    client, load = small
    load("insee-census", "base_pop.csv", "CODGEO;P21_POP\n29232;63000\n")  # population only
    html = client.get("/territoires/commune/29232").text
    assert "Aucun jeu de données n'est chargé" not in html
    assert "Aucun des indicateurs comparés ici" in html
    assert "Dossier complet (recensement, par commune) (insee-census)" in html
    assert _rows(client, "commune/29232") == {}


def test_commune_without_a_library_counts_zero(small):
    client, load = small
    load("libraries", "bibliotheques_20230101.csv", LIBRARIES)
    ouessant = _rows(client, "commune/29155")["bibliotheques"]
    # France: the list covers the Finistère only, too few of France's people to speak for it
    assert [v["value"] for v in ouessant["values"]] == [0.0, 2.0, 2.0, None]
    assert ouessant["values"][-1]["comparable"] is False
    html = client.get("/territoires/commune/29155").text
    row = html[html.index("Bibliothèques ouvertes au public"):]
    cells = row[:row.index("</tr>")]
    assert '<td class="num">0</td>' in cells and "—" not in cells
    ajaccio = _rows(client, "commune/2A004")["bibliotheques"]["values"]
    assert ajaccio[0]["value"] is None  # Corse-du-Sud: outside the list's départements


def test_4g_table_and_site_proxy_are_compared(small, fixture_reference):
    client, load = small
    load("arcep-mobile", "couverture_4g_2023.csv",
         "code_insee;pct_pop_4g;pct_surf_4g\n29019;100;100\n29155;90;50\n29232;95;80\n")
    area = fixture_reference.communes_of(fixture_reference.france)["area_km2"]
    by_area = (100 * area["29019"] + 50 * area["29155"] + 80 * area["29232"]) / (
        area["29019"] + area["29155"] + area["29232"])
    load("arcep-mobile-sites", "sites_2020_T2.csv",
         "code_op;num_site;insee_com;site_2g;site_3g;site_4g\n20801;A1;29232;1;1;1\n")
    rows = _rows(client, "departement/29")
    ids = list(rows)
    assert ids[:3] == ["arcep_part_pop_4g", "arcep_part_surf_4g", "arcep_sites_4g_1000hab"]
    assert rows["arcep_part_surf_4g"]["values"][0]["value"] == pytest.approx(by_area)
    assert "indicateur indirect" in rows["arcep_sites_4g_1000hab"]["label"]
    assert rows["arcep_part_pop_4g"]["period"] == "2023"


def test_a_comparison_value_says_its_coverage_or_is_not_shown(small):
    client, load = small
    # mobile sites in La Réunion and the Finistère only; 4G coverage of Brest and Quimper only
    load("arcep-mobile-sites", "sites_2020_T2.csv",
         "code_op;num_site;insee_com;site_2g;site_3g;site_4g\n20801;A1;97411;1;1;1\n"
         "20801;A2;97418;0;1;1\n20801;A3;29232;1;1;1\n")
    load("arcep-mobile", "couverture_4g_2023.csv",
         "code_insee;pct_pop_4g;pct_surf_4g\n29019;100;100\n29232;90;50\n")
    sites = _rows(client, "commune/97411")["arcep_sites_4g_1000hab"]["values"]
    reunion, france = sites[2], sites[-1]
    assert reunion["value"] is not None and reunion["population_share"] == 1.0
    assert france["value"] is None and not france["comparable"]  # was 0.04 sites per 1,000
    assert france["communes"] == 15 and france["communes_total"] == 27  # 974 and 29 (zeros)
    assert 0.1 < france["population_share"] < 0.12
    coverage = _rows(client, "departement/29")["arcep_part_pop_4g"]["values"][0]
    assert coverage["comparable"] and coverage["communes"] == 2
    assert round(coverage["population_share"], 3) == 0.711  # Brest, Quimper: 203,049 / 285,745
    html = client.get("/territoires/commune/97411").text
    html = html[html.index('id="indicateurs-titre"'):]
    row = html[html.index("Sites mobiles 4G pour 1 000 habitants"):]
    cells = row[:row.index("</tr>")]
    assert "non montré : 15 communes sur 27 ont une valeur (10,9 % de la population)" in cells
    html = client.get("/territoires/departement/29").text
    html = html[html.index('id="indicateurs-titre"'):]
    row = html[html.index("Part de la population couverte en 4G"):]
    assert "(sur 2 communes de 13, 71,1 % de la population)" in row[:row.index("</tr>")]


def test_a_restarted_server_reads_the_profile_from_the_workspace(small):
    from trajectoires.web.territory.deps import indicator_profile

    client, load = small
    load("libraries", "bibliotheques_20230101.csv", LIBRARIES)
    assert client.get("/territoires/commune/29155").status_code == 200
    app = client.app
    folder = app.state.settings.workspace / "analysis"
    [cached] = folder.glob("profile-*.parquet")
    first = app.state.indicator_profile[1]
    app.state.indicator_profile = None  # as after a restart: nothing in memory
    again = indicator_profile(app, app.state.territory_reference)
    assert again is not first and again.values.equals(first.values)
    assert list(folder.glob("profile-*.parquet")) == [cached]
    load("insee-poverty", "taux_pauvrete.csv", IRCOM, "ircom")  # a new state of the store
    assert client.get("/territoires/commune/29155").status_code == 200
    [renewed] = folder.glob("profile-*.parquet")  # the previous state's file is gone
    assert renewed != cached


def test_the_workspace_keeps_the_prepared_profile_taken_as_it_is(small):
    """The latest periods and the zero counts are kept (were computed again at each start)."""
    import pandas as pd

    from trajectoires.web.territory.deps import indicator_profile

    client, load = small
    load("libraries", "bibliotheques_20230101.csv", LIBRARIES)
    assert client.get("/territoires/commune/29155").status_code == 200
    app = client.app
    [cached] = (app.state.settings.workspace / "analysis").glob("profile-*.parquet")
    kept = pd.read_parquet(cached)
    ouessant = kept[(kept["commune_code"] == "29155") & (kept["indicator"] == "bibliotheques")]
    assert ouessant["value"].tolist() == [0.0]  # no library there: a zero count, kept
    first = app.state.indicator_profile[1]
    app.state.indicator_profile = None  # a restart
    again = indicator_profile(app, app.state.territory_reference)
    assert again.values.equals(first.values) and again.periods == first.periods
    unit = app.state.territory_reference.resolve("29155")
    assert again.rows(unit) == first.rows(unit)


def test_a_page_during_the_warm_up_reads_the_kept_levels(small):
    """Not its chain aggregated from every commune value (0.66 s for the Finistère)."""
    from trajectoires.web.territory.deps import indicator_profile, warm_up_in_background

    client, load = small
    load("libraries", "bibliotheques_20230101.csv", LIBRARIES)
    app = client.app
    warm_up_in_background(app).join(timeout=120)  # writes the levels for the next start
    first = app.state.indicator_profile[1]
    app.state.indicator_profile = None  # a restart, the warm-up not run yet
    again = indicator_profile(app, app.state.territory_reference)
    unit = app.state.territory_reference.resolve("29")
    assert again.rows(unit) == first.rows(unit)
    assert set(again._levels) == {"pays", "region", "departement", "epci"}  # read, not computed


def test_the_warm_up_sets_what_it_prepared_aside_from_the_collector(small):
    """A first request triggered a full collection scanning it all (0.11 s of a 0.04 s page)."""
    import gc

    from trajectoires.web.territory.deps import warm_up_in_background

    client, load = small
    load("libraries", "bibliotheques_20230101.csv", LIBRARIES)
    gc.unfreeze()
    try:
        warm_up_in_background(client.app).join(timeout=120)
        # the tables and indexes of the pages are no longer scanned by a full collection
        assert gc.get_freeze_count() > len(gc.get_objects())
        assert client.get("/territoires/departement/29").status_code == 200
    finally:
        gc.unfreeze()  # the other tests' objects are collected as usual


def test_server_warms_the_profile_in_the_background(client):
    from trajectoires.web.territory.deps import warm_up_in_background

    app = client.app
    app.state.indicator_profile = None
    warm_up_in_background(app).join(timeout=120)
    key, profile = app.state.indicator_profile
    assert "france_services_sites" in profile.indicators
    # every level aggregated at once, and the picker's availability read, before any page
    assert set(profile._levels) == {"pays", "region", "departement", "epci"}
    assert ("availability", key) in app.state.territory_maps._items
    assert client.get("/territoires/departement/29").status_code == 200
    assert app.state.indicator_profile[1] is profile  # the page used the warmed profile


def test_warm_up_compiles_the_templates_and_reports_its_duration(small):
    """The first diagnosis page compiled its templates (a quarter of a second): the warm-up does."""
    from trajectoires.diagnosis.report import _environment
    from trajectoires.web.territory.deps import warm_up_in_background

    client, _ = small
    app = client.app
    done: list[float] = []
    thread = warm_up_in_background(app, on_done=done.append)
    assert app.state.warm_up_seconds is None or done  # None while it runs
    thread.join(timeout=120)
    assert done == [app.state.warm_up_seconds] and done[0] > 0
    compiled = {name for _, name in app.state.templates.env.cache}
    assert {"territory/diagnosis.html", "territory/commune.html", "home.html"} <= compiled
    assert {name for _, name in _environment().cache} >= {"_diagnosis_body.html"}
