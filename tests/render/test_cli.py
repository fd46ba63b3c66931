"""``trajectoires territory map``: the command as users run it."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

from typer.testing import CliRunner

from trajectoires.cli import app

NS = {"svg": "http://www.w3.org/2000/svg"}
runner = CliRunner()


def run(*arguments: str):
    return runner.invoke(app, ["territory", "map", *arguments])


def test_map_of_finistere(reference_workspace, tmp_path):
    output = tmp_path / "x.svg"
    result = run("29", "--indicator", "density", "--output", str(output),
                 "-w", str(reference_workspace))
    assert result.exit_code == 0, result.output
    root = ET.parse(output).getroot()
    paths = root.findall(".//svg:g[@class='communes']//svg:path", NS)
    assert len(paths) == 277
    assert all(p.find("svg:title", NS) is not None for p in paths)
    assert root.find("svg:title", NS).text == "Densité de population — Finistère (29)"
    source = "".join(root.find(".//svg:text[@class='source']", NS).itertext())
    assert source.startswith("Source : INSEE, populations légales")
    size = output.stat().st_size / 1e3
    assert "x.svg" in result.output and "277 communes" in result.output
    assert re.search(r"\d+,\d ko", result.output)
    assert abs(float(re.search(r"(\d+,\d) ko", result.output)[1].replace(",", ".")) - size) < 0.1
    assert not list(tmp_path.glob(".*partiel"))


def test_scheme_classes_and_population(reference_workspace, tmp_path):
    output = tmp_path / "sub" / "quimper.svg"
    result = run("reg:53", "-i", "population", "--scheme", "EqualInterval", "--classes", "3",
                 "-o", str(output), "-w", str(reference_workspace))
    assert result.exit_code == 0, result.output
    root = ET.parse(output).getroot()
    classes = {p.get("class") for p in root.iter("{http://www.w3.org/2000/svg}path")}
    assert classes <= {"c0", "c1", "c2"}
    assert "d'amplitudes égales" in root.find("svg:desc", NS).text


def test_unknown_indicator_is_a_clear_french_error(reference_workspace, tmp_path):
    output = tmp_path / "x.svg"
    result = run("29", "--indicator", "fibre", "--output", str(output),
                 "-w", str(reference_workspace))
    assert result.exit_code == 2
    message = " ".join(result.output.split())
    assert "indicateur inconnu : « fibre »" in message
    assert "density" in message and "population" in message and "docs/data.md" in message
    assert "Traceback" not in result.output
    assert not output.exists()


def test_unknown_scheme_and_territory(reference_workspace, tmp_path):
    output = tmp_path / "x.svg"
    result = run("29", "--scheme", "jenks", "-o", str(output), "-w", str(reference_workspace))
    assert result.exit_code == 2
    assert "fisher_jenks" in result.output
    result = run("Xyzzyville", "-o", str(output), "-w", str(reference_workspace))
    assert result.exit_code == 1
    assert "Introuvable" in result.output
    assert not output.exists()


def test_an_indicator_that_is_not_loaded_or_is_computed_by_the_diagnosis(reference_workspace,
                                                                         tmp_path):
    output = tmp_path / "x.svg"
    result = run("29", "-i", "ftth_taux", "-o", str(output), "-w", str(reference_workspace))
    assert result.exit_code == 1
    message = " ".join(result.output.split())
    assert "« ftth_taux »" in message and "non chargé" in message
    assert "trajectoires data import arcep-ftth FICHIER" in message
    result = run("29", "-i", "fragility_index", "-o", str(output), "-w", str(reference_workspace))
    assert result.exit_code == 1 and "trajectoires diagnose" in result.output
    assert "Traceback" not in result.output and not output.exists()


def test_map_of_an_imported_indicator(reference_workspace, territory_reference, tmp_path):
    from tests.indicators import write
    from trajectoires.db import create_database, migrate
    from trajectoires.indicators.store import import_file

    url = f"sqlite:///{tmp_path / 'store.sqlite'}"
    database = create_database(url)
    migrate(database)
    dossier = "CODGEO;P21_POP;P21_POP65P\n29232;63000;15750\n29019;139000;27800\n"
    with database.session() as session:
        import_file(session, "insee-census", write(tmp_path, "dossier_complet.csv", dossier),
                    territory_reference, vintage="2021")
    database.engine.dispose()
    output = tmp_path / "age.svg"
    result = runner.invoke(app, ["territory", "map", "29", "-i", "insee_part_65p", "-k", "2",
                                 "-o", str(output), "-w", str(reference_workspace)],
                           env={"TRAJECTOIRES_DATABASE_URL": url})
    assert result.exit_code == 0, result.output
    root = ET.parse(output).getroot()
    assert root.find("svg:title", NS).text == "Part des 65 ans ou plus — Finistère (29)"
    source = "".join(root.find(".//svg:text[@class='source']", NS).itertext())
    assert "Dossier complet" in source and "2021" in source
    classes = [p.get("class") for p in root.iter("{http://www.w3.org/2000/svg}path")
               if p.get("data-code") in ("29232", "29019")]
    assert sorted(classes) == ["c0", "c1"]  # 25 % and 20 %: two classes
