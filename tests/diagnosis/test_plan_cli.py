"""``trajectoires plan`` through the Typer runner, on the real France Services and libraries."""

from __future__ import annotations

import json

import pandas as pd
import pytest
from typer.testing import CliRunner

from tests.diagnosis.workspace import FILES, FR, require_shared_data, workspace

pytestmark = pytest.mark.db
runner = CliRunner()


@pytest.fixture(scope="module")
def places(territory_reference, tmp_path_factory):
    """A workspace with the real France Services and public libraries imported."""
    from trajectoires.indicators.store import import_file

    require_shared_data()
    with workspace(tmp_path_factory.mktemp("plan"), territory_reference, load=False) as ws:
        for kind, path, vintage in FILES:
            if kind in ("france-services", "libraries"):
                with ws.database.session() as session:
                    import_file(session, kind, FR / path, territory_reference, vintage=vintage)
        yield ws


def run(ws, *args: str):
    from trajectoires.cli import app

    return runner.invoke(app, ["plan", *args, "--workspace", str(ws.path)], env=ws.env)


def test_plan_writes_every_file(places, tmp_path):
    out = tmp_path / "plan"
    result = run(places, "29", "--new", "3", "--radius", "10", "--output", str(out))
    assert result.exit_code == 0, result.output
    assert "Plan du Finistère : 3 nouveaux lieux, rayon 10 km." in result.output
    plan = json.loads((out / "plan.json").read_text(encoding="utf-8"))
    for key in ("model", "radius_km", "network", "candidates", "sites", "total_population",
                "covered_population_before", "covered_population_after", "upper_bound", "gap",
                "population_vintage"):
        assert key in plan, key
    assert plan["model"] == "mclp" and plan["network"] == ["france-services"]
    assert plan["candidates"] == {"kind": "communes", "label": plan["candidates"]["label"],
                                  "count": 277}
    assert plan["gap"] == 0 and plan["optimal"] and plan["method"] == "milp"
    assert plan["upper_bound"] == plan["covered_population_after"]
    assert plan["population_vintage"].startswith("populations légales")
    assert plan["network_vintages"] == {"france-services": "2024-08-01"}
    assert len(plan["sites"]) == 3
    gained = sum(site["newly_covered_population"] for site in plan["sites"])
    assert gained == pytest.approx(plan["covered_population_after"]
                                   - plan["covered_population_before"], abs=2)
    for site in plan["sites"]:
        assert site["code_commune"].startswith("29") and 47 < site["lat"] < 49
    communes = pd.read_csv(out / "communes.csv", dtype={"code_commune": str})
    # before: the communes within 10 km of a France Services site, as the diagnosis measures
    before = communes.loc[communes["km_avant"] <= 10, "population"].sum()
    assert before == plan["covered_population_before"]
    raw = (out / "sites-tableur.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf") and b";" in raw.splitlines()[0]
    frame = pd.read_csv(out / "sites-tableur.csv", sep=";", decimal=",", encoding="utf-8-sig",
                        dtype={"code_commune": str})
    assert frame["lat"].between(47, 49).all()
    geo = json.loads((out / "plan.geojson").read_text(encoding="utf-8"))
    kinds = {f["properties"]["type"] for f in geo["features"]}
    assert kinds == {"nouveau_lieu", "commune_nouvellement_couverte"}


def test_existing_places_are_counted(places, tmp_path):
    """With France Services kept open, fewer inhabitants are left to gain than from scratch."""
    kept = run(places, "29", "--new", "2", "--output", str(tmp_path / "a"))
    scratch = run(places, "29", "--new", "2", "--network", "aucun", "--output",
                  str(tmp_path / "b"))
    assert kept.exit_code == scratch.exit_code == 0
    a = json.loads((tmp_path / "a" / "plan.json").read_text())
    b = json.loads((tmp_path / "b" / "plan.json").read_text())
    assert b["covered_population_before"] == 0 and b["network"] == []
    assert a["covered_population_before"] > 0
    assert a["covered_population_after"] >= b["covered_population_after"]


