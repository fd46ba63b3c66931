"""Aggregation rules: sums, ratios of sums, population-weighted means; catalogue consistency."""

import subprocess
import sys

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from trajectoires.indicators import INDICATORS, aggregate
from trajectoires.indicators.catalogue import DATASETS


def _long(rows):
    return pd.DataFrame(rows, columns=["commune_code", "indicator", "period", "value"])


def test_ratio_is_recomputed_from_summed_counts(fixture_reference):
    values = _long([
        ("29232", "insee_men", "2021", 100.0), ("29232", "insee_men_seul", "2021", 50.0),
        ("29232", "insee_part_men_seul", "2021", 50.0),
        ("29019", "insee_men", "2021", 900.0), ("29019", "insee_men_seul", "2021", 90.0),
        ("29019", "insee_part_men_seul", "2021", 10.0),
    ])
    out = aggregate(values, fixture_reference, "region").set_index("indicator")
    assert out.loc["insee_part_men_seul", "value"] == pytest.approx(14.0)  # not (50 + 10) / 2
    assert out.loc["insee_part_men_seul", "unit_code"] == "53"
    assert out.loc["insee_men", "value"] == 1000


def test_weighted_mean_uses_population(fixture_reference):
    table = fixture_reference.communes_of(fixture_reference.france)
    quimper, brest = (float(table.loc[c, "population"]) for c in ("29232", "29019"))
    values = _long([("29232", "insee_taux_pauvrete", "2021", 10.0),
                    ("29019", "insee_taux_pauvrete", "2021", 20.0)])
    out = aggregate(values, fixture_reference, "pays")
    expected = (10 * quimper + 20 * brest) / (quimper + brest)
    assert out["value"].iloc[0] == pytest.approx(expected)
    assert out["unit_code"].iloc[0] == "FR"


def test_surface_shares_are_weighted_by_area(fixture_reference):
    # Brest 100 % of its 49 km², Ouessant 50 % of its 16 km²: 87.7 % of the surface
    # (by population, 140,064 against 835 inhabitants, it would be 99.7 %)
    table = fixture_reference.communes_of(fixture_reference.france)
    brest, ouessant = (float(table.loc[c, "area_km2"]) for c in ("29019", "29155"))
    values = _long([
        (code, indicator, "2023", value)
        for code, share in (("29019", 100.0), ("29155", 50.0))
        for indicator, value in (("arcep_part_surf_4g", share),
                                 ("arcep_taux_non_4g_surf", 100 - share),
                                 ("arcep_part_pop_4g", share))
    ])
    out = aggregate(values, fixture_reference, "departement").set_index("indicator")["value"]
    by_area = (100 * brest + 50 * ouessant) / (brest + ouessant)
    assert out["arcep_part_surf_4g"] == pytest.approx(by_area)
    assert round(out["arcep_part_surf_4g"], 1) == 87.7
    assert out["arcep_taux_non_4g_surf"] == pytest.approx(100 - by_area)
    assert round(out["arcep_part_pop_4g"], 1) == 99.7  # a share of people: by population


def test_catalogue_weights_are_declared():
    weights = {i.id: i.weight for i in INDICATORS.values() if i.rule == "weighted_mean"}
    assert {i for i, w in weights.items() if w == "area"} == {
        "arcep_part_surf_4g", "arcep_taux_non_4g_surf", "arcep_part_surf_4g_meilleur_op",
        "arcep_taux_non_4g_surf_meilleur_op",
        *(f"arcep_part_surf_4g_{op}" for op in ("dig", "fre", "oc", "omt", "ora", "smr", "srr"))}
    with pytest.raises(ValueError, match="weight"):
        type(INDICATORS["arcep_part_pop_4g"])("x", "x", "%", "weighted_mean", "arcep-mobile",
                                              weight="surface")


def test_each_level_and_missing_values(fixture_reference):
    values = _long([("29232", "bibliotheques", "2019", 3.0),
                    ("29019", "bibliotheques", "2019", float("nan"))])
    for level in ("commune", "epci", "departement", "region", "pays"):
        out = aggregate(values, fixture_reference, level)
        assert out["value"].sum() == 3.0
        assert out["communes"].sum() == 1


def test_errors_name_what_is_wrong(fixture_reference):
    with pytest.raises(ValueError, match="niveau inconnu"):
        aggregate(_long([]), fixture_reference, "canton")
    ratio_only = _long([("29232", "insee_part_65p", "2021", 20.0)])
    with pytest.raises(ValueError, match="insee_pop"):
        aggregate(ratio_only, fixture_reference, "pays")


def test_catalogue_ratios_point_to_counts():
    for indicator in INDICATORS.values():
        if indicator.rule == "ratio":
            assert INDICATORS[indicator.numerator].rule == "sum", indicator.id
            assert INDICATORS[indicator.denominator].rule == "sum", indicator.id
        assert indicator.dataset in DATASETS, indicator.id


def test_proxies_say_so():
    assert "pas le taux de pauvreté" in INDICATORS["ircom_part_foyers_rfr_12000"].label
    assert "dérivé" in INDICATORS["dfg_part_men_seul"].label


def test_library_import_stays_light():
    code = (
        "import sys, trajectoires.indicators\n"
        "print(','.join(m for m in ('sqlalchemy', 'fastapi', 'httpx', 'openpyxl') "
        "if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""


@settings(max_examples=30, deadline=None)
@given(data=st.data())
def test_levels_add_up(fixture_reference, data):
    codes = list(fixture_reference.communes_of(fixture_reference.france).index)
    chosen = data.draw(st.lists(st.sampled_from(codes), min_size=1, unique=True))
    counts = st.floats(min_value=0, max_value=1e6, allow_nan=False)
    rows = []
    for code in chosen:
        den = data.draw(counts)
        num = data.draw(st.floats(min_value=0, max_value=den, allow_nan=False))
        rows += [(code, "insee_men", "2021", den), (code, "insee_men_seul", "2021", num)]
    values = _long(rows)
    france = aggregate(values, fixture_reference, "pays").set_index("indicator")["value"]
    regions = aggregate(values, fixture_reference, "region")
    by_region = regions.groupby("indicator")["value"].sum()
    assert by_region["insee_men"] == pytest.approx(france["insee_men"])
    total_num = sum(r[3] for r in rows if r[1] == "insee_men_seul")
    total_den = sum(r[3] for r in rows if r[1] == "insee_men")
    values = pd.concat([values, _long([(chosen[0], "insee_part_men_seul", "2021", 0.0)])])
    share = aggregate(values, fixture_reference, "pays").set_index("indicator")["value"]
    if total_den > 0:
        assert share["insee_part_men_seul"] == pytest.approx(100 * total_num / total_den)


def test_aggregate_stays_a_function_after_its_module_is_imported():
    import importlib

    import trajectoires.indicators as package

    importlib.import_module("trajectoires.indicators.aggregation")
    importlib.import_module("trajectoires.indicators.profile")
    assert callable(package.aggregate) and package.aggregate.__name__ == "aggregate"
