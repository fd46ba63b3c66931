"""read_plan: every refusal names the JSON path; the schema file and the docs agree."""

from __future__ import annotations

import copy
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from trajectoires.pathways import EFFECT_TYPES, PlanError, read_plan, schema

DOCS = Path(__file__).resolve().parents[2] / "docs" / "trajectory.md"

GOOD = {
    "territory": "29", "horizon": 2030,
    "actions": [
        {"id": "fs", "title": "France Services", "effects": [
            {"type": "open-place", "network": "france-services", "commune": "29016",
             "year": 2027, "assumption": "votée"}]},
        {"id": "fibre", "title": "Fibre", "effects": [
            {"type": "ftth", "communes": ["29016"], "share": 90, "year": 2028,
             "assumption": "RIP"},
            {"type": "reach", "epci": "242900314", "people": 100, "year": 2026,
             "assumption": "ateliers"},
            {"type": "indicator", "indicator": "share_low_diploma", "change": -5,
             "mode": "relative", "year": 2029, "assumption": "formation"},
            {"type": "close-place", "network": "libraries", "commune": "29016", "year": 2029,
             "assumption": "fusion"}]},
    ],
    "targets": [{"indicator": "fragility_index", "value": 4.5, "year": 2030}],
}


def broken(path: str, value: object = ..., *, delete: bool = False) -> dict:
    """GOOD with the value at ``path`` (``actions.1.effects.0.share``) replaced or deleted."""
    data = copy.deepcopy(GOOD)
    *parents, last = path.split(".")
    node = data
    for part in parents:
        node = node[int(part)] if isinstance(node, list) else node[part]
    key = int(last) if isinstance(node, list) else last
    if delete:
        del node[key]
    else:
        node[key] = value
    return data


def test_a_good_plan_is_read():
    plan = read_plan(GOOD)
    assert plan.action_ids == ("fs", "fibre")
    assert [e.type for e in plan.actions[1].effects] == ["ftth", "reach", "indicator",
                                                         "close-place"]
    assert plan.actions[1].effects[2].path == "actions[1].effects[2]"
    assert plan.targets[0].indicator == "fragility_index"
    assert set(EFFECT_TYPES) == {"open-place", "close-place", "ftth", "reach", "indicator"}


@pytest.mark.parametrize(("data", "path", "words"), [
    (broken("actions.1.effects.0.type", "wormhole"), "actions[1].effects[0].type",
     "type d'effet inconnu « wormhole »"),
    (broken("actions.1.id", "fs"), "actions[1].id", "« fs » déjà utilisé par actions[0]"),
    (broken("actions.0.effects.0.network", "la-poste"), "actions[0].effects[0].network",
     "réseau inconnu « la-poste »"),
    (broken("actions.1.effects.2.indicator", "bonheur"), "actions[1].effects[2].indicator",
     "indicateur inconnu du catalogue « bonheur »"),
    (broken("actions.1.effects.2.indicator", "arcep_sites_4g"),
     "actions[1].effects[2].indicator", "n'est pas projeté"),
    (broken("targets.0.indicator", "bonheur"), "targets[0].indicator", "inconnu du catalogue"),
    (broken("actions.0.effects.0.year", 2031), "actions[0].effects[0].year",
     "après l'horizon 2030"),
    (broken("targets.0.year", 2035), "targets[0].year", "après l'horizon 2030"),
    (broken("actions.0.effects.0.year", "2027"), "actions[0].effects[0].year",
     "une année (nombre entier)"),
    (broken("actions.1.effects.0.share", 120), "actions[1].effects[0].share",
     "hors de l'intervalle"),
    (broken("actions.1.effects.0.communes", []), "actions[1].effects[0].communes",
     "liste non vide"),
    (broken("actions.1.effects.0.communes", ["29016", 29019]),
     "actions[1].effects[0].communes[1]", "code de commune"),
    (broken("actions.0.effects.0.assumption", delete=True),
     "actions[0].effects[0].assumption", "champ obligatoire absent"),
    (broken("actions.0.effects.0.commune", delete=True), "actions[0].effects[0].commune",
     "une commune ou des coordonnées"),
    (broken("actions.0.effects.0.lat", 48.2), "actions[0].effects[0].lon",
     "vont ensemble"),
    (broken("actions.0.effects.0.colour", "bleu"), "actions[0].effects[0].colour",
     "champ inconnu"),
    (broken("actions.1.effects.1.communes", ["29016"]), "actions[1].effects[1].epci",
     "pas les deux"),
    (broken("actions.1.effects.2.mode", "percent"), "actions[1].effects[2].mode",
     "mode inconnu"),
    (broken("actions.1.effects.3.commune", delete=True), "actions[1].effects[3].place",
     "identifiant du lieu"),
    (broken("actions.0.title", ""), "actions[0].title", "texte non vide"),
    (broken("actions.0", "fs"), "actions[0]", "un objet JSON est attendu"),
    (broken("horizon", 30), "horizon", "année 30 invalide"),
    (broken("territory", delete=True), "territory", "champ obligatoire absent"),
    (broken("actions", {}), "actions", "une liste d'actions"),
    (broken("extra", 1), "extra", "champ inconnu"),
])
def test_every_bad_value_is_refused_with_its_json_path(data, path, words):
    with pytest.raises(PlanError) as caught:
        read_plan(data)
    assert caught.value.path == path
    assert words in caught.value.message
    assert str(caught.value).startswith(f"{path} : ")


def _json_blocks(text: str) -> list[str]:
    return re.findall(r"```json\n(.*?)\n```", text, flags=re.S)


def test_the_docs_schema_is_the_schema_file():
    blocks = _json_blocks(DOCS.read_text(encoding="utf-8"))
    assert json.loads(blocks[-1]) == schema()


def test_the_docs_examples_and_this_plan_fit_the_schema():
    import jsonschema

    validator = jsonschema.Draft202012Validator(schema())
    validator.check_schema(schema())
    examples = [json.loads(b) for b in _json_blocks(DOCS.read_text(encoding="utf-8"))[:-1]]
    assert examples
    for example in [*examples, GOOD]:
        validator.validate(example)
        read_plan(example)
    for bad in (broken("actions.1.effects.0.type", "wormhole"),
                broken("actions.0.effects.0.assumption", delete=True),
                broken("actions.1.effects.0.share", 120)):
        assert not validator.is_valid(bad)


def test_importing_pathways_stays_light():
    code = ("import sys, trajectoires.pathways\n"
            "print(','.join(m for m in ('fastapi', 'sqlalchemy', 'matplotlib', 'starlette') "
            "if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True)
    assert out.stdout.strip() == ""
