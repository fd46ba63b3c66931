"""``trajectoires trajectory project`` through the Typer runner, on the real Finistère."""

from __future__ import annotations

import csv
import json

import pandas as pd
import pytest
from typer.testing import CliRunner

from trajectoires.cli import app

pytestmark = pytest.mark.db
runner = CliRunner()

PLAN = {"territory": "29", "horizon": 2030, "actions": [
    {"id": "fs-brasparts", "title": "France Services à Brasparts", "effects": [
        {"type": "open-place", "network": "france-services", "commune": "29016", "year": 2027,
         "assumption": "ouverture votée"}]},
    {"id": "ateliers", "title": "Ateliers", "effects": [
        {"type": "reach", "communes": ["29016"], "people": 100, "year": 2025,
         "assumption": "un conseiller"}]}],
    "targets": [{"indicator": "dist_france-services", "value": 5, "year": 2030}]}


def run(ws, plan_path, output, *extra):
    return runner.invoke(app, ["trajectory", "project", "29", "--actions", str(plan_path),
                               "--output", str(output), *extra, "--workspace", str(ws.path)],
                         env=ws.env)


def check_spreadsheet(folder, machine: dict) -> None:
    """The French spreadsheet pair holds the machine CSV's values, rounded, in French."""
    raw = (folder / "communes-tableur.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf") and b";" in raw.splitlines()[0]
    frame = pd.read_csv(folder / "communes-tableur.csv", sep=";", decimal=",",
                        encoding="utf-8-sig", dtype={"Code commune": str})
    assert list(frame.columns[:4]) == ["Code commune", "Commune", "Scénario", "Année"]
    assert set(frame["Scénario"]) == {"Tendance (sans action)", "Avec les actions"}
    assert len(frame) == len({k[:3] for k in machine})  # communes × years × scenarios
    row = frame[(frame["Code commune"] == "29016") & (frame["Année"] == 2026)
                & (frame["Scénario"] == "Avec les actions")].iloc[0]
    assert row["Commune"] == "Brasparts"
    distance = next(c for c in frame.columns if c.startswith("Distance") and "France" in c)
    assert row[distance] == round(float(
        machine[("29016", "2026", "actions", "distance_france_services_km")]), 1) > 10
    assert row["Population municipale (habitants)"] == round(float(
        machine[("29016", "2026", "actions", "population")]))
    assert "," in raw.decode("utf-8-sig").splitlines()[1]  # decimal comma
    words = pd.read_csv(folder / "dictionnaire-tableur.csv", sep=";", encoding="utf-8-sig")
    assert list(words.columns) == ["colonne", "description", "unite", "source", "methode"]
    assert list(words["colonne"]) == list(frame.columns)
    assert words.set_index("colonne").loc[distance, "methode"].startswith("recalculé")


def test_project_writes_the_json_and_the_csv(finistere, tmp_path):
    ws, _ = finistere
    plan_path = tmp_path / "plan.json"
    plan_path.write_text(json.dumps(PLAN), encoding="utf-8")
    result = run(ws, plan_path, tmp_path / "out")
    assert result.exit_code == 0, result.output
    assert "Trajectoire Finistère (29) de 2024 à 2030, 2 actions sur 2" in result.output
    said = " ".join(result.output.split())
    # French labels, units and decimal commas (it said « Cible dist_france-services = 5 en
    # 2030 : … (écart +0.145) »)
    assert "Distance au plus proche lieu (France Services) : " in said
    assert "Cible 5,00 km en 2030 : " in said and "(écart +0," in said  # split() ate the NBSP
    assert "Indice de fragilité numérique (de 1 à 10) : " in said
    assert "dist_france-services" not in said and "0." not in said
    document = json.loads((tmp_path / "out" / "trajectory.json").read_text(encoding="utf-8"))
    assert document["years"] == list(range(2024, 2031))
    series = {s["indicator"]: s for s in document["series"]}
    assert series["dist_france-services"]["target"]["value"] == 5
    assert set(series["dist_france-services"]["contributions"]) == {"fs-brasparts"}
    with (tmp_path / "out" / "communes.csv").open(encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle))
    assert rows[0] == ["code_commune", "annee", "scenario", "indicateur", "valeur"]
    found = {(r[0], r[1], r[2], r[3]): r[4] for r in rows[1:]}
    assert float(found[("29016", "2027", "actions", "distance_france_services_km")]) == 0
    assert float(found[("29016", "2026", "actions", "distance_france_services_km")]) > 10
    assert {("29016", "2030", "tendance", k) for k in ("population", "indice_fragilite")} \
        <= set(found)
    check_spreadsheet(tmp_path / "out", found)
    # --sans switches an action off: the trend everywhere for what it touched
    result = run(ws, plan_path, tmp_path / "sans", "--sans", "fs-brasparts")
    assert result.exit_code == 0, result.output
    document = json.loads((tmp_path / "sans" / "trajectory.json").read_text(encoding="utf-8"))
    distance = next(s for s in document["series"] if s["indicator"] == "dist_france-services")
    assert distance["actions"] == distance["tendance"]


@pytest.mark.parametrize(("content", "words"), [
    ('{"territory": "29", "horizon": 2030,', "ligne 1, colonne 37) : JSON invalide"),
    (json.dumps({**PLAN, "actions": [*PLAN["actions"], PLAN["actions"][0]]}),
     "actions[2].id : identifiant « fs-brasparts » déjà utilisé"),
    (json.dumps({**PLAN, "actions": [{**PLAN["actions"][0], "effects": [
        {**PLAN["actions"][0]["effects"][0], "commune": "35238"}]}]}),
     "actions[0].effects[0].commune : commune « 35238 » inconnue dans ce territoire"),
    (json.dumps({**PLAN, "actions": [{**PLAN["actions"][0], "effects": [
        {**PLAN["actions"][0]["effects"][0], "year": 2020}]}]}),
     "(plan.json) : actions[0].effects[0].year : année 2020 avant l'année des données (2024)"),
    (json.dumps({**PLAN, "territory": "56"}), "le plan est celui de « Morbihan »"),
])
def test_a_bad_plan_file_exits_2_with_the_json_path(finistere, tmp_path, content, words):
    ws, _ = finistere
    plan_path = tmp_path / "plan.json"
    plan_path.write_text(content, encoding="utf-8")
    result = run(ws, plan_path, tmp_path / "out")
    assert result.exit_code == 2, result.output
    assert "Plan refusé" in result.output and words in " ".join(result.output.split())
    assert "Traceback" not in result.output
    assert not (tmp_path / "out").exists()


def test_an_unknown_action_to_switch_off_exits_2(finistere, tmp_path):
    ws, _ = finistere
    plan_path = tmp_path / "plan.json"
    plan_path.write_text(json.dumps(PLAN), encoding="utf-8")
    result = run(ws, plan_path, tmp_path / "out", "--sans", "inconnue")
    assert result.exit_code == 2
    assert "action inconnue « inconnue »" in result.output
