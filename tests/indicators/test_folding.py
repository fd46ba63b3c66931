"""Folding codes into current communes, and how importers re-aggregate folded rows."""

import pandas as pd
import pytest

from tests.indicators import write
from trajectoires.indicators import parse_file
from trajectoires.indicators.folding import ARRONDISSEMENT, MERGED, OLD_CODE, UNKNOWN
from trajectoires.indicators.formats._parsed import attach
from trajectoires.indicators.report import ImportReport

BETA_HEADER = (
    "Version beta : données en l'état\n"
    "code_insee;nom_com;code_dep;code_reg;nbr;type;inel_hd;elig_hd05;elig_hd3;elig_hd8;"
    "elig_thd30;elig_thd100;elig_thd1g;date\n"
)


def test_each_kind_of_code(fixture_matcher):
    codes = pd.Series(["29232", "75101", "01039", "49069", "29050", "98818", "01340", ""])
    matched = fixture_matcher.match(codes)
    assert matched["commune"].tolist() == [
        "29232", "75056", "01138", "49126", "29232", None, None, None,
    ]
    assert matched["reason"].tolist() == [
        None, ARRONDISSEMENT, OLD_CODE, MERGED, MERGED, UNKNOWN, UNKNOWN, UNKNOWN,
    ]
    assert MERGED == "ancien code (commune fusionnée) → commune nouvelle"


def test_report_counts_old_codes_as_folded(fixture_matcher):
    report = ImportReport("test", "t.csv", read=4)
    frame = pd.DataFrame({"n": [1.0, 2.0, 3.0, 4.0]})
    kept = attach(frame, pd.Series(["49126", "49069", "49040", "98818"]), fixture_matcher, report)
    assert kept["commune_code"].tolist() == ["49126", "49126", "49126"]
    assert (report.matched, report.folded, report.rejected) == (3, 2, 1)
    assert report.fold_reasons == {MERGED: 2}
    assert report.reject_reasons == {UNKNOWN: 1}


def test_arcep_counts_are_summed_and_rates_recomputed(tmp_path, fixture_matcher):
    # Orée d'Anjou (49126) and two communes merged into it in 2015 (49069, 49040)
    path = write(tmp_path, "commune-debit-beta.csv", BETA_HEADER
                 + "49126;Drain;49;52;100;logloc;20;0;0;0;0;0;80;2019-09-30\n"
                 + "49069;Ancienne commune;49;52;10;logloc;10;0;0;0;0;0;0;2019-09-30\n"
                 + "49040;Ancienne commune;49;52;40;logloc;0;0;0;10;30;0;0;2019-09-30\n"
                 + "98818;Nouméa;988;00;5;logloc;5;0;0;0;0;0;0;2019-09-30\n")
    parsed = parse_file("arcep-debit", path, fixture_matcher)
    report = parsed.report
    assert (report.read, report.matched, report.folded, report.rejected) == (4, 3, 2, 1)
    values = parsed.values.set_index(["commune_code", "indicator"])["value"]
    assert values["49126", "arcep_locaux"] == 150
    assert values["49126", "arcep_locaux_thd30"] == 110
    # Σ numerators / Σ denominators, not the mean of the three rates (80 %, 0 %, 75 %)
    assert values["49126", "arcep_taux_thd30"] == pytest.approx(100 * 110 / 150)
    assert set(parsed.values["commune_code"]) == {"49126"}


def test_places_of_old_codes_count_in_their_commune(tmp_path, fixture_matcher):
    # no coordinates: the old code alone places the library (it used to be rejected)
    path = write(tmp_path, "bibliotheques.csv",
                 "Libelle1;INSEE;coordonnees_finales;code_bib;type_adresse\n"
                 "Médiathèque;29232;47.99,-4.10;1.0;Bibliothèque ouverte au public\n"
                 "Annexe;29050;;2.0;Bibliothèque ouverte au public\n")
    parsed = parse_file("libraries", path, fixture_matcher, vintage="2019")
    assert parsed.places["commune_code"].tolist() == ["29232", "29232"]
    assert parsed.report.fold_reasons == {MERGED: 1}
    values = parsed.values.set_index(["commune_code", "indicator"])["value"]
    assert values["29232", "bibliotheques"] == 2


def test_rates_without_counts_are_averaged_with_a_note(tmp_path, fixture_matcher):
    # Data For Good derived table: shares only, no counts, no population of old codes
    path = write(tmp_path, "data_scol_menage_demandeurEmplois.csv",
                 ",CODE_INSEE,LIBCOM,DEP,TX_NSCOL15P,TX_MENSEUL,TX_FAMMONO,TX_65ETPLUS,"
                 "TX_25ETMOINS,TX_DEMANDEURS_EMPLOI\n"
                 "0,49126,Drain,49,50,20,5,20,10,\n"
                 "1,49069,Ancienne commune,49,30,40,5,30,10,\n")
    parsed = parse_file("insee-census", path, fixture_matcher)
    assert parsed.report.fold_reasons == {MERGED: 1}
    values = parsed.values.set_index("indicator")["value"]
    assert values["dfg_part_men_seul"] == 30  # simple mean of 20 and 40
    assert any("moyenne simple des taux" in note for note in parsed.report.notes)
