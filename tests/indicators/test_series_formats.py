"""The files of issue 10's series: Filosofi incomes and poverty, FttH 2018, ANCT THD, 4G overseas.

Real files of ../shared/data/fr with figures measured on them (skipped when absent), and
small files written here for the refusals: a bad file is refused whole, in French, naming
the file, line and column, and nothing is stored.
"""

import pytest
from sqlalchemy import func, select

from tests.indicators import real_file, write
from trajectoires.indicators import FormatError, parse_file
from trajectoires.indicators.formats import default_name
from trajectoires.indicators.formats.arcep_ftth_2018 import CATEGORY_ROW
from trajectoires.indicators.models import Dataset
from trajectoires.indicators.store import commune_values, import_file, list_datasets

FTTH = "arcep_ftth_2018/ftthCommunes.csv"
ZONES = "arcep_ftth_2018/communes.csv"
OUTREMER = "arcep_4g_outremer/COMM_COUVMOB_4G_4OPE_{}.stat.FRDOM.indics.csv"


def _value(parsed, code, indicator, period=None):
    values = parsed.values
    rows = values[(values.commune_code == code) & (values.indicator == indicator)]
    if period is not None:
        rows = rows[rows.period == period]
    assert len(rows) == 1, (code, indicator, period)
    return float(rows["value"].iloc[0])


# --- real files ----------------------------------------------------------------------------


def test_real_poverty_rate_2018(real_matcher):
    parsed = parse_file("insee-poverty", real_file(
        "filosofi/pauvres_2018/FILO2018_DISP_Pauvres_COM.csv"), real_matcher)
    assert parsed.period == "2018" and set(parsed.values.indicator) == {"insee_taux_pauvrete"}
    assert parsed.report.read == 4330
    assert _value(parsed, "29019", "insee_taux_pauvrete") == 17.0  # Brest, file row TP6018
    assert _value(parsed, "75056", "insee_taux_pauvrete") == 15.0  # Paris, not its arrondissements
    assert parsed.values.commune_code.nunique() == 4283


@pytest.mark.parametrize(("year", "brest", "communes"), [
    ("2014", 19224.4, None), ("2018", 20240.0, None), ("2019", 20520.0, 31237)])
def test_real_median_income_series(real_matcher, year, brest, communes):
    path = real_file(f"filosofi/commune/FILO{year}_DISP_COM.csv")
    parsed = parse_file("insee-poverty", path, real_matcher)
    assert parsed.period == year and set(parsed.values.indicator) == {"insee_revenu_median"}
    assert _value(parsed, "29019", "insee_revenu_median") == brest
    assert default_name("insee-poverty", path) == f"insee-revenus-{year}"
    if communes is not None:
        assert parsed.values.commune_code.nunique() == communes


def test_real_iris_file_is_refused_with_the_reason(real_matcher):
    path = real_file("filosofi/iris/BASE_TD_FILO_DISP_IRIS_2019.csv")
    with pytest.raises(FormatError, match="par IRIS.*FILO20AA_DISP_PAUVRES_COM"):
        parse_file("insee-poverty", path, real_matcher)


def test_real_ftth_quarters(real_matcher):
    parsed = parse_file("arcep-ftth", real_file(FTTH), real_matcher)
    report = parsed.report
    assert report.read == 70722 and report.reject_reasons[CATEGORY_ROW] == 35361
    totals = parsed.values.groupby("period")["value"].sum()
    # the file's national totals, less Saint-Martin (97801: 65, 86, 143 premises)
    assert totals.to_dict() == {"2017-T3": 9557404 - 65, "2017-T4": 10296296 - 86,
                                "2018-T1": 10965667 - 143}
    assert _value(parsed, "29019", "ftth_raccordables", "2018-T1") == 83768


def test_real_ftth_zoning_and_rate(real_matcher):
    path = real_file(ZONES)
    parsed = parse_file("arcep-ftth", path, real_matcher)
    assert parsed.period == "2018-T1" and default_name("arcep-ftth", path) == "arcep-ftth-zones"
    assert _value(parsed, "29019", "ftth_locaux") == 82059 + 3578  # logements + établissements
    assert _value(parsed, "29019", "ftth_engagement_orange") == 1
    assert _value(parsed, "75056", "ftth_zone_tres_dense") == 1
    zones = parsed.values.groupby("indicator")["value"].sum()
    assert zones["ftth_zone_tres_dense"] == 106
    assert zones["ftth_engagement_sfr"] == 638  # 632 + 9 shared, as folded into 2025 communes


