"""Read and write Pol.is exports (``votes.csv``, ``participants-votes.csv``, …).

Files are comma-separated with a header row; the vote sign is the export's: +1 agree,
-1 disagree, 0 pass. Errors name the file, the line (1 = header) and the field.
"""

from __future__ import annotations

import csv
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from trajectoires.collective._result import Result
from trajectoires.collective._votes import AGREE, DISAGREE, VoteError, VoteTable
from trajectoires.csv_cells import neutralise

__all__ = ["Comment", "PolisExport", "read_polis", "write_polis"]

FIXED_COLUMNS = ("participant", "xid", "group-id", "n-comments", "n-votes", "n-agree",
                 "n-disagree")


@dataclass(frozen=True)
class Comment:
    """A statement as Pol.is exports it (``moderated``: 1 accepted, 0 new, -1 rejected)."""

    id: int | str
    text: str = ""
    author: int | str | None = None
    timestamp: float | None = None
    moderated: int = 1
    is_meta: bool = False


@dataclass(frozen=True, eq=False)
class PolisExport:
    """A debate read from a Pol.is export folder.

    ``groups`` maps participant id → Pol.is ``group-id`` (clustered participants only).
    """

    votes: VoteTable
    comments: tuple[Comment, ...] = ()
    summary: dict[str, str] = field(default_factory=dict)
    groups: dict = field(default_factory=dict)


def _id(text: str) -> int | str:
    text = text.strip()
    return int(text) if text.lstrip("-").isdigit() else text


def _id_array(ids: list) -> np.ndarray:
    """Integer array when every id is an integer, else strings."""
    if all(isinstance(x, int) for x in ids):
        return np.array(ids, dtype=np.int64)
    return np.array([str(x) for x in ids])


def _rows(path: Path) -> Iterator[tuple[int, list[str]]]:
    """(line number, cells) of a CSV file; line 1 is the header."""
    with path.open(newline="", encoding="utf-8") as handle:
        reader = csv.reader(handle)
        for row in reader:
            yield reader.line_num, row


def _header(path: Path, rows: Iterator[tuple[int, list[str]]], needed: tuple[str, ...]) -> dict:
    try:
        _, header = next(rows)
    except StopIteration:
        raise VoteError("fichier vide", source=path.name, line=1) from None
    seen: dict[str, int] = {}
    for i, name in enumerate(header):
        if name in seen:
            raise VoteError("colonne en double", source=path.name, line=1, field=name)
        seen[name] = i
    for name in needed:
        if name not in seen:
            raise VoteError("colonne manquante", source=path.name, line=1, field=name)
    return seen


