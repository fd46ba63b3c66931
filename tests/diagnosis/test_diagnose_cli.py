"""``trajectoires diagnose`` through the Typer runner, on real imported data."""

from __future__ import annotations

import json
import re
import sqlite3
import xml.etree.ElementTree as ET
from contextlib import closing
from html.parser import HTMLParser
from pathlib import Path

import pandas as pd
import pytest
import typer
from typer.testing import CliRunner

from trajectoires.commands import diagnose as diagnose_command

pytestmark = pytest.mark.db
runner = CliRunner()
SVG = {"svg": "http://www.w3.org/2000/svg"}


def cli() -> typer.Typer:
    """The ``trajectoires`` app, with ``diagnose`` mounted as ``cli.py`` does."""
    from trajectoires.cli import app

    if any(c.name == "diagnose" for c in app.registered_commands):
        return app
    local = typer.Typer()
    local.command("diagnose")(diagnose_command.diagnose)
    local.command("version")(lambda: None)  # two commands: the name is required, as in cli.py
    return local


def run(ws, *args: str):
    return runner.invoke(cli(), ["diagnose", *args, "--workspace", str(ws.path)], env=ws.env)


class Tables(HTMLParser):
    """Collect the rows of each table (by caption) and the headings of an HTML document."""

    def __init__(self) -> None:
        super().__init__()
        self.tables: dict[str, list[list[str]]] = {}
        self.headings: list[str] = []
        self._caption = self._cell = self._heading = None
        self._rows: list[list[str]] = []
        self._text: list[str] = []
        self.in_body = False

    def handle_starttag(self, tag, attrs):
        if tag == "table":
            self._rows, self._caption = [], ""
        elif tag == "tbody":
            self.in_body = True
        elif tag == "tr" and self.in_body:
            self._rows.append([])
        elif tag in {"td", "th", "caption", "h1", "h2", "h3"}:
            self._text = []

    def handle_endtag(self, tag):
        text = " ".join("".join(self._text).split())
        if tag == "caption":
            self._caption = text
        elif tag in {"td", "th"} and self.in_body and self._rows:
            self._rows[-1].append(text)
        elif tag == "tbody":
            self.in_body = False
        elif tag == "table":
            self.tables[self._caption] = self._rows
        elif tag in {"h1", "h2", "h3"}:
            self.headings.append(f"{tag}:{text}")

    def handle_data(self, data):
        self._text.append(data)


def parse(path: Path) -> Tables:
    parser = Tables()
    parser.feed(path.read_text(encoding="utf-8"))
    parser.close()
    return parser


def ranked(tables: Tables) -> list[list[str]]:
    [rows] = [rows for caption, rows in tables.tables.items()
              if caption.startswith("Communes classées")]
    return rows


@pytest.fixture(scope="module")
def report(loaded, tmp_path_factory):
    output = tmp_path_factory.mktemp("rapport-29")
    result = run(loaded, "29", "--output", str(output))
    assert result.exit_code == 0, result.output
    return output, result.output


def unranked(tables: Tables) -> list[list[str]]:
    [rows] = [rows for caption, rows in tables.tables.items()
              if caption.startswith("Communes dont l'indice repose sur moins de")]
    return rows


def test_html_report_ranks_277_communes(report):
    output, text = report
    assert "Finistère" in text and "diagnostic.html" in text
    from trajectoires.diagnosis.report import REPORT_FILES

    written = {path.name for path in output.iterdir()}
    assert written == set(REPORT_FILES)
    for name in REPORT_FILES:  # every file written is listed (the tableur ones were not)
        assert name in text, name
    tables = parse(output / "diagnostic.html")
    rows, apart = ranked(tables), unranked(tables)
    assert len(rows) + len(apart) == 277 and rows and apart
    assert rows[0][0] == "1"  # rank 1 first
    assert all(r[2].startswith("29") for r in rows)
    heads = tables.headings
    assert heads[0].startswith("h1:Diagnostic numérique du Finistère")
    for title in ("Indice de fragilité numérique", "Regroupements spatiaux",
                  "Accès aux lieux d'aide", "Comparaison avec les territoires parents",
                  "Notes de méthode", "Sources et licences"):
        assert f"h2:{title}" in heads


