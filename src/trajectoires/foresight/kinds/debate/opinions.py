"""Opinion groups of an open debate: votes read from the database, analysed by the engine.

:func:`load_debate` reads a workshop's votes, statements and moderation in one
transaction; :func:`analyse_debate` runs :func:`trajectoires.collective.analyse` on them
(warm start from the previous result) and returns an :class:`OpinionSnapshot`, the one
shape that the page, the JSON API and the live ``opinions`` event are built from;
:func:`export_polis` writes the debate as the four Pol.is files.

Privacy: positions on the map are published under an opaque id per participant and
workshop (an HMAC of the ids under the application's secret key), never under the
pseudonym or the database id, which appear next to statements. A participant's page
is given its own opaque id, so it can highlight "Vous".
"""

from __future__ import annotations

import hashlib
import hmac
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np
from sqlalchemy import select
from sqlalchemy.orm import Session

from trajectoires.collective import Params, Pick, Result, VoteTable, analyse, write_polis
from trajectoires.collective._polis import Comment
from trajectoires.collective._svg import group_letter
from trajectoires.foresight.errors import ConflictError
from trajectoires.foresight.models import VISIBLE, Contribution, Vote, Workshop, utcnow

__all__ = [
    "DebateVotes",
    "OpinionSnapshot",
    "analyse_debate",
    "export_polis",
    "load_debate",
    "load_votes",
    "opaque_id",
]


@dataclass(frozen=True, eq=False)
class DebateVotes:
    """Everything the analysis of one debate reads from the database."""

    workshop_id: int
    participant_ids: np.ndarray
    statement_ids: np.ndarray
    values: np.ndarray
    timestamps: np.ndarray
    hidden: tuple[int, ...]
    texts: dict[int, str]
    authors: dict[int, int] = field(default_factory=dict)
    created: dict[int, float] = field(default_factory=dict)
    since: float | None = None

    @property
    def n_votes(self) -> int:
        """Number of (participant, statement) votes read."""
        return len(self.values)

    def table(self, previous: VoteTable | None = None) -> VoteTable | None:
        """Return the vote table, hidden statements moderated out (``None`` without votes).

        With ``previous`` (the table of an earlier computation), the votes read are merged
        into it (:meth:`VoteTable.extend`, the latest vote wins).
        """
        known = set(self.statement_ids.tolist())
        if previous is not None:
            known |= set(previous.statements.tolist())
        hidden = [s for s in self.hidden if s in known]
        if previous is not None:
            rows = zip(self.participant_ids.tolist(), self.statement_ids.tolist(),
                       self.values.tolist(), self.timestamps.tolist(), strict=True)
            return previous.extend(list(rows), moderated_out=hidden)
        if not self.n_votes:
            return None
        return VoteTable.from_arrays(
            self.participant_ids, self.statement_ids, self.values, self.timestamps,
            moderated_out=hidden,
        )


def _millis(moment: datetime) -> float:
    if moment.tzinfo is None:  # SQLite gives back naive UTC times
        moment = moment.replace(tzinfo=UTC)
    return moment.timestamp() * 1000.0


def load_debate(session: Session, workshop_id: int, *, since: float | None = None) -> DebateVotes:
    """Read the votes, statements and hidden statements of a workshop (one transaction).

    ``since`` (milliseconds since the epoch) reads only the votes cast or changed since
    then; the statements are always all read.
    """
    votes = (
        select(Vote.participant_id, Vote.contribution_id, Vote.value, Vote.updated_at)
        .join(Contribution, Contribution.id == Vote.contribution_id)
        .where(Contribution.workshop_id == workshop_id)
    )
    if since is not None:
        votes = votes.where(Vote.updated_at >= datetime.fromtimestamp(since / 1000, UTC))
    statements = select(
        Contribution.id, Contribution.text, Contribution.status != VISIBLE,
        Contribution.participant_id, Contribution.created_at,
    ).where(Contribution.workshop_id == workshop_id, Contribution.type == "statement")
    with session.begin():
        rows = session.execute(votes).all()
        found = session.execute(statements).all()
    return DebateVotes(
        workshop_id,
        np.array([r[0] for r in rows], dtype=np.int64),
        np.array([r[1] for r in rows], dtype=np.int64),
        np.array([r[2] for r in rows], dtype=np.int8),
        np.array([_millis(r[3]) for r in rows], dtype=float),
        tuple(s[0] for s in found if s[2]),
        {s[0]: s[1] for s in found},
        {s[0]: s[3] for s in found},
        {s[0]: _millis(s[4]) for s in found},
        since,
    )


