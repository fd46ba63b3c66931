"""The parameters and the one result shape of an opinion analysis."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from statistics import NormalDist

import numpy as np

from trajectoires.collective._clusters import SECOND_START_RATIO
from trajectoires.collective._stats import Counts, Pick

__all__ = ["Group", "Params", "Result", "WarmState"]


@dataclass(frozen=True)
class Params:
    """Parameters of the analysis; the defaults are Pol.is's.

    Attributes
    ----------
    min_votes : int
        Votes needed to be clustered (capped at the number of statements). Pol.is: 7.
    min_participants : int
        Top voters added until this many are clustered. Pol.is: 15.
    base_k : int
        Base clusters. Pol.is: 100.
    max_groups : int
        Largest number of groups tried. Pol.is: 5.
    k_buffer : int
        Consecutive updates a new best k must win before it is shown. Pol.is: 4.
    confidence : float
        One-sided confidence of the z-tests. Pol.is: 0.90.
    pick_max : int
        Statements kept per group and per consensus direction. Pol.is: 5.
    group_iterations : int
        Lloyd iterations of the group k-means. Pol.is: 20 (its intended 100 is passed
        under a key its k-means does not read).
    second_start_ratio : float
        The group k-means also runs from a greedy k-means++ start; its groups replace
        those of Pol.is's start (or of the previous update's) when their weighted
        inertia is below this ratio of the others' (ours: Pol.is's start can merge two
        blocs when its first participants are of one bloc). 0: Pol.is's single start.
    uncertain_min_pass : float
        Pass probability above which a statement is "uncertain" (ours).
    warm_clusters : bool
        With a previous result, start the base and group k-means from its centres, as
        Pol.is's code does. Off by default: they start afresh (first distinct points in
        join order), which is what Pol.is's exported groups match (its worker loses the
        warm-start state on restart); the previous result still gives stickiness, group
        numbering, the k-smoother and the PCA start. See docs/collective.md.
    pca_tol : float
        Relative residual at which the PCA stops (ours; Pol.is runs 100 iterations).
    pca_tol_update : float
        The same for a warm update (``previous`` given): positions to about 1e-6, in
        half the iterations.

    """

    min_votes: int = 7
    min_participants: int = 15
    base_k: int = 100
    max_groups: int = 5
    k_buffer: int = 4
    confidence: float = 0.90
    pick_max: int = 5
    group_iterations: int = 20
    second_start_ratio: float = SECOND_START_RATIO
    uncertain_min_pass: float = 0.3
    warm_clusters: bool = False
    pca_tol: float = 1e-8
    pca_tol_update: float = 1e-6

    @property
    def z(self) -> float:
        """One-sided critical value of ``confidence`` (1.2816 at 90 %)."""
        return NormalDist().inv_cdf(self.confidence)


@dataclass(frozen=True)
class Group:
    """An opinion group: its id (0, 1, …), number of members and centre on the map."""

    id: int
    size: int
    center: tuple[float, float]


@dataclass(frozen=True, eq=False)
class WarmState:
    """What the next update starts from (PCA block, clusters, k-smoother).

    ``components`` holds the whole block of the subspace iteration, the two principal
    axes first, one row per id of ``statements``.
    """

    statements: np.ndarray
    components: np.ndarray
    in_conversation: np.ndarray
    base_centers: np.ndarray
    group_centers: dict[int, np.ndarray]
    k_state: tuple[int, int, int] | None


def _plain(value: object) -> object:
    """Ids and NumPy scalars as JSON values."""
    return value.item() if isinstance(value, np.generic) else value


def _picks(picks: tuple[Pick, ...]) -> list[dict]:
    out = []
    for pick in picks:
        row = {k: (None if isinstance(v, float) and not np.isfinite(v) else _plain(v))
               for k, v in asdict(pick).items()}
        out.append(row)
    return out


@dataclass(frozen=True, eq=False)
class Result:
    """Opinion groups, positions and statement statistics of one computation.

    Attributes
    ----------
    participants : numpy.ndarray
        Participant ids (sorted).
    positions : numpy.ndarray
        ``(n, 2)`` positions on the opinion map.
    labels : numpy.ndarray
        Group of each participant, -1 when not clustered.
    statements : numpy.ndarray
        Statement ids (sorted).
    moderated_out : numpy.ndarray
        Boolean per statement.
    groups : tuple[Group, ...]
        Groups, by id.
    counts : Counts
        Agree / disagree / pass counts per group and overall.
    group_consensus : numpy.ndarray
        Π_groups (A_g+1)/(S_g+2) per statement.
    consensus, divisive, uncertain : tuple[Pick, ...]
        Selected statements.
    representative : tuple[tuple[Pick, ...], ...]
        Representative statements of each group (index = group id).
    extremity : numpy.ndarray
        Comment extremity per statement.
    silhouettes : dict[int, float]
        Silhouette of each k tried; ``k`` is the one shown (after smoothing).
    params : Params
    seed : int
        Seed of the random generator actually used.
    state : WarmState
        Start of the next update (pass this result as ``previous``).

    """

    participants: np.ndarray
    positions: np.ndarray
    labels: np.ndarray
    statements: np.ndarray
    moderated_out: np.ndarray
    groups: tuple[Group, ...]
    counts: Counts
    group_consensus: np.ndarray
    consensus: tuple[Pick, ...]
    representative: tuple[tuple[Pick, ...], ...]
    divisive: tuple[Pick, ...]
    uncertain: tuple[Pick, ...]
    extremity: np.ndarray
    silhouettes: dict[int, float]
    k: int
    params: Params
    seed: int
    state: WarmState = field(repr=False)

    def probabilities(self) -> dict[str, np.ndarray]:
        """Agree, disagree and pass probabilities per group (pseudo-counts +1 / +2)."""
        seen = self.counts.seen + 2
        return {"agree": (self.counts.agree + 1) / seen,
                "disagree": (self.counts.disagree + 1) / seen,
                "pass": (self.counts.passed + 1) / seen}

    def index_of(self, participant: object) -> int | None:
        """Row of a participant in ``participants`` and ``positions`` (``None`` if unknown)."""
        index = int(np.searchsorted(self.participants, participant))
        if index < len(self.participants) and self.participants[index] == participant:
            return index
        return None

    def group_of(self, participant: object) -> int | None:
        """Group id of a participant (``None`` when not clustered or unknown)."""
        index = self.index_of(participant)
        if index is None or self.labels[index] < 0:
            return None
        return int(self.labels[index])

    def tally(self, statement: object, group: int | None = None) -> dict[str, int]:
        """Agree, disagree and pass votes cast on ``statement`` (overall, or in ``group``).

        Examples
        --------
        >>> from trajectoires.collective import analyse, example_votes
        >>> analyse(example_votes(), rng=0).tally(6)
        {'agree': 1, 'disagree': 0, 'pass': 7}

        """
        j = int(np.searchsorted(self.statements, statement))
        if j >= len(self.statements) or self.statements[j] != statement:
            raise KeyError(statement)
        c = self.counts
        row = ((c.overall_agree[j], c.overall_disagree[j], c.overall_passed[j]) if group is None
               else (c.agree[group, j], c.disagree[group, j], c.passed[group, j]))
        return dict(zip(("agree", "disagree", "pass"), (int(v) for v in row), strict=True))

    def position_of(self, participant: object) -> tuple[float, float] | None:
        """Position of a participant on the map (``None`` when unknown)."""
        index = self.index_of(participant)
        if index is None:
            return None
        return float(self.positions[index, 0]), float(self.positions[index, 1])

    def to_dict(self) -> dict:
        """Plain dict: participants, groups, statements, consensus, representative, …."""
        probs = self.probabilities()
        statements = [
            {"id": _plain(sid), "moderated_out": bool(self.moderated_out[j]),
             "agree": int(self.counts.overall_agree[j]),
             "disagree": int(self.counts.overall_disagree[j]),
             "pass": int(self.counts.overall_passed[j]),
             "group_consensus": float(self.group_consensus[j]),
             "extremity": float(self.extremity[j]),
             "groups": [{"agree": int(self.counts.agree[g, j]),
                         "disagree": int(self.counts.disagree[g, j]),
                         "pass": int(self.counts.passed[g, j]),
                         "p_agree": float(probs["agree"][g, j]),
                         "p_disagree": float(probs["disagree"][g, j]),
                         "p_pass": float(probs["pass"][g, j])} for g in range(len(self.groups))]}
            for j, sid in enumerate(self.statements)
        ]
        return {
            "participants": [
                {"id": _plain(pid), "x": float(x), "y": float(y),
                 "group": None if label < 0 else int(label)}
                for pid, (x, y), label in zip(self.participants, self.positions, self.labels,
                                              strict=True)
            ],
            "groups": [{"id": g.id, "size": g.size, "center": list(g.center)} for g in self.groups],
            "consensus": _picks(self.consensus),
            "representative": [{"group": g, "statements": _picks(picks)}
                               for g, picks in enumerate(self.representative)],
            "divisive": _picks(self.divisive),
            "uncertain": _picks(self.uncertain),
            "statements": statements,
            "k": self.k,
            "silhouettes": {str(k): v for k, v in self.silhouettes.items()},
            "params": asdict(self.params),
            "seed": self.seed,
        }

    def to_json(self, indent: int | None = None) -> str:
        """Serialise the result as JSON text (see :meth:`to_dict`)."""
        return json.dumps(self.to_dict(), indent=indent, ensure_ascii=False)
