"""A file with a wrong column, a bad code or a broken line is refused whole, precisely."""

import json

import pytest

from tests.indicators import write
from trajectoires.indicators import FormatError, parse_file

FS_HEADER = "id_fs,lib_fs,insee_com,latitude,longitude,type_fs,format_fs\n"
BETA_HEADER = (
    "Version beta : les données sont présentées en l'état\n"
    "code_insee;nom_com;code_dep;code_reg;nbr;type;inel_hd;elig_hd05;elig_hd3;elig_hd8;"
    "elig_thd30;elig_thd100;elig_thd1g;date\n"
)


def _refused(kind, path, matcher) -> FormatError:
    with pytest.raises(FormatError) as caught:
        parse_file(kind, path, matcher)
    return caught.value


def test_wrong_column_names_the_header_line(tmp_path, fixture_matcher):
    path = write(tmp_path, "fs.csv", FS_HEADER.replace("insee_com", "code_commune")
                 + "1,FS,29232,47.9,-4.1,Principal,Fixe\n")
    error = _refused("france-services", path, fixture_matcher)
    assert error.file == "fs.csv"
    assert error.line == 1
    assert "insee_com" in error.message
    assert "colonnes lues" in error.message


def test_bad_code_names_line_and_column(tmp_path, fixture_matcher):
    path = write(tmp_path, "fs.csv", FS_HEADER + "1,FS,29232,47.9,-4.1,Principal,Fixe\n"
                 "2,FS,2923X,47.9,-4.1,Principal,Fixe\n")
    error = _refused("france-services", path, fixture_matcher)
    assert (error.line, error.column) == (3, "insee_com")
    assert "2923X" in str(error)
    assert str(error).startswith("fs.csv, ligne 3, colonne « insee_com » : code INSEE")


def test_broken_line_is_refused(tmp_path, fixture_matcher):
    path = write(tmp_path, "beta.csv", BETA_HEADER
                 + "29232;Quimper;29;53;10;logloc;0;0;0;0;5;0;5;2019-09-30\n"
                 + "29019;Brest;29;53;10;logloc;0;0;0\n")
    error = _refused("arcep-debit", path, fixture_matcher)
    assert error.line == 4
    assert "14 champs attendus" in error.message


def test_beta_classes_must_be_exclusive(tmp_path, fixture_matcher):
    path = write(tmp_path, "beta.csv", BETA_HEADER
                 + "29232;Quimper;29;53;10;logloc;0;0;0;0;5;5;5;2019-09-30\n")
    error = _refused("arcep-debit", path, fixture_matcher)
    assert (error.line, error.column) == (3, "nbr")
    assert "exclusives" in error.message


def test_not_a_number(tmp_path, fixture_matcher):
    path = write(tmp_path, "fs.csv", FS_HEADER + "1,FS,29232,quarante,-4.1,Principal,Fixe\n")
    error = _refused("france-services", path, fixture_matcher)
    assert (error.line, error.column) == (2, "latitude")
    assert "quarante" in error.message


def test_duplicate_identifier(tmp_path, fixture_matcher):
    path = write(tmp_path, "fs.csv", FS_HEADER + "1,A,29232,47.9,-4.1,Principal,Fixe\n"
                 "1,B,29019,48.3,-4.4,Principal,Fixe\n")
    error = _refused("france-services", path, fixture_matcher)
    assert (error.line, error.column) == (3, "id_fs")


def test_json_record_without_name(tmp_path, fixture_matcher):
    path = write(tmp_path, "lieux.json", json.dumps([
        {"id": "a", "nom": "EPN", "code_insee": "29232"},
        {"id": "b", "nom": " ", "code_insee": "29232"},
    ]))
    error = _refused("mediation-places", path, fixture_matcher)
    assert str(error) == (
        "lieux.json, enregistrement 2, colonne « nom » : valeur obligatoire manquante"
    )