MOLENE = "29084"  # Île-Molène: 2 of the 4 criteria available in the Finistère


def test_report_ranks_only_communes_with_enough_criteria(report):
    output, _ = report
    html = (output / "diagnostic.html").read_text(encoding="utf-8")
    tables = parse(output / "diagnostic.html")
    rows, apart = ranked(tables), unranked(tables)
    # 4 criteria have values in the Finistère (4G is not loaded): 3 are needed to be ranked
    assert "au moins 3 des 4 critères disponibles" in html
    assert all(int(r[5]) >= 3 for r in rows), "a commune ranked on too few criteria"
    assert MOLENE not in {r[2] for r in rows}
    [molene] = [r for r in apart if r[1] == MOLENE]
    assert molene[0] == "Île-Molène" and molene[4] == "2 sur 4"
    assert "Taux de pauvreté" in molene[5]  # what is missing, by its French label
    assert all(int(r[4].split()[0]) < 3 for r in apart)
    ranks = [int(r[0]) for r in rows]
    assert ranks == sorted(ranks) and ranks[-1] <= len(rows)


def test_exports_put_unranked_communes_apart_with_what_is_missing(report):
    output, _ = report
    table = pd.read_csv(output / "communes.csv", dtype={"code": str, "epci_code": str})
    molene = table.set_index("code").loc[MOLENE]
    assert pd.isna(molene["rank"]) and "poverty_rate" in molene["missing_criteria"]
    ranked_rows = table["rank"].notna()
    assert ranked_rows.iloc[:ranked_rows.sum()].all()  # the ranked first, the others after
    assert (table.loc[ranked_rows, "fragility_inputs"] >= 3).all()
    assert (table.loc[~ranked_rows, "fragility_inputs"] < 3).all()
    french = pd.read_csv(output / "communes-tableur.csv", sep=";", decimal=",",
                         encoding="utf-8-sig", dtype={"Code commune": str})
    row = french.set_index("Code commune").loc[MOLENE]
    assert pd.isna(row["Rang"]) and "Taux de pauvreté" in row["Critères manquants"]


def _number(text: str) -> float:
    return float(text.replace("\u202f", "").replace("\xa0", "").replace(",", "."))


def test_spreadsheet_rounds_as_the_report_shows(report):
    """The index was rounded to 0 decimals in communes-tableur.csv, to 2 in the report."""
    output, _ = report
    french = pd.read_csv(output / "communes-tableur.csv", sep=";", decimal=",",
                         encoding="utf-8-sig", dtype={"Code commune": str})
    french = french.set_index("Code commune")
    rows = ranked(parse(output / "diagnostic.html"))
    criteria = [c for c in french.columns if c.endswith("(%)")]  # as in the report
    assert len(criteria) == 4, criteria
    for row in rows:
        line = french.loc[row[2]]
        assert line["Indice de fragilité (1 à 10)"] == pytest.approx(_number(row[4])), row
        for header, shown in zip(criteria, row[6:10], strict=True):
            if shown != "—":
                assert line[header] == pytest.approx(_number(shown.split()[0])), (header, row)


def test_html_report_maps_notes_and_licences(report):
    output, _ = report
    html = (output / "diagnostic.html").read_text(encoding="utf-8")
    assert html.count("<svg") >= 5  # fragility, clusters, 3 access maps (+ chart)
    assert 'role="img"' in html and "<desc" in html  # text alternatives
    assert "Indice partiel" in html and "Taux de non-couverture 4G" in html
    assert "approximation" in html and "Data For Good" in html
    assert "Licence Ouverte" in html and "liste-fs-20240801.csv" in html
    assert "Anselin" in html and "décile" in html
    parents = parse(output / "diagnostic.html").tables
    [comparison] = [r for c, r in parents.items() if c.startswith("Indice moyen")]
    assert [row[0] for row in comparison] == ["Finistère (Département)", "Bretagne (Région)",
                                             "France (Pays)"]


