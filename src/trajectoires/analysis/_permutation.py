"""Shared machinery of permutation inference: seeds, esda's id table, threads, p-values."""

from __future__ import annotations

from functools import lru_cache

import numpy as np

from trajectoires.analysis import _kernels
from trajectoires.analysis.weights import Weights

RandomLike = np.random.Generator | int | None


def resolve_seed(rng: RandomLike) -> int:
    """Turn ``rng`` into the integer seed that is used and reported.

    An int is used as is; a Generator draws a seed (so a run is reproducible
    from the seed kept in the result); None draws one from fresh OS entropy.
    """
    if isinstance(rng, bool):
        raise TypeError("rng: expected a numpy Generator, an int or None, got a bool")
    if isinstance(rng, int | np.integer):
        if not 0 <= int(rng) < 2**32:
            raise ValueError(f"rng: a seed must be in [0, 2**32), got {rng}")
        return int(rng)
    if rng is None or isinstance(rng, np.random.Generator):
        generator = rng if rng is not None else np.random.default_rng()
        return int(generator.integers(0, 2**31 - 1))
    raise TypeError(f"rng: expected a numpy Generator, an int or None, got {type(rng).__name__}")


@lru_cache(maxsize=4)
def permutation_table(max_card: int, n: int, permutations: int, seed: int) -> np.ndarray:
    """Return esda's table of neighbour ids for a seed (cached, read-only: shared by LISA, Gi*)."""
    table = _kernels.permutation_table(max(int(max_card), 1), n, permutations, seed)
    table.flags.writeable = False
    return table


def conditional_permutations(
    kind: int,
    z: np.ndarray,
    weights: Weights,
    *,
    self_weights: np.ndarray,
    observed: np.ndarray,
    scaling: float,
    permutations: int,
    seed: int,
    threads: int | None = None,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Run the permutations of every observation; return (larger, sim mean, sim std)."""
    table = permutation_table(int(weights.cardinalities.max(initial=0)), weights.n,
                              permutations, seed)
    inputs = (np.ascontiguousarray(z, dtype=float), np.ascontiguousarray(observed, dtype=float),
              np.ascontiguousarray(self_weights, dtype=float), float(scaling))
    graph = (weights.indptr, weights.indices, weights.values)
    return _kernels.local_permutations(kind, inputs, graph, table, threads=threads)


def folded_p_values(larger: np.ndarray, permutations: int) -> np.ndarray:
    """Esda's "directed" pseudo p-value: the smaller tail, ``(m + 1) / (P + 1)``.

    Negative counts (observations without neighbours) give NaN.
    """
    counts = np.where(larger < 0, 0, larger)
    counts = np.minimum(counts, permutations - counts)
    p = (counts + 1.0) / (permutations + 1.0)
    return np.where(larger < 0, np.nan, p)


def fdr_cutoff(p_values: np.ndarray, alpha: float) -> float:
    """Benjamini-Hochberg cut-off as ``esda.fdr`` computes it (``alpha / n`` if none passes)."""
    p = np.sort(p_values[~np.isnan(p_values)])
    n = len(p)
    if n == 0:
        return alpha
    thresholds = np.arange(1, n + 1) * alpha / n
    passing = np.flatnonzero(p < thresholds)
    return float(thresholds[passing[-1]]) if len(passing) else alpha / n


def significance(
    p_values: np.ndarray, alpha: float, correction: str
) -> tuple[np.ndarray, float]:
    """Flag significant tests; return (flags, cut-off); correction: none, fdr or bonferroni."""
    tested = int(np.count_nonzero(~np.isnan(p_values)))
    if correction == "none":
        cutoff = alpha
    elif correction == "fdr":
        cutoff = fdr_cutoff(p_values, alpha)
    elif correction == "bonferroni":
        cutoff = alpha / max(tested, 1)
    else:
        raise ValueError(f"correction: expected 'none', 'fdr' or 'bonferroni', got {correction!r}")
    with np.errstate(invalid="ignore"):
        return np.nan_to_num(p_values, nan=2.0) <= cutoff, cutoff