def test_broken_json(tmp_path, fixture_matcher):
    path = write(tmp_path, "lieux.json", '[{"id": "a",\n "nom": }]')
    error = _refused("mediation-places", path, fixture_matcher)
    assert error.line == 2
    assert "JSON illisible" in error.message


def test_unknown_kind_and_missing_file(tmp_path, fixture_matcher):
    unknown = _refused("fibre", tmp_path / "x.csv", fixture_matcher)
    assert "type de fichier inconnu" in unknown.message
    assert "introuvable" in _refused("libraries", tmp_path / "x.csv", fixture_matcher).message


def test_wrong_encoding(tmp_path, fixture_matcher):
    path = tmp_path / "fs.csv"
    path.write_bytes((FS_HEADER + "1,Sén\xe9,29232,47.9,-4.1,Principal,Fixe\n").encode("latin-1"))
    assert "encodage attendu" in _refused("france-services", path, fixture_matcher).message


# -- issue #14: defects found by the load run's malformed imports ------------------------------
FS_ROW = "1,FS,29232,47.9,-4.1,Principal,Fixe\n"


def test_deeply_nested_json_is_refused_not_a_recursion_error(tmp_path, fixture_matcher):
    path = write(tmp_path, "lieux.json", "[" * 100_000 + "]" * 100_000)
    error = _refused("mediation-places", path, fixture_matcher)
    assert "trop profondément imbriqué" in error.message


def test_a_nul_character_is_refused_with_its_line(tmp_path, fixture_matcher):
    path = write(tmp_path, "fs.csv", FS_HEADER + FS_ROW + FS_ROW.replace("FS", "F\x00S"))
    error = _refused("france-services", path, fixture_matcher)
    assert (error.line, "caractère nul" in error.message) == (3, True)
    path = write(tmp_path, "lieux.json", json.dumps([
        {"id": "a", "nom": "EPN", "code_insee": "29232"},
        {"id": "b", "nom": "EPN\x00", "code_insee": "29232"}]))
    error = _refused("mediation-places", path, fixture_matcher)
    assert (error.line, "caractère nul" in error.message) == (2, True)


def test_an_encoding_error_names_its_line(tmp_path, fixture_matcher):
    path = tmp_path / "fs.csv"
    path.write_bytes((FS_HEADER + FS_ROW + FS_ROW.replace("FS", "Médiathèque")).encode("latin-1"))
    error = _refused("france-services", path, fixture_matcher)
    assert error.line == 3
    assert "utf-8" in error.message and "0xe9" in error.message


def test_a_commune_given_twice_in_arcep_debit_is_refused(tmp_path, fixture_matcher):
    row = "29232;Quimper;29;53;2501;logloc;0;0;0;34;0;0;2467;2019-09-30\n"
    other = "29019;Brest;29;53;100;logloc;0;0;0;0;0;0;100;2019-09-30\n"
    path = write(tmp_path, "debit.csv", BETA_HEADER + row + other + row)
    error = _refused("arcep-debit", path, fixture_matcher)
    assert error.line == 5
    assert "29232" in error.message and "ligne 3" in error.message


def test_a_nan_or_infinite_coordinate_is_refused_with_its_line(tmp_path, fixture_matcher):
    for value in ("NaN", "inf"):
        bad = FS_ROW.replace("1,", "2,", 1).replace("47.9", value)
        path = write(tmp_path, "fs.csv", FS_HEADER + FS_ROW + bad)
        error = _refused("france-services", path, fixture_matcher)
        assert (error.line, error.column) == (3, "latitude"), value


def test_a_header_only_or_unmatched_file_imports_nothing_without_a_traceback(
    tmp_path, fixture_matcher,
):
    """KeyError 'commune_code' once: a header alone, or rows of communes not in the reference."""
    for name, text in (("fs-vide.csv", FS_HEADER),
                       ("fs-nc.csv", FS_HEADER + FS_ROW.replace("29232", "98818"))):
        parsed = parse_file("france-services", write(tmp_path, name, text), fixture_matcher)
        assert parsed.values.empty and parsed.report.matched == 0, name
