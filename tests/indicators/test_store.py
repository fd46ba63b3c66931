"""The store on SQLite and PostgreSQL: atomic replacement, no-op re-import, reads, comparison."""

import pytest
import sqlalchemy
from sqlalchemy import func, select

from tests.indicators import real_file, write
from trajectoires.indicators import FormatError
from trajectoires.indicators.models import Dataset, IndicatorValue, Place
from trajectoires.indicators.store import (
    commune_values,
    compare_with_parents,
    import_file,
    list_datasets,
    missing_datasets,
    places,
)

FS_HEADER = "id_fs,lib_fs,insee_com,latitude,longitude,type_fs,format_fs\n"
FS_ROWS = (
    "1,FS Quimper,29232,47.99,-4.10,Principal,Fixe\n"
    "2,FS Brest,29019,48.39,-4.49,Principal,Fixe\n"
    "3,FS Paris 1,75101,48.86,2.34,Principal,Fixe\n"
)


def _count(session, model):
    return session.scalar(select(func.count()).select_from(model))


def test_import_then_identical_reimport_is_a_no_op(tmp_path, database, fixture_reference):
    path = write(tmp_path, "liste-fs-20240801.csv", FS_HEADER + FS_ROWS)
    with database.session() as session:
        report = import_file(session, "france-services", path, fixture_reference)
    assert (report.read, report.matched, report.folded, report.unchanged) == (3, 3, 1, False)
    with database.session() as session:
        first = session.scalars(select(Dataset)).one()
        again = import_file(session, "france-services", path, fixture_reference)
        assert again.unchanged
        assert again.matched == 3
        assert session.scalars(select(Dataset)).one().imported_at == first.imported_at
        assert _count(session, Place) == 3
        assert _count(session, IndicatorValue) == 3


def test_refused_file_keeps_previous_rows(tmp_path, database, fixture_reference):
    good = write(tmp_path, "liste-fs-20240801.csv", FS_HEADER + FS_ROWS)
    bad = write(tmp_path, "liste-fs-20250101.csv", FS_HEADER + FS_ROWS + "4,X,ABCDE,0,0,P,F\n")
    with database.session() as session:
        import_file(session, "france-services", good, fixture_reference)
    with pytest.raises(FormatError), database.session() as session:
        import_file(session, "france-services", bad, fixture_reference)
    with database.session() as session:
        assert session.scalars(select(Dataset.file_name)).all() == ["liste-fs-20240801.csv"]
        assert _count(session, Place) == 3


def test_new_file_replaces_the_dataset(tmp_path, database, fixture_reference):
    old = write(tmp_path, "liste-fs-20240801.csv", FS_HEADER + FS_ROWS)
    new = write(tmp_path, "liste-fs-20250101.csv", FS_HEADER + FS_ROWS.splitlines(True)[0])
    with database.session() as session:
        import_file(session, "france-services", old, fixture_reference)
    with database.session() as session:
        import_file(session, "france-services", new, fixture_reference)
    with database.session() as session:
        datasets = list_datasets(session)
        assert datasets[["name", "period", "communes"]].values.tolist() == [
            ["france-services", "2025-01-01", 1]
        ]
        assert _count(session, Place) == 1
        assert _count(session, IndicatorValue) == 1
        assert "france-services" not in [m[0] for m in missing_datasets(session)]


def test_an_undated_list_never_hides_a_dated_one(tmp_path, database, fixture_reference):
    # "non daté" sorts after "2024-08-01" as a string: it used to win as the latest period
    dated = write(tmp_path, "liste-fs-20240801.csv", FS_HEADER + FS_ROWS)
    undated = write(tmp_path, "liste-fs.csv", FS_HEADER + FS_ROWS.splitlines(True)[0])
    with database.session() as session:
        import_file(session, "france-services", undated, fixture_reference, name="sans-date")
        wide = commune_values(session, ["france_services_sites"])
        assert wide.attrs["periods"] == {"france_services_sites": "non daté"}  # alone: shown
        import_file(session, "france-services", dated, fixture_reference, name="fs-2024")
    with database.session() as session:
        wide = commune_values(session, ["france_services_sites"])
    assert wide.attrs["periods"] == {"france_services_sites": "2024-08-01"}
    assert wide["france_services_sites"].to_dict() == {"29019": 1.0, "29232": 1.0, "75056": 1.0}


