"""Fast unit tests on the built-in fixture (about thirty real communes)."""

import json
import math
import subprocess
import sys

import numpy as np
import pytest

from trajectoires.territory import (
    FIXTURE_DIR,
    POPULATION_VINTAGE,
    AmbiguousTerritory,
    SourceError,
    TerritoryNotFound,
    UnitKind,
    load_reference,
)
from trajectoires.territory._cache import cache_dir


def test_cold_build_writes_a_complete_cache_atomically(tmp_path):
    calls = []
    ref = load_reference(tmp_path, data_dir=FIXTURE_DIR, progress=lambda m, f: calls.append(f))
    folder = cache_dir(tmp_path, FIXTURE_DIR)
    assert ref.folder == folder
    names = sorted(p.name for p in folder.iterdir())
    assert names == [
        "aliases.parquet",
        "communes.parquet",
        "geometry.parquet",
        "manifest.json",
        "units.parquet",
    ]
    # no temporary folder left behind
    assert [p.name for p in folder.parent.iterdir()] == [folder.name]
    manifest = json.loads((folder / "manifest.json").read_text())
    assert manifest["population_vintage"] == POPULATION_VINTAGE
    assert calls[0] == 0.0
    assert calls == sorted(calls)


def test_warm_load_reuses_the_cache(tmp_path):
    load_reference(tmp_path, data_dir=FIXTURE_DIR)
    folder = cache_dir(tmp_path, FIXTURE_DIR)
    built_at = json.loads((folder / "manifest.json").read_text())["built_at"]
    (folder / "marker").write_text("kept")
    ref = load_reference(tmp_path, data_dir=FIXTURE_DIR)
    assert (folder / "marker").exists()
    assert ref.manifest["built_at"] == built_at


def test_incomplete_cache_is_rebuilt(tmp_path):
    load_reference(tmp_path, data_dir=FIXTURE_DIR)
    folder = cache_dir(tmp_path, FIXTURE_DIR)
    (folder / "manifest.json").unlink()
    (folder / "communes.parquet").write_bytes(b"garbage")
    ref = load_reference(tmp_path, data_dir=FIXTURE_DIR)
    assert ref.resolve("29232").name == "Quimper"
    assert (folder / "manifest.json").is_file()


def test_missing_data_dir_is_a_clear_error(tmp_path):
    with pytest.raises(SourceError, match=r"communes\.csv\.lzma"):
        load_reference(tmp_path, data_dir=tmp_path / "nowhere")


