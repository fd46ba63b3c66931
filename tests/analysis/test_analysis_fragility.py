import numpy as np
import pandas as pd
import pytest

from trajectoires.analysis import CRITERIA, Criterion, fragility_index
from trajectoires.analysis.fragility import decile_scores


def test_national_method_reports_missing_inputs(territory_reference, shared_data):
    communes = territory_reference.communes_of(territory_reference.france)
    values = shared_data.indicator_values(communes.index)
    with pytest.raises(ValueError, match="no_4g_coverage"):
        fragility_index(values)
    result = fragility_index(values, indicators=["no_thd_coverage", "share_65_plus",
                                                 "share_low_diploma", "poverty_rate"])
    report = result.missing_report()
    assert report["poverty_rate"] > 29_000
    assert result.index.notna().sum() == (~result.missing.any(axis=1)).sum()
    assert result.index.dropna().between(1, 10).all()
    partial = fragility_index(values, indicators=["share_65_plus", "poverty_rate"], partial=True)
    assert partial.index.notna().sum() > result.index.notna().sum()


def test_reference_territory_equals_one_hundred(territory_reference, shared_data):
    communes = territory_reference.communes_of(territory_reference.france)
    values = shared_data.indicator_values(communes.index)
    keys = ["no_thd_coverage", "share_65_plus", "share_low_diploma"]
    result = fragility_index(values, indicators=keys, reference="departement",
                             territories=communes, population=communes["population"])
    finistere = communes.index[communes["departement_code"] == "29"]
    relative = result.relative[finistere]
    weight = communes.loc[finistere, "population"].astype(float)
    known = relative.notna() & weight.notna()
    assert (relative[known] * weight[known]).sum() / weight[known].sum() == pytest.approx(100)
    national = fragility_index(values, indicators=keys, reference="france")
    assert national.reference_value.nunique() == 1


def test_user_can_add_an_indicator():
    values = pd.DataFrame({"share_65_plus": np.arange(20.0), "my_rate": np.arange(20.0)[::-1]})
    mine = Criterion("my_rate", higher_is_fragile=False)
    result = fragility_index(values, indicators=["share_65_plus", mine])
    assert result.scores["my_rate"].tolist() == result.scores["share_65_plus"].tolist()
    with pytest.raises(ValueError, match="unknown criterion 'nope'"):
        fragility_index(values, indicators=["nope"])


def test_deciles_and_catalogue():
    assert decile_scores(pd.Series(np.arange(100.0))).value_counts().tolist() == [10] * 10
    assert {"no_thd_coverage", "no_4g_coverage", "share_65_plus", "share_low_diploma",
            "poverty_rate"} <= set(CRITERIA)
    with pytest.raises(ValueError, match="reference"):
        fragility_index(pd.DataFrame({"share_65_plus": [1.0]}), indicators=["share_65_plus"],
                        reference="canton")
