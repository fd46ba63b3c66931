"""Every file of ../shared/data/fr, imported with each kind it is meant for: no traceback.

An import either succeeds (with its report) or is refused with a clear French
:class:`FormatError` naming the file; any other exception is a defect (issue 10,
defect 5: the Saint-Barthélemy and Saint-Martin site lists stopped with
``KeyError: 'commune_code'``). A test also checks that every shared file has a
line here, so a new file cannot be forgotten. Skipped when the shared data is absent.
"""

import pytest
import typer
from typer.testing import CliRunner

from tests.indicators import REAL, real_file
from trajectoires.commands import data
from trajectoires.indicators import FormatError, parse_file
from trajectoires.indicators.formats import PARSERS
from trajectoires.indicators.store import import_file, list_datasets

DFG = "dataforgood_mednum_2020/"
SITES = [f"{DFG}{t}_sites_mobiles_2020_T2.csv" for t in ("GUA", "GUY", "MAR", "MAY", "REU",
                                                          "STB", "STM")]
FILOSOFI = [f"filosofi/commune/FILO20{y}_DISP_COM.csv" for y in (14, 15, 16, 18, 19)]
IRIS = [f"filosofi/iris/BASE_TD_FILO_DISP_IRIS_20{y}.csv" for y in range(14, 20)]
OUTREMER = [f"arcep_4g_outremer/COMM_COUVMOB_4G_4OPE_{m}.stat.FRDOM.indics.csv"
            for m in ("072018", "012019")]

MEANT_FOR: dict[str, tuple[str, ...]] = {
    "france_services/liste-fs-20240801.csv": ("france-services",),
    "lieux_mediation_numerique/lieux-de-mediation-numerique.cnfs.json": ("mediation-places",),
    "lieux_mediation_numerique/20230517-hub-du-sud-lieux-de-mediation-numeriques-provence-"
    "alpes-cote-d-azur.json": ("mediation-places",),
    "lieux_mediation_numerique/20240320-nouvelle-caledonie-lieux-de-mediation-numeriques-"
    "nouvelle-caledonie.json": ("mediation-places",),
    "arcep/commune-debit-beta.csv": ("arcep-debit",),
    "bibliotheques/adresses-des-bibliotheques-publiques.csv": ("libraries",),
    **{path: ("arcep-mobile-sites",) for path in SITES},
    f"{DFG}taux_couverture_THD.csv": ("arcep-debit",),
    f"{DFG}taux_couverture_mobile.csv": ("arcep-mobile", "arcep-mobile-sites"),
    f"{DFG}taux_pauvrete.csv": ("insee-poverty",),
    f"{DFG}data_scol_menage_demandeurEmplois.csv": ("insee-census",),
    f"{DFG}taux_demandeurs_emploi.csv": ("insee-census",),
    f"{DFG}variable_minimas_V2.csv": ("insee-census",),
    f"{DFG}acces_point_phys_service_publique.csv": ("libraries", "insee-census"),
    f"{DFG}table_iris_insee_epci.csv": ("insee-census",),
    f"{DFG}data_DEMO_2020_V1_COM.csv": ("insee-census",),
    f"{DFG}data_DEFM2019_com.csv": ("insee-census",),
    "filosofi/pauvres_2018/FILO2018_DISP_Pauvres_COM.csv": ("insee-poverty",),
    "filosofi/pauvres_2018/meta_FILO2018_DISP_Pauvres_COM.csv": ("insee-poverty",),
    **{path: ("insee-poverty",) for path in FILOSOFI + IRIS},
    "arcep_ftth_2018/ftthCommunes.csv": ("arcep-ftth",),
    "arcep_ftth_2018/communes.csv": ("arcep-ftth",),
    "anct_kitscarto_2019/datacom.csv": ("anct-kitscarto", "arcep-debit"),
    "anct_kitscarto_2019/meta.xlsx": ("anct-kitscarto", "arcep-ftth"),
    **{path: ("arcep-mobile",) for path in OUTREMER},
    "cog/populations_legales_par_cog_2015_2024.csv": ("populations",),
    "cog/mvtcommune2019.csv": ("populations",),
}
"""Shared file → the importer kinds a user would try on it (kinds not written yet are
skipped: the populations kind belongs to another part of issue 10)."""

CASES = [(path, kind) for path, kinds in MEANT_FOR.items() for kind in kinds]


def test_every_shared_file_has_its_kinds():
    if not REAL.is_dir():
        pytest.skip(f"shared data absent (present in CI): {REAL}")
    files = {str(p.relative_to(REAL)) for p in REAL.rglob("*") if p.is_file()
             and p.name not in ("README.md", "FORMATS.md")}
    assert files - set(MEANT_FOR) == set()


@pytest.mark.parametrize(("relative", "kind"), CASES, ids=[f"{k}:{p.rsplit('/', 1)[-1]}"
                                                           for p, k in CASES])
def test_import_succeeds_or_is_refused_in_french(relative, kind, database, territory_reference):
    if kind not in PARSERS:
        pytest.skip(f"importer kind {kind!r} not written yet")
    path = real_file(relative)
    try:
        with database.session() as session:
            report = import_file(session, kind, path, territory_reference)
    except FormatError as exc:
        message = str(exc)
        assert message.startswith(path.name), message
        assert any(word in message for word in ("attendu", "absent", "introuvable", "aucun",
                                                "illisible", "non importé")), message
        with database.session() as session:
            assert list_datasets(session).empty  # nothing partial kept
        return
    assert report.read == report.matched + report.rejected
    assert report.summary().startswith(path.name)


OTHER_KINDS = [(path, kind) for path in MEANT_FOR for kind in sorted(PARSERS)
               if kind not in MEANT_FOR[path]]


@pytest.mark.parametrize(("relative", "kind"), OTHER_KINDS,
                         ids=[f"{k}:{p.rsplit('/', 1)[-1]}" for p, k in OTHER_KINDS])
def test_any_other_kind_is_refused_in_french(relative, kind, real_matcher):
    """A shared file given to a kind it is not meant for: a French refusal, never a traceback
    (measured: none of these pairs is accepted either)."""
    path = real_file(relative)
    with pytest.raises(FormatError) as refused:
        parse_file(kind, path, real_matcher)
    assert str(refused.value).startswith(path.name)


@pytest.mark.parametrize(("territory", "rows"), [("STB", 22), ("STM", 41)])
def test_collectivity_site_lists_import_with_every_row_rejected(
        tmp_path, database_url, monkeypatch, territory, rows):
    """The command of defect 5: exit 0, the rows rejected with their reason, no traceback."""
    path = real_file(f"{DFG}{territory}_sites_mobiles_2020_T2.csv")
    monkeypatch.setenv("TRAJECTOIRES_WORKSPACE", str(tmp_path / "ws"))
    monkeypatch.setenv("TRAJECTOIRES_DATABASE_URL", database_url)
    cli = typer.Typer()
    cli.add_typer(data.app, name="data")
    result = CliRunner().invoke(cli, ["data", "import", "arcep-mobile-sites", str(path)],
                                env={"COLUMNS": "200"})
    assert result.exception is None, result.output
    assert result.exit_code == 0
    assert f"{rows} lignes lues, 0 rattachées" in result.output
    assert "collectivité d'outre-mer, absente des communes du référentiel" in result.output
    assert "0 valeurs et 0 lieux enregistrés" in result.output
