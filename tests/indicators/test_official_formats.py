"""Official formats whose real files are not in ../shared/data/fr, on small files in that format.

The INSEE dossier complet / comparateur, Filosofi, the current ARCEP "Ma connexion
internet" files and the ARCEP FttH deployment file are not in the shared data: these
files reproduce their documented layout (FORMATS.md §3.1, §3.3).
"""

import zipfile

import openpyxl
import pytest

from tests.indicators import write
from trajectoires.indicators import FormatError, parse_file
from trajectoires.indicators.formats._insee import DUPLICATE_ARRONDISSEMENT

DOSSIER = (
    "CODGEO;P16_POP;P21_POP;P21_POP65P;P21_NSCOL15P;P21_NSCOL15P_DIPLMIN;P21_NSCOL15P_BEPC;"
    "P21_NSCOL15P_CAPBEP;C21_MEN;C21_MENPSEUL;C21_MENFAMMONO;P21_ACT1564;P21_CHOM1564;MED21\n"
    "29232;60000;63000.5;15750.125;48000;7200;2400;9600;31000;12400;3100;29000;3190;21000\n"
    "29019;140000;139000;27800;100000;s;s;s;70000;35000;7000;62000;8680;20000\n"
    "75056;2200000;2100000;420000;1700000;170000;51000;136000;1100000;560000;88000;1400000;"
    "140000;30000\n"
    "75101;17000;16000;3000;12000;1000;300;900;9000;5000;500;10000;800;35000\n"
)


def _values(parsed):
    return parsed.values.set_index(["commune_code", "indicator"])["value"]


def test_dossier_complet(tmp_path, fixture_matcher):
    parsed = parse_file("insee-census", write(tmp_path, "dossier_complet.csv", DOSSIER),
                        fixture_matcher)
    values = _values(parsed)
    assert parsed.period == "2021"  # P21_ wins over P16_
    assert set(parsed.values["period"]) == {"2021"}
    assert values["29232", "insee_pop"] == 63000.5
    assert values["29232", "insee_part_65p"] == pytest.approx(25.0)
    assert values["29232", "insee_part_peu_diplomes"] == pytest.approx(40.0)  # 19,200/48,000
    assert values["29232", "insee_part_sans_diplome"] == pytest.approx(15.0)
    assert values["29232", "insee_part_men_seul"] == pytest.approx(40.0)
    assert values["29232", "insee_part_men_fammono"] == pytest.approx(10.0)
    assert values["29232", "insee_taux_chomage"] == pytest.approx(11.0)
    assert ("29019", "insee_part_peu_diplomes") not in values.index  # secret « s »
    assert values["75056", "insee_pop"] == 2100000  # 75101 not added to Paris
    assert parsed.report.reject_reasons[DUPLICATE_ARRONDISSEMENT] == 1


def test_comparateur_zip_with_decimal_comma(tmp_path, fixture_matcher):
    text = "CODGEO;P22_POP;P22_CHOM1564;P22_ACT1564;TP6021\n29232;63000,5;3190;29000;14,2\n"
    archive = tmp_path / "base_cc_comparateur_csv.zip"
    with zipfile.ZipFile(archive, "w") as zipped:
        zipped.writestr("base_cc_comparateur.csv", text)
    parsed = parse_file("insee-census", archive, fixture_matcher)
    values = _values(parsed)
    assert parsed.period == "2022"
    assert values["29232", "insee_taux_chomage"] == pytest.approx(11.0)
    poverty = parse_file("insee-poverty", archive, fixture_matcher)
    assert _values(poverty)["29232", "insee_taux_pauvrete"] == pytest.approx(14.2)
    assert poverty.period == "2021"


def test_census_without_known_variable_is_refused(tmp_path, fixture_matcher):
    path = write(tmp_path, "x.csv", "CODGEO;FOO\n29232;1\n")
    with pytest.raises(FormatError, match="aucune variable du recensement"):
        parse_file("insee-census", path, fixture_matcher)


def test_filosofi_secret_and_arrondissements(tmp_path, fixture_matcher):
    path = write(tmp_path, "FILO2021_DISP_PAUVRES_COM.csv",
                 "CODGEO;TP6021;TP60AGE121\n29232;14,2;20,1\n29019;;\n75056;15,0;s\n75101;9;s\n")
    parsed = parse_file("insee-poverty", path, fixture_matcher)
    assert _values(parsed).to_dict() == {("29232", "insee_taux_pauvrete"): 14.2,
                                         ("75056", "insee_taux_pauvrete"): 15.0}
    assert parsed.report.rejected == 2  # one secret, one arrondissement duplicate
    with pytest.raises(FormatError, match="taux en %"):
        parse_file("insee-poverty", write(tmp_path, "f.csv", "CODGEO;TP6021\n29232;140\n"),
                   fixture_matcher)


CURRENT = ("code_insee;nom_com;code_dep;code_reg;nbr;type;inel_hd;elig_hd3;elig_bhd8;elig_thd30;"
           "elig_thd100;elig_thd1g;date\n")