def _vote(path: Path, line: int, name: str, text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        value = 99
    if value not in (-1, 0, 1):
        raise VoteError(f"vote inconnu {text!r} : attendu 1, -1 ou 0", source=path.name,
                        line=line, field=name)
    return value


def _read_comments(path: Path) -> tuple[Comment, ...]:
    rows = _rows(path)
    cols = _header(path, rows, ("comment-id",))
    out: dict = {}
    for line, row in rows:
        cell = {name: row[i] if i < len(row) else "" for name, i in cols.items()}
        cid = _id(cell["comment-id"])
        if cid == "":
            raise VoteError("identifiant vide", source=path.name, line=line, field="comment-id")
        if cid in out:
            raise VoteError(f"proposition {cid!r} en double", source=path.name, line=line,
                            field="comment-id")
        moderated = cell.get("moderated", "1") or "1"
        if moderated not in ("-1", "0", "1"):
            raise VoteError(f"valeur {moderated!r} : attendu -1, 0 ou 1", source=path.name,
                            line=line, field="moderated")
        author = cell.get("author-id", "")
        stamp = cell.get("timestamp", "")
        out[cid] = Comment(cid, cell.get("comment-body", ""), _id(author) if author else None,
                           float(stamp) if stamp else None, int(moderated),
                           cell.get("is-meta", "").lower() == "true")
    return tuple(out.values())


def _read_event_log(path: Path) -> tuple[list, list, list, list]:
    rows = _rows(path)
    cols = _header(path, rows, ("comment-id", "voter-id", "vote"))
    pids, sids, values, stamps = [], [], [], []
    c, p, v, t = cols["comment-id"], cols["voter-id"], cols["vote"], cols.get("timestamp")
    for line, row in rows:
        pids.append(_id(row[p]))
        sids.append(_id(row[c]))
        values.append(_vote(path, line, "vote", row[v]))
        stamps.append(float(row[t]) if t is not None and row[t] else np.nan)
    return pids, sids, values, stamps


def _read_wide(path: Path) -> tuple[list, list, list, dict]:
    rows = _rows(path)
    cols = _header(path, rows, ("participant",))
    names = [n for n in cols if n not in FIXED_COLUMNS]
    first = min(cols[n] for n in names) if names else len(cols)
    statement_ids = np.array([_id(n) for n in names], dtype=object)
    pids, sids, values, groups, seen = [], [], [], {}, set()
    for line, row in rows:
        pid = _id(row[cols["participant"]])
        if pid in seen:
            raise VoteError(f"participant {pid!r} en double", source=path.name, line=line,
                            field="participant")
        seen.add(pid)
        if "group-id" in cols and row[cols["group-id"]] != "":
            groups[pid] = int(row[cols["group-id"]])
        cells = np.array(row[first:first + len(names)], dtype=object)
        filled = np.flatnonzero(cells != "")
        bad = filled[~np.isin(cells[filled], ("1", "-1", "0"))]
        if len(bad):
            _vote(path, line, names[bad[0]], cells[bad[0]])
        pids += [pid] * len(filled)
        sids += statement_ids[filled].tolist()
        values += [int(x) for x in cells[filled]]
    return pids, sids, values, groups


def _read_summary(path: Path) -> dict[str, str]:
    return {row[0]: row[1] for _, row in _rows(path) if len(row) >= 2}


def read_polis(directory: str | Path) -> PolisExport:
    """Read a Pol.is export folder.

    Votes come from ``votes.csv`` (event log: latest vote wins) when present, else
    from ``participants-votes.csv`` (whose ``group-id`` column is kept in
    ``groups``). Statements rejected in ``comments.csv`` (``moderated = -1``) or marked
    meta are moderated out.

    Examples
    --------
    >>> import tempfile
    >>> from trajectoires.collective import analyse, example_votes
    >>> folder = tempfile.mkdtemp()
    >>> write_polis(folder, example_votes(), result=analyse(example_votes()))
    >>> back = read_polis(folder)
    >>> back.votes.shape, sorted(set(back.groups.values()))
    ((8, 6), [0, 1])

    """
    folder = Path(directory)
    if not folder.is_dir():
        raise VoteError(f"dossier introuvable : {folder}")
    comments = _read_comments(folder / "comments.csv") if (
        folder / "comments.csv").exists() else ()
    groups: dict = {}
    wide, log = folder / "participants-votes.csv", folder / "votes.csv"
    if wide.exists():
        pids, sids, values, groups = _read_wide(wide)
        stamps, source = None, wide
    if log.exists():
        pids, sids, values, stamps = _read_event_log(log)
        source = log
    elif not wide.exists():
        raise VoteError("ni votes.csv ni participants-votes.csv", source=str(folder))
    out = [c.id for c in comments if c.moderated == -1 or c.is_meta]
    try:
        votes = VoteTable.from_arrays(
            _id_array(pids), _id_array(sids), values, stamps,
            moderated_out=out, statements=[c.id for c in comments],
        )
    except VoteError as exc:
        raise VoteError(str(exc), source=source.name) from None
    summary = _read_summary(folder / "summary.csv") if (folder / "summary.csv").exists() else {}
    return PolisExport(votes, comments, summary, groups)


def _stamp_text(stamp: float) -> tuple[str, str]:
    if not np.isfinite(stamp):
        return "", ""
    text = time.strftime("%a %b %d %H:%M:%S UTC %Y", time.gmtime(stamp / 1000))
    return str(int(stamp)), text


def _write(path: Path, header: list[str], rows: list[list]) -> None:
    """Write one file; a text a spreadsheet would run as a formula is neutralised."""
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        if header:
            writer.writerow(header)
        writer.writerows([neutralise(cell) for cell in row] for row in rows)


def write_polis(
    directory: str | Path, votes: VoteTable, *, result: Result | None = None,
    comments: tuple[Comment, ...] = (), summary: dict[str, str] | None = None,
) -> None:
    """Write a debate as a Pol.is export: the four files Pol.is users know.

    ``votes.csv`` holds the latest vote of each pair (re-votes are not kept);
    ``participants-votes.csv`` has the groups of ``result`` in ``group-id``;
    ``comments.csv`` lists every statement of ``comments`` too, voted on or not,
    with its moderation status, as Pol.is does.
    """
    folder = Path(directory)
    folder.mkdir(parents=True, exist_ok=True)
    pids, sids = votes.participants, votes.statements
    log = [[*_stamp_text(t), sids[c], pids[r], int(v)] for r, c, v, t in zip(
        votes.rows, votes.cols, votes.values, votes.timestamps, strict=True)]
    _write(folder / "votes.csv", ["timestamp", "datetime", "comment-id", "voter-id", "vote"],
           sorted(log, key=lambda row: (row[0] == "", int(row[0] or 0))))
    _write_wide(folder / "participants-votes.csv", votes, result, comments)
    known = {c.id: c for c in comments}
    agrees = np.bincount(votes.cols[votes.values == AGREE], minlength=len(sids))
    disagrees = np.bincount(votes.cols[votes.values == DISAGREE], minlength=len(sids))
    rows = []
    voted = sids.tolist()
    unvoted = [c for c in comments if c.id not in set(voted)]
    for j, sid in enumerate(voted):
        c = known.get(sid, Comment(sid, moderated=-1 if votes.moderated_out[j] else 1))
        rows.append(_comment_row(c, agrees[j], disagrees[j]))
    rows += [_comment_row(c, 0, 0) for c in unvoted]
    _write(folder / "comments.csv", ["timestamp", "datetime", "comment-id", "author-id",
                                     "agrees", "disagrees", "moderated", "is-meta",
                                     "comment-body"], rows)
    info = dict(summary or {})
    info.setdefault("voters", str(votes.shape[0]))
    info.setdefault("voters-in-conv", str(int((result.labels >= 0).sum()) if result else 0))
    info.setdefault("commenters", str(len({c.author for c in comments if c.author is not None})))
    info.setdefault("comments", str(len(rows)))
    info.setdefault("groups", str(len(result.groups) if result else 0))
    _write(folder / "summary.csv", [], [[k, v] for k, v in info.items()])


def _comment_row(c: Comment, agrees: int, disagrees: int) -> list:
    return [*_stamp_text(c.timestamp if c.timestamp is not None else np.nan), c.id,
            "" if c.author is None else c.author, agrees, disagrees, c.moderated,
            str(c.is_meta).lower(), c.text]


def _write_wide(path: Path, votes: VoteTable, result: Result | None,
                comments: tuple[Comment, ...]) -> None:
    n, m = votes.shape
    cells = np.full((n, m), "", dtype=object)
    cells[votes.rows, votes.cols] = votes.values.astype(str)
    authored = {}
    for c in comments:
        authored[c.author] = authored.get(c.author, 0) + 1
    labels = result.labels if result is not None else np.full(n, -1)
    agree = np.bincount(votes.rows[votes.values == AGREE], minlength=n)
    disagree = np.bincount(votes.rows[votes.values == DISAGREE], minlength=n)
    total = np.bincount(votes.rows, minlength=n)
    rows = [[pid, "" if labels[i] < 0 else int(labels[i]), authored.get(pid, 0), total[i],
             agree[i], disagree[i], *cells[i]] for i, pid in enumerate(votes.participants.tolist())]
    _write(path, ["participant", "group-id", "n-comments", "n-votes", "n-agree", "n-disagree",
                  *votes.statements.tolist()], rows)
