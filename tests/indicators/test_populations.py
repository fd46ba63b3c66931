"""Legal populations per COG vintage: census years, folding of old codes, whole-file refusal."""

import pytest

from tests.indicators import real_file, write
from trajectoires.indicators import FormatError, parse_file
from trajectoires.indicators.folding import MERGED
from trajectoires.indicators.formats.populations import INDICATOR

HEADER = "cog,code_commune,libelle,population\n"
# COG 2021 → census 2019; COG 2022 repeats it (same figures); COG 2023 → census 2021.
# 49069 (Drain) was merged into 49126 (Orée-d'Anjou) in 2016: folded and summed.
SERIES = HEADER + (
    "2015,49126,Orée-d'Anjou,8000\n2015,49069,Drain,2000\n2015,29232,Quimper,60000\n"
    "2021,49126,Orée-d'Anjou,10000\n2021,29232,Quimper,63283\n2021,97611,Mamoudzou,\n"
    "2022,49126,Orée-d'Anjou,10000\n2022,29232,Quimper,63283\n2022,97611,Mamoudzou,\n"
    "2023,49126,Orée-d'Anjou,10200\n2023,29232,Quimper,63553\n2023,97611,Mamoudzou,\n"
)


def _values(parsed):
    return {(r.commune_code, r.period): r.value for r in parsed.values.itertuples()}


def test_series_of_censuses_folded_on_todays_map(tmp_path, fixture_matcher):
    parsed = parse_file("populations", write(tmp_path, "pop.csv", SERIES), fixture_matcher)
    assert parsed.period == "2021"
    assert set(parsed.values["indicator"]) == {INDICATOR}
    values = _values(parsed)
    assert sorted({p for _, p in values}) == ["2013", "2019", "2021"]
    assert values["49126", "2013"] == 10000.0  # 8000 + Drain's 2000
    assert values["29232", "2019"] == 63283.0
    assert values["29232", "2021"] == 63553.0
    assert not any(code == "97611" for code, _ in values)  # empty: no value, never 0
    report = parsed.report
    assert report.fold_reasons[MERGED] == 1
    notes = " ".join(report.notes)
    assert "COG 2022 → recensement 2019 (mêmes chiffres que le COG 2021)" in notes
    assert "COG 2021 → recensement 2019 : écarté" in notes
    communes = len(fixture_matcher.communes)
    assert f"{communes - 2} communes du référentiel sans population légale du recensement " \
        "2021" in notes


def test_one_vintage_is_census_minus_two_or_the_given_year(tmp_path, fixture_matcher):
    path = write(tmp_path, "pop.csv", HEADER + "2024,29232,Quimper,63553\n")
    assert parse_file("populations", path, fixture_matcher).period == "2022"
    assert parse_file("populations", path, fixture_matcher, "2021").period == "2021"
    series = write(tmp_path, "series.csv", SERIES)
    with pytest.raises(FormatError, match="--millesime"):
        parse_file("populations", series, fixture_matcher, "2021")


@pytest.mark.parametrize(("line", "column", "expected"), [
    ("2023,2923X,Quimper,63553", "code_commune", "code INSEE"),
    ("23,29232,Quimper,63553", "cog", "millésime du COG"),
    ("2023,29232,Quimper,63553.5", "population", "nombre entier"),
    ("2023,29232,Quimper,-3", "population", "positif"),
    ("2023,29232,Quimper,beaucoup", "population", "un nombre"),
    ("2021,29232,Quimper,1", "code_commune", "en double pour le COG 2021"),
])
def test_bad_line_refuses_the_whole_file(tmp_path, fixture_matcher, line, column, expected):
    path = write(tmp_path, "pop.csv", SERIES + line + "\n")
    with pytest.raises(FormatError) as caught:
        parse_file("populations", path, fixture_matcher)
    error = caught.value
    assert (error.file, error.line, error.column) == ("pop.csv", 14, column)
    assert expected in error.message


def test_missing_column_and_empty_file(tmp_path, fixture_matcher):
    path = write(tmp_path, "pop.csv", "cog,code,population\n2023,29232,1\n")
    with pytest.raises(FormatError, match="code_commune") as caught:
        parse_file("populations", path, fixture_matcher)
    assert caught.value.line == 1
    with pytest.raises(FormatError, match="aucune ligne"):
        parse_file("populations", write(tmp_path, "empty.csv", HEADER), fixture_matcher)


# -- the real file of ../shared/data/fr/cog -------------------------------------------------
POPULATIONS = "cog/populations_legales_par_cog_2015_2024.csv"
MOVES = "cog/mvtcommune2019.csv"


@pytest.fixture(scope="module")
def real_populations(real_matcher):
    return parse_file("populations", real_file(POPULATIONS), real_matcher)


def test_real_file_censuses_2013_to_2021(real_populations):
    parsed = real_populations
    assert parsed.period == "2021"
    assert sorted(parsed.values["period"].unique()) == [
        "2013", "2014", "2015", "2016", "2017", "2018", "2019", "2021"]
    report = parsed.report
    assert report.read == 353054
    # COG 2021 and COG 2023 are dropped (repeated by COG 2022 and 2024); Mayotte has no
    # legal population (no census since 2017 by the common method): 17 communes × 8 vintages
    assert report.reject_reasons == {
        "millésime du COG qui répète le recensement d'un autre millésime (mêmes chiffres) : "
        "écarté": 34965 + 34945,
        "population vide (inconnue) : commune sans valeur": 17 * 8,
    }
    assert report.matched == 353054 - 34965 - 34945 - 17 * 8  # every code matched or folded
    # the names of COG 2023 are encoded twice in the shared file (« OrÃ©e d'Anjou »): noted
    assert any(note.startswith("7497 libellés mal encodés") and "COG 2023 " in note
               for note in report.notes)