@pytest.mark.parametrize(("name", "suffix"), [
    ("commune_debit_filaire.csv", ""),
    ("commune_debit_terrestre.csv", "_terrestre"),
    ("commune_debit.csv", "_avec_satellite"),
])
def test_current_cumulative_files(tmp_path, fixture_matcher, name, suffix):
    path = write(tmp_path, name, CURRENT
                 + "29232;Quimper;29;53;1000;all;10;990;950;800;700;600;2025-12-31\n"
                 + "29232;Quimper;29;53;600;log;0;600;600;500;400;300;2025-12-31\n")
    parsed = parse_file("arcep-debit", path, fixture_matcher)
    values = _values(parsed)
    assert values["29232", f"arcep_taux_thd30{suffix}"] == 80.0  # cumulative: thd30 alone
    assert values["29232", f"arcep_taux_thd100{suffix}"] == 70.0
    assert parsed.report.rejected == 1  # the « log » row is already in « all »
    assert parsed.period == "2025-12-31"


def test_best_technology_file(tmp_path, fixture_matcher):
    path = write(tmp_path, "commune_meilleure_techno_thd.csv",
                 "code_insee;nom_com;nbr;type;elig_ftth;elig_coax;elig_cu_30;elig_thdr;elig_cu_8;"
                 "elig_4gf;elig_hdr;elig_sat;date\n"
                 "29232;Quimper;1000;all;700;100;50;10;40;20;30;50;2025-12-31\n")
    values = _values(parse_file("arcep-debit", path, fixture_matcher))
    assert values["29232", "arcep_part_mt_ftth"] == 70.0
    assert values["29232", "arcep_part_mt_sat"] == 5.0


FTTH_ROWS = [
    ["Code commune", "Nom commune", "Code département", "Siren EPCI", "Logements",
     "Meilleure estimation des locaux T4 2025", "T4 2017", "T4 2025"],
    ["29232", "Quimper", "29", "200068120", "35000", "40000", "4000", "36000"],
    ["75101", "Paris 1er", "75", "200054781", "10000", "12000", "11000", "12000"],
    ["29019", "Brest", "29", "242900314", "80000", "90000", "", "81000"],
]


def test_ftth_csv_export(tmp_path, fixture_matcher):
    lines = ["Observatoire", "Déploiements FttH", "Source : ARCEP", ""]
    lines += [";".join(r).replace("40000", "40\u00a0000") for r in FTTH_ROWS]
    path = write(tmp_path, "ftth.csv", "\n".join(lines) + "\n", encoding="cp1252")
    parsed = parse_file("arcep-ftth", path, fixture_matcher)
    series = parsed.values[parsed.values.indicator == "ftth_taux"].set_index(
        ["commune_code", "period"])["value"]
    assert series["29232", "2017-T4"] == 10.0
    assert series["29232", "2025-T4"] == 90.0
    assert series["75056", "2025-T4"] == 100.0  # arrondissement folded
    assert ("29019", "2017-T4") not in series.index
    assert parsed.period == "2025-T4"


def test_ftth_xlsx(tmp_path, fixture_matcher):
    book = openpyxl.Workbook()
    book.active.title = "Départements"
    sheet = book.create_sheet("Communes")
    sheet.append(["Observatoire du haut et très haut débit"])
    sheet.append([])
    for row in FTTH_ROWS:
        sheet.append([int(c) if c.isdigit() and len(c) != 5 else c for c in row])
    path = tmp_path / "deploiements.xlsx"
    book.save(path)
    parsed = parse_file("arcep-ftth", path, fixture_matcher)
    values = parsed.values.set_index(["commune_code", "indicator", "period"])["value"]
    assert values["29232", "ftth_taux", "2025-T4"] == 90.0
    assert values["29232", "ftth_raccordables", "2017-T4"] == 4000
    sheet.cell(row=5, column=1, value="2923")
    sheet.cell(row=5, column=8, value="beaucoup")
    book.save(path)
    with pytest.raises(FormatError) as caught:
        parse_file("arcep-ftth", path, fixture_matcher)
    assert (caught.value.line, caught.value.column) == (5, "T4 2025")
    assert "feuille « Communes »" in str(caught.value)


def test_mediation_places_csv_schema_1(tmp_path, fixture_matcher):
    path = write(tmp_path, "20240301-lieux.csv",
                 "id,pivot,nom,commune,code_postal,code_insee,adresse,latitude,longitude,"
                 "services,date_maj\n"
                 'a,00000000000000,EPN,Quimper,29000,29232,1 rue,47.99,-4.10,'
                 '"Aide aux démarches administratives|Accès internet",2024-02-01\n'
                 "b,00000000000000,Tiers-lieu,Paris,75001,,2 rue,48.86,2.34,,1970-01-01\n")
    parsed = parse_file("mediation-places", path, fixture_matcher)
    assert parsed.places["commune_code"].tolist() == ["29232", "75056"]
    assert parsed.period == "2024-03-01"
    assert any("1.0.x" in note for note in parsed.report.notes)
    assert '"schema": "1.0.x' in parsed.places["attributes"][0]