@pytest.mark.db
def test_real_ftth_rate_from_both_files(database, territory_reference):
    with database.session() as session:
        import_file(session, "arcep-ftth", real_file(FTTH), territory_reference)
        import_file(session, "arcep-ftth", real_file(ZONES), territory_reference)
    with database.session() as session:
        names = set(list_datasets(session)["name"])
        wide = commune_values(session, ["ftth_taux"])
    assert names == {"arcep-ftth", "arcep-ftth-zones"}  # the second does not replace the first
    assert wide.loc["29019", "ftth_taux"] == pytest.approx(100 * 83768 / (82059 + 3578))
    assert wide.attrs["periods"]["ftth_taux"] == "2018-T1"


def test_real_anct_thd_2017(real_matcher):
    parsed = parse_file("anct-kitscarto", real_file("anct_kitscarto_2019/datacom.csv"),
                        real_matcher)
    assert parsed.period == "2017"
    assert _value(parsed, "29019", "anct_part_thd30") == 98.3
    assert parsed.report.reject_reasons == {"part non renseignée (NA)": 18}


def test_real_4g_overseas_per_operator(real_matcher):
    july = parse_file("arcep-mobile", real_file(OUTREMER.format("072018")), real_matcher)
    january = parse_file("arcep-mobile", real_file(OUTREMER.format("012019")), real_matcher)
    assert (july.period, january.period) == ("2018-07", "2019-01")
    assert july.report.read == 903 and january.report.read == 774
    # Les Abymes (97101), January 2019: OMT covers 99.87 % of the surface, the most
    assert _value(january, "97101", "arcep_part_surf_4g_meilleur_op") == pytest.approx(
        99.8717035559668)
    assert _value(january, "97101", "arcep_part_surf_4g_ora") == 0
    assert january.values.query("indicator == 'arcep_part_surf_4g_meilleur_op'")[
        "commune_code"].nunique() == 129
    assert "arcep_part_surf_4g" not in set(january.values.indicator)  # union unknown


# --- refusals on small files ----------------------------------------------------------------


@pytest.mark.parametrize(("name", "text", "where", "what"), [
    ("FILO2019_DISP_COM.csv", "CODGEO;LIBGEO;Q219\n29019;Brest;20520\n29232;Quimper;21,5\n",
     "ligne 3, colonne « Q219 »", "revenu médian annuel en euros"),
    ("FILO2019_DISP_COM.csv", "CODGEO;LIBGEO;Q219\n29019;Brest;20 520\n29X32;Quimper;21500\n",
     "ligne 3, colonne « CODGEO »", "code INSEE de commune attendu"),
    ("ftthCommunes.csv", "a\nb\n,,\n,,\nCode commune,Champ,T1 2018\n29019,Locaux Raccordables,"
     "10\n29019,Catégorie,7\n", "ligne 7, colonne « T1 2018 »", "« 80 » attendu, reçu « 7 »"),
    ("ftthCommunes.csv", "a\nb\n,,\n,,\nCode commune,Champ,T1 2018\n29019,Locaux Raccordables,"
     "10\n29019,Locaux Raccordables,12\n", "ligne 7", "en double (déjà ligne 6)"),
    ("communes.csv", "a\nb\n,,\n,,\nCode commune,Logements,Établissements,Zones très denses,"
     "Engagements L. 33-13,Intentions privées hors engagement L. 33-13,Commune rurale,"
     "OI 2018 T1\n29019, 82 059 , 3 578 , - ,FRTE , - , - ,FRTE\n29232, 10 , 1 , - ,BOUY , - "
     ", 1 ,\n", "ligne 7, colonne « Engagements L. 33-13 »", "reçu « BOUY »"),
    ("datacom.csv", '"CODGEO";"ID_3"\n"29019";98,3\n"29232";130\n', "ligne 3, colonne « ID_3 »",
     "part en % attendue"),
    ("COMM_COUVMOB_4G_4OPE_012019.csv", "CODE_INSEE,techno,OPE,superficie,TOT.superficie,"
     "pct.superficie\n29019,4G,ORA,40,50,0.8\n29019,4G,XYZ,40,50,0.8\n",
     "ligne 3, colonne « OPE »", "reçu « XYZ »"),
    ("COMM_COUVMOB_4G_4OPE_012019.csv", "CODE_INSEE,techno,OPE,superficie,TOT.superficie,"
     "pct.superficie\n29019,4G,ORA,40,50,80\n", "ligne 2, colonne « pct.superficie »",
     "proportion de la surface"),
])
def test_bad_files_are_refused_whole(tmp_path, database, fixture_reference, name, text, where,
                                     what):
    kind = {"FILO": "insee-poverty", "ftth": "arcep-ftth", "comm": "arcep-ftth",
            "data": "anct-kitscarto", "COMM": "arcep-mobile"}[name[:4]]
    path = write(tmp_path, name, text)
    with pytest.raises(FormatError) as refused, database.session() as session:
        import_file(session, kind, path, fixture_reference)
    message = str(refused.value)
    assert message.startswith(f"{name}, {where}") and what in message, message
    with database.session() as session:
        assert session.scalar(select(func.count()).select_from(Dataset)) == 0
