"""Which communes a diagnosis ranks: only those whose index rests on enough criteria.

The index of a commune is the mean of its known scores (a partial index), so a
commune with 2 criteria of 5 can lead the ranking on the strength of two scores
only (Île-Molène, Finistère, with the derived tables: no poverty rate, no
diploma share). The ranking keeps the communes that know at least
:data:`RANKING_SHARE` of the criteria *available in the territory* (those with a
value for at least one of its communes; a criterion not loaded at all is missing
for every commune and is reported as absent instead); the others keep their
index, unranked, and are listed apart with the criteria they miss.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
import pandas as pd

__all__ = ["RANKING_SHARE", "missing_criteria", "rank_communes", "required_criteria"]

RANKING_SHARE = 0.75
"""Share of the criteria available in the territory a commune must know to be ranked."""


def required_criteria(available: int) -> int:
    """Criteria a commune must know to be ranked, out of ``available`` (rounded up).

    >>> [required_criteria(n) for n in range(1, 9)]
    [1, 2, 3, 3, 4, 5, 6, 6]
    """
    return max(1, math.ceil(RANKING_SHARE * available - 1e-9)) if available else 0


def missing_criteria(table: pd.DataFrame, available: Sequence[str]) -> pd.Series:
    """Per commune, the available criteria it has no value for (a list of keys).

    >>> table = pd.DataFrame({"a": [1.0, None], "b": [None, None]}, index=["x", "y"])
    >>> missing_criteria(table, ["a", "b"]).tolist()
    [['b'], ['a', 'b']]
    """
    keys = [k for k in available if k in table]
    absent = table[keys].isna().to_numpy() if keys else np.zeros((len(table), 0), bool)
    return pd.Series([[k for k, gone in zip(keys, row, strict=True) if gone] for row in absent],
                     index=table.index, dtype=object)


def rank_communes(table: pd.DataFrame, available: Sequence[str]) -> pd.Series:
    """Rank (1 = most fragile) of the communes with enough criteria; NA for the others.

    ``table`` has ``fragility_index`` and one column per criterion; ``available``
    are the criteria with a value somewhere in the territory. Ties share the
    lowest rank (``method="min"``).

    >>> table = pd.DataFrame({"fragility_index": [9.0, 6.0, 7.0],
    ...                       "a": [1.0, 2.0, 3.0], "b": [None, 1.0, 1.0],
    ...                       "c": [None, 1.0, 1.0], "d": [5.0, 1.0, None]},
    ...                      index=["molene", "brest", "quimper"])
    >>> rank_communes(table, ["a", "b", "c", "d"]).tolist()
    [<NA>, 2, 1]
    """
    keys = [k for k in available if k in table]
    needed = required_criteria(len(keys))
    known = table[keys].notna().sum(axis=1)
    eligible = table["fragility_index"].where((known >= needed) & (needed > 0))
    return eligible.rank(ascending=False, method="min").astype("Int64")