def test_reads_and_comparison(tmp_path, database, fixture_reference):
    beta = write(tmp_path, "commune-debit-beta.csv",
                 "Version beta\ncode_insee;nbr;type;inel_hd;elig_hd05;elig_hd3;elig_hd8;"
                 "elig_thd30;elig_thd100;elig_thd1g;date\n"
                 "29232;100;logloc;0;0;0;50;50;0;0;2019-09-30\n"
                 "29019;300;logloc;0;0;0;50;0;0;250;2019-09-30\n")
    fs = write(tmp_path, "liste-fs-20240801.csv", FS_HEADER + FS_ROWS)
    with database.session() as session:
        import_file(session, "arcep-debit", beta, fixture_reference)
        import_file(session, "france-services", fs, fixture_reference)
    with database.session() as session:
        wide = commune_values(session, ["arcep_taux_thd30", "france_services_sites"])
        assert wide.loc["29019", "arcep_taux_thd30"] == pytest.approx(250 / 3)
        assert wide.loc["75056", "france_services_sites"] == 1
        assert wide.attrs["periods"] == {"arcep_taux_thd30": "2019-09-30",
                                         "france_services_sites": "2024-08-01"}
        table = places(session, "france-services")
        assert table["commune_code"].tolist() == ["29232", "29019", "75056"]
        assert table["attributes"][0]["type_fs"] == "Principal"
        quimper = fixture_reference.resolve("29232")
        compared = compare_with_parents(session, fixture_reference, quimper,
                                        ["arcep_taux_thd30", "france_services_sites"])
    assert compared["kind"].tolist() == ["commune", "epci", "departement", "region", "pays"]
    by_code = compared.set_index("code")
    assert by_code.loc["29232", "arcep_taux_thd30"] == 50.0
    assert by_code.loc["29", "arcep_taux_thd30"] == 75.0  # (50 + 250) / (100 + 300)
    assert by_code.loc["FR", "france_services_sites"] == 3


def test_real_arcep_file_bulk_import(database, territory_reference):
    path = real_file("arcep/commune-debit-beta.csv")
    with database.session() as session:
        report = import_file(session, "arcep-debit", path, territory_reference)
    with database.session() as session:
        stored = _count(session, IndicatorValue)
        assert stored == report.values
        assert stored == 5 * session.scalar(select(Dataset.communes))
        wide = commune_values(session, ["arcep_taux_thd30"])
        assert wide.loc["67017", "arcep_taux_thd30"] == pytest.approx(100 * 138 / 148)
        france = compare_with_parents(session, territory_reference, territory_reference.france,
                                      ["arcep_locaux"])
    assert 42_000_000 < france.loc[0, "arcep_locaux"] <= 42_270_879


def test_real_france_services_places(database, territory_reference):
    path = real_file("france_services/liste-fs-20240801.csv")
    with database.session() as session:
        import_file(session, "france-services", path, territory_reference)
    with database.session() as session:
        table = places(session, "france-services")
        assert len(table) == 2843
        paris = compare_with_parents(session, territory_reference,
                                     territory_reference.resolve("75"), ["france_services_sites"])
    assert paris.loc[0, "france_services_sites"] == table["commune_code"].eq("75056").sum()


def test_values_are_unique_per_dataset(database):
    with database.engine.begin() as conn:
        conn.execute(sqlalchemy.text(
            "insert into dataset (name, kind, file_name, sha256, period, licence, source_url, "
            "imported_at, rows_read, rows_matched, rows_folded, rows_rejected, communes, report) "
            "values ('d', 'libraries', 'f', 'x', '2019', 'LO', 'u', CURRENT_TIMESTAMP, 0, 0, 0, "
            "0, 0, '{}')"))
    row = {"dataset_id": 1, "unit_kind": "commune", "unit_code": "29232",
           "indicator": "bibliotheques", "period": "2019", "value": 1.0}
    with pytest.raises(sqlalchemy.exc.IntegrityError), database.session() as session:
        session.execute(sqlalchemy.insert(IndicatorValue), [row, row])


def test_the_loading_command_is_typeable_and_the_file_page_stands_beside_it():
    """The command alone (was « … FICHIER  (fichier : https://…) », not typeable as quoted)."""
    from trajectoires.indicators.catalogue import DATASETS
    from trajectoires.indicators.store import loading_command, loading_hint, loading_page

    page = DATASETS["arcep-mobile"].page_url
    command = loading_command("arcep-mobile")
    assert command.endswith(" data import arcep-mobile FICHIER"), command
    assert "(" not in command and "http" not in command
    assert loading_page("arcep-mobile") == page
    assert loading_hint("arcep-mobile") == f"« {command} » (fichier : {page})"
    fetched = loading_command("libraries")
    assert fetched.endswith(" data fetch libraries --import") and loading_page("libraries") is None
    assert loading_hint("libraries") == f"« {fetched} »"
