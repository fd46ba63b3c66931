import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from trajectoires.collective import VoteError, VoteTable

vote_rows = st.lists(
    st.tuples(st.integers(0, 6), st.integers(0, 5), st.sampled_from([-1, 0, 1]),
              st.integers(0, 50)),
    min_size=1, max_size=60,
)


def dense(votes: VoteTable) -> dict:
    return {(votes.participants[r].item(), votes.statements[c].item()): int(v)
            for r, c, v in zip(votes.rows, votes.cols, votes.values, strict=True)}


def test_latest_vote_wins_by_timestamp_then_row() -> None:
    votes = VoteTable.from_rows([("a", 1, 1, 20), ("a", 1, -1, 10), ("a", 2, 1, 5),
                                 ("a", 2, 0, 5)])
    assert dense(votes) == {("a", 1): 1, ("a", 2): 0}


def test_passes_are_votes_and_moderation_is_kept() -> None:
    votes = VoteTable.from_rows([(1, 1, 0), (2, 2, 1)], moderated_out=[2], statements=[3])
    assert votes.shape == (2, 3)
    assert votes.moderated_out.tolist() == [False, True, False]
    assert votes.indicator(0).toarray().tolist() == [[1, 0, 0], [0, 0, 0]]


@settings(max_examples=60, deadline=None)
@given(vote_rows, vote_rows)
def test_extend_equals_building_from_all_rows(first, second) -> None:
    later = [(p, s, v, t + 100) for p, s, v, t in second]
    once = VoteTable.from_rows(first + later)
    extended = VoteTable.from_rows(first).extend(later)
    assert dense(extended) == dense(once)
    assert extended.participants.tolist() == once.participants.tolist()
    assert np.all(np.diff(extended.rows.astype(np.int64) * 100 + extended.cols) > 0)


def test_extend_keeps_a_newer_existing_vote() -> None:
    votes = VoteTable.from_rows([(1, 1, 1, 50)]).extend([(1, 1, -1, 10)])
    assert dense(votes) == {(1, 1): 1}


@pytest.mark.parametrize("bad", [2, "oui", 0.5, float("nan")])
def test_unknown_vote_value_is_refused(bad) -> None:
    with pytest.raises(VoteError, match="vote inconnu") as info:
        VoteTable.from_rows([(1, 1, 1), (1, 2, bad)])
    assert info.value.field == "vote"


def test_empty_matrix_is_refused() -> None:
    with pytest.raises(VoteError, match="vide"):
        VoteTable.from_rows([])
    with pytest.raises(VoteError, match="vide"):
        VoteTable.from_arrays([], [], [])


def test_moderating_an_unknown_statement_is_refused() -> None:
    with pytest.raises(VoteError, match="inconnue"):
        VoteTable.from_rows([(1, 1, 1)]).with_moderation([9])


def test_tables_are_immutable() -> None:
    votes = VoteTable.from_rows([(1, 1, 1)])
    with pytest.raises(ValueError, match="read-only"):
        votes.values[0] = -1


def test_malformed_row_is_refused() -> None:
    with pytest.raises(VoteError, match="vote n° 2"):
        VoteTable.from_rows([(1, 1, 1), (1, 2)])
