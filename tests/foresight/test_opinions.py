"""Opinion groups of a debate stored in the database: loading, analysis, Pol.is export."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from tests.foresight import factories as f
from trajectoires.collective import analyse, read_polis
from trajectoires.db import Database
from trajectoires.foresight import participation, voting
from trajectoires.foresight.errors import ConflictError
from trajectoires.foresight.kinds.debate.opinions import (
    analyse_debate,
    export_polis,
    load_debate,
    load_votes,
    opaque_id,
)

KEY = b"test-key"


def test_two_opposed_blocs_make_two_groups(database: Database) -> None:
    debate = f.debate_with_blocs(database)
    with f.session(database) as s:
        votes = load_debate(s, debate.workshop.id)
    assert votes.n_votes == 2 * 8 * 8
    snap = analyse_debate(votes, key=KEY)
    assert snap.ready and len(snap.data["groups"]) == 2
    result = snap.result
    first = {result.group_of(p.id) for p in debate.blocs[0]}
    second = {result.group_of(p.id) for p in debate.blocs[1]}
    assert len(first) == len(second) == 1 and first != second
    assert [c["statement_id"] for c in snap.data["consensus"]][:1] == [debate.statements[0]]
    assert all(g["representative"] for g in snap.data["groups"])
    pick = snap.data["groups"][0]["representative"][0]
    assert pick["text"].startswith("Proposition") and pick["direction"] in ("agree", "disagree")


def test_picks_carry_the_raw_counts_their_wording_shows(database: Database) -> None:
    """2 for and 0 against read « 75 % pour » (pseudo-counts): the share is now of votes cast."""
    debate = f.debate_with_blocs(database, per_bloc=8, n_statements=8)
    sid = debate.statements[0]
    late = f.join(database, debate.workshop, "Tardive").participant
    with f.session(database) as s:
        voting.vote(s, late, sid, 0)
    with f.session(database) as s:
        snap = analyse_debate(load_debate(s, debate.workshop.id), key=KEY)
    agreed = next(p for p in snap.data["consensus"] if p["statement_id"] == sid)
    assert agreed["votes"] == {"agree": 16, "disagree": 0, "pass": 1} and agreed["seen"] == 17
    assert agreed["percent"] == round(100 * 16 / 17)
    group = snap.data["groups"][0]
    pick = group["representative"][0]
    assert pick["seen"] == sum(pick["votes"].values()) <= group["size"]
    assert pick["percent"] == round(100 * pick["votes"][pick["direction"]] / pick["seen"])


def test_positions_use_opaque_ids_not_pseudonyms(database: Database) -> None:
    debate = f.debate_with_blocs(database, per_bloc=4, n_statements=4)
    with f.session(database) as s:
        snap = analyse_debate(load_debate(s, debate.workshop.id), key=KEY)
    ids = {p["id"] for p in snap.data["participants"]}
    me = debate.blocs[0][0]
    assert opaque_id(KEY, debate.workshop.id, me.id) in ids
    assert str(me.id) not in ids and not any("Bloc" in i for i in ids)
    assert not snap.ready  # 4 + 4 participants on 4 statements: below 7 votes each


def test_hidden_statements_are_moderated_out(database: Database) -> None:
    debate = f.debate_with_blocs(database)
    owner_id = debate.workshop.facilitator_id
    divisive = debate.statements[1]
    with f.session(database) as s:
        participation.hide_statement(s, owner_id, divisive)
    with f.session(database) as s:
        snap = analyse_debate(load_debate(s, debate.workshop.id), key=KEY)
    assert divisive in snap.result.statements[snap.result.moderated_out].tolist()
    picked = [p["statement_id"] for p in snap.data["consensus"] + snap.data["divisive"]]
    picked += [p["statement_id"] for g in snap.data["groups"] for p in g["representative"]]
    assert divisive not in picked
    assert snap.n_statements == len(debate.statements) - 1


def test_warm_update_keeps_groups_and_counts_new_votes(database: Database) -> None:
    debate = f.debate_with_blocs(database)
    with f.session(database) as s:
        first = analyse_debate(load_debate(s, debate.workshop.id), key=KEY)
    newcomer = f.join(database, debate.workshop, "Nouvelle").participant
    for index, sid in enumerate(debate.statements):
        with f.session(database) as s:
            voting.vote(s, newcomer, sid, f.bloc_vote(0, index))
    with f.session(database) as s:
        second = analyse_debate(load_debate(s, debate.workshop.id), key=KEY, previous=first)
    assert second.version == 2 and second.n_votes == first.n_votes + len(debate.statements)
    bloc = debate.blocs[0][0].id
    assert second.result.group_of(newcomer.id) == second.result.group_of(bloc)
    assert second.result.group_of(bloc) == first.result.group_of(bloc)


def test_empty_debate_has_no_result(database: Database) -> None:
    ws = f.workshop(database)
    with f.session(database) as s:
        snap = analyse_debate(load_debate(s, ws.id), key=KEY)
    assert snap.result is None and not snap.ready and snap.data["participants"] == []
    with f.session(database) as s, pytest.raises(ConflictError, match="rien à exporter"):
        export_polis(s, ws.id, Path("/nonexistent"))


def test_polis_export_reads_back_to_the_same_votes(database: Database, tmp_path: Path) -> None:
    debate = f.debate_with_blocs(database)
    with f.session(database) as s:
        participation.hide_statement(s, debate.workshop.facilitator_id, debate.statements[3])
    with f.session(database) as s:
        votes = export_polis(s, debate.workshop.id, tmp_path / "polis")
    assert sorted(p.name for p in (tmp_path / "polis").iterdir()) == [
        "comments.csv", "participants-votes.csv", "summary.csv", "votes.csv"]
    back = read_polis(tmp_path / "polis")
    table = votes.table()
    assert back.votes.shape == table.shape and back.votes.n_votes == table.n_votes
    assert back.votes.matrix().toarray().tolist() == table.matrix().toarray().tolist()
    assert back.votes.statements[back.votes.moderated_out].tolist() == [debate.statements[3]]
    assert {c.text for c in back.comments} >= {"Proposition numéro 0"}
    assert len(set(back.groups.values())) == 2


def test_polis_export_has_the_groups_participants_saw(database: Database,
                                                     tmp_path: Path) -> None:
    """Live groups come from warm starts: the export names them as the map did."""
    debate = f.debate_with_blocs(database)
    with f.session(database) as s:
        snap = analyse_debate(load_debate(s, debate.workshop.id), key=KEY)
    swapped = {p.item(): 1 - int(g) for p, g in zip(
        snap.result.participants, snap.result.labels, strict=True) if g >= 0}
    shown = replace(snap, result=analyse(snap.votes, reference_groups=swapped))
    with f.session(database) as s:
        export_polis(s, debate.workshop.id, tmp_path / "same", shown=shown)
    assert read_polis(tmp_path / "same").groups == swapped
    newcomer = f.join(database, debate.workshop, "Nouvelle").participant
    with f.session(database) as s:
        voting.vote(s, newcomer, debate.statements[0], 1)
    with f.session(database) as s:
        export_polis(s, debate.workshop.id, tmp_path / "later", shown=shown)
    later = read_polis(tmp_path / "later").groups
    assert {p: later[p] for p in swapped} == swapped


def test_polis_export_lists_every_statement(database: Database, tmp_path: Path) -> None:
    """17 statements, one hidden and one without votes: the export had 15 comments."""
    debate = f.debate_with_blocs(database)
    with f.session(database) as s:
        participation.hide_statement(s, debate.workshop.facilitator_id, debate.statements[3])
    with f.session(database) as s:
        unvoted = participation.post_statement(s, debate.blocs[0][0], "Personne n'a voté")
    with f.session(database) as s:
        export_polis(s, debate.workshop.id, tmp_path)
    back = read_polis(tmp_path)
    by_id = {c.id: c for c in back.comments}
    assert len(back.comments) == len(debate.statements) + 1
    assert by_id[unvoted.id].text == "Personne n'a voté" and by_id[unvoted.id].moderated == 1
    assert by_id[debate.statements[3]].moderated == -1
    summary = (tmp_path / "summary.csv").read_text()
    assert f"comments,{len(debate.statements) + 1}" in summary


def test_incremental_read_equals_a_full_read(database: Database) -> None:
    debate = f.debate_with_blocs(database, per_bloc=4, n_statements=5)
    with f.session(database) as s:
        _, first = load_votes(s, debate.workshop.id)
    newcomer = f.join(database, debate.workshop, "Nouvelle").participant
    changer = debate.blocs[0][0]
    with f.session(database) as s:
        voting.vote(s, newcomer, debate.statements[1], -1)
    with f.session(database) as s:
        voting.vote(s, changer, debate.statements[1], 0)  # changes an earlier vote
    owner = debate.workshop.facilitator_id
    with f.session(database) as s:
        participation.hide_statement(s, owner, debate.statements[2])
    with f.session(database) as s:
        read, second = load_votes(s, debate.workshop.id, first, margin=0.0)
        _, full = load_votes(s, debate.workshop.id)
    assert read.since is not None and read.n_votes < full.n_votes
    assert second.n_votes == full.n_votes == first.n_votes + 1
    assert second.matrix().toarray().tolist() == full.matrix().toarray().tolist()
    assert second.moderated_out.tolist() == full.moderated_out.tolist()
    with f.session(database) as s:
        participation.hide_statement(s, owner, debate.statements[2], hidden=False)
    with f.session(database) as s:
        read, third = load_votes(s, debate.workshop.id, second)
    assert read.since is None and not third.moderated_out.any()  # shown again: full read
