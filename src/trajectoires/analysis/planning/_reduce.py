"""Smaller coverage instances with the same optimum: identical rows merged, dominated columns out.

Applied to a :class:`~trajectoires.analysis.planning._coverage.Cover`, which
already holds only the demand not yet within reach of an existing place, with
inhabitants and within reach of some candidate (the other demand cannot change
the choice), and only the candidates reaching such demand:

- demand rows reached by exactly the same columns are one row whose inhabitants
  are summed (a row's coverage depends only on its columns);
- a column whose rows are a subset of another column's rows (*dominated*) is
  dropped: in any solution it can be replaced by the other one, or by any
  column when the other is already open, without covering fewer inhabitants.
  Among identical columns the first is kept, and a column is only dropped for
  one with more rows or, at equal rows, an earlier one, so the last of any
  chain of dominations stays.

Maximal coverage and set covering keep their optimum value and LP relaxation
value; a solution of the reduced instance is one of the full instance through
``cols`` (the positions among all candidates, as in ``Cover``).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

__all__ = ["Reduction", "reduce_cover"]


@dataclass(frozen=True)
class Reduction:
    """Sizes before and after :func:`reduce_cover` (rows: demand points; columns: candidates)."""

    rows_before: int
    rows_after: int
    columns_before: int
    columns_after: int


def _same_sets(matrix) -> np.ndarray:
    """Group label of each row of a 0/1 CSR matrix: equal labels for equal column sets.

    Rows are told apart by two random projections and their length, then checked
    exactly: a label is only shared by rows with the same sorted columns.
    """
    n = matrix.shape[0]
    rng = np.random.default_rng(0)
    keys = np.c_[np.diff(matrix.indptr), matrix @ rng.random(matrix.shape[1]),
                 matrix @ rng.random(matrix.shape[1])]
    _, label = np.unique(keys, axis=0, return_inverse=True)
    label = label.ravel()
    first = np.full(label.max() + 1 if n else 0, -1)
    first[label[::-1]] = np.arange(n)[::-1]  # the first row of each label
    lead = first[label]
    for i in np.flatnonzero(lead != np.arange(n)):  # exact check (hash collisions)
        j = lead[i]
        if not np.array_equal(matrix.indices[matrix.indptr[i]:matrix.indptr[i + 1]],
                              matrix.indices[matrix.indptr[j]:matrix.indptr[j + 1]]):
            lead[i] = i
    return lead


def dominated_columns(at) -> np.ndarray:
    """Columns (rows of ``at``, CSR) whose rows are within those of a column ranked higher.

    Ranked higher: more rows, or as many (then the same rows) and an earlier position.
    """
    size = np.diff(at.indptr)
    shared = (at @ at.T).tocoo()  # rows two columns have in common
    j, k = shared.row, shared.col
    higher = (size[k] > size[j]) | ((size[k] == size[j]) & (k < j))
    return np.unique(j[(shared.data == size[j]) & (j != k) & higher])


def reduce_cover(cover):
    """Return the cover with identical rows merged and dominated columns dropped, and sizes.

    Examples
    --------
    Columns 0 and 1 reach the same rows, column 2 a subset of column 3's; rows 0 and 1
    are reached by the same columns, and rows 2 and 3 are once column 2 is dropped:

    >>> import numpy as np
    >>> from scipy import sparse
    >>> from trajectoires.analysis.planning._coverage import Cover
    >>> a = sparse.csr_array(np.array([[1, 1, 0, 0], [1, 1, 0, 0], [0, 0, 1, 1], [0, 0, 0, 1]],
    ...                               dtype=float))
    >>> cover = Cover(a, a.T.tocsr(), np.array([4.0, 2.0, 3.0, 1.0]), np.arange(4), np.arange(4))
    >>> small, sizes = reduce_cover(cover)
    >>> small.a.toarray().tolist(), small.w.tolist(), small.cols.tolist()
    ([[1.0, 0.0], [0.0, 1.0]], [6.0, 4.0], [0, 3])
    >>> sizes
    Reduction(rows_before=4, rows_after=2, columns_before=4, columns_after=2)

    """
    from scipy import sparse

    from trajectoires.analysis.planning._coverage import Cover

    a = sparse.csr_array(cover.a)
    a.sort_indices()
    kept = np.setdiff1d(np.arange(a.shape[1]), dominated_columns(cover.at))
    a = a[:, kept]
    lead = _same_sets(a)
    rows, label = np.unique(lead, return_inverse=True)
    w = np.bincount(label, weights=cover.w, minlength=len(rows))
    a = sparse.csr_array(a[rows])
    sizes = Reduction(cover.a.shape[0], a.shape[0], cover.a.shape[1], a.shape[1])
    return Cover(a, a.T.tocsr(), w, cover.rows[rows], cover.cols[kept]), sizes
