"""Ties in the decile scores: the rule read from the published 2023 scores (FORMATS.md § 2.5).

The portal's 4G scores give the rule away: the many units tied at 0 % non-coverage all
score 5 and no commune scores 1 to 4. A tied group therefore takes the **highest** rank
it spans (the share of units whose value is at most its own): the average rank would
give that group 2 or 3, the lowest rank 1.
"""

import numpy as np
import pandas as pd
import pytest

from trajectoires.analysis import fragility_index
from trajectoires.analysis.fragility import TIE_RULES, decile_scores


def test_a_tie_at_the_bottom_takes_the_highest_rank_it_spans():
    # 6 of 10 communes tied at 0 %: 60 % of the communes are at or below 0 → score 6
    values = pd.Series([0.0] * 6 + [1.0, 2.0, 3.0, 4.0])
    assert decile_scores(values).tolist() == [6.0] * 6 + [7.0, 8.0, 9.0, 10.0]
    assert decile_scores(values, ties="average").tolist()[:6] == [4.0] * 6  # rank 3.5 of 10


def test_the_worst_possible_value_scores_ten():
    # 4 communes with no premises eligible: nobody is worse, so they are in the top tenth
    values = pd.Series([1.0, 2.0, 3.0, 4.0, 5.0, 6.0] + [100.0] * 4)
    assert decile_scores(values).tolist()[-4:] == [10.0] * 4
    assert decile_scores(values, ties="average").tolist()[-4:] == [9.0] * 4


def test_untied_values_score_the_same_under_every_rule():
    values = pd.Series(np.arange(37.0))
    scores = {rule: decile_scores(values, ties=rule).tolist() for rule in TIE_RULES}
    assert scores["max"] == scores["average"] == scores["min"]


def test_orientation_and_missing_values_keep_the_rule():
    values = pd.Series([np.nan, 5.0, 5.0, 1.0, 2.0])  # lower is more fragile here
    scores = decile_scores(values, higher_is_fragile=False)
    assert np.isnan(scores.iloc[0])
    assert scores.tolist()[1:] == [5.0, 5.0, 10.0, 8.0]  # the two 5.0 are the least fragile half
    with pytest.raises(ValueError, match="ties"):
        decile_scores(values, ties="dense")


def test_real_broadband_ties_all_score_ten(shared_data):
    """The French communes without any premises eligible to 30 Mbit/s (ARCEP 2019-09).

    11,877 in this copy of the Data For Good table (11,782 once imported and folded
    into the communes of the reference: see tests/diagnosis/test_report_sources.py).
    """
    values = shared_data.indicator_values()
    thd = values["no_thd_coverage"].dropna()
    tied = thd == thd.max()
    assert thd.max() == 100.0 and tied.sum() == 11_877
    result = fragility_index(values, indicators=["no_thd_coverage"])
    assert (result.scores.loc[tied[tied].index, "no_thd_coverage"] == 10).all()
    average = decile_scores(thd, ties="average")
    assert (average[tied] == 9).all()  # the former rule: the worst value scored 9
    changed = decile_scores(thd) != average
    assert changed.sum() == tied.sum()  # only the tied communes move
