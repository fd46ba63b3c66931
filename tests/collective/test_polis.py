from pathlib import Path

import numpy as np
import pytest

from trajectoires.collective import VoteError, analyse, example_votes, read_polis, write_polis


def write(folder: Path, name: str, text: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / name).write_text(text)
    return folder


def test_round_trip_keeps_votes_moderation_and_groups(tmp_path: Path) -> None:
    votes = example_votes().with_moderation([6])
    result = analyse(votes, rng=0)
    write_polis(tmp_path, votes, result=result, summary={"topic": "Débat"})
    back = read_polis(tmp_path)
    assert back.votes.participants.tolist() == votes.participants.tolist()
    assert back.votes.statements.tolist() == votes.statements.tolist()
    assert back.votes.values.tolist() == votes.values.tolist()
    assert back.votes.moderated_out.tolist() == votes.moderated_out.tolist()
    assert back.summary["topic"] == "Débat"
    assert back.summary["groups"] == str(len(result.groups))
    assert all(back.groups[p] == result.group_of(p) for p in back.groups)
    again = analyse(back.votes, rng=0)
    np.testing.assert_allclose(again.positions, result.positions)


def test_unknown_vote_in_votes_csv_names_file_line_field(tmp_path: Path) -> None:
    write(tmp_path, "votes.csv", "timestamp,datetime,comment-id,voter-id,vote\n"
          "1,x,0,0,1\n2,x,1,0,oui\n")
    with pytest.raises(VoteError) as info:
        read_polis(tmp_path)
    assert (info.value.source, info.value.line, info.value.field) == ("votes.csv", 3, "vote")
    assert "votes.csv" in str(info.value) and "ligne 3" in str(info.value)


def test_unknown_vote_in_participants_votes_names_the_statement(tmp_path: Path) -> None:
    write(tmp_path, "participants-votes.csv",
          "participant,group-id,n-comments,n-votes,n-agree,n-disagree,0,7\n"
          "0,,0,2,1,0,1,0\n1,,0,1,0,0,,2\n")
    with pytest.raises(VoteError) as info:
        read_polis(tmp_path)
    assert (info.value.source, info.value.line, info.value.field) == (
        "participants-votes.csv", 3, "7")


def test_duplicate_participant_is_refused(tmp_path: Path) -> None:
    write(tmp_path, "participants-votes.csv",
          "participant,group-id,n-comments,n-votes,n-agree,n-disagree,0\n0,,0,1,1,0,1\n"
          "0,,0,1,1,0,-1\n")
    with pytest.raises(VoteError, match="en double") as info:
        read_polis(tmp_path)
    assert (info.value.line, info.value.field) == (3, "participant")


def test_duplicate_statement_column_is_refused(tmp_path: Path) -> None:
    write(tmp_path, "participants-votes.csv",
          "participant,group-id,n-comments,n-votes,n-agree,n-disagree,0,0\n0,,0,1,1,0,1,1\n")
    with pytest.raises(VoteError, match="colonne en double") as info:
        read_polis(tmp_path)
    assert (info.value.line, info.value.field) == (1, "0")


def test_duplicate_comment_id_is_refused(tmp_path: Path) -> None:
    write(tmp_path, "votes.csv", "timestamp,datetime,comment-id,voter-id,vote\n1,x,0,0,1\n")
    write(tmp_path, "comments.csv", "timestamp,comment-id,author-id,moderated,comment-body\n"
          "1,0,0,1,a\n2,0,0,1,b\n")
    with pytest.raises(VoteError, match="en double") as info:
        read_polis(tmp_path)
    assert (info.value.source, info.value.line, info.value.field) == (
        "comments.csv", 3, "comment-id")


def test_empty_export_is_refused(tmp_path: Path) -> None:
    write(tmp_path, "votes.csv", "timestamp,datetime,comment-id,voter-id,vote\n")
    with pytest.raises(VoteError, match="vide") as info:
        read_polis(tmp_path)
    assert info.value.source == "votes.csv"


def test_missing_column_and_folder(tmp_path: Path) -> None:
    write(tmp_path, "votes.csv", "timestamp,comment-id,vote\n1,0,1\n")
    with pytest.raises(VoteError, match="colonne manquante") as info:
        read_polis(tmp_path)
    assert info.value.field == "voter-id"
    with pytest.raises(VoteError, match="introuvable"):
        read_polis(tmp_path / "absent")


def test_statements_a_spreadsheet_would_run_are_neutralised(tmp_path: Path) -> None:
    """CSV injection: texts starting with = + - @ or a tab come out as text, votes as numbers."""
    import csv

    from trajectoires.collective._polis import Comment

    texts = ["=HYPERLINK(\"http://x\")", "+1 pour cette idée", "-2+3", "@SUM(A1)", "\tonglet",
             "Un avis ordinaire"]
    votes = example_votes()
    comments = tuple(Comment(id=sid, text=text, author=0)
                     for sid, text in zip(votes.statements.tolist(), texts, strict=False))
    write_polis(tmp_path, votes, comments=comments)
    with (tmp_path / "comments.csv").open(newline="", encoding="utf-8") as handle:
        written = [row["comment-body"] for row in csv.DictReader(handle)]
    assert written[:5] == ["'" + text for text in texts[:5]]
    assert written[5] == "Un avis ordinaire"
    with (tmp_path / "votes.csv").open(newline="", encoding="utf-8") as handle:
        assert {row["vote"] for row in csv.DictReader(handle)} <= {"1", "-1", "0"}
