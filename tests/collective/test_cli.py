import json
from pathlib import Path

import typer
from typer.testing import CliRunner

from trajectoires.collective import analyse, example_votes, write_polis
from trajectoires.commands import debate

runner = CliRunner()
app = typer.Typer()
app.add_typer(debate.app, name="debate")  # as cli.py mounts it


def test_analyse_prints_tables_and_writes_json_and_map(tmp_path: Path) -> None:
    write_polis(tmp_path / "in", example_votes(), result=analyse(example_votes()))
    out = tmp_path / "out"
    result = runner.invoke(app, ["debate", "analyse", str(tmp_path / "in"), "--output", str(out),
                                 "--polis"])
    assert result.exit_code == 0, result.output
    assert "Groupes d'opinion" in result.output and "Consensus" in result.output
    assert "indice de Rand ajusté) : 1,000" in result.output
    assert "Pour" in result.output and "100 %" in result.output
    assert "%" not in result.output.replace(" %", "")
    data = json.loads((out / "result.json").read_text())
    assert {"participants", "groups", "consensus", "representative"} <= set(data)
    assert {p["id"] for p in data["participants"]} == {f"p{i}" for i in range(1, 9)}
    assert (out / "opinion-map.svg").read_text().startswith("<svg")
    assert (out / "polis" / "participants-votes.csv").exists()


def test_bad_input_exits_2_in_french_without_traceback(tmp_path: Path) -> None:
    (tmp_path / "votes.csv").write_text("timestamp,datetime,comment-id,voter-id,vote\n1,x,0,0,5\n")
    result = runner.invoke(app, ["debate", "analyse", str(tmp_path)])
    assert result.exit_code == 2
    assert "Erreur" in result.output and "votes.csv" in result.output
    assert "ligne 2" in result.output and "Traceback" not in result.output
    missing = runner.invoke(app, ["debate", "analyse", str(tmp_path / "absent")])
    assert missing.exit_code == 2 and "introuvable" in missing.output


def test_groups_keep_the_names_of_the_export(tmp_path: Path) -> None:
    """The web's group A (named by warm starts) stays group A in ``debate analyse``."""
    fresh = analyse(example_votes())
    swapped = {p.item(): 1 - int(g) for p, g in zip(fresh.participants, fresh.labels, strict=True)}
    shown = analyse(example_votes(), reference_groups=swapped)
    assert [shown.group_of(p) for p in swapped] == list(swapped.values())
    write_polis(tmp_path / "in", example_votes(), result=shown)
    result = runner.invoke(app, ["debate", "analyse", str(tmp_path / "in"), "--output",
                                 str(tmp_path / "out")])
    assert result.exit_code == 0, result.output
    data = json.loads((tmp_path / "out" / "result.json").read_text())
    assert {p["id"]: p["group"] for p in data["participants"]} == swapped
