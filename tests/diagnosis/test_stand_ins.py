"""The poverty criterion per commune: INSEE's rate where published, an estimate elsewhere.

Issue 10: « the index uses the real rate where it exists and says which communes use a
stand-in ». Real files (skipped when absent): the 2018 poverty file and the 2019 median
incomes imported beside the usual shared files; Brest keeps INSEE's 17 %.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from tests.diagnosis.workspace import FR, require_shared_data, workspace
from trajectoires.diagnosis import diagnose, load_inputs
from trajectoires.diagnosis.stand_ins import STAND_IN, fill
from trajectoires.diagnosis.tables import dictionary, export_table

POVERTY = "filosofi/pauvres_2018/FILO2018_DISP_Pauvres_COM.csv"
INCOMES = "filosofi/commune/FILO2019_DISP_COM.csv"
OVERSEAS_4G = "arcep_4g_outremer/COMM_COUVMOB_4G_4OPE_012019.stat.FRDOM.indics.csv"


def test_estimates_keep_the_rate_scale_not_the_stand_in_scale():
    codes = [f"c{i}" for i in range(60)]
    rng = np.random.default_rng(0)
    median = pd.Series(rng.uniform(15_000, 30_000, 60), index=codes)
    rate = np.exp(28.0) * median ** -2.6
    ircom = 2 * rate  # another indicator, twice the rate's scale
    published = rate.iloc[:40]
    values, used, notes = fill(published, {"ircom_part_foyers_rfr_12000": ircom})
    first, rest = codes[:40], codes[40:]
    assert used[first].isna().all() and used[rest].eq("ircom_part_foyers_rfr_12000").all()
    assert values[first].tolist() == published.tolist()  # official values untouched
    assert values[rest].to_numpy() == pytest.approx(rate[rest].to_numpy())
    assert "estimé pour 20 communes" in notes[0] and "R² 1,00" in notes[0]


def test_too_few_communes_with_both_values_give_no_estimate():
    rate = pd.Series([10.0, 12.0], index=["a", "b"])
    median = pd.Series([20_000.0, 19_000, 18_000], index=["a", "b", "c"])
    values, used, notes = fill(rate, {"insee_revenu_median": median})
    assert np.isnan(values["c"]) and used.isna().all() and notes == []


@pytest.fixture(scope="module")
def with_poverty(territory_reference, tmp_path_factory):
    """The shared workspace plus INSEE's 2018 poverty rates, 2019 median incomes and the
    overseas 4G table per operator (January 2019)."""
    require_shared_data()
    if not all((FR / path).exists() for path in (POVERTY, INCOMES, OVERSEAS_4G)):
        pytest.skip(f"Filosofi or overseas 4G files absent from {FR} (present in CI)")
    from trajectoires.indicators.store import import_file

    with workspace(tmp_path_factory.mktemp("diag-poverty"), territory_reference,
                   load=True) as ws:
        for kind, path in (("insee-poverty", POVERTY), ("insee-poverty", INCOMES),
                           ("arcep-mobile", OVERSEAS_4G)):
            with ws.database.session() as session:
                import_file(session, kind, FR / path, territory_reference)
        yield ws


def test_real_rate_where_published_estimate_elsewhere(with_poverty, territory_reference):
    ref = territory_reference
    with with_poverty.database.session() as session:
        inputs = load_inputs(session)
        result = diagnose(session, ref, ref.resolve("29"))
    assert inputs.chosen["poverty_rate"].indicator == "insee_taux_pauvrete"
    assert not inputs.chosen["poverty_rate"].proxy
    brest = result.communes.loc["29019"]
    assert brest["poverty_rate"] == 17.0  # INSEE, Filosofi 2018 (TP6018)
    estimated = set(result.stand_ins["poverty_rate"])
    assert "29019" not in estimated and "29232" not in estimated  # Brest, Quimper: published
    published = set(pd.read_csv(FR / POVERTY, sep=";", dtype=str, usecols=["CODGEO"])["CODGEO"])
    assert not estimated & published
    finistere = result.communes.index
    known = result.communes["poverty_rate"].notna()
    # every commune of the Finistère has a value but those whose median income is secret too
    assert set(finistere[known]) - estimated <= published
    assert len(estimated) > 150 and known.sum() > 250
    assert result.partial  # the report must say some communes use an estimate
    row = next(r for r in result.criteria if r["key"] == "poverty_rate")
    assert row["estimated"] == inputs.values[STAND_IN + "poverty_rate"].notna().sum() > 25_000
    assert "d'après « Revenu disponible médian" in row["stand_in_notes"][0]
    # the exports say it too: a column per criterion, and its method in the dictionary
    table = export_table(result).set_index("code")
    assert set(table.index[table["estimated_poverty_rate"]]) == estimated
    described = dictionary(table.reset_index(), result).query("fichier == 'communes.csv'")
    method = described.set_index("column")["methode"]
    assert "Revenu disponible médian" in method["estimated_poverty_rate"]
    assert "Revenu disponible médian" in method["poverty_rate"]
    # the overseas 4G table holds no commune of the Finistère: the criterion is absent there
    assert "no_4g_coverage" in result.absent_criteria and "no_4g_coverage" not in result.proxies


def test_overseas_4g_best_operator_is_a_flagged_stand_in_in_la_reunion(with_poverty,
                                                                      territory_reference):
    ref = territory_reference
    with with_poverty.database.session() as session:
        result = diagnose(session, ref, ref.resolve("974"))
    assert "no_4g_coverage" in result.proxies and "no_4g_coverage" not in result.absent_criteria
    assert result.communes["no_4g_coverage"].notna().sum() == 24
    row = next(r for r in result.criteria if r["key"] == "no_4g_coverage")
    assert row["indicator"] == "arcep_taux_non_4g_surf_meilleur_op" and row["proxy"]


def test_without_the_official_rate_the_stand_in_stays_a_flagged_proxy(
        territory_reference, tmp_path_factory):
    require_shared_data()
    with (workspace(tmp_path_factory.mktemp("diag-proxy"), territory_reference,
                    load=True) as ws, ws.database.session() as session):
        inputs = load_inputs(session)
    assert inputs.chosen["poverty_rate"].indicator == "ircom_part_foyers_rfr_12000"
    assert inputs.chosen["poverty_rate"].proxy
    assert STAND_IN + "poverty_rate" not in inputs.values
