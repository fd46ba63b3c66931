"""Who is clustered, base clusters, opinion groups and the choice of their number.

Pol.is clusters in two levels: k-means with 100 base clusters on the participants'
2-D positions, then weighted k-means on the base centres for k = 2..5, k chosen by
silhouette on the base centres and only changed after winning several updates in a
row. Everything here is deterministic: k-means starts from the first distinct points
in join order (as Pol.is does) or from the previous update's centres; the group
k-means also runs from a greedy k-means++ start, whose result is kept only when it is
much better (a weighted inertia under half: the first start had merged two blocs).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

__all__ = ["SECOND_START_RATIO", "BaseClusters", "GroupClustering", "base_clusters",
           "first_distinct", "greedy_start", "group_clusterings", "in_conversation",
           "silhouette", "smooth_k"]

SECOND_START_RATIO = 0.5
"""The greedy start's groups replace the first start's below this ratio of inertias."""


@dataclass(frozen=True, eq=False)
class BaseClusters:
    """k-means of the clustered participants' positions (Pol.is ``base-clusters``)."""

    labels: np.ndarray
    centers: np.ndarray
    counts: np.ndarray


@dataclass(frozen=True, eq=False)
class GroupClustering:
    """Weighted k-means of the base centres for one k."""

    k: int
    labels: np.ndarray
    centers: np.ndarray
    silhouette: float


def in_conversation(
    n_raw_votes: np.ndarray, n_active: int, sticky: np.ndarray, *, min_votes: int = 7,
    min_participants: int = 15,
) -> np.ndarray:
    """Boolean mask of clustered participants (Pol.is ``in-conv``).

    A participant is in with ≥ ``min(min_votes, n_active)`` votes (passes count), or if
    already in (``sticky``); while fewer than ``min_participants`` are in, the top voters
    are added (ties broken by table order).
    """
    inside = (n_raw_votes >= min(min_votes, max(n_active, 1))) | sticky
    inside &= n_raw_votes > 0
    missing = min_participants - int(inside.sum())
    if missing > 0:
        candidates = np.flatnonzero(~inside & (n_raw_votes > 0))
        order = candidates[np.argsort(-n_raw_votes[candidates], kind="stable")]
        inside[order[:missing]] = True
    return inside


def first_distinct(points: np.ndarray, k: int) -> np.ndarray:
    """Return the first ``k`` distinct points, in the given order (Pol.is ``init-clusters``)."""
    _, first = np.unique(points, axis=0, return_index=True)
    return points[np.sort(first)[:k]]


def _top_up(start: np.ndarray, points: np.ndarray, k: int) -> np.ndarray:
    """Previous centres completed (or cut) to ``k`` with the first new distinct points."""
    if len(start) >= k:
        return start[:k].copy()
    fresh = first_distinct(points, len(points))
    fresh = fresh[~(fresh[:, None, :] == start[None, :, :]).all(axis=2).any(axis=1)]
    return np.vstack([start, fresh[: k - len(start)]])


def base_clusters(points: np.ndarray, k: int, start: np.ndarray | None = None,
                  max_iter: int = 100, tol: float = 0.01) -> BaseClusters:
    """k-means with ``k`` base clusters (fewer when there are fewer distinct points).

    ``points`` come in join order: the first run starts from the first ``k`` distinct
    points, a later run from the previous centres (Pol.is's warm start). Lloyd
    iterations (nearest centre by SciPy's ``vq``) until every centre moves less
    than ``tol`` (Pol.is: 0.01) or ``max_iter`` (100); empty clusters are dropped.
    """
    from scipy.cluster.vq import vq

    k = min(k, len(np.unique(points, axis=0)))
    centers = first_distinct(points, k) if start is None or not len(start) else _top_up(
        start, points, k)
    for _ in range(max_iter):
        labels = vq(points, centers, check_finite=False)[0]
        mass = np.bincount(labels, minlength=len(centers))
        moved = centers.copy()
        for d in range(points.shape[1]):
            sums = np.bincount(labels, weights=points[:, d], minlength=len(centers))
            moved[:, d] = np.where(mass > 0, sums / np.maximum(mass, 1), centers[:, d])
        shift = np.abs(moved - centers).max()
        centers = moved
        if shift < tol:
            break
    labels = vq(points, centers, check_finite=False)[0]
    counts = np.bincount(labels, minlength=len(centers))
    keep = counts > 0
    remap = np.cumsum(keep) - 1
    return BaseClusters(remap[labels], centers[keep], counts[keep])