def test_real_file_figures_of_insee(real_populations, territory_reference):
    values = _values(real_populations)
    # README of the shared data: Paris per census; Brest 2021
    assert [values["75056", p] for p in ("2015", "2017", "2018", "2019", "2021")] == [
        2206488, 2187526, 2175601, 2165423, 2133111]
    assert values["29019", "2021"] == 139619
    # INSEE, « Populations légales des régions en 2021 »: Bretagne 3 394 567 inhabitants
    brittany = territory_reference.communes_of(territory_reference.resolve("reg:53")).index
    latest = real_populations.values[real_populations.values["period"] == "2021"]
    assert latest[latest["commune_code"].isin(brittany)]["value"].sum() == 3394567


def _last_mergers(old_codes):
    """Each old code's last merger in INSEE's « mouvements de communes » (COG 2019)."""
    import pandas as pd

    moves = pd.read_csv(real_file(MOVES), dtype=str)
    moves = moves[moves["com_av"].isin(old_codes) & moves["typecom_av"].eq("COM")]
    latest = moves.groupby("com_av")["date_eff"].transform("max")
    merged = (moves["date_eff"].eq(latest) & moves["mod"].isin(["31", "32", "33", "34"])
              & moves["typecom_ap"].eq("COM"))
    return moves[merged].drop_duplicates("com_av").set_index("com_av")["com_ap"]


def test_real_file_folding_agrees_with_insee_movements(real_matcher):
    """Old codes fold where INSEE's movements file says they merged (1,677 of 1,678).

    The one exception was undone after 2019: La Neuville-Garnier (60455) joined Les Hauts
    Talican under code 60054 on 2019-01-01; today Les Hauts-Talican is 60694 and 60054 is
    Beaumont-les-Nonains again (COG 2025), where the matcher rightly sends it.
    """
    import pandas as pd

    codes = pd.read_csv(real_file(POPULATIONS), dtype=str, usecols=["code_commune"])
    old = set(codes["code_commune"]) - set(real_matcher.communes.index)
    last = _last_mergers(old)
    assert len(last) == 1678
    ours = real_matcher.match(pd.Series(last.index, index=last.index))["commune"]
    theirs = real_matcher.match(last)["commune"]
    assert list(last.index[ours != theirs]) == ["60455"]


def test_real_file_old_codes_summed_into_todays_communes(real_populations, real_matcher):
    """Orée-d'Anjou in the 2013 census: the sum of its nine communes of COG 2015.

    Created on 2015-12-15 under code 49069 (INSEE's movements), it is 49126 in COG 2025.
    """
    import pandas as pd

    raw = pd.read_csv(real_file(POPULATIONS), dtype={"code_commune": str, "cog": int})
    cog_2015 = raw[raw["cog"] == 2015].set_index("code_commune")["population"]
    old = set(cog_2015.index) - set(real_matcher.communes.index)
    last = _last_mergers(old)
    parts = [code for code, target in last.items() if target == "49069"]
    assert len(parts) == 8  # with 49126 (Drain then, a current code now): nine communes
    expected = cog_2015[[*parts, "49126"]].sum()
    assert _values(real_populations)["49126", "2013"] == expected
    merged = real_matcher.match(real_populations.values["commune_code"])
    assert merged["reason"].isna().all()  # every stored code is a current commune


def test_the_command_line_reads_the_state_without_sqlalchemy(tmp_path):
    """``territory show`` paid 0.4 s to import SQLAlchemy for a store without populations;
    the standard-library read must give the same state as the SQLAlchemy one."""
    import subprocess
    import sys

    from trajectoires.db import create_database, migrate
    from trajectoires.indicators.populations import _state, sqlite_state
    from trajectoires.indicators.store import import_file
    from trajectoires.territory import FIXTURE_DIR, load_reference

    database = create_database(f"sqlite:///{tmp_path / 'store.sqlite'}")
    migrate(database)
    assert sqlite_state(tmp_path / "store.sqlite") is None
    assert sqlite_state(tmp_path / "absent.sqlite") is None
    probe = ("import sys; from pathlib import Path; "
             "from trajectoires.indicators.populations import sqlite_state; "
             f"sqlite_state(Path({str(tmp_path / 'store.sqlite')!r})); "
             "print('sqlalchemy' in sys.modules)")
    ran = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True,
                         check=True)
    assert ran.stdout.strip() == "False"
    reference = load_reference(tmp_path, data_dir=FIXTURE_DIR)
    path = write(tmp_path, "pop.csv", "cog,code_commune,libelle,population\n"
                 "2023,29232,Quimper,63553\n")
    with database.session() as session:
        import_file(session, "populations", path, reference)
    with database.session() as session:
        assert sqlite_state(tmp_path / "store.sqlite") == _state(session)
    database.engine.dispose()
