"""Agreement with Pol.is's own groups on real conversations (../shared/data/polis)."""

import csv

import numpy as np
import pytest
from sklearn.metrics import adjusted_rand_score

from tests.collective import polis_dir
from trajectoires.collective import VoteTable, analyse, read_polis

SSIS = "ssis.land-bank-farmland.2rumnecbeh.2021-08-01"


def agreement(name: str) -> tuple[float, int, int]:
    export = read_polis(polis_dir(name))
    result = analyse(export.votes)
    ids = list(export.groups)
    ours = [result.group_of(p) for p in ids]
    pairs = [(export.groups[p], g) for p, g in zip(ids, ours, strict=True) if g is not None]
    theirs, mine = zip(*pairs, strict=True)
    return adjusted_rand_score(theirs, mine), len(pairs), len(ids)


@pytest.mark.parametrize("name", ["bg2050-volunteers", SSIS])
def test_groups_match_polis(name: str, record_property) -> None:
    score, common, grouped = agreement(name)
    record_property("ari", score)
    assert score >= 0.95, f"ARI {score:.3f} on {name}"
    assert common >= grouped - 2


def test_other_conversations_are_reported(record_property) -> None:
    """Reported, not asserted: Pol.is's groups there depend on its history (see docs)."""
    for name in ("scoop-hivemind.ubi", "american-assembly.bowling-green"):
        score, common, grouped = agreement(name)
        record_property(name, f"ARI {score:.3f} on {common}/{grouped}")
        assert np.isfinite(score)


def test_group_informed_consensus_matches_polis() -> None:
    """Only bg2050-volunteers exports Pol.is's group-informed consensus per comment."""
    folder = polis_dir("bg2050-volunteers")
    with (folder / "comments.csv").open(newline="") as handle:
        rows = list(csv.DictReader(handle))
    theirs = {int(r["comment-id"]): float(r["group-informed-consensus"]) for r in rows
              if r["group-informed-consensus"]}
    result = analyse(read_polis(folder).votes)
    ours = dict(zip(result.statements.tolist(), result.group_consensus, strict=True))
    gaps = [abs(theirs[c] - ours[c]) for c in theirs if c in ours]
    assert len(gaps) >= 0.9 * len(theirs)
    assert max(gaps) < 0.01


def test_live_replay_reproduces_polis_inclusion_and_groups() -> None:
    """Replaying the votes in time order, 500 at a time, with warm updates.

    Stickiness then brings in the participant who joined when there were fewer than 7
    statements, as in Pol.is: same 355 clustered participants, same group sizes.
    """
    export = read_polis(polis_dir(SSIS))
    votes = export.votes
    order = np.argsort(votes.timestamps, kind="stable")
    rows = list(zip(votes.participants[votes.rows[order]].tolist(),
                    votes.statements[votes.cols[order]].tolist(),
                    votes.values[order].tolist(), votes.timestamps[order].tolist(), strict=True))
    moderated = set(votes.statements[votes.moderated_out].tolist())
    table = result = None
    for start in range(0, len(rows), 500):
        batch = rows[start:start + 500]
        table = VoteTable.from_rows(batch) if table is None else table.extend(batch)
        table = table.with_moderation(moderated & set(table.statements.tolist()))
        result = analyse(table, previous=result)
    assert int((result.labels >= 0).sum()) == len(export.groups)
    assert sorted(g.size for g in result.groups) == sorted(
        np.bincount(list(export.groups.values())).tolist())
    pairs = [(g, result.group_of(p)) for p, g in export.groups.items()]
    assert adjusted_rand_score(*zip(*pairs, strict=True)) >= 0.95
