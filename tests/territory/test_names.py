import pytest

from trajectoires.territory import UnitKind
from trajectoires.territory._names import normalize, parse_query


@pytest.mark.parametrize(
    ("raw", "key"),
    [
        ("Quimper", "quimper"),
        ("QUIMPER", "quimper"),
        ("Finistère", "finistere"),
        ("Saint-Pol-de-Léon", "saint pol de leon"),
        ("st pol de leon", "saint pol de leon"),
        ("L'Haÿ-les-Roses", "l hay les roses"),
        ("Provence-Alpes-Côte d'Azur", "provence alpes cote d azur"),
        ("  Île   de  Sein ", "ile de sein"),
    ],
)
def test_normalize_ignores_accents_case_and_punctuation(raw, key):
    assert normalize(raw) == key


@pytest.mark.parametrize(
    ("raw", "kind", "text", "departement"),
    [
        ("dep:29", UnitKind.DEPARTEMENT, "29", None),
        ("reg:53", UnitKind.REGION, "53", None),
        ("région 53", UnitKind.REGION, "53", None),
        ("Region Bretagne", UnitKind.REGION, "Bretagne", None),
        ("epci:200068120", UnitKind.EPCI, "200068120", None),
        ("com:2a004", UnitKind.COMMUNE, "2A004", None),
        ("Sainte-Marie (974)", None, "Sainte-Marie", "974"),
        ("Saint-Denis (2b)", None, "Saint-Denis", "2B"),
        ("fr", None, "FR", None),
        ("Pays de Lorient", None, "Pays de Lorient", None),
    ],
)
def test_parse_query(raw, kind, text, departement):
    query = parse_query(raw)
    assert (query.kind, query.text, query.departement) == (kind, text, departement)


def test_unknown_kind_word_is_an_error():
    with pytest.raises(ValueError, match="type de territoire inconnu"):
        UnitKind.parse("canton")