def _lloyd(points: np.ndarray, weights: np.ndarray, centers: np.ndarray,
           max_iter: int) -> tuple[np.ndarray, np.ndarray, float]:
    """Weighted Lloyd iterations; returns labels, centres, weighted inertia."""
    k, width = len(centers), points.shape[1] + 1
    # weight, then weight × each coordinate: one bincount gives every mass and sum
    stacked = np.column_stack([weights] + [weights * points[:, d] for d in range(width - 1)])
    slots = np.arange(width)
    for _ in range(max_iter):
        dist = ((points[:, None, :] - centers[None, :, :]) ** 2).sum(axis=2)
        labels = dist.argmin(axis=1)
        totals = np.bincount((labels[:, None] * width + slots).ravel(), weights=stacked.ravel(),
                             minlength=k * width).reshape(k, width)
        mass = totals[:, 0]
        moved = np.where(mass[:, None] > 0, totals[:, 1:] / np.maximum(mass, 1e-300)[:, None],
                         centers)
        if np.abs(moved - centers).max() <= 1e-12:
            break
        centers = moved
    dist = ((points[:, None, :] - centers[None, :, :]) ** 2).sum(axis=2)
    labels = dist.argmin(axis=1)
    return labels, centers, float((dist[np.arange(len(points)), labels] * weights).sum())


def _squared_distances(points: np.ndarray) -> np.ndarray:
    return ((points[:, None, :] - points[None, :, :]) ** 2).sum(axis=2)


def silhouette(points: np.ndarray, labels: np.ndarray) -> float:
    """Mean silhouette (unweighted; a point alone in its cluster scores 0).

    Examples
    --------
    >>> points = np.array([[0.0, 0.0], [0.0, 1.0], [5.0, 0.0], [9.0, 0.0]])
    >>> round(silhouette(points, np.array([0, 0, 1, 1])), 3)  # as sklearn's silhouette_score
    0.62

    """
    return _silhouette(np.sqrt(_squared_distances(points)), labels)


def _silhouette(dist: np.ndarray, labels: np.ndarray) -> float:
    """:func:`silhouette` from the matrix of distances between the points."""
    k = int(labels.max()) + 1
    onehot = np.eye(k)[labels]
    sizes = onehot.sum(axis=0)
    mean_to = dist @ onehot
    own = sizes[labels]
    a = mean_to[np.arange(len(dist)), labels] / np.maximum(own - 1, 1)
    other = np.where(onehot.astype(bool) | (sizes == 0)[None, :], np.inf,
                     mean_to / np.maximum(sizes, 1)[None, :])
    b = other.min(axis=1)
    score = np.where((own > 1) & np.isfinite(b), (b - a) / np.maximum(np.maximum(a, b), 1e-300),
                     0.0)
    return float(score.mean())


def greedy_start(points: np.ndarray, weights: np.ndarray, k: int) -> np.ndarray:
    """``k`` starting centres among ``points``, chosen greedily on k-means++'s potential.

    The potential is the weighted sum of squared distances from each point to its
    nearest chosen centre. k-means++ draws each new centre with probability ∝ weight ·
    D²; here each new centre is the point whose choice lowers the potential most (the
    first: the weighted medoid), so there is no randomness and a centre in a bloc counts
    all of the bloc's members. Ties go to the earlier point. The first ``j`` centres
    do not depend on ``k``: one call serves every k up to it.

    Examples
    --------
    >>> points = np.array([[0.0, 0.0], [0.2, 0.0], [0.1, 0.1], [6.0, 0.0], [6.1, 0.1]])
    >>> greedy_start(points, np.array([1, 1, 3, 2, 1]), 2).tolist()
    [[0.2, 0.0], [6.0, 0.0]]

    """
    return points[_greedy_order(_squared_distances(points), weights, k)]


