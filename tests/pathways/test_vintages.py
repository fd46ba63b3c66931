"""A criterion of the index gets a trend only over vintages two years apart or more (#11).

The overseas 4G coverage of ARCEP-ANCT (July 2018, January 2019: the only criterion of
the shared files with two vintages; the census shares, the THD coverage and the poverty
rate have one each) is imported into a workspace of the small built-in reference; with
one vintage the criterion is flat and says so; with both, six months apart, it stays flat
too (a linear trend would carry Saint-Denis from 20 % not covered to the 100 % bound by
2023) and the method says why.
"""

from __future__ import annotations

import numpy as np
import pytest

from tests.diagnosis.workspace import FR, workspace
from trajectoires.pathways import load_inputs, project, read_plan

pytestmark = pytest.mark.db

FILES = [FR / "arcep_4g_outremer" / f"COMM_COUVMOB_4G_4OPE_{month}.stat.FRDOM.indics.csv"
         for month in ("072018", "012019")]


def test_two_vintages_less_than_two_years_apart_give_no_trend(fixture_reference, tmp_path):
    from trajectoires.indicators.store import import_file

    if not all(path.exists() for path in FILES):
        pytest.skip(f"real data files absent ({FILES[0].parent}); present in CI")
    france = fixture_reference.france
    with workspace(tmp_path / "ws", fixture_reference, load=False) as ws:
        histories = []
        for path in FILES:
            with ws.database.session() as session:
                import_file(session, "arcep-mobile", path, fixture_reference)
            with ws.database.session() as session:
                inputs = load_inputs(session, fixture_reference, france,
                                     cache_dir=tmp_path / "analysis")
            histories.append(inputs.histories["no_4g_coverage"])
    one, two = histories
    assert (one.method, one.periods) == ("flat", ("2018-07",))
    assert (two.method, two.periods) == ("flat", ("2018-07", "2019-01"))
    row = inputs.communes.index.get_loc("97411")  # Saint-Denis (La Réunion)
    before, after = two.values[row]
    assert np.isfinite(before) and np.isfinite(after) and after - before > 10
    plan = read_plan({"territory": inputs.territory, "horizon": 2030, "actions": []})
    trajectory = project(inputs, plan)
    series = trajectory.series_of("no_4g_coverage")
    assert "deux millésimes à moins de deux ans d'écart : pas de tendance" in series.method
    assert "2019-01, après 2018-07" in series.method and "linéaire" not in series.method
    values = trajectory.commune_values("tendance", "no_4g_coverage").loc["97411"].to_numpy()
    np.testing.assert_allclose(values, after, rtol=1e-9, atol=1e-9)  # flat from 2019-01
    flat = [s for s in trajectory.series if s.key in ("share_65_plus", "poverty_rate")]
    assert all("un seul millésime" in s.method for s in flat)