def _maps(html: str) -> dict[str, ET.Element]:
    """The SVG maps of the report, parsed as XML, by the prefix of their ids."""
    maps = {}
    for text in re.findall(r"<svg .*?</svg>", html, flags=re.S):
        root = ET.fromstring(text)
        if "carte" in (root.get("class") or ""):
            maps[root.get("aria-labelledby").split("-titre")[0]] = root
    return maps


def test_report_maps_are_accessible_and_never_rely_on_colour_alone(report):
    output, _ = report
    html = (output / "diagnostic.html").read_text(encoding="utf-8")
    maps = _maps(html)
    assert set(maps) == {"carte-fragilite", "carte-lisa", "carte-acces-france-services",
                         "carte-acces-mediation-places", "carte-acces-libraries"}
    for svg_id, root in maps.items():
        assert root.get("role") == "img" and root.find("svg:title", SVG).text
        assert root.find("svg:desc", SVG).text.startswith("Carte")
        paths = root.findall(".//svg:path", SVG)
        assert len(paths) == 277 and all(p.get("data-code") for p in paths), svg_id
        assert all(p.find("svg:title", SVG) is not None for p in paths)
        assert ' style="' not in ET.tostring(root, encoding="unicode")
    lisa = maps["carte-lisa"]
    description = lisa.find("svg:desc", SVG).text
    legend = " ".join(lisa.find(".//svg:g[@class='legende']", SVG).itertext())
    for label in ("Foyer de fragilité", "Zone préservée", "Îlot fragile", "Îlot préservé",
                  "Pas de regroupement significatif"):
        assert label in description and label in legend
    textured = {p.get("id") for p in lisa.iter(f"{{{SVG['svg']}}}pattern")}
    assert {"carte-lisa-motif-2", "carte-lisa-motif-3", "carte-lisa-motif-5"} <= textured
    access = maps["carte-acces-france-services"]
    dots = access.findall(".//svg:g[@class='lieux']/svg:circle", SVG)
    assert dots and all(d.find("svg:title", SVG) is not None for d in dots)  # place names
    assert f"France Services ({len(dots)})" in " ".join(access.itertext())


def test_csv_columns(report):
    output, _ = report
    table = pd.read_csv(output / "communes.csv", dtype={"code": str, "epci_code": str})
    assert len(table) == 277
    for column in ("code", "name", "population", "fragility_index", "fragility_inputs", "rank",
                   "lisa", "no_thd_coverage", "score_no_thd_coverage",
                   "dist_france-services", "access_france-services", "relative"):
        assert column in table.columns, column
    assert table["fragility_index"].between(1, 10).all()
    assert table["rank"].min() == 1
    assert set(table["lisa"].dropna()) <= {"high-high", "low-low", "high-low", "low-high",
                                           "not significant", "no neighbours"}
    dictionary = pd.read_csv(output / "dictionnaire.csv")
    described = dictionary.loc[dictionary["fichier"] == "communes.csv", "column"]
    assert described.tolist() == table.columns.tolist()
    assert dictionary["description"].notna().all()
    comparison = pd.read_csv(output / "comparaison.csv", dtype={"code": str})
    assert comparison["code"].tolist() == ["29", "53", "FR"]