def test_candidates_town_halls_libraries_and_file(places, tmp_path):
    halls = run(places, "29", "--new", "2", "--candidates", "mairies", "--model", "p-median",
                "--output", str(tmp_path / "m"))
    assert halls.exit_code == 0, halls.output
    plan = json.loads((tmp_path / "m" / "plan.json").read_text())
    assert plan["model"] == "p-median" and plan["gap"] == 0 and plan["upper_bound"] is None
    assert all(s["site"].startswith("Mairie de ") for s in plan["sites"])
    libraries = run(places, "29", "--new", "2", "--candidates", "bibliotheques", "--output",
                    str(tmp_path / "l"))
    assert libraries.exit_code == 0, libraries.output
    sites = tmp_path / "sites.csv"
    sites.write_text("nom;lat;lon\nSalle A;48,39;-4,49\nSalle B;47,99;-4,10\n", encoding="utf-8")
    own = run(places, "29", "--new", "1", "--candidates", str(sites), "--output",
              str(tmp_path / "f"))
    assert own.exit_code == 0, own.output
    assert ": 1 nouveau lieu, rayon" in own.output
    plan = json.loads((tmp_path / "f" / "plan.json").read_text())
    assert plan["candidates"]["kind"] == "fichier" and plan["sites"][0]["site"].startswith("Salle")


def test_set_covering_reaches_the_share(places, tmp_path):
    result = run(places, "29", "--model", "set-covering", "--share", "99", "--output",
                 str(tmp_path / "s"))
    assert result.exit_code == 0, result.output
    plan = json.loads((tmp_path / "s" / "plan.json").read_text())
    assert plan["covered_population_after"] >= 0.99 * plan["total_population"]
    assert plan["objective"] == len(plan["sites"]) and plan["gap"] == 0


@pytest.mark.parametrize(("args", "message"), [
    (["--network", "poste"], "Réseau inconnu : « poste »"),
    (["--new", "0"], "Nombre de nouveaux lieux invalide : 0"),
    (["--new", "-2"], "Nombre de nouveaux lieux invalide : -2"),
    (["--new", "500"], "500 nouveaux lieux demandés, mais seulement 277 sites candidats"),
    (["--radius", "0"], "Rayon invalide : 0.0 km"),
    (["--radius", "-5"], "Rayon invalide : -5.0 km"),
    (["--model", "p-centre"], "Modèle inconnu : « p-centre »"),
    (["--model", "set-covering", "--share", "0"], "Part à couvrir invalide : 0 %"),
    (["--candidates", "gares"], "Candidats : « gares » n'est ni communes"),
])
def test_bad_input_exits_2_with_a_french_message(places, tmp_path, args, message):
    out = tmp_path / "out"
    result = run(places, "29", *args, "--output", str(out))
    assert result.exit_code == 2, result.output
    assert message in " ".join(result.output.split())
    assert "Traceback" not in result.output and not out.exists()


def test_bad_candidate_file_names_line_and_column(places, tmp_path):
    sites = tmp_path / "sites.csv"
    sites.write_text("nom,lat,lon\nA,48.3,-4.4\nB,148.3,-4.4\n", encoding="utf-8")
    result = run(places, "29", "--candidates", str(sites), "--output", str(tmp_path / "o"))
    assert result.exit_code == 2
    assert "sites.csv, ligne 3, colonne « lat » : « 148.3 » n'est pas une latitude" in " ".join(
        result.output.split())


def test_territory_without_population_and_missing_network(places, tmp_path):
    mayotte = run(places, "976", "--network", "aucun", "--output", str(tmp_path / "y"))
    assert mayotte.exit_code == 2
    assert "n'a aucune population connue" in " ".join(mayotte.output.split())
    missing = run(places, "29", "--network", "mediation-places", "--output", str(tmp_path / "z"))
    assert missing.exit_code == 1
    assert "trajectoires data import mediation-places" in " ".join(missing.output.split())
    assert not (tmp_path / "y").exists() and not (tmp_path / "z").exists()


def test_missing_places_name_the_command_that_applies(territory_reference, tmp_path):
    """« data import libraries FICHIER » was suggested where « data fetch … --import » works."""
    with workspace(tmp_path / "ws", territory_reference, load=False) as empty:
        network = run(empty, "29", "--network", "france-services", "--output", str(tmp_path / "a"))
        libraries = run(empty, "29", "--network", "aucun", "--candidates", "bibliotheques",
                        "--output", str(tmp_path / "b"))
    for done, kind in ((network, "france-services"), (libraries, "libraries")):
        text = " ".join(done.output.split())
        assert done.exit_code == 1, text
        assert f"trajectoires data fetch {kind} --import" in text, text
        assert "data import" not in text
