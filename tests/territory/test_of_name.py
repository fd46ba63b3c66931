"""Names with their article: ``Unit.of_name`` (« du Finistère ») and ``Unit.full_name``."""

import pytest

from trajectoires.territory import Unit, UnitKind, unit_dict
from trajectoires.territory._cache import FORMAT_VERSION


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("dep:29", "du Finistère"),  # TNCC 2
        ("dep:01", "de l'Ain"),  # 5
        ("dep:35", "d'Ille-et-Vilaine"),  # 1
        ("dep:13", "des Bouches-du-Rhône"),  # 4
        ("dep:93", "de la Seine-Saint-Denis"),  # 3
        ("dep:49", "de Maine-et-Loire"),  # 0
        ("dep:974", "de La Réunion"),  # 0: the article is part of the name
        ("reg:53", "de Bretagne"),
        ("reg:32", "des Hauts-de-France"),
        ("reg:84", "d'Auvergne-Rhône-Alpes"),
        ("reg:11", "d'Île-de-France"),
        ("reg:52", "des Pays de la Loire"),
        ("com:29232", "de Quimper"),
        ("com:2A004", "d'Ajaccio"),
        ("pays:FR", "de France"),
        ("epci:242900314", "de Brest Métropole"),
        ("epci:200046977", "de la Métropole de Lyon"),
        ("epci:200068120", "de la Communauté d'agglomération Quimper Bretagne Occidentale"),
    ],
)
def test_of_name_on_the_fixture(fixture_reference, query, expected):
    assert fixture_reference.resolve(query).of_name == expected


def test_folded_units_keep_their_tncc(fixture_reference):
    assert fixture_reference.resolve("75101").of_name == "de Paris"
    assert fixture_reference.resolve("49069").of_name == "d'Orée d'Anjou"


@pytest.mark.parametrize(
    ("name", "tncc", "full", "of"),
    [
        ("Havre", 2, "Le Havre", "du Havre"),
        ("Le Havre", 2, "Le Havre", "du Havre"),  # the reference's full name
        ("L'Île-d'Yeu", 5, "L'Île-d'Yeu", "de l'Île-d'Yeu"),
        ("Rochelle", 3, "La Rochelle", "de la Rochelle"),
        ("Mureaux", 4, "Les Mureaux", "des Mureaux"),
        ("Île-d'Yeu", 5, "L'Île-d'Yeu", "de l'Île-d'Yeu"),
        ("Marais", 6, "Aux Marais", "des Marais"),
        ("Masos", 8, "Los Masos", "de los Masos"),
        ("Quimper", 0, "Quimper", "de Quimper"),
        ("Ajaccio", 1, "Ajaccio", "d'Ajaccio"),
    ],
)
def test_every_tncc(name, tncc, full, of):
    unit = Unit(UnitKind.COMMUNE, "00000", name, tncc=tncc)
    assert (unit.full_name, unit.of_name) == (full, of)


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("Communauté de communes du Pays Fouesnantais",
         "de la Communauté de communes du Pays Fouesnantais"),
        ("Métropole du Grand Paris", "de la Métropole du Grand Paris"),
        ("Eurométropole de Strasbourg", "de l'Eurométropole de Strasbourg"),
        ("Agglomération du Grand Longwy", "de l'Agglomération du Grand Longwy"),
        ("Ardenne Métropole", "d'Ardenne Métropole"),
        ("Haut-Léon Communauté", "de Haut-Léon Communauté"),  # no elision before h
        ("Nantes Métropole", "de Nantes Métropole"),
    ],
)
def test_epci_rule(name, expected):
    assert Unit(UnitKind.EPCI, "200000000", name).of_name == expected


def test_departement_names_are_not_given_an_article():
    finistere = Unit(UnitKind.DEPARTEMENT, "29", "Finistère", tncc=2)
    assert finistere.full_name == "Finistère"
    assert unit_dict(finistere)["of_name"] == "du Finistère"


def test_cache_format_carries_tncc(fixture_reference):
    # format 3 added the tncc column, 4 the articles: older caches are not read, a new one is built
    assert FORMAT_VERSION >= 4
    assert f"-f{FORMAT_VERSION}-" in fixture_reference.folder.name
    assert fixture_reference.manifest["format_version"] == FORMAT_VERSION


def test_real_reference_articles(territory_reference):
    ref = territory_reference
    havre = ref.resolve("76351")
    assert (havre.name, havre.full_name, havre.of_name) == ("Le Havre", "Le Havre", "du Havre")
    assert ref.resolve("Havre").code == "76351"  # the bare name still finds it
    assert ref.resolve("dep:85").of_name == "de la Vendée"
    counts = {}
    for unit in ref.units("commune"):
        counts[unit.tncc] = counts.get(unit.tncc, 0) + 1
    assert counts == {0: 28624, 1: 4028, 2: 755, 3: 1054, 4: 331, 5: 81, 6: 1, 8: 1}
    assert all(unit.tncc is not None for kind in ("departement", "region")
               for unit in ref.units(kind))
    assert ref.resolve("dep:90").of_name == "du Territoire de Belfort"
    assert ref.resolve("reg:93").of_name == "de Provence-Alpes-Côte d'Azur"
    epci = [unit.of_name for unit in ref.units("epci")]
    assert sum(name.startswith("de la ") for name in epci) == 1253 - 25