def load_votes(
    session: Session, workshop_id: int, previous: VoteTable | None = None, *,
    margin: float = 10_000.0,
) -> tuple[DebateVotes, VoteTable | None]:
    """Read a debate and its vote table, incrementally when ``previous`` is given.

    With ``previous``, only the votes changed since its latest vote minus ``margin``
    milliseconds are read (a vote is stamped just before its transaction commits;
    the margin covers transactions still in flight at the previous read) and merged in.
    When a hidden statement was shown again, everything is read again.
    """
    if previous is not None and previous.n_votes:
        since = float(np.nanmax(previous.timestamps)) - margin
        debate = load_debate(session, workshop_id, since=since)
        shown_again = set(previous.statements[previous.moderated_out].tolist()) - set(
            debate.hidden)
        if not shown_again:
            return debate, debate.table(previous)
    debate = load_debate(session, workshop_id)
    return debate, debate.table()


def opaque_id(key: bytes, workshop_id: int, participant_id: int) -> str:
    """Public id of a participant on a workshop's opinion map (12 hex digits).

    >>> opaque_id(b"k", 1, 2) == opaque_id(b"k", 1, 2) != opaque_id(b"k", 1, 3)
    True
    """
    message = f"{workshop_id}:{participant_id}".encode()
    return hmac.new(key, message, hashlib.sha256).hexdigest()[:12]


@dataclass(frozen=True, eq=False)
class OpinionSnapshot:
    """The latest opinion analysis of a debate, ready to show.

    ``ready`` is true when there are at least two groups and at least
    ``params.min_votes`` participants who voted on ``params.min_votes`` statements
    (the engine's threshold for being clustered); before that the page shows a note.
    ``data`` is the public JSON (see :func:`snapshot_data`).
    """

    workshop_id: int
    version: int
    computed_at: datetime
    duration_ms: float
    n_votes: int
    n_participants: int
    n_statements: int
    ready: bool
    params: Params
    result: Result | None
    data: dict[str, Any]
    point_ids: tuple[str, ...] = ()
    votes: VoteTable | None = None


def _pick(pick: Pick, texts: dict[int, str], result: Result,
          group: int | None = None) -> dict[str, Any]:
    """Describe a picked statement with its raw vote counts (overall, or in ``group``).

    ``percent`` is the share of the picked direction among the votes cast (passes
    included), as Pol.is's report shows it; the selection itself used pseudo-counts.
    """
    votes = result.tally(pick.statement, group)
    seen = sum(votes.values())
    share = votes.get(pick.direction, votes["agree"])  # a divisive "split": agree share
    return {"statement_id": int(pick.statement), "text": texts.get(int(pick.statement), ""),
            "direction": pick.direction, "votes": votes, "seen": seen,
            "percent": round(100 * share / seen) if seen else 0}


def _is_ready(result: Result, per_participant: np.ndarray, params: Params) -> bool:
    enough = int((per_participant >= params.min_votes).sum())
    return len(result.groups) >= 2 and enough >= params.min_votes


def snapshot_data(
    result: Result | None, debate: DebateVotes, ids: tuple[str, ...], ready: bool
) -> dict[str, Any]:
    """Public JSON of an analysis: positions under opaque ids, groups, statements."""
    if result is None:
        return {"participants": [], "groups": [], "consensus": [], "divisive": [],
                "uncertain": []}
    texts = debate.texts
    participants = [
        {"id": ids[i], "x": round(float(x), 4), "y": round(float(y), 4),
         "group": group_letter(int(g)) if g >= 0 and ready else None}
        for i, ((x, y), g) in enumerate(zip(result.positions, result.labels, strict=True))
    ]
    groups = [
        {"id": group_letter(g.id), "size": g.size,
         "center": [round(g.center[0], 4), round(g.center[1], 4)],
         "representative": [_pick(p, texts, result, g.id)
                            for p in result.representative[g.id]]}
        for g in result.groups
    ]
    return {
        "participants": participants,
        "groups": groups if ready else [],
        "consensus": [_pick(p, texts, result) for p in result.consensus],
        "divisive": [_pick(p, texts, result) for p in result.divisive] if ready else [],
        "uncertain": [_pick(p, texts, result) for p in result.uncertain],
    }