def test_geopackage_reads_back(report):
    pyogrio = pytest.importorskip("pyogrio")
    output, _ = report
    info = pyogrio.read_info(output / "communes.gpkg", layer="communes")
    assert info["features"] == 277
    assert {"code", "fragility_index", "rank", "lisa"} <= set(info["fields"])
    assert "2154" in info["crs"]
    frame = pyogrio.read_dataframe(output / "communes.gpkg", layer="communes")
    assert len(frame) == 277 and frame.geometry.is_valid.all()
    with closing(sqlite3.connect(output / "communes.gpkg")) as db:  # OGC 12-128 headers
        assert db.execute("PRAGMA application_id").fetchone() == (0x47504B47,)
        assert db.execute("PRAGMA user_version").fetchone() == (10300,)
        assert db.execute("SELECT table_name, column_name, geometry_type_name, srs_id "
                          "FROM gpkg_geometry_columns").fetchall() == [
            ("communes", "geom", "MULTIPOLYGON", 2154)]
        with pytest.raises(sqlite3.IntegrityError):  # the standard's uk_gc_table_name
            db.execute("INSERT INTO gpkg_geometry_columns VALUES "
                       "('communes', 'geom2', 'POINT', 2154, 0, 0)")
        blobs = [blob for (blob,) in db.execute("SELECT geom FROM communes ORDER BY fid")]
    assert len(blobs) == 277
    for blob in blobs:
        _check_gpkg_header(blob)


def _check_gpkg_header(blob: bytes) -> None:
    """OGC 12-128 § 2.1.3: magic, version 0, flags, SRS 2154, envelope = the WKB's bounds."""
    import struct

    shapely = pytest.importorskip("shapely")
    magic, version, flags, srs_id = struct.unpack_from("<2sBBi", blob)
    assert (magic, version, srs_id) == (b"GP", 0, 2154)
    assert flags & 0b1 and not flags & 0b100000  # little-endian, standard (not extended)
    envelope = (flags >> 1) & 0b111
    geometry = shapely.from_wkb(blob[8 + 32 * (envelope == 1):])
    assert geometry.geom_type == "MultiPolygon"
    if flags & 0b10000:  # empty: no envelope
        assert envelope == 0 and geometry.is_empty
        return
    assert envelope == 1 and not geometry.is_empty
    min_x, max_x, min_y, max_y = struct.unpack_from("<4d", blob, 8)
    assert (min_x, min_y, max_x, max_y) == geometry.bounds


def test_geopackage_empty_outline_has_the_empty_flag(territory_reference, tmp_path):
    pyogrio = pytest.importorskip("pyogrio")
    shapely = pytest.importorskip("shapely")
    from trajectoires.diagnosis.report import write_geopackage

    table = pd.DataFrame({"code": ["a", "b", "c"], "value": [1.0, 2.0, None]})
    outlines = [shapely.box(100_000, 6_000_000, 101_000, 6_001_000), shapely.MultiPolygon(),
                None]
    path = tmp_path / "vide.gpkg"
    write_geopackage(territory_reference, table, path, geometries=outlines)
    with closing(sqlite3.connect(path)) as db:
        blobs = [blob for (blob,) in db.execute("SELECT geom FROM communes ORDER BY fid")]
    assert blobs[2] is None and blobs[1][3] == 0b10001 and len(blobs[1]) == 8 + 9
    for blob in blobs[:2]:
        _check_gpkg_header(blob)
    frame = pyogrio.read_dataframe(path, layer="communes")
    assert frame.geometry.iloc[0].bounds == (100_000, 6_000_000, 101_000, 6_001_000)
    assert frame.geometry.iloc[1] is None or frame.geometry.iloc[1].is_empty


def test_geojson_is_valid(report):
    shapely_geometry = pytest.importorskip("shapely.geometry")
    output, _ = report
    data = json.loads((output / "communes.geojson").read_text(encoding="utf-8"))
    assert data["type"] == "FeatureCollection" and len(data["features"]) == 277
    feature = data["features"][0]
    assert feature["type"] == "Feature" and "fragility_index" in feature["properties"]
    shape = shapely_geometry.shape(feature["geometry"])
    assert shape.is_valid and -6 < shape.centroid.x < -3 and 47 < shape.centroid.y < 49


