"""The participant × statement vote table: latest vote wins, stored sparse.

Votes use the sign of Pol.is's CSV exports: ``+1`` agree, ``-1`` disagree, ``0`` pass.
A vote table keeps one vote per (participant, statement) pair as sorted triplets, so
that building the sparse matrices and adding a batch of new votes are both linear.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np
from scipy import sparse

__all__ = ["AGREE", "DISAGREE", "PASS", "VoteError", "VoteTable"]

AGREE, DISAGREE, PASS = 1, -1, 0


class VoteError(ValueError):
    """Bad vote input; names the file, line and field when the input came from a file.

    Attributes
    ----------
    source, line, field : str | None, int | None, str | None
        Where the bad value was read (``None`` when it did not come from a file).

    """

    def __init__(
        self, message: str, *, source: str | None = None, line: int | None = None,
        field: str | None = None,
    ) -> None:
        where = ", ".join(
            part for part in (
                f"fichier {source}" if source else "",
                f"ligne {line}" if line is not None else "",
                f"champ « {field} »" if field else "",
            ) if part
        )
        super().__init__(f"{where} : {message}" if where else message)
        self.source, self.line, self.field = source, line, field


def _frozen(array: np.ndarray) -> np.ndarray:
    array.setflags(write=False)
    return array


def _ids(values: Sequence | np.ndarray) -> np.ndarray:
    """Ids as a NumPy array: integers when all are integers, else strings."""
    array = np.asarray(values)
    if array.dtype.kind in "iu":
        return array.astype(np.int64)
    if array.dtype.kind in "OUS":
        return array.astype(str)
    raise VoteError(f"identifiants invalides (type {array.dtype}) : entiers ou textes attendus")


@dataclass(frozen=True, eq=False)
class VoteTable:
    """Latest vote of each participant on each statement (immutable).

    Build it with :meth:`from_rows` or :meth:`from_arrays`; add a batch with
    :meth:`extend`.

    Attributes
    ----------
    participants, statements : numpy.ndarray
        Sorted unique ids (integers or strings).
    rows, cols : numpy.ndarray
        Participant and statement index of each vote, sorted by (row, col).
    values : numpy.ndarray
        ``int8`` votes: +1 agree, -1 disagree, 0 pass.
    timestamps : numpy.ndarray
        Time of each vote (milliseconds; NaN when unknown).
    moderated_out : numpy.ndarray
        Boolean per statement: moderated out (zeroed in the math).

    Examples
    --------
    >>> votes = VoteTable.from_rows([("ana", "s1", 1), ("ana", "s1", -1), ("bob", "s2", 0)])
    >>> votes.shape, votes.n_votes
    ((2, 2), 2)
    >>> votes.matrix().toarray().tolist()  # latest vote wins; NaN-free with 0 for "pass"
    [[-1, 0], [0, 0]]

    """

    participants: np.ndarray
    statements: np.ndarray
    rows: np.ndarray
    cols: np.ndarray
    values: np.ndarray
    timestamps: np.ndarray
    moderated_out: np.ndarray

    @property
    def shape(self) -> tuple[int, int]:
        """(number of participants, number of statements)."""
        return len(self.participants), len(self.statements)

    @property
    def n_votes(self) -> int:
        """Number of (participant, statement) pairs with a vote."""
        return len(self.values)

    @classmethod
    def from_rows(
        cls, rows: Iterable[Sequence], *, moderated_out: Iterable = (),
        statements: Iterable | None = None,
    ) -> VoteTable:
        """Build from ``(participant_id, statement_id, value[, timestamp])`` rows.

        The latest vote (largest timestamp, then last row) wins. ``statements`` may list
        statements that have no vote yet; ``moderated_out`` lists rejected statements.
        """
        rows = list(rows)
        if not rows:
            raise VoteError("aucun vote : la matrice participants × propositions est vide")
        bad = next((i for i, r in enumerate(rows) if len(r) not in (3, 4)), None)
        if bad is not None:
            raise VoteError(f"vote n° {bad + 1} : attendu (participant, proposition, vote"
                            f"[, horodatage]), reçu {rows[bad]!r}")
        stamps = [float(r[3]) if len(r) > 3 and r[3] is not None else np.nan for r in rows]
        return cls.from_arrays(
            [r[0] for r in rows], [r[1] for r in rows], [r[2] for r in rows], stamps,
            moderated_out=moderated_out, statements=statements,
        )

    @classmethod
    def from_arrays(
        cls, participant_ids: Sequence | np.ndarray, statement_ids: Sequence | np.ndarray,
        values: Sequence | np.ndarray, timestamps: Sequence | np.ndarray | None = None, *,
        moderated_out: Iterable = (), statements: Iterable | None = None,
    ) -> VoteTable:
        """Build from parallel arrays (vectorised :meth:`from_rows`)."""
        values = _check_values(values)
        if not len(values):
            raise VoteError("aucun vote : la matrice participants × propositions est vide")
        pids, sids = _ids(participant_ids), _ids(statement_ids)
        if not len(values) == len(pids) == len(sids):
            raise VoteError("participants, propositions et votes n'ont pas la même longueur")
        extra = _ids(list(statements)) if statements is not None else sids[:0]
        moderated = list(moderated_out)
        moderated = _ids(moderated) if moderated else sids[:0]
        participants, rows = np.unique(pids, return_inverse=True)
        all_statements = np.unique(np.concatenate([sids, extra, moderated]))
        cols = np.searchsorted(all_statements, sids)
        stamps = _stamps(timestamps, len(values))
        keep = _latest(rows, cols, stamps, len(all_statements))
        return cls(
            _frozen(participants), _frozen(all_statements), _frozen(rows[keep].astype(np.int32)),
            _frozen(cols[keep].astype(np.int32)), _frozen(values[keep]), _frozen(stamps[keep]),
            _frozen(np.isin(all_statements, moderated)),
        )

    def extend(self, rows: Iterable[Sequence], *, moderated_out: Iterable = ()) -> VoteTable:
        """Return a new table with a later batch of votes added (a new vote replaces an older one).

        Linear in the table size: the existing triplets stay sorted and new ones are
        merged in, which is what a live debate needs after every batch.

        Examples
        --------
        >>> votes = VoteTable.from_rows([("ana", "s1", 1)])
        >>> votes.extend([("ana", "s1", -1), ("eve", "s3", 1)]).matrix().toarray().tolist()
        [[-1, 0], [0, 1]]

        """
        rows = list(rows)
        new = VoteTable.from_rows(rows, moderated_out=moderated_out) if rows else None
        if new is None:
            return self.with_moderation(moderated_out)
        participants = np.union1d(self.participants, new.participants)
        statements = np.union1d(self.statements, new.statements)
        old_keys = _keys(self, participants, statements)
        new_keys = _keys(new, participants, statements)
        keys, values, stamps = _merge(
            (old_keys, self.values, self.timestamps), (new_keys, new.values, new.timestamps)
        )
        moderated = np.isin(statements, self.statements[self.moderated_out]) | np.isin(
            statements, new.statements[new.moderated_out]
        )
        rows_, cols_ = np.divmod(keys, len(statements))
        return VoteTable(
            _frozen(participants), _frozen(statements), _frozen(rows_.astype(np.int32)),
            _frozen(cols_.astype(np.int32)), _frozen(values), _frozen(stamps), _frozen(moderated),
        )

    def with_moderation(self, moderated_out: Iterable) -> VoteTable:
        """Return the same votes with more statements moderated out (ids must be known)."""
        ids = list(moderated_out)
        ids = _ids(ids) if ids else self.statements[:0]
        unknown = np.setdiff1d(ids, self.statements)
        if len(unknown):
            raise VoteError(f"proposition inconnue à modérer : {unknown[0]!r}")
        moderated = self.moderated_out | np.isin(self.statements, ids)
        return VoteTable(self.participants, self.statements, self.rows, self.cols,
                         self.values, self.timestamps, _frozen(moderated))

    def matrix(self) -> sparse.csr_matrix:
        """Return the raw participant × statement matrix (``int8``; absent votes are not stored).

        Passes are stored as explicit zeros: use :meth:`indicator` to count them.
        """
        indptr = np.zeros(self.shape[0] + 1, dtype=np.int64)
        np.cumsum(np.bincount(self.rows, minlength=self.shape[0]), out=indptr[1:])
        return sparse.csr_matrix((self.values, self.cols, indptr), shape=self.shape)

    def indicator(self, value: int | None = None) -> sparse.csr_matrix:
        """0/1 matrix of the votes equal to ``value`` (all votes when ``None``)."""
        mask = np.ones(self.n_votes, bool) if value is None else self.values == value
        return sparse.csr_matrix(
            (np.ones(int(mask.sum())), (self.rows[mask], self.cols[mask])), shape=self.shape
        )


def _check_values(values: Sequence | np.ndarray) -> np.ndarray:
    array = np.asarray(values)
    if array.dtype.kind not in "iuf":
        try:
            array = array.astype(float)
        except ValueError:
            bad = next(v for v in array.tolist() if not _is_number(v))
            raise VoteError(f"vote inconnu {bad!r} : attendu 1 (d'accord), -1 (pas d'accord) "
                            "ou 0 (passer)", field="vote") from None
    bad = ~np.isin(array, (-1, 0, 1))
    if bad.any():
        index = int(np.flatnonzero(bad)[0])
        raise VoteError(f"vote inconnu {array[index]!r} (vote n° {index + 1}) : attendu 1 "
                        "(d'accord), -1 (pas d'accord) ou 0 (passer)", field="vote")
    return array.astype(np.int8)


def _is_number(value: object) -> bool:
    try:
        float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return False
    return True


def _stamps(timestamps: Sequence | np.ndarray | None, n: int) -> np.ndarray:
    if timestamps is None:
        return np.full(n, np.nan)
    stamps = np.asarray(timestamps, dtype=float)
    if len(stamps) != n:
        raise VoteError("les horodatages n'ont pas la même longueur que les votes")
    return stamps


def _latest(rows: np.ndarray, cols: np.ndarray, stamps: np.ndarray, n_cols: int) -> np.ndarray:
    """Index of the latest vote per (row, col), sorted by (row, col)."""
    keys = rows.astype(np.int64) * n_cols + cols
    stamps = np.nan_to_num(stamps, nan=-np.inf)
    if len(stamps) < 2 or bool((stamps[1:] >= stamps[:-1]).all()):  # already in time order
        order = np.argsort(keys, kind="stable")
    else:
        order = np.lexsort((stamps, keys))  # stable: the later row wins a tie
    sorted_keys = keys[order]
    last = np.ones(len(order), bool)
    last[:-1] = sorted_keys[1:] != sorted_keys[:-1]
    return order[last]


def _keys(table: VoteTable, participants: np.ndarray, statements: np.ndarray) -> np.ndarray:
    """Sorted (row, col) keys of ``table`` re-indexed on larger id sets (order preserved)."""
    rows, cols = table.rows, table.cols
    if len(participants) != len(table.participants):
        rows = np.searchsorted(participants, table.participants)[rows]
    if len(statements) != len(table.statements):
        cols = np.searchsorted(statements, table.statements)[cols]
    return rows.astype(np.int64) * len(statements) + cols


def _merge(
    old: tuple[np.ndarray, np.ndarray, np.ndarray], new: tuple[np.ndarray, np.ndarray, np.ndarray]
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Merge two sorted (keys, values, stamps) sets; the new vote wins unless strictly older."""
    old_keys, old_values, old_stamps = old
    new_keys, new_values, new_stamps = new
    pos = np.searchsorted(old_keys, new_keys)
    found = pos < len(old_keys)
    found[found] = old_keys[pos[found]] == new_keys[found]
    older = found & (new_stamps < old_stamps[np.minimum(pos, len(old_keys) - 1)])
    replace = found & ~older
    values, stamps = old_values.copy(), old_stamps.copy()
    values[pos[replace]], stamps[pos[replace]] = new_values[replace], new_stamps[replace]
    insert = ~found
    keys = np.insert(old_keys, pos[insert], new_keys[insert])
    values = np.insert(values, pos[insert], new_values[insert])
    stamps = np.insert(stamps, pos[insert], new_stamps[insert])
    return keys, values, stamps
