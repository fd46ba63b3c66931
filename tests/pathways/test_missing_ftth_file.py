"""The FttH share when only one of ARCEP's two files was imported: the missing one is named.

The 2018 layout comes as ``ftthCommunes.csv`` (premises connectable per quarter) and
``communes.csv`` (the premises of each commune, the share's denominator). With only the
first, the projection has no share: the inputs say which file is missing and the command
that loads it, and so does the page's list of targets not projected (it said « pas de
données de cet indicateur pour ce territoire dans la base »).
"""

from __future__ import annotations

import pytest

from tests.diagnosis.workspace import workspace
from trajectoires.indicators.store import loading_command

FTTH_COMMUNES = ("FttH\nDéploiement par Commune\n,,\n,,\n"
                 "Code commune,Champ,T4 2017,T1 2018\n29019,Locaux Raccordables,1000,2000\n"
                 "29019,Catégorie,5,10\n")


@pytest.fixture(scope="module")
def only_ftth_communes(fixture_reference, tmp_path_factory):
    """The fixture territory with ARCEP's ftthCommunes.csv and not its communes.csv."""
    from trajectoires.indicators.store import import_file
    from trajectoires.pathways import load_inputs

    folder = tmp_path_factory.mktemp("ftth-only")
    path = folder / "ftthCommunes.csv"
    path.write_text(FTTH_COMMUNES, encoding="utf-8")
    with workspace(folder / "ws", fixture_reference, load=False) as ws:
        with ws.database.session() as session:
            import_file(session, "arcep-ftth", path, fixture_reference)
        with ws.database.session() as session:
            yield load_inputs(session, fixture_reference, fixture_reference.resolve("29"),
                              cache_dir=folder / "analysis")


def test_the_missing_communes_csv_is_named_with_its_command(only_ftth_communes) -> None:
    inputs = only_ftth_communes
    assert "ftth_taux" not in inputs.histories
    note = inputs.missing["ftth_taux"]
    assert "communes.csv" in note and "ftthCommunes.csv" in note
    assert loading_command("arcep-ftth") in note


def test_the_page_names_it_for_a_target(only_ftth_communes) -> None:
    from types import SimpleNamespace

    from trajectoires.pathways import project, read_plan
    from trajectoires.web.workshops.kinds.construire_2030 import report
    from trajectoires.web.workshops.kinds.construire_2030.trajectory import Projection

    plan = {"territory": "29", "horizon": 2030, "actions": [],
            "targets": [{"indicator": "ftth_taux", "value": 98.0, "year": 2029}]}
    trajectory = project(only_ftth_communes, read_plan(plan))
    projection = Projection(plan, frozenset(), trajectory, missing=only_ftth_communes.missing)
    body = report.body_of(SimpleNamespace(example=False), projection)
    (said,) = [s for s in body.skipped_targets if "98" in s]
    assert "communes.csv" in said and loading_command("arcep-ftth") in said, said
    assert "pas de données" not in said


def test_a_fibre_effect_is_refused_naming_the_file(only_ftth_communes) -> None:
    from trajectoires.pathways import PlanError, project, read_plan

    plan = {"territory": "29", "horizon": 2030, "targets": [], "actions": [
        {"id": "a", "title": "Fibre", "effects": [
            {"type": "ftth", "communes": ["29019"], "share": 90, "year": 2028,
             "assumption": "Plan France Très Haut Débit"}]}]}
    with pytest.raises(PlanError) as refused:
        project(only_ftth_communes, read_plan(plan))
    assert "communes.csv" in refused.value.message
    assert loading_command("arcep-ftth") in refused.value.message
