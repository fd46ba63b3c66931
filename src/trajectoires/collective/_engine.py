"""``analyse``: from a vote table to opinion groups and statements, cold or warm."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace

import numpy as np

from trajectoires.collective import _clusters, _stats
from trajectoires.collective._pca import Projection, project
from trajectoires.collective._result import Group, Params, Result, WarmState
from trajectoires.collective._votes import VoteTable

__all__ = ["DEFAULT_SEED", "analyse", "example_votes"]

DEFAULT_SEED = 20_300


def example_votes() -> VoteTable:
    """Build a tiny debate: two blocs of four participants on six statements.

    Statement 1 is agreed by everyone; 2 and 3 split the blocs; 6 is mostly passed.

    Examples
    --------
    >>> example_votes().shape
    (8, 6)

    """
    bloc_a = {1: 1, 2: 1, 3: -1, 4: 1, 5: 0, 6: 0}
    bloc_b = {1: 1, 2: -1, 3: 1, 4: -1, 5: 1, 6: 0}
    rows = [(f"p{i}", s, v, 1000 * i + s) for i in range(1, 5) for s, v in bloc_a.items()]
    rows += [(f"p{i}", s, v, 1000 * i + s) for i in range(5, 9) for s, v in bloc_b.items()]
    rows += [("p4", 6, 1, 9999), ("p8", 5, -1, 9999)]
    return VoteTable.from_rows(rows)


def _generator(rng: np.random.Generator | int | None) -> tuple[np.random.Generator, int]:
    if rng is None:
        seed = DEFAULT_SEED
    elif isinstance(rng, np.random.Generator):
        seed = int(rng.integers(2**31))
    else:
        seed = int(rng)
    return np.random.default_rng(seed), seed


def _aligned(ids: np.ndarray, old_ids: np.ndarray, old: np.ndarray) -> np.ndarray:
    """Rows of ``old`` (indexed by ``old_ids``) re-indexed on ``ids``; zeros when new."""
    out = np.zeros((len(ids), old.shape[1]))
    pos = np.searchsorted(old_ids, ids)
    pos = np.minimum(pos, len(old_ids) - 1)
    known = old_ids[pos] == ids
    out[known] = old[pos[known]]
    return out


def _order_groups(centers: np.ndarray, sizes: np.ndarray, previous: np.ndarray | None,
                  overlap: np.ndarray | None = None) -> np.ndarray:
    """Give each group its id: matched to the previous groups' centres, else by size.

    ``overlap[g, r]`` counts the members of group ``g`` that a reference labelling
    (the ``group-id`` of a Pol.is export) put in its group ``r``: groups then take
    the rank of the reference group they share most members with, so an analysis of
    an exported debate names its groups as the exporting platform did.
    """
    if previous is not None and len(previous) == len(centers):
        from scipy.optimize import linear_sum_assignment

        cost = ((centers[:, None, :] - previous[None, :, :]) ** 2).sum(axis=2)
        rows, cols = linear_sum_assignment(cost)
        new_ids = np.empty(len(centers), dtype=np.int64)
        new_ids[rows] = cols
        return new_ids
    matched = np.full(len(centers), np.inf)
    if overlap is not None and overlap.size:
        from scipy.optimize import linear_sum_assignment

        rows, cols = linear_sum_assignment(overlap, maximize=True)
        matched[rows] = np.where(overlap[rows, cols] > 0, cols, np.inf)
    order = np.lexsort((centers[:, 1], centers[:, 0], -sizes, matched))
    new_ids = np.empty(len(centers), dtype=np.int64)
    new_ids[order] = np.arange(len(centers))
    return new_ids


def _reference_overlap(groups: np.ndarray, participants: np.ndarray,
                       reference: Mapping | None) -> np.ndarray | None:
    """Members shared by each group (``groups``, -1 unclustered) and each reference group."""
    if not reference:
        return None
    ref = np.array([reference.get(p.item(), -1) for p in participants], dtype=np.int64)
    both = (groups >= 0) & (ref >= 0)
    if not both.any():
        return None
    overlap = np.zeros((int(groups.max()) + 1, int(ref.max()) + 1))
    np.add.at(overlap, (groups[both], ref[both]), 1)
    return overlap


def _join_order(votes: VoteTable, inside: np.ndarray) -> np.ndarray:
    """Clustered participants by time of first vote (then id): Pol.is's join order."""
    first = np.full(votes.shape[0], np.inf)
    starts = np.flatnonzero(np.r_[True, votes.rows[1:] != votes.rows[:-1]])
    stamps = np.nan_to_num(votes.timestamps, nan=np.inf)
    first[votes.rows[starts]] = np.minimum.reduceat(stamps, starts)
    members = np.flatnonzero(inside)
    return members[np.lexsort((members, first[members]))]


