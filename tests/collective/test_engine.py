import json
import subprocess
import sys

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sklearn.metrics import adjusted_rand_score

from tests.collective import blocs, table, triangle
from trajectoires.collective import Params, VoteTable, analyse, example_votes
from trajectoires.collective._pca import project

FAST = settings(max_examples=15, deadline=None)  # derandomised by tests/conftest.py


def test_pca_matches_dense_svd_of_the_imputed_matrix() -> None:
    rows, _ = blocs((12, 9, 5), 14, noise=0.3, missing=0.4, seed=3)
    votes = table(rows, moderated_out=[2])
    dense = np.full(votes.shape, np.nan)
    dense[votes.rows, votes.cols] = votes.values
    dense[:, 2] = 0.0
    means = np.nanmean(dense, axis=0)
    filled = np.where(np.isnan(dense), means, dense) - means
    _, _, vt = np.linalg.svd(filled, full_matrices=False)
    proj = project(votes, np.random.default_rng(0))
    for axis in range(2):
        assert abs(abs(vt[axis] @ proj.components[:, axis]) - 1) < 1e-9
    n_votes = (~np.isnan(dense)).sum(axis=1)
    expected = filled @ proj.components * np.sqrt(votes.shape[1] / n_votes)[:, None]
    np.testing.assert_allclose(proj.positions, expected, atol=1e-6)


@FAST
@given(st.integers(0, 10_000), st.integers(8, 20), st.integers(6, 15), st.integers(7, 12))
def test_two_opposed_blocs_give_two_groups(seed, a, b, m) -> None:
    """Two groups; every participant who differs from its bloc by at most one vote is with it.

    Noise can flip several votes of one participant (3 of 7 make it as close to the other
    bloc as to its own): those participants are ambiguous and not checked. Random examples
    also found the case below, where the first two participants are of the same bloc.
    """
    rows, truth = blocs((a, b), m, noise=0.05, seed=seed)
    result = analyse(table(rows), rng=seed)
    assert len(result.groups) == 2
    votes = np.zeros((len(truth), m), dtype=int)
    for participant, statement, vote, _ in rows:
        votes[participant, statement] = vote
    patterns = np.sign(np.array([votes[truth == bloc].sum(axis=0) for bloc in (0, 1)]))
    clear = (votes != patterns[truth]).sum(axis=1) <= 1
    assert adjusted_rand_score(truth[clear], result.labels[clear]) == 1.0


def test_first_participants_of_one_bloc_no_longer_trap_the_groups() -> None:
    """Pol.is's start alone (first distinct points) stops at {13, 2}; the greedy start
    finds the two blocs {8, 7}, and later updates keep them and their numbers."""
    rows, truth = blocs((8, 7), 8, noise=0.05, seed=545)
    votes = table(rows)
    pol_is = analyse(votes, params=Params(second_start_ratio=0), rng=545)
    assert sorted(g.size for g in pol_is.groups) == [2, 13]
    result = analyse(votes, rng=545)
    assert sorted(g.size for g in result.groups) == [7, 8]
    assert adjusted_rand_score(truth, result.labels) == 1.0
    newcomer = [(99, s, v, 1e9 + s) for p, s, v, _ in rows if p == 0]
    for params in (Params(), Params(warm_clusters=True)):
        previous = result
        for extra in ([], newcomer):
            again = analyse(votes.extend(extra), previous=previous, params=params, rng=545)
            assert again.labels[:len(truth)].tolist() == result.labels.tolist()
            previous = again


@pytest.mark.xfail(strict=True, reason=(
    "known: the group k-means now reaches the better k = 3 optimum (13, 10, 2; Pol.is's start "
    "stopped at 5, 15, 5), and Pol.is's choice of k, the silhouette of the distinct positions, "
    "prefers it (0.874 to 0.854): two participants who share one dissenting vote, one of them "
    "otherwise clear of its bloc, become a third group. Found by HYPOTHESIS_PROFILE=explore"))
def test_a_pair_sharing_one_dissent_is_not_a_third_group() -> None:
    rows, truth = blocs((10, 15), 12, noise=0.05, seed=1836)
    result = analyse(table(rows), rng=1836)
    assert sorted(g.size for g in result.groups) == [10, 15]


