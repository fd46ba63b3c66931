"""The territory page's map and table show any indicator loaded for the territory.

A small INSEE « dossier complet » is imported into a fresh database with the built-in
fixture reference; the page is used as a visitor would, through its GET form.
"""

from __future__ import annotations

import re

import pytest

from tests.diagnosis.workspace import workspace
from tests.indicators import write
from tests.web.conftest import client_for
from tests.web.test_territory_pages import assert_no_inline_code, parse
from trajectoires.indicators.store import import_file

pytestmark = pytest.mark.db

DOSSIER = ("CODGEO;P21_POP;P21_POP65P;C21_MEN;C21_MENPSEUL\n"
           "29232;63000.5;15750.125;31000;12400\n"
           "29019;139000;27800;70000;35000\n")
PAGE = "/territoires/departement/29"


@pytest.fixture
def client(fixture_reference, tmp_path):
    with workspace(tmp_path / "ws", fixture_reference, load=False) as ws:
        with ws.database.session() as session:
            import_file(session, "insee-census", write(tmp_path, "dossier_complet.csv", DOSSIER),
                        fixture_reference, vintage="2021")
        yield client_for(ws, fixture_reference)


def _options(doc) -> dict[str, list[str]]:
    select = doc.find("select", id="indicateur")
    return {group.attrs["label"]: [o.attrs["value"] for o in group.find_all("option")]
            for group in select.find_all("optgroup")}


def test_the_picker_lists_the_loaded_indicators_by_dataset(client):
    response = client.get(PAGE)
    doc = parse(response.text)
    form = doc.find("form", **{"class": "indicator-form"})
    assert form.attrs["method"] == "get"  # works without JavaScript
    assert form.find("label").attrs["for"] == "indicateur"
    groups = _options(doc)
    census = groups["Dossier complet (recensement, par commune)"]
    assert {"insee_pop", "insee_pop65p", "insee_part_65p", "insee_part_men_seul"} <= set(census)
    assert "insee_part_sans_diplome" not in census  # its counts are not loaded
    assert groups["Référentiel des territoires (populations légales, superficies)"] == [
        "population", "area_km2", "density"]
    assert not any("ftth_taux" in keys for keys in groups.values())
    labels = [o.text for o in doc.find_all("option")]
    assert "Part des 65 ans ou plus (%)" in labels
    assert_no_inline_code(response.text)


def test_picking_an_imported_indicator_draws_it_on_the_map_and_in_the_table(client):
    response = client.get(PAGE, params={"indicateur": "insee_part_65p"})
    assert response.status_code == 200
    doc = parse(response.text)
    selected = [o for o in doc.find_all("option") if "selected" in o.attrs]
    assert [o.attrs["value"] for o in selected] == ["insee_part_65p"]
    figure = doc.find("figure", **{"class": "map"})
    svg = response.text.split('<figure class="map">', 1)[1].split("</figure>", 1)[0]
    assert "Part des 65 ans ou plus — Finistère (29)" in svg  # title
    assert "Part des 65 ans ou plus (%)" in svg  # legend with its unit
    caption = figure.find("figcaption").text
    assert "Dossier complet (recensement, par commune)" in caption and "2021" in caption
    assert len(re.findall(r'class="c\d"', svg)) == 2  # Quimper and Brest have a value
    table = doc.find("table", **{"class": "sortable"})
    headers = [h.text.strip() for h in table.find("thead").find_all("th")]
    assert headers[-1] == "Part des 65 ans ou plus (%)"
    rows = {r.find("td").text: r.find_all("td")[-1] for r in table.find("tbody").find_all("tr")}
    assert rows["29232"].attrs["data-value"] == "25.0" and rows["29232"].text == "25"
    assert rows["29019"].attrs["data-value"] == "20.0"
    assert rows["29039"].text == "—"  # no value: never 0


def test_an_indicator_not_loaded_says_so_and_an_unknown_one_is_a_404(client):
    response = client.get(PAGE, params={"indicateur": "ftth_taux"})
    assert response.status_code == 200
    assert "n'est pas chargé pour ce territoire" in response.text
    assert "Densité de population — Finistère (29)" in response.text  # the density instead
    assert client.get(PAGE, params={"indicateur": "fibre"}).status_code == 404
    legacy = client.get(PAGE, params={"indicateur": "densite"})
    assert "Densité de population — Finistère (29)" in legacy.text


def test_the_communes_table_filters_searches_and_downloads(client):
    params = {"indicateur": "insee_part_65p", "min": "21,5"}
    doc = parse(client.get(PAGE, params=params).text)
    form = doc.find("form", **{"class": "table-filter"})
    assert form.attrs["method"] == "get"
    assert {i.attrs["name"] for i in form.find_all("input")} == {"indicateur", "recherche",
                                                                 "min", "max"}
    table = doc.find("table", **{"class": "sortable"})
    codes = [r.find("td").text for r in table.find("tbody").find_all("tr")]
    assert codes == ["29232"]  # Quimper 25 %; Brest 20 % and the communes without a value out
    assert "1 commune sur 13" in table.find("caption").text
    searched = parse(client.get(PAGE, params={"recherche": "ERGUE"}).text)
    rows = searched.find("table", **{"class": "sortable"}).find("tbody").find_all("tr")
    assert [r.find("td").text for r in rows] == ["29051"]  # Ergué-Gabéric, accents aside
    wrong = client.get(PAGE, params={"min": "beaucoup"})
    assert "« min » attend un nombre" in wrong.text and wrong.status_code == 200
    links = [a.attrs["href"] for a in doc.find("p", **{"class": "downloads"}).find_all("a")]
    french = client.get(links[0])
    assert french.status_code == 200 and "attachment" in french.headers["content-disposition"]
    assert french.content.startswith("\ufeff".encode())
    lines = french.content.decode("utf-8-sig").splitlines()
    assert lines[0] == ("Code commune;Commune;Population;Densité (hab./km²);"
                        "Part des 65 ans ou plus (%)")
    assert len(lines) == 2 and lines[1].startswith("29232;Quimper;") and lines[1].endswith(";25,0")
    machine = client.get(links[1]).text.splitlines()
    assert machine[0] == "code,name,population,density,insee_part_65p"
    assert machine[1].startswith("29232,Quimper,") and machine[1].endswith(",25.0")