def analyse_debate(
    debate: DebateVotes, *, key: bytes, previous: OpinionSnapshot | None = None,
    params: Params | None = None, table: VoteTable | None = None,
) -> OpinionSnapshot:
    """Analyse a debate (warm start from ``previous``) and build its snapshot.

    ``table`` is the debate's vote table when already built (:func:`load_votes`).
    CPU-bound: call it from a worker thread, never on the event loop.
    """
    params = params or Params()
    started = time.perf_counter()
    table = table if table is not None else debate.table()
    result, ready = None, False
    if table is not None:
        before = previous.result if previous is not None else None
        result = analyse(table, previous=before, params=params)
        ready = _is_ready(result, np.bincount(table.rows, minlength=table.shape[0]), params)
    ids = tuple(opaque_id(key, debate.workshop_id, int(p)) for p in (
        result.participants if result is not None else ()))
    visible = len(set(debate.texts) - set(debate.hidden))
    return OpinionSnapshot(
        workshop_id=debate.workshop_id, version=(previous.version + 1) if previous else 1,
        computed_at=utcnow(), duration_ms=(time.perf_counter() - started) * 1000,
        n_votes=table.n_votes if table is not None else 0, n_participants=len(ids),
        n_statements=visible, ready=ready, params=params, result=result,
        data=snapshot_data(result, debate, ids, ready), point_ids=ids, votes=table,
    )


def _same_votes(a: VoteTable, b: VoteTable | None) -> bool:
    """Whether two vote tables hold the same votes on the same statements."""
    if b is None or a.shape != b.shape:
        return False
    return all(np.array_equal(getattr(a, name), getattr(b, name)) for name in (
        "participants", "statements", "rows", "cols", "values", "moderated_out"))


def _groups_of(result: Result | None) -> dict:
    """Participant id → group id of a result (clustered participants only)."""
    if result is None:
        return {}
    return {p.item(): int(g) for p, g in zip(result.participants, result.labels, strict=True)
            if g >= 0}


def export_polis(session: Session, workshop_id: int, folder: Path, *,
                 params: Params | None = None,
                 shown: OpinionSnapshot | Callable[[], OpinionSnapshot] | None = None,
                 ) -> DebateVotes:
    """Write the debate as a Pol.is export (votes, comments, participants-votes, summary).

    Hidden statements are written with ``moderated = -1``; voters and authors are the
    participants' database ids (Pol.is exports number participants too). ``shown`` is
    the snapshot participants see: its groups are exported when it holds the same votes
    (the live map's groups come from warm starts and may differ from a fresh run), and
    otherwise the fresh groups are named after its groups, so group A stays group A.

    Raises
    ------
    ConflictError
        The debate has no vote yet.

    """
    debate = load_debate(session, workshop_id)
    table = debate.table()
    if table is None:
        raise ConflictError("no_votes_to_export")
    with session.begin():
        workshop = session.get(Workshop, workshop_id)
        topic = workshop.question if workshop is not None else ""
    hidden = set(debate.hidden)
    comments = tuple(
        Comment(sid, text, debate.authors.get(sid), debate.created.get(sid),
                -1 if sid in hidden else 1)
        for sid, text in sorted(debate.texts.items())
    )
    if callable(shown):  # asked only now: a debate without votes writes nothing
        shown = shown()
    if shown is not None and shown.result is not None and _same_votes(table, shown.votes):
        result = shown.result
    else:
        result = analyse(table, params=params or Params(),
                         reference_groups=_groups_of(shown.result if shown else None))
    write_polis(folder, table, result=result, comments=comments, summary={"topic": topic})
    return debate
