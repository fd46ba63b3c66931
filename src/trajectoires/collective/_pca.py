"""Two principal components of the imputed vote matrix, without densifying it.

Pol.is replaces each missing vote by its column mean, then centres on the column
means. The centred matrix is therefore zero wherever a vote is missing: it is exactly
as sparse as the votes, and its top components are found by block subspace iteration
(warm-started from the previous components) on ``CᵀC``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import sparse

from trajectoires.collective._votes import VoteTable

__all__ = ["Projection", "project"]


@dataclass(frozen=True, eq=False)
class Projection:
    """Participants' 2-D positions and what produced them.

    Attributes
    ----------
    positions : numpy.ndarray
        ``(n_participants, 2)`` sparsity-aware projections.
    components : numpy.ndarray
        ``(n_statements, 2)`` unit principal axes (zero rows for inactive statements).
    center : numpy.ndarray
        Column means of the votes (0 for moderated-out statements).
    extremity : numpy.ndarray
        Length of each statement's projection (a virtual participant who agrees only).
    n_votes : numpy.ndarray
        Votes per participant counted as Pol.is does for the scaling.
    explained : numpy.ndarray
        The two eigenvalues of ``CᵀC`` (variance times n_participants).
    basis : numpy.ndarray
        The whole block of Ritz vectors (components first): the next warm start.
    iterations : int
        Subspace iterations used.

    """

    positions: np.ndarray
    components: np.ndarray
    center: np.ndarray
    extremity: np.ndarray
    n_votes: np.ndarray
    explained: np.ndarray
    iterations: int
    basis: np.ndarray


def centred(votes: VoteTable) -> tuple[sparse.csr_matrix, np.ndarray, np.ndarray]:
    """Centred imputed matrix ``C``, column means, and active statements (≥ 1 vote)."""
    n_cols = votes.shape[1]
    counts = np.bincount(votes.cols, minlength=n_cols)
    sums = np.bincount(votes.cols, weights=votes.values, minlength=n_cols)
    center = np.where(votes.moderated_out, 0.0, sums / np.maximum(counts, 1))
    data = np.where(votes.moderated_out[votes.cols], 0.0, votes.values - center[votes.cols])
    indptr = np.zeros(votes.shape[0] + 1, dtype=np.int64)
    np.cumsum(np.bincount(votes.rows, minlength=votes.shape[0]), out=indptr[1:])
    matrix = sparse.csr_matrix((data, votes.cols, indptr), shape=votes.shape)
    return matrix, center, counts > 0


def top_components(
    matrix: sparse.csr_matrix, start: np.ndarray | None, rng: np.random.Generator, *,
    n_components: int = 2, block: int = 4, tol: float = 1e-8, max_iter: int = 1000,
) -> tuple[np.ndarray, np.ndarray, int, np.ndarray]:
    """Top right singular vectors of ``matrix`` by block subspace iteration + Rayleigh–Ritz.

    ``start`` (``n_cols × up to block``) seeds the first columns of the block: with the
    previous block, a few iterations suffice after a small batch of votes. Returns the
    components, their eigenvalues, the iterations used and the whole Ritz block.
    """
    n_cols = matrix.shape[1]
    block = max(n_components, min(block, n_cols))
    basis = rng.standard_normal((n_cols, block))
    if start is not None:
        basis[:, : min(block, start.shape[1])] = start[:, :block]
    basis, _ = np.linalg.qr(basis)
    transposed = matrix.T
    values = np.zeros(block)
    for iteration in range(1, max_iter + 1):
        image = transposed @ (matrix @ basis)
        values, vectors = np.linalg.eigh(basis.T @ image)
        values, vectors = values[::-1], vectors[:, ::-1]
        ritz, image = basis @ vectors, image @ vectors
        residual = np.linalg.norm(image[:, :n_components] - ritz[:, :n_components] * values[
            :n_components], axis=0)
        if residual.max() <= tol * max(values[0], 1e-300):
            return ritz[:, :n_components], values[:n_components], iteration, ritz
        basis, _ = np.linalg.qr(image)
    return ritz[:, :n_components], values[:n_components], max_iter, ritz


def _orient(components: np.ndarray, previous: np.ndarray | None) -> np.ndarray:
    """Fix each axis's sign: same direction as before, else largest loading positive."""
    signs = np.ones(components.shape[1])
    for axis in range(components.shape[1]):
        if previous is not None and np.abs(previous[:, axis]).sum() > 0:
            dot = float(components[:, axis] @ previous[:, axis])
            signs[axis] = -1.0 if dot < 0 else 1.0
        else:
            signs[axis] = np.sign(components[np.argmax(np.abs(components[:, axis])), axis]) or 1
    return components * signs


def project(
    votes: VoteTable, rng: np.random.Generator, start: np.ndarray | None = None, *,
    n_components: int = 2, tol: float = 1e-8,
) -> Projection:
    """PCA of the vote table and Pol.is's sparsity-aware projection.

    Parameters
    ----------
    votes : VoteTable
        The votes.
    rng : numpy.random.Generator
        Source of the random start vectors of the block.
    start : numpy.ndarray, optional
        Previous block (components first) aligned on ``votes.statements`` (warm start).
    n_components : int
        Number of axes (2 in Pol.is).
    tol : float
        Relative residual at which the iteration stops.

    Returns
    -------
    Projection

    Notes
    -----
    Position of participant *i* (Pol.is ``sparsity-aware-project-ptpt``)::

        sqrt(n_active / max(n_votes_i, 1)) · Σ_{voted j} (x_ij − mean_j) · pc_j

    where moderated-out statements count as voted (they are zero for everyone) and
    ``n_active`` counts statements with at least one vote. Pol.is runs 100 power
    iterations with deflation; we iterate a block of 4 vectors until the residual is
    below ``tol``, which reaches the same axes (up to sign, fixed here) to machine
    precision. Small et al. 2021, "Polis: Scaling deliberation by mapping high
    dimensional opinion spaces", §3.

    Examples
    --------
    >>> from trajectoires.collective import example_votes
    >>> proj = project(example_votes(), np.random.default_rng(0))
    >>> proj.positions.shape
    (8, 2)

    """
    matrix, center, active = centred(votes)
    usable = min(n_components, votes.shape[1])  # fewer statements than axes: zero axes
    components, explained, iterations, basis = top_components(
        matrix, start, rng, n_components=usable, tol=tol
    )
    if usable < n_components:
        pad = np.zeros((votes.shape[1], n_components - usable))
        components, basis = np.hstack([components, pad]), np.hstack([basis, pad])
        explained = np.r_[explained, np.zeros(n_components - usable)]
    components = _orient(components, None if start is None else start[:, :n_components])
    basis = np.hstack([components, basis[:, n_components:]])
    n_active = int(active.sum())
    moderated_active = int((votes.moderated_out & active).sum())
    per_row = np.bincount(votes.rows, weights=~votes.moderated_out[votes.cols],
                          minlength=votes.shape[0])
    n_votes = per_row + moderated_active
    scale = np.sqrt(n_active / np.maximum(n_votes, 1))
    positions = (matrix @ components) * scale[:, None]
    lift = np.where(active & ~votes.moderated_out, 1.0 - center, 0.0)
    extremity = np.sqrt(n_active) * np.abs(lift) * np.linalg.norm(components, axis=1)
    return Projection(positions, components, center, extremity, n_votes.astype(np.int64),
                      explained, iterations, basis)