def _greedy_order(d2: np.ndarray, weights: np.ndarray, k: int) -> list[int]:
    """Return the indices of :func:`greedy_start`'s centres, given squared distances."""
    weights = np.asarray(weights, dtype=float)
    nearest = np.full(len(d2), np.inf)
    chosen: list[int] = []
    for _ in range(k):
        potential = weights @ np.minimum(nearest[:, None], d2)
        potential[chosen] = np.inf
        chosen.append(int(np.argmin(potential)))
        nearest = np.minimum(nearest, d2[:, chosen[-1]])
    return chosen


def _kmeans_two_starts(
    centers: np.ndarray, mass: np.ndarray, first: np.ndarray, second: np.ndarray | None, *,
    max_iter: int, ratio: float,
) -> tuple[np.ndarray, np.ndarray]:
    """Weighted k-means from ``first``, unless ``second`` (the greedy start) does far better.

    The second start's result is kept only when its inertia is below ``ratio`` times
    the first start's: a gain of that size means the first start put two of its
    centres in one bloc and Lloyd's iterations could not separate them (a local
    optimum); a smaller gain (moving a few participants at the edge, isolating one
    far-away participant) does not override Pol.is's start, nor the previous update's.
    """
    labels, found, inertia = _lloyd(centers, mass, first, max_iter)
    if second is not None:
        other_labels, other, other_inertia = _lloyd(centers, mass, second, max_iter)
        if other_inertia < ratio * inertia:
            return other_labels, other
    return labels, found


def group_clusterings(
    centers: np.ndarray, weights: np.ndarray, max_k: int,
    starts: dict[int, np.ndarray] | None = None, max_iter: int = 20, *,
    second_start_ratio: float = SECOND_START_RATIO,
) -> dict[int, GroupClustering]:
    """Weighted k-means of the base centres for k = 2..max_k, each with its silhouette.

    Each k starts from the previous clustering for that k when there is one, else from
    the first k distinct base centres; ``max_iter`` is 20 as Pol.is actually runs. It
    also runs from :func:`greedy_start` and keeps that result when its weighted inertia
    is below ``second_start_ratio`` times the first one's (0: Pol.is's single start).

    Examples
    --------
    Two blocs whose first two points are in the same bloc: from the first distinct
    points Lloyd's iterations stop at 4 + 2; the greedy start finds the blocs.

    >>> points = np.array([[2.0, -0.5], [2.0, 1.5], [2.7, -0.2], [-3.0, -0.1], [-2.3, 0.8]])
    >>> weights = np.array([1, 1, 6, 6, 1])
    >>> [np.bincount(c.labels, weights).tolist() for c in (
    ...     group_clusterings(points, weights, 2, second_start_ratio=0)[2],
    ...     group_clusterings(points, weights, 2)[2])]
    [[13.0, 2.0], [8.0, 7.0]]

    """
    mass = weights.astype(float)
    n_distinct = len(np.unique(centers, axis=0))
    out: dict[int, GroupClustering] = {}
    top = min(max_k, n_distinct)
    d2 = _squared_distances(centers)
    dist = np.sqrt(d2)
    greedy = None
    if second_start_ratio > 0 and top >= 2:
        greedy = centers[_greedy_order(d2, mass, top)]
    for k in range(2, top + 1):
        previous = (starts or {}).get(k)
        init = previous if previous is not None and len(previous) == k else first_distinct(
            centers, k)
        labels, found = _kmeans_two_starts(
            centers, mass, init, None if greedy is None else greedy[:k], max_iter=max_iter,
            ratio=second_start_ratio)
        used = np.unique(labels)
        labels = np.searchsorted(used, labels)
        out[k] = GroupClustering(len(used), labels, found[used], _silhouette(dist, labels))
    return out


def smooth_k(best: int, state: tuple[int, int, int] | None,
             buffer: int = 4) -> tuple[int, tuple[int, int, int]]:
    """Pol.is's k-smoother: the shown k changes after ``buffer`` consecutive wins.

    ``state`` is ``(shown_k, last_best_k, wins_in_a_row)``; returns the k to show and
    the new state.

    Examples
    --------
    >>> k, state = smooth_k(2, None)
    >>> [smooth_k(3, s)[0] for s in [state, (2, 3, 1), (2, 3, 3)]]
    [2, 2, 3]

    """
    if state is None:
        return best, (best, best, 1)
    shown, last, wins = state
    wins = wins + 1 if best == last else 1
    if wins >= buffer:
        shown = best
    return shown, (shown, best, wins)