def _cluster(
    proj: Projection, votes: VoteTable, previous: Result | None, params: Params,
    reference: Mapping | None = None,
) -> tuple[np.ndarray, np.ndarray, dict, WarmState]:
    """Participants' groups (-1 when not clustered), group centres, silhouettes, state."""
    n_raw = np.bincount(votes.rows, minlength=votes.shape[0])
    n_active = int((np.bincount(votes.cols, minlength=votes.shape[1]) > 0).sum())
    sticky = np.zeros(votes.shape[0], bool)
    if previous is not None:
        sticky = np.isin(votes.participants, previous.state.in_conversation)
    inside = _clusters.in_conversation(n_raw, n_active, sticky, min_votes=params.min_votes,
                                       min_participants=params.min_participants)
    state = WarmState(votes.statements, proj.basis, votes.participants[inside],
                      np.zeros((0, 2)), {}, None)
    labels = np.full(votes.shape[0], -1, dtype=np.int64)
    if not inside.any():
        return labels, np.zeros((0, 2)), {}, state
    order = _join_order(votes, inside)
    warm = previous is not None and params.warm_clusters
    base = _clusters.base_clusters(proj.positions[order], params.base_k,
                                   previous.state.base_centers if warm else None)
    base_labels = np.empty(votes.shape[0], dtype=np.int64)
    base_labels[order] = base.labels
    max_k = min(params.max_groups, 2 + len(base.centers) // 12)
    clusterings = _clusters.group_clusterings(
        base.centers, base.counts, max_k, previous.state.group_centers if warm else None,
        max_iter=params.group_iterations, second_start_ratio=params.second_start_ratio,
    )
    if not clusterings:
        labels[inside] = 0
        center = proj.positions[inside].mean(axis=0, keepdims=True)
        return labels, center, {}, replace(state, base_centers=base.centers)
    scores = {k: c.silhouette for k, c in clusterings.items()}
    best = max(scores, key=lambda k: (scores[k], -k))
    shown, k_state = _clusters.smooth_k(best, previous.state.k_state if previous else None,
                                        params.k_buffer)
    chosen = clusterings.get(shown, clusterings[best])
    k_state = (chosen.k, *k_state[1:])
    sizes = np.bincount(chosen.labels, weights=base.counts, minlength=chosen.k)
    before = None
    if previous is not None and previous.groups:
        before = np.array([g.center for g in previous.groups])
    raw = np.full(votes.shape[0], -1, dtype=np.int64)
    raw[inside] = chosen.labels[base_labels[inside]]
    new_ids = _order_groups(chosen.centers, sizes, before,
                            _reference_overlap(raw, votes.participants, reference))
    labels[inside] = new_ids[raw[inside]]
    centers = np.empty_like(chosen.centers)
    centers[new_ids] = chosen.centers
    state = replace(state, base_centers=base.centers,
                    group_centers={k: c.centers for k, c in clusterings.items()}, k_state=k_state)
    return labels, centers, scores, state


def analyse(
    votes: VoteTable, *, previous: Result | None = None, params: Params | None = None,
    rng: np.random.Generator | int | None = None, reference_groups: Mapping | None = None,
) -> Result:
    """Opinion groups, map positions, consensus and representative statements.

    Parameters
    ----------
    votes : VoteTable
        The latest vote of each participant on each statement.
    previous : Result, optional
        The previous result on an earlier state of the same debate: the PCA, the base
        clusters, the groups and the k-smoother start from it (warm start), and the
        clustered participants stay clustered.
    params : Params, optional
        Parameters (Pol.is's defaults).
    rng : numpy.random.Generator | int | None
        Randomness (the start vectors of the PCA block). ``None`` uses
        :data:`DEFAULT_SEED`, so the same votes always give the same result.
    reference_groups : Mapping, optional
        Participant id → group id given elsewhere for the same votes (the
        ``group-id`` of a Pol.is export). Without ``previous``, each group takes the
        id of the reference group it shares most members with; groups are the same,
        only their names follow the reference. Otherwise groups are numbered by size.

    Returns
    -------
    Result

    Notes
    -----
    Pol.is's method (compdemocracy/polis ``math/``; Small et al. 2021, "Polis: Scaling
    deliberation by mapping high dimensional opinion spaces", Recerca 26(2)): latest
    vote wins, moderated-out statements zeroed, mean imputation, two principal
    components, sparsity-aware scaling, participants with ≥ 7 votes clustered (sticky,
    topped up to 15), 100 base clusters, weighted k-means of their centres for k = 2..5
    chosen by silhouette and smoothed over 4 updates, group-informed consensus,
    representative statements by z-tests at 90 %. k-means starts, as in Pol.is, from
    the first distinct points in join order, which we take as the time of each
    participant's first vote (then the id) rather than Pol.is's internal number.
    Departures: exact converged PCA by seeded block subspace iteration instead of 100
    power iterations from an unseeded vector; the group k-means also runs from a greedy
    k-means++ start, kept when it halves the inertia (``Params.second_start_ratio``);
    see ``docs/collective.md``.

    Examples
    --------
    >>> result = analyse(example_votes(), rng=0)
    >>> [g.size for g in result.groups]
    [4, 4]
    >>> [result.group_of(p) == result.group_of("p1") for p in ("p2", "p3", "p4", "p5")]
    [True, True, True, False]
    >>> [(p.statement, p.direction) for p in result.consensus]
    [(1, 'agree')]
    >>> again = analyse(example_votes().extend([("p9", 2, 1)]), previous=result, rng=0)
    >>> again.group_of("p1") == result.group_of("p1")
    True
    >>> named = analyse(example_votes(), rng=0, reference_groups={"p1": 1, "p5": 0})
    >>> named.group_of("p1"), named.group_of("p5")
    (1, 0)

    """
    params = params or Params()
    generator, seed = _generator(rng)
    start = None
    if previous is not None:
        start = _aligned(votes.statements, previous.state.statements, previous.state.components)
    tol = params.pca_tol if previous is None else params.pca_tol_update
    proj = project(votes, generator, start, tol=tol)
    labels, centers, scores, state = _cluster(proj, votes, previous, params,
                                              reference_groups)
    n_groups = len(centers)
    counts = _stats.count_votes(votes, labels, n_groups)
    excluded = votes.moderated_out
    z, pick_max = params.z, params.pick_max
    sizes = np.bincount(labels[labels >= 0], minlength=n_groups)
    ids = votes.statements

    def named(picks: tuple[_stats.Pick, ...]) -> tuple[_stats.Pick, ...]:
        return tuple(replace(p, statement=ids[p.statement].item()) for p in picks)

    return Result(
        participants=votes.participants, positions=proj.positions, labels=labels,
        statements=ids, moderated_out=votes.moderated_out,
        groups=tuple(Group(g, int(sizes[g]), (float(centers[g, 0]), float(centers[g, 1])))
                     for g in range(n_groups)),
        counts=counts, group_consensus=_stats.group_consensus(counts),
        consensus=named(_stats.consensus(counts, excluded, z=z, pick_max=pick_max)),
        representative=tuple(named(p) for p in _stats.representative(
            counts, excluded, z=z, pick_max=pick_max)),
        divisive=named(_stats.divisive(counts, excluded, z=z, pick_max=pick_max)),
        uncertain=named(_stats.uncertain(counts, excluded, min_pass=params.uncertain_min_pass,
                                         pick_max=pick_max)),
        extremity=proj.extremity, silhouettes=scores, k=n_groups, params=params, seed=seed,
        state=state,
    )
