import numpy as np
import pandas as pd
import pytest

from trajectoires.analysis import (
    nearest_distances,
    population_beyond,
    to_lambert93,
    two_step_fca,
)


def test_nearest_distances_are_exact(finistere, shared_data):
    places = to_lambert93(*shared_data.france_services().T)
    result = nearest_distances(finistere.weights.points, places)
    brute = np.sqrt(((finistere.weights.points[:, None, :] - places[None]) ** 2).sum(-1))
    np.testing.assert_allclose(result.distance_km, brute.min(1) / 1000)
    chosen = brute[np.arange(len(brute)), result.nearest]
    np.testing.assert_allclose(chosen, brute.min(1))  # ties: places at the same address


def test_two_step_fca_matches_access(finistere, shared_data):
    access = pytest.importorskip("access")
    places = to_lambert93(*shared_data.libraries().T)
    xy = finistere.weights.points
    keep = (np.abs(places[:, 0] - xy[:, 0].mean()) < 150_000) & (
        np.abs(places[:, 1] - xy[:, 1].mean()) < 150_000)
    places = places[keep]
    population = finistere.table["population"].to_numpy(dtype=float)
    mine = two_step_fca(xy, population, places, radius_km=10)
    distance = np.sqrt(((xy[:, None, :] - places[None]) ** 2).sum(-1)) / 1000
    origin, dest = np.nonzero(distance <= 10)
    cost = pd.DataFrame({"origin": origin, "dest": dest, "cost": distance[origin, dest]})
    demand = pd.DataFrame({"origin": np.arange(len(xy)), "pop": population})
    supply = pd.DataFrame({"dest": np.arange(len(places)), "capacity": 1.0})
    model = access.Access(demand_df=demand, demand_index="origin", demand_value="pop",
                          supply_df=supply, supply_index="dest", supply_value="capacity",
                          cost_df=cost, cost_origin="origin", cost_dest="dest",
                          cost_name="cost")
    theirs = model.two_stage_fca(max_cost=10).iloc[:, 0].reindex(range(len(xy))).fillna(0)
    np.testing.assert_allclose(mine.accessibility, theirs.to_numpy(), rtol=1e-12)
    assert mine.pairs == len(origin)


def test_population_beyond_counts_inhabitants():
    result = population_beyond([0.5, 11.0, 30.0], [1000, 200, 50], threshold_km=10)
    assert (result.population, result.units) == (250.0, 2)
    assert result.share == pytest.approx(0.2)
    with pytest.raises(ValueError, match="population: 1 missing"):
        population_beyond([1.0], [np.nan], 10)


def test_zero_distance_pairs_are_in_the_catchment():
    result = two_step_fca([[0, 0]], [10], [[0, 0]], radius_km=1)
    assert result.accessibility.tolist() == [0.1]
