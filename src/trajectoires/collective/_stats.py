"""Vote counts per group, consensus, representative, divisive and uncertain statements.

All probabilities carry Pol.is's pseudo-counts: p = (n + 1) / (seen + 2). The
z-tests are Pol.is's ``prop-test`` and ``two-prop-test`` (``math/stats.clj``), both
one-sided at 90 % (z > 1.2816) by default.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from trajectoires.collective._votes import AGREE, DISAGREE, PASS, VoteTable

__all__ = ["Counts", "Pick", "consensus", "count_votes", "divisive", "group_consensus",
           "prop_test", "representative", "two_prop_test", "uncertain"]


@dataclass(frozen=True, eq=False)
class Counts:
    """Agree / disagree / pass counts; arrays of shape ``(n_groups, n_statements)``.

    ``overall_*`` are over every participant, one value per statement.
    """

    agree: np.ndarray
    disagree: np.ndarray
    passed: np.ndarray
    overall_agree: np.ndarray
    overall_disagree: np.ndarray
    overall_passed: np.ndarray

    @property
    def seen(self) -> np.ndarray:
        """Votes per group and statement (agree + disagree + pass)."""
        return self.agree + self.disagree + self.passed

    @property
    def overall_seen(self) -> np.ndarray:
        """Votes per statement over every participant."""
        return self.overall_agree + self.overall_disagree + self.overall_passed


@dataclass(frozen=True)
class Pick:
    """A selected statement, its direction and the statistics behind the choice.

    ``direction`` is ``"agree"`` or ``"disagree"`` (``"split"`` for divisive statements,
    ``"pass"`` for uncertain ones); ``p`` is the probability of that direction (with
    pseudo-counts; for a divisive statement, the highest group agree rate), ``z`` its
    one-sample test, ``r``/``rz`` the ratio to the other groups and its two-sample test
    (representative statements only), and
    ``score`` the ranking metric.
    """

    statement: object
    direction: str
    p: float
    z: float
    r: float = float("nan")
    rz: float = float("nan")
    score: float = float("nan")


def count_votes(votes: VoteTable, groups: np.ndarray, n_groups: int) -> Counts:
    """Count votes per group (``groups[i]`` in ``0..n_groups-1``, or -1 if not clustered)."""
    n_cols = votes.shape[1]
    code = (votes.values + 1).astype(np.int64)  # 0 disagree, 1 pass, 2 agree
    keys = code * n_cols + votes.cols
    overall = np.bincount(keys, minlength=3 * n_cols).astype(float).reshape(3, n_cols)
    member = groups[votes.rows]
    inside = member >= 0
    per_group = np.bincount(member[inside] * (3 * n_cols) + keys[inside],
                            minlength=n_groups * 3 * n_cols).astype(float)
    per_group = per_group.reshape(n_groups, 3, n_cols)
    return Counts(per_group[:, AGREE + 1], per_group[:, DISAGREE + 1], per_group[:, PASS + 1],
                  overall[AGREE + 1], overall[DISAGREE + 1], overall[PASS + 1])


def prop_test(successes: np.ndarray, seen: np.ndarray) -> np.ndarray:
    """Pol.is ``prop-test``: 2·√(n+1)·((k+1)/(n+1) − ½)."""
    return 2 * np.sqrt(seen + 1) * ((successes + 1) / (seen + 1) - 0.5)


def two_prop_test(k1: np.ndarray, k2: np.ndarray, n1: np.ndarray, n2: np.ndarray) -> np.ndarray:
    """Pol.is ``two-prop-test`` with +1 on every count; 0 when the pooled rate is 1."""
    k1, k2, n1, n2 = k1 + 1, k2 + 1, n1 + 1, n2 + 1
    pooled = (k1 + k2) / (n1 + n2)
    spread = np.sqrt(pooled * (1 - pooled) * (1 / n1 + 1 / n2))
    with np.errstate(divide="ignore", invalid="ignore"):
        z = (k1 / n1 - k2 / n2) / spread
    return np.where(pooled >= 1, 0.0, np.nan_to_num(z))


def group_consensus(counts: Counts) -> np.ndarray:
    """Group-informed consensus per statement: Π_groups (A_g + 1) / (S_g + 2)."""
    return np.prod((counts.agree + 1) / (counts.seen + 2), axis=0)


def consensus(counts: Counts, excluded: np.ndarray, *, z: float = 1.2816,
              pick_max: int = 5) -> tuple[Pick, ...]:
    """Overall consensus: top agree then top disagree statements (Pol.is ``repness.clj``).

    Kept when p > 0.5 and its test > z, ranked by p·z; ``pick_max`` per direction.
    """
    seen = counts.overall_seen
    picks: list[Pick] = []
    for direction, hits in (("agree", counts.overall_agree), ("disagree",
                                                               counts.overall_disagree)):
        p = (hits + 1) / (seen + 2)
        test = prop_test(hits, seen)
        ok = np.flatnonzero((p > 0.5) & (test > z) & ~excluded)
        best = ok[np.argsort(-(p[ok] * test[ok]), kind="stable")][:pick_max]
        picks += [Pick(int(i), direction, float(p[i]), float(test[i]), score=float(
            p[i] * test[i])) for i in best]
    return tuple(picks)


def _repness_stats(counts: Counts) -> dict[str, np.ndarray]:
    """pa, pd, pat, pdt, ra, rd, rat, rdt for every group and statement."""
    seen, stats = counts.seen, {}
    rest_seen = seen.sum(axis=0) - seen
    for key, hits in (("a", counts.agree), ("d", counts.disagree)):
        rest = hits.sum(axis=0) - hits
        stats[f"p{key}"] = (hits + 1) / (seen + 2)
        stats[f"p{key}t"] = prop_test(hits, seen)
        stats[f"r{key}"] = stats[f"p{key}"] / ((rest + 1) / (rest_seen + 2))
        stats[f"r{key}t"] = two_prop_test(hits, rest, seen, rest_seen)
    return stats


def _pick(stats: dict[str, np.ndarray], g: int, i: int, direction: str) -> Pick:
    key = direction[0]
    values = [float(stats[name][g, i]) for name in (f"p{key}", f"p{key}t", f"r{key}",
                                                    f"r{key}t")]
    return Pick(i, direction, *values, score=float(np.prod(values)))


def representative(counts: Counts, excluded: np.ndarray, *, z: float = 1.2816,
                   pick_max: int = 5) -> tuple[tuple[Pick, ...], ...]:
    """Select the representative statements of each group (Pol.is ``repness.clj``).

    A statement is kept when its agree (or disagree) rate is significantly above 50 %
    within the group and significantly above the other groups'; direction = the larger
    of the two two-sample tests; ranked by r·rz·p·z; the group's best agreed statement
    comes first, at most ``pick_max``, agrees before disagrees. If none is significant,
    the single best one is returned.
    """
    s = _repness_stats(counts)
    agree_score = s["ra"] * s["rat"] * s["pa"] * s["pat"]
    disagree_score = s["rd"] * s["rdt"] * s["pd"] * s["pdt"]
    out = []
    for g in range(counts.agree.shape[0]):
        live = (counts.seen[g] > 0) & ~excluded
        agrees = s["rat"][g] > s["rdt"][g]
        score = np.where(agrees, agree_score[g], disagree_score[g])
        enough = live & (((s["rat"][g] > z) & (s["pat"][g] > z)) | (
            (s["rdt"][g] > z) & (s["pdt"][g] > z)))
        best_agree = live & ((s["pat"][g] > z) | ((s["ra"][g] > 1) & (s["pa"][g] > 0.5)))
        top = int(np.flatnonzero(best_agree)[np.argmax(agree_score[g][best_agree])]) if (
            best_agree.any()) else None
        chosen = [int(i) for i in np.flatnonzero(enough)[np.argsort(-score[enough],
                                                                     kind="stable")]]
        if not chosen:
            fallback = top if top is not None else (
                int(np.flatnonzero(live)[np.argmax(score[live])]) if live.any() else None)
            out.append(() if fallback is None else (_pick(
                s, g, fallback, "agree" if fallback == top or agrees[fallback] else "disagree"),))
            continue
        if top is not None:
            chosen = [top] + [i for i in chosen if i != top]
        picks = [_pick(s, g, i, "agree" if i == top or agrees[i] else "disagree")
                 for i in chosen[:pick_max]]
        out.append(tuple(sorted(picks, key=lambda p: p.direction != "agree")))
    return tuple(out)


def divisive(counts: Counts, excluded: np.ndarray, *, z: float = 1.2816,
             pick_max: int = 5) -> tuple[Pick, ...]:
    """Statements on which groups take opposite sides (our addition; Pol.is has none).

    Kept when one group agrees and another disagrees, each significantly (p > 0.5 and
    test > z); ranked by the spread of the groups' agree rates, largest first.
    """
    if counts.agree.shape[0] < 2:
        return ()
    seen = counts.seen
    pa, pd = (counts.agree + 1) / (seen + 2), (counts.disagree + 1) / (seen + 2)
    for_ = ((pa > 0.5) & (prop_test(counts.agree, seen) > z)).any(axis=0)
    against = ((pd > 0.5) & (prop_test(counts.disagree, seen) > z)).any(axis=0)
    spread = pa.max(axis=0) - pa.min(axis=0)
    ok = np.flatnonzero(for_ & against & ~excluded)
    best = ok[np.argsort(-spread[ok], kind="stable")][:pick_max]
    return tuple(Pick(int(i), "split", float(pa[:, i].max()), float("nan"),
                      score=float(spread[i])) for i in best)


def uncertain(counts: Counts, excluded: np.ndarray, *, min_pass: float = 0.3,
              min_seen: int = 5, pick_max: int = 5) -> tuple[Pick, ...]:
    """High-pass statements ("areas of uncertainty" of Pol.is reports).

    Pass probability (P+1)/(S+2) over every participant ≥ ``min_pass`` with at least
    ``min_seen`` votes; largest first. The threshold is ours (Pol.is's report does not
    fix one).
    """
    seen = counts.overall_seen
    pp = (counts.overall_passed + 1) / (seen + 2)
    ok = np.flatnonzero((pp >= min_pass) & (seen >= min_seen) & ~excluded)
    best = ok[np.argsort(-pp[ok], kind="stable")][:pick_max]
    return tuple(Pick(int(i), "pass", float(pp[i]), float(prop_test(
        counts.overall_passed[i], seen[i])), score=float(pp[i])) for i in best)