def test_nothing_loaded_reports_missing_datasets(empty, tmp_path):
    result = run(empty, "29", "--output", str(tmp_path))
    assert result.exit_code == 0, result.output
    assert "Indice de fragilité non calculé" in result.output
    assert "trajectoires data fetch france-services --import" in result.output
    assert "trajectoires data import arcep-mobile FICHIER" in result.output  # the 4G criterion
    # the command typeable as printed, the file's page beside it (it was lost in 980e3d7)
    assert ("data import arcep-mobile FICHIER (fichier : "
            "https://www.data.gouv.fr/fr/datasets/mon-reseau-mobile/)") in " ".join(
                result.output.split())
    html = (tmp_path / "diagnostic.html").read_text(encoding="utf-8")
    assert "ne peut pas être calculé" in html
    assert "Pas de classement : aucun critère" in html and "0 critères" not in html
    for kind in ("arcep-debit", "insee-census", "insee-poverty", "mediation-places",
                 "france-services", "libraries", "arcep-ftth", "arcep-mobile",
                 "arcep-mobile-sites"):
        assert f"<code>{kind}</code>" in html
    table = pd.read_csv(tmp_path / "communes.csv")
    assert len(table) == 277 and table["fragility_index"].isna().all()  # never zero


def test_unknown_code_is_a_french_error(empty, tmp_path):
    result = run(empty, "99999", "--output", str(tmp_path / "x"))
    assert result.exit_code == 1
    assert "Introuvable" in result.output and "Traceback" not in result.output
    assert not (tmp_path / "x").exists()


def test_ambiguous_name_exits_2(empty, tmp_path):
    result = run(empty, "Sainte-Marie", "--output", str(tmp_path))
    assert result.exit_code == 2 and "ambigu" in result.output


def test_options_reach_the_report_and_wrong_ones_exit_2(loaded, tmp_path):
    out = tmp_path / "choisi"
    result = run(loaded, "29", "--output", str(out), "--criteres",
                 "share_65_plus, share_low_diploma", "--reference", "france", "--distance", "5")
    assert result.exit_code == 0, result.output
    assert "Diagnostic du Finistère" in result.output
    html = (out / "diagnostic.html").read_text(encoding="utf-8")
    assert "Critères de l'indice, choisis pour ce diagnostic" in html
    assert "seuil d'éloignement : 5 km" in html
    table = pd.read_csv(out / "communes.csv", dtype={"code": str})
    assert "score_poverty_rate" not in table and "relative" in table
    wrong = run(loaded, "29", "--output", str(tmp_path / "x"), "--criteres", "age")
    assert wrong.exit_code == 2 and "critère inconnu « age »" in wrong.output
    assert not (tmp_path / "x").exists()


@pytest.mark.parametrize(("options", "message"), [
    (["--seed", "-1"], "--seed"),
    (["--seed", "4294967296"], "--seed"),
    (["--distance", "1e308"], "distance « 1e+308 » : attendu un nombre de km de 0,5 à 200"),
    (["--distance", "0.4"], "attendu un nombre de km de 0,5 à 200"),
    (["--criteres", ""], "aucun critère choisi"),
])
def test_out_of_range_options_exit_2_before_any_work(empty, tmp_path, options, message):
    result = run(empty, "29", "--output", str(tmp_path / "x"), *options)
    assert result.exit_code == 2, result.output
    assert message in " ".join(result.output.split())  # rich wraps long lines
    assert "Traceback" not in result.output and not (tmp_path / "x").exists()


def test_distance_is_rounded_to_a_tenth_of_a_km(loaded, tmp_path):
    result = run(loaded, "29", "--output", str(tmp_path / "r"), "--distance", "7.26",
                 "--seed", "4294967295", "--permutations", "99")
    assert result.exit_code == 0, result.output
    html = (tmp_path / "r" / "diagnostic.html").read_text(encoding="utf-8")
    assert "seuil d'éloignement : 7,3 km" in html
