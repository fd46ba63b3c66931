"""Collective intelligence: opinion groups, consensus and representative statements.

A pure library (NumPy, SciPy, scikit-learn): it imports neither the web app nor the
database. It follows Pol.is's opinion math (compdemocracy/polis ``math/``; Small et
al. 2021, "Polis: Scaling deliberation by mapping high dimensional opinion spaces")
on a sparse participant × statement vote table, and reads and writes Pol.is exports.

Main entry points: :class:`VoteTable` (build it from vote rows), :func:`analyse`
(returns a :class:`Result`, warm-started from a previous one), :func:`read_polis`
and :func:`write_polis`, :func:`opinion_map_svg`.

Examples
--------
>>> from trajectoires.collective import VoteTable, analyse
>>> votes = VoteTable.from_rows([(p, s, 1 if (p < 4) == (s % 2 == 0) else -1)
...                              for p in range(8) for s in range(6)])
>>> result = analyse(votes, rng=0)
>>> len(result.groups), sorted(g.size for g in result.groups)
(2, [4, 4])

"""

from trajectoires.collective._engine import DEFAULT_SEED, analyse, example_votes
from trajectoires.collective._polis import PolisExport, read_polis, write_polis
from trajectoires.collective._result import Group, Params, Result, WarmState
from trajectoires.collective._stats import Counts, Pick
from trajectoires.collective._svg import opinion_map_svg
from trajectoires.collective._votes import AGREE, DISAGREE, PASS, VoteError, VoteTable

__all__ = [
    "AGREE",
    "DEFAULT_SEED",
    "DISAGREE",
    "PASS",
    "Counts",
    "Group",
    "Params",
    "Pick",
    "PolisExport",
    "Result",
    "VoteError",
    "VoteTable",
    "WarmState",
    "analyse",
    "example_votes",
    "opinion_map_svg",
    "read_polis",
    "write_polis",
]