def test_warm_load_does_not_import_pandas_or_shapely(fixture_reference):
    workspace = fixture_reference.folder.parents[1]
    code = (
        "import sys\nfrom pathlib import Path\n"
        "from trajectoires.territory import load_reference, FIXTURE_DIR\n"
        f"ref = load_reference(Path({str(workspace)!r}), data_dir=FIXTURE_DIR)\n"
        "ref.resolve('quimper'); ref.search('quim')\n"
        "print([m for m in ('pandas', 'shapely', 'pyproj', 'fastapi') if m in sys.modules])"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_commune_codes_are_five_character_strings(fixture_reference):
    corsica = fixture_reference.resolve("2a004")
    assert (corsica.code, corsica.name, corsica.departement_code) == ("2A004", "Ajaccio", "2A")
    assert fixture_reference.resolve("01039").code == "01138"  # commune déléguée folds


def test_arrondissements_fold_into_their_commune(fixture_reference):
    for arrondissement, commune in (("75101", "75056"), ("69381", "69123"), ("13201", "13055")):
        unit = fixture_reference.resolve(arrondissement)
        assert unit.code == commune
        assert arrondissement in unit.note
        assert "arrondissement municipal" in unit.note


def test_missing_population_is_none_not_zero(fixture_reference):
    mamoudzou = fixture_reference.resolve("97611")
    assert mamoudzou.population is None
    assert mamoudzou.population_missing == 1
    mayotte = fixture_reference.get("departement", "976")
    assert mayotte.population is None
    assert mayotte.population_missing == mayotte.commune_count
    oise = fixture_reference.get("departement", "60")  # only Hauts-Talican in the fixture
    assert oise.population is None
    france = fixture_reference.france
    table = fixture_reference.communes_of(france)
    assert france.population == int(table["population"].sum(skipna=True))
    assert france.population_missing == int(table["population"].isna().sum()) == 2


def test_missing_geometry(fixture_reference):
    oree = fixture_reference.resolve("49126")
    assert oree.area_km2 is None and oree.density is None and oree.area_missing == 1
    assert fixture_reference.commune_geometries(["49126"])[0] is None
    anjou = fixture_reference.get("departement", "49")
    assert anjou.area_missing == 1


def test_geometries_in_each_crs(fixture_reference):
    codes = ["29232", "97411"]
    lambert = fixture_reference.commune_geometries(codes)
    wgs84 = fixture_reference.commune_geometries(codes, crs="EPSG:4326")
    local = fixture_reference.commune_geometries(codes, crs="local")
    assert 100_000 < lambert[0].centroid.x < 1_300_000  # Lambert-93 metres
    assert -5 < wgs84[0].centroid.x < -4  # degrees
    assert local[0].equals_exact(lambert[0], 1e-6)  # Lambert-93 in metropolitan France
    # Saint-Denis (La Réunion): the local UTM area is the true one (≈ 143 km²)
    assert local[1].area / 1e6 == pytest.approx(fixture_reference.resolve("97411").area_km2)
    assert lambert[1].area > 2 * local[1].area
    with pytest.raises(TerritoryNotFound):
        fixture_reference.commune_geometries(["00000"])


def test_communes_of_columns_and_density(fixture_reference):
    table = fixture_reference.communes_of(fixture_reference.resolve("29"))
    assert table.index.name == "code"
    assert list(table.columns) == [
        "name",
        "population",
        "area_km2",
        "density",
        "epci_code",
        "departement_code",
        "region_code",
        "metropolitan",
    ]
    quimper = table.loc["29232"]
    assert quimper["density"] == pytest.approx(quimper["population"] / quimper["area_km2"])
    assert (table["departement_code"] == "29").all()


def test_hierarchy(fixture_reference):
    ref = fixture_reference
    quimper = ref.resolve("Quimper")
    assert [u.kind for u in ref.parents(quimper)] == [
        UnitKind.EPCI,
        UnitKind.DEPARTEMENT,
        UnitKind.REGION,
        UnitKind.COUNTRY,
    ]
    sein = ref.resolve("Île-de-Sein")  # no EPCI
    assert [u.ref for u in ref.parents(sein)] == ["dep:29", "reg:53", "pays:FR"]
    finistere = ref.resolve("finistere")
    assert all(c.kind is UnitKind.EPCI for c in ref.children(finistere))
    assert [u.ref for u in ref.parents(finistere)] == ["reg:53", "pays:FR"]
    bretagne = ref.get("region", "53")
    assert {u.code for u in ref.children(bretagne)} == {"29", "35"}
    assert {u.kind for u in ref.children(ref.france)} == {UnitKind.REGION}
    epci = ref.get("epci", quimper.epci_code)
    assert quimper.code in {c.code for c in ref.children(epci)}
    assert ref.children(quimper) == []


def test_aggregates_sum_the_communes(fixture_reference):
    ref = fixture_reference
    finistere = ref.resolve("29")
    table = ref.communes_of(finistere)
    assert finistere.commune_count == len(table)
    assert finistere.population == int(table["population"].sum())
    assert finistere.area_km2 == pytest.approx(table["area_km2"].sum())
    assert math.isclose(finistere.density, finistere.population / finistere.area_km2)


def test_resolution_rules(fixture_reference):
    ref = fixture_reference
    assert ref.resolve("FR").kind is UnitKind.COUNTRY
    assert ref.resolve("france").code == "FR"
    assert ref.resolve("dep:29").name == "Finistère"
    assert ref.resolve("reg:53").name == "Bretagne"
    assert ref.resolve("région Bretagne").code == "53"
    # no département 53 in the fixture: the bare code falls back to the région
    assert ref.resolve("53").kind is UnitKind.REGION
    assert ref.resolve("Sainte-Marie (974)").code == "97418"
    paris = ref.resolve("Paris")  # département and commune cover the same commune
    assert paris.kind is UnitKind.DEPARTEMENT and "com:75056" in paris.note


def test_ambiguous_and_unknown(fixture_reference):
    with pytest.raises(AmbiguousTerritory) as info:
        fixture_reference.resolve("sainte marie")
    assert {u.code for u in info.value.candidates} == {"97418", "97228", "35294"}
    assert "désigne 3 territoires" in info.value.message
    with pytest.raises(TerritoryNotFound, match="Quimper") as info:
        fixture_reference.resolve("Quimpre")
    assert "Vouliez-vous dire" in info.value.message
    with pytest.raises(TerritoryNotFound, match="« 12345 »"):
        fixture_reference.resolve("12345")
    with pytest.raises(TerritoryNotFound, match="vide"):
        fixture_reference.resolve("   ")


def test_search_ranks_exact_then_prefix_then_population(fixture_reference):
    results = fixture_reference.search("quimper")
    assert results[0].code == "29232"  # exact first
    assert {u.code for u in results} >= {"29232", "29233"}
    assert fixture_reference.search("29")[0].ref == "dep:29"
    assert fixture_reference.search("") == []
    assert len(fixture_reference.search("a", limit=3)) <= 3


def test_metropolitan_flag(fixture_reference):
    table = fixture_reference.metropolitan_communes()
    assert not table["departement_code"].str.startswith("97").any()
    assert fixture_reference.resolve("97411").metropolitan is False
    assert fixture_reference.get("region", "53").metropolitan is True
    assert np.all(table["metropolitan"])