@FAST
@given(st.integers(0, 10_000))
def test_relabelling_participants_and_statements_changes_nothing(seed) -> None:
    rows, _ = blocs((14, 10, 6), 12, noise=0.2, missing=0.3, seed=seed)
    rng = np.random.default_rng(seed)
    new_p = {p: f"p{q}" for p, q in enumerate(rng.permutation(100))}
    new_s = {s: 1000 - t for s, t in enumerate(rng.permutation(12))}
    renamed = [(new_p[p], new_s[s], v, t) for p, s, v, t in rng.permutation(
        np.array(rows, dtype=object))]
    first, second = analyse(table(rows), rng=1), analyse(table(renamed), rng=2)
    order = [second.participants.tolist().index(new_p[p]) for p in first.participants]
    assert adjusted_rand_score(first.labels, second.labels[order]) == 1.0
    np.testing.assert_allclose(np.abs(first.positions), np.abs(second.positions[order]),
                               atol=1e-6)
    assert sorted(new_s[p.statement] for p in first.consensus) == sorted(
        p.statement for p in second.consensus)


@FAST
@given(st.integers(0, 10_000), st.integers(15, 40))
def test_a_unanimous_statement_is_consensus(seed, n) -> None:
    rows, _ = blocs((n // 2, n - n // 2), 10, noise=0.3, missing=0.2, seed=seed)
    rows += [(p, "tous", 1, 1e9) for p in range(n)]
    result = analyse(table(rows), rng=seed)
    agreed = [p.statement for p in result.consensus if p.direction == "agree"]
    assert "tous" in agreed
    best = result.statements[np.argmax(result.group_consensus)]
    assert best == "tous"


def test_same_votes_same_result_and_seed_recorded() -> None:
    rows, _ = blocs((20, 15), 12, noise=0.3, missing=0.3, seed=5)
    first, second = analyse(table(rows)), analyse(table(rows))
    assert first.seed == second.seed
    assert first.labels.tolist() == second.labels.tolist()
    assert analyse(table(rows), rng=np.random.default_rng(3)).seed >= 0


def test_warm_start_keeps_groups_and_stickiness() -> None:
    rows, truth = blocs((20, 15), 12, noise=0.1, seed=7)
    votes = table(rows)
    first = analyse(votes, rng=0)
    newcomer = [(999, s, 1, 1e9 + s) for s in range(3)]
    second = analyse(votes.extend(newcomer), previous=first, rng=0)
    assert second.labels[:-1].tolist() == first.labels.tolist()
    assert second.group_of(999) is None
    assert second.state.k_state is not None


def test_k_changes_only_after_several_wins() -> None:
    rows, _ = blocs((30, 30, 30), 21, noise=0.15, seed=2, patterns=triangle(21))
    three = analyse(table(rows), rng=0)
    assert len(three.groups) == 3
    two_rows, _ = blocs((40, 35), 21, noise=0.25, seed=2)
    votes = VoteTable.from_rows(two_rows)
    previous, shown = three, []
    for _ in range(5):
        previous = analyse(votes, previous=previous, rng=0)
        shown.append(len(previous.groups))
    assert shown[:3] == [3, 3, 3]
    assert shown[-1] == 2


def test_few_participants_are_all_clustered_up_to_fifteen() -> None:
    rows = [(p, s, 1 if (p + s) % 3 else -1) for p in range(10) for s in range(2)]
    result = analyse(table(rows), params=Params(), rng=0)
    assert (result.labels >= 0).all()


def test_result_json_has_the_documented_shape() -> None:
    data = json.loads(analyse(example_votes()).to_json())
    assert {"participants", "groups", "consensus", "representative"} <= set(data)
    assert set(data["participants"][0]) == {"id", "x", "y", "group"}
    assert data["participants"][0]["id"] == "p1"
    assert {"agree", "disagree", "pass", "groups"} <= set(data["statements"][0])
    assert data["representative"][0]["statements"][0]["direction"] in {"agree", "disagree"}


def test_representative_statements_point_the_right_way() -> None:
    result = analyse(example_votes(), rng=0)
    group_a = result.group_of("p1")
    picks = {p.statement: p.direction for p in result.representative[group_a]}
    assert picks.get(2) == "agree" or picks.get(3) == "disagree"


def test_library_import_stays_light() -> None:
    code = ("import sys, trajectoires.collective\n"
            "print(','.join(m for m in ('fastapi', 'sqlalchemy', 'matplotlib', 'starlette', "
            "'sklearn', 'trajectoires.web', 'trajectoires.db') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True)
    assert out.stdout.strip() == ""


def test_tiny_debates_do_not_fail() -> None:
    for rows in ([(1, 1, 1)], [(1, 1, 1), (2, 1, -1)], [(1, 1, 1), (1, 2, -1)],
                 [(p, s, 1) for p in range(20) for s in range(3)]):
        votes = VoteTable.from_rows(rows)
        first = analyse(votes, rng=0)
        again = analyse(votes.extend([(99, 1, 1)]), previous=first, rng=0)
        assert first.positions.shape == (votes.shape[0], 2)
        assert again.position_of(99) is not None and again.position_of(12345) is None
