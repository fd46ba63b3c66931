"""The commune values of a scenario: trends, the effects of the enabled actions, the index.

Each editable indicator is its trend (:mod:`~trajectoires.pathways._trend`) plus
the effects of the enabled actions that name it, applied in a fixed order that
does not depend on the order of the actions: the FttH floors (maxima), then the
absolute changes (sums), then the relative ones (products), then the bounds of
the indicator. The fragility index is scored again each year by national
deciles of the projected criteria (:func:`trajectoires.analysis.decile_scores`
with its ``max`` rule for ties), computed from sorted arrays so that a scenario
that moves a few communes is scored in a few milliseconds.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from trajectoires.pathways._indicators import CRITERIA, PROJECTED
from trajectoires.pathways._plan import Effect

__all__ = ["Compiled", "Deciles", "apply_effects", "compile_effect", "reach_people"]


@dataclass(frozen=True, eq=False)
class Compiled:
    """An effect on commune values: the indicator, the rows, the years and the change."""

    indicator: str
    kind: str  # "floor", "ceiling", "add", "scale"
    rows: np.ndarray
    start: int  # column of the effect's year
    value: float
    ramp_from: int = 0  # first column of a ramp (FttH: reached linearly by the effect's year)


def compile_effect(effect: Effect, rows: np.ndarray, years: np.ndarray) -> list[Compiled]:
    """Return the value changes of ``effect`` on the communes at ``rows`` (none for places)."""
    start = int(np.searchsorted(years, effect.year))
    if effect.type == "ftth":
        share = float(effect.share)
        return [Compiled("ftth_taux", "floor", rows, start, share),
                Compiled("no_thd_coverage", "ceiling", rows, start, 100.0 - share)]
    if effect.type == "indicator":
        kind = "add" if effect.mode == "absolute" else "scale"
        value = effect.change if kind == "add" else 1.0 + effect.change / 100.0
        return [Compiled(effect.indicator, kind, rows, start, float(value))]
    return []


_ORDER = {"floor": 0, "ceiling": 1, "add": 2, "scale": 3}


def apply_effects(trend: np.ndarray, effects: list[Compiled], indicator: str) -> np.ndarray:
    """Values of ``indicator`` (rows: communes, columns: years) with ``effects`` applied.

    FttH floors and ceilings are reached linearly from the first year to the
    effect's year (a deployment « by » that year), then held; the trend wins when
    it is already beyond.
    """
    if not effects:
        return trend
    values = trend.copy()
    ncols = values.shape[1]
    for effect in sorted(effects, key=lambda e: _ORDER[e.kind]):
        rows = effect.rows
        if effect.kind in ("floor", "ceiling"):
            # ramps start from the trend's first year, not from what an earlier effect due
            # that year made of it: floors then commute (maxima), and ceilings (minima)
            first = trend[rows, 0]
            steps = np.arange(ncols, dtype=float)
            fraction = (np.ones(ncols) if effect.start == 0  # due the first year: reached
                        else np.clip(steps / effect.start, 0.0, 1.0))
            goal = first[:, None] + (effect.value - first[:, None]) * fraction[None, :]
            pick = np.maximum if effect.kind == "floor" else np.minimum
            values[rows] = pick(values[rows], goal)
        elif effect.kind == "add":
            values[rows, effect.start:] += effect.value
        else:
            values[rows, effect.start:] *= effect.value
    spec = PROJECTED[indicator]
    return np.clip(values, spec.low, spec.high)


def reach_people(effects: list[tuple[np.ndarray, np.ndarray, int]], n: int,
                 ncols: int) -> np.ndarray:
    """People helped, cumulated, per commune and year: ``(rows, shares, start)`` per effect.

    A programme reaching N people a year from its year counts N more each year,
    shared among its communes by population (``shares`` sum to N).
    """
    helped = np.zeros((n, ncols))
    for rows, people, start in effects:
        years_running = np.clip(np.arange(ncols) - start + 1, 0, None)
        helped[rows] += people[:, None] * years_running[None, :]
    return helped


class Deciles:
    """National decile scores of the criteria, year by year, against a base scenario.

    ``base`` maps each criterion to its values (national communes × years) in the
    scenario without action. For another scenario only the communes whose value
    differs change the counts: the share of values at most each value (the
    ``max`` rule of :func:`trajectoires.analysis.decile_scores`) is corrected for
    them instead of ranking the whole country again.
    """

    def __init__(self, base: dict[str, np.ndarray], rows: np.ndarray) -> None:
        self.base = base
        self.rows = rows  # the communes of the territory, whose scores are returned
        self._sorted = {key: [np.sort(column[~np.isnan(column)]) for column in values.T]
                        for key, values in base.items()}
        self._counts = {key: np.column_stack([
            np.searchsorted(ordered, values[rows, col], side="right")
            for col, ordered in enumerate(self._sorted[key])]).astype(float)
            for key, values in base.items()}  # the base's counts at the base's values

    def scores(self, key: str, values: np.ndarray) -> np.ndarray:
        """Scores (territory communes × years) of criterion ``key`` with ``values``."""
        base = self.base[key]
        out = np.full((len(self.rows), base.shape[1]), np.nan)
        changed_rows = np.flatnonzero(~np.all((values == base) | (np.isnan(values)
                                                                   & np.isnan(base)), axis=1))
        for col in range(base.shape[1]):
            ordered = self._sorted[key][col]
            v = values[self.rows, col]
            count = self._counts[key][:, col].copy()
            moved = ~((v == base[self.rows, col]) | np.isnan(v))
            count[moved] = np.searchsorted(ordered, v[moved], side="right")
            total = float(len(ordered))
            if len(changed_rows):
                old = base[changed_rows, col]
                new = values[changed_rows, col]
                old, new = np.sort(old[~np.isnan(old)]), np.sort(new[~np.isnan(new)])
                count += (np.searchsorted(new, v, side="right")
                          - np.searchsorted(old, v, side="right"))
                total += len(new) - len(old)
            with np.errstate(invalid="ignore", divide="ignore"):
                out[:, col] = np.where(np.isnan(v), np.nan,
                                       np.clip(np.ceil(count / total * 10), 1, 10))
        return out

    def index(self, criteria: dict[str, np.ndarray]) -> np.ndarray:
        """Fragility index (territory communes × years): mean of the known scores."""
        keys = [key for key in CRITERIA if key in self.base]
        if not keys:
            return np.full((len(self.rows), 1), np.nan)
        scores = np.stack([self.scores(key, criteria[key]) for key in keys])
        known = ~np.isnan(scores)
        with np.errstate(invalid="ignore", divide="ignore"):
            return np.where(known.any(axis=0), np.nansum(scores, axis=0) / known.sum(axis=0),
                            np.nan)


class FullScores:
    """Decile scores of the full scenario, and of the same without one action, fast.

    Removing an action moves the criteria of its few communes (``m`` values per
    column): every other commune's count of values at most its own moves by at most
    ``m``, so its score (``ceil(10 × count / n)``) can change only if its count lies
    within ``m`` of a decile boundary. Only those communes and the action's own are
    scored again; the index of the others is kept.
    """

    def __init__(self, national: dict[str, np.ndarray], rows: np.ndarray) -> None:
        self.national, self.rows = national, rows
        self.keys = [key for key in CRITERIA if key in national]
        self.where = np.full(len(next(iter(national.values()))), -1)
        self.where[rows] = np.arange(len(rows))
        self.sorted, self.counts, self.scores = {}, {}, {}
        for key in self.keys:
            values = national[key]
            self.sorted[key] = [np.sort(c[~np.isnan(c)]) for c in values.T]
            counts = np.column_stack([np.searchsorted(s, values[rows, col], side="right")
                                      for col, s in enumerate(self.sorted[key])]).astype(float)
            sizes = np.array([len(s) for s in self.sorted[key]], dtype=float)
            self.counts[key] = counts
            with np.errstate(invalid="ignore", divide="ignore"):
                self.scores[key] = np.where(np.isnan(values[rows]), np.nan,
                                            np.clip(np.ceil(counts / sizes * 10), 1, 10))
        stacked = np.stack([self.scores[k] for k in self.keys]) if self.keys else None
        self.known = (~np.isnan(stacked)).sum(axis=0) if self.keys else None
        self.total = np.nansum(stacked, axis=0) if self.keys else None
        self._distances: dict[tuple[str, int], np.ndarray] = {}

    def index(self, total: np.ndarray | None = None) -> np.ndarray:
        """Fragility index of the territory's communes (× years)."""
        total = self.total if total is None else total
        with np.errstate(invalid="ignore", divide="ignore"):
            return np.where(self.known > 0, total / self.known, np.nan)

    def without(self, changed: dict[str, tuple[np.ndarray, np.ndarray]]) -> np.ndarray:
        """Index when criterion ``key`` takes the values ``values[rows]`` at ``rows``."""
        total = self.total.copy()
        for col, candidates, change in self.changes(
                {key: (rows, values[rows]) for key, (rows, values) in changed.items()}):
            total[candidates, col] += change
        return self.index(total)

    def changes(self, changed: dict[str, tuple[np.ndarray, np.ndarray]]
                ) -> list[tuple[int, np.ndarray, np.ndarray]]:
        """Where the sum of the scores moves when criterion ``key`` takes ``values`` at ``rows``.

        ``values`` has one row per entry of ``rows`` (national positions). Returns
        ``(column, territory positions, change of their sum of scores)`` for each
        column that moves: the index of those communes moves by the change divided by
        their number of known criteria (:attr:`known`), every other one stays.
        """
        out = []
        for key, (rows, values) in changed.items():
            for col in range(values.shape[1]):
                found = self._column(key, col, rows, values[:, col])
                if found is not None:
                    out.append((col, *found))
        return out

    def _column(self, key: str, col: int, rows: np.ndarray,
                new: np.ndarray) -> tuple[np.ndarray, np.ndarray] | None:
        old = self.national[key][rows, col]
        moved = ~((old == new) | (np.isnan(old) & np.isnan(new)))
        if not moved.any():
            return None
        rows, old, new = rows[moved], old[moved], new[moved]
        old_sorted, new_sorted = np.sort(old[~np.isnan(old)]), np.sort(new[~np.isnan(new)])
        ordered = self.sorted[key][col]
        size = float(len(ordered))
        if len(old_sorted) != len(new_sorted):  # a value appears or vanishes: all again
            mask = np.ones(len(self.rows), dtype=bool)
        else:
            mask = self._boundary(key, col) <= len(new_sorted) + 1
        own = self.where[rows]
        mask[own[own >= 0]] = True
        candidates = np.flatnonzero(mask)
        values = self.national[key][self.rows[candidates], col].copy()
        inside = self.where[rows] >= 0
        values[np.searchsorted(candidates, own[inside])] = new[inside]
        count = (np.searchsorted(ordered, values, side="right")
                 - np.searchsorted(old_sorted, values, side="right")
                 + np.searchsorted(new_sorted, values, side="right"))
        size += len(new_sorted) - len(old_sorted)
        score = np.where(np.isnan(values), np.nan, np.clip(np.ceil(count / size * 10), 1, 10))
        before = self.scores[key][candidates, col]
        return candidates, np.nan_to_num(score) - np.nan_to_num(before)

    def _boundary(self, key: str, col: int) -> np.ndarray:
        """Distance of each commune's count to the nearest decile boundary (kept per column)."""
        found = self._distances.get((key, col))
        if found is None:
            counts = self.counts[key][:, col]
            step = len(self.sorted[key][col]) / 10
            found = self._distances[(key, col)] = np.abs(counts - np.round(counts / step) * step)
        return found
