"""The latest imported legal populations feed the territory and every diagnosis figure."""

from __future__ import annotations

import numpy as np
import pytest
from typer.testing import CliRunner

from tests.conftest import SHARED_DATA
from tests.diagnosis.test_diagnose_cli import cli
from tests.diagnosis.workspace import workspace
from tests.indicators import write
from trajectoires.diagnosis import diagnose
from trajectoires.indicators.populations import current_reference, legal_populations
from trajectoires.indicators.store import import_file, indicator_values
from trajectoires.territory import POPULATION_VINTAGE, summarize

pytestmark = pytest.mark.db
runner = CliRunner()
POPULATIONS = SHARED_DATA / "fr" / "cog" / "populations_legales_par_cog_2015_2024.csv"
VINTAGE_2021 = "populations légales 2021 (recensement)"
# Quimper and Brest, COG 2021 (census 2019) then COG 2023 (census 2021); Drain (49069)
# merged into Orée-d'Anjou (49126)
SMALL = ("cog,code_commune,libelle,population\n"
         "2021,29232,Quimper,63283\n2021,29019,Brest,139926\n2021,49069,Drain,2000\n"
         "2021,49126,Orée-d'Anjou,14000\n"
         "2023,29232,Quimper,63553\n2023,29019,Brest,139619\n2023,49069,Drain,2100\n"
         "2023,49126,Orée-d'Anjou,14200\n")


def test_reference_populations_until_an_import(database, fixture_reference, tmp_path):
    ref = fixture_reference
    with database.session() as session:
        before = legal_populations(session, ref)
        assert (before.vintage, before.period) == (POPULATION_VINTAGE, None)
        assert current_reference(session, ref) is ref
        import_file(session, "populations", write(tmp_path, "pop.csv", SMALL), ref)
    with database.session() as session:
        found = legal_populations(session, ref)
        current = current_reference(session, ref)
    assert (found.vintage, found.period) == (VINTAGE_2021, "2021")
    assert found.values == {"29232": 63553.0, "29019": 139619.0, "49126": 16300.0}
    assert current.resolve("29019").population == 139619
    assert current.resolve("49126").population == 16300  # 14200 + Drain's 2100
    finistere = current.resolve("dep:29")
    assert finistere.population == 63553 + 139619
    assert finistere.population_missing == finistere.commune_count - 2  # never 0, never 2017
    assert current.resolve("dep:29").population != ref.resolve("dep:29").population
    assert summarize(current, finistere).as_dict()["unit"]["population_vintage"] == VINTAGE_2021
    assert summarize(ref, ref.resolve("29")).population_vintage == POPULATION_VINTAGE


def test_series_kept_and_an_older_census_never_replaces_2017(database, fixture_reference,
                                                             tmp_path):
    ref = fixture_reference
    with database.session() as session:
        import_file(session, "populations", write(tmp_path, "pop.csv", SMALL), ref)
    with database.session() as session:
        series = indicator_values(session, ["insee_pop_legale"], period="2019")
    assert dict(zip(series["commune_code"], series["value"], strict=True)) == {
        "29232": 63283.0, "29019": 139926.0, "49126": 16000.0}
    old = write(tmp_path, "old.csv", "cog,code_commune,libelle,population\n"
                "2015,29232,Quimper,60000\n")
    with database.session() as session:
        import_file(session, "populations", old, ref, name="populations-2013")
    with database.session() as session:  # the 2021 census stays the one shown
        assert legal_populations(session, ref).period == "2021"
    with database.session() as session:
        import_file(session, "populations", old, ref)  # replaces the 2021 series
    with database.session() as session:  # only 2013 left: older than the reference's 2017
        assert legal_populations(session, ref).vintage == POPULATION_VINTAGE
        assert current_reference(session, ref) is ref


def test_diagnosis_weights_and_distances_use_the_latest_census(database, fixture_reference,
                                                                tmp_path):
    ref = fixture_reference
    places = write(tmp_path, "fs.csv", "id_fs,lib_fs,insee_com,latitude,longitude,type_fs,"
                   "format_fs\n1,FS Brest,29019,48.39,-4.49,Principal,Fixe\n")
    with database.session() as session:
        import_file(session, "france-services", places, ref)
        import_file(session, "populations", write(tmp_path, "pop.csv", SMALL), ref)
    with database.session() as session:
        result = diagnose(session, ref, ref.resolve("29"), permutations=9)
    assert result.sources["population"] == VINTAGE_2021
    assert result.unit.population == 63553 + 139619
    communes = result.communes
    assert communes.loc["29019", "population"] == 139619
    access = result.access[0]
    far = communes["dist_france-services"] > result.beyond_km
    assert access.population_beyond == communes.loc[far, "population"].fillna(0).sum()
    assert access.population_beyond == 63553  # Quimper is 60 km from Brest; the rest unknown


@pytest.fixture(scope="module")
def with_populations(territory_reference, tmp_path_factory):
    """The real shared files and the real legal populations, imported (skips when absent)."""
    from tests.diagnosis.workspace import require_shared_data

    require_shared_data()
    if not POPULATIONS.is_file():
        pytest.skip(f"real data file absent (present in CI): {POPULATIONS}")
    with workspace(tmp_path_factory.mktemp("diag-populations"), territory_reference,
                   load=True) as ws:
        with ws.database.session() as session:
            import_file(session, "populations", POPULATIONS, territory_reference)
        yield ws


def test_finistere_on_the_2021_census(with_populations, territory_reference):
    ref = territory_reference
    with with_populations.database.session() as session:
        result = diagnose(session, ref, ref.resolve("29"), permutations=99,
                          cache_dir=with_populations.path / "analysis")
    assert result.sources["population"] == VINTAGE_2021
    table = result.communes
    assert table.loc["29019", "population"] == 139619  # Brest, census 2021
    assert table["population"].notna().all()
    assert result.unit.population == int(table["population"].sum())
    assert result.unit.population != ref.resolve("29").population  # not the 2017 figure
    assert result.national_population["29019"] == 139619  # weights of the comparisons
    for item in result.access:
        far = table[f"dist_{item.kind}"] > result.beyond_km
        assert np.isclose(item.population_beyond, table.loc[far, "population"].sum())


def test_cli_show_and_diagnose_print_the_census(with_populations, tmp_path):
    env = with_populations.env
    args = ["--workspace", str(with_populations.path)]
    shown = runner.invoke(cli(), ["territory", "show", "29019", *args], env=env)
    if shown.exit_code == 2 and "No such command" in shown.output:
        pytest.skip("territory group not mounted on the local app")
    assert shown.exit_code == 0, shown.output
    assert VINTAGE_2021 in " ".join(shown.output.split())
    assert "139\u202f619" in shown.output
    svg = tmp_path / "population.svg"
    drawn = runner.invoke(cli(), ["territory", "map", "29", "-i", "population", "-o", str(svg),
                                  *args], env=env)
    assert drawn.exit_code == 0, drawn.output
    assert VINTAGE_2021 in svg.read_text(encoding="utf-8")
    report = tmp_path / "rapport"
    done = runner.invoke(cli(), ["diagnose", "29", "--output", str(report), *args], env=env)
    assert done.exit_code == 0, done.output
    html = (report / "diagnostic.html").read_text(encoding="utf-8")
    assert VINTAGE_2021 in html
