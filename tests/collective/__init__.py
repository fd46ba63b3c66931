"""Tests of trajectoires.collective; helpers shared by its test modules."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from trajectoires.collective import VoteTable

SHARED_DATA = Path(__file__).resolve().parents[3] / "shared" / "data"  # as tests/conftest.py
POLIS = SHARED_DATA / "polis"


def polis_dir(name: str) -> Path:
    """A real Pol.is conversation folder, or skip with the reason."""
    folder = POLIS / name
    if not folder.is_dir():
        pytest.skip(f"real Pol.is data absent ({folder}); it comes with ../shared/data")
    return folder


def blocs(sizes: tuple[int, ...], n_statements: int, *, noise: float = 0.1,
          missing: float = 0.0, seed: int = 0,
          patterns: np.ndarray | None = None) -> tuple[list[tuple], np.ndarray]:
    """Votes of opposed blocs (bloc b agrees where its sign pattern says so) and the truth.

    Each participant has its own first-vote time, so join order does not depend on ids.
    """
    rng = np.random.default_rng(seed)
    if patterns is None:
        patterns = rng.choice([-1, 1], size=(len(sizes), n_statements))
        if len(sizes) >= 2:
            patterns[1] = -patterns[0]
    rows, truth, pid = [], [], 0
    for b, size in enumerate(sizes):
        for _ in range(size):
            votes = patterns[b].copy()
            flip = rng.random(n_statements) < noise
            votes[flip] = rng.choice([-1, 0, 1], size=int(flip.sum()))
            keep = rng.random(n_statements) >= missing
            stamp = 1_000.0 * pid + rng.random()
            rows += [(pid, s, int(votes[s]), stamp + s) for s in np.flatnonzero(keep)]
            truth.append(b)
            pid += 1
    return rows, np.array(truth)


def triangle(n_statements: int) -> np.ndarray:
    """Three blocs, each agreeing on its own third of the statements only."""
    patterns = -np.ones((3, n_statements), dtype=int)
    for b in range(3):
        patterns[b, b::3] = 1
    return patterns


def table(rows: list[tuple], **kwargs) -> VoteTable:
    return VoteTable.from_rows(rows, **kwargs)
