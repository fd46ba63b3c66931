"""The result of a projection: series of the territory, commune values, exports.

:meth:`Trajectory.to_dict` is ``trajectory.json``; :meth:`Trajectory.commune_rows`
gives the rows of ``communes.csv`` (``code_commune, annee, scenario, indicateur,
valeur``); :meth:`Trajectory.class_changes` lists the communes whose class of
fragility or of distance to a France Services changes.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from trajectoires.pathways._indicators import (
    BEYOND_KM,
    NETWORKS,
    PROJECTED,
    REACH,
    beyond_key,
)
from trajectoires.pathways._plan import Plan, Target

__all__ = ["CLASSES", "COLUMNS", "SCENARIOS", "Series", "Trajectory", "csv_name"]

SCENARIOS = ("tendance", "actions")
COLUMNS = ("code_commune", "annee", "scenario", "indicateur", "valeur")
"""Columns of ``communes.csv``."""

CLASSES = {
    "fragility_index": ((4.0, "faible (moins de 4)"), (6.0, "moyenne (4 à 6)"),
                        (8.0, "forte (6 à 8)"), (math.inf, "très forte (8 ou plus)")),
    "dist_france-services": ((BEYOND_KM, f"à {BEYOND_KM:.0f} km ou moins"),
                             (math.inf, f"à plus de {BEYOND_KM:.0f} km")),
}
"""Classes of the communes whose changes are listed: upper bound (excluded) and label."""


def csv_name(key: str) -> str:
    """Name of an indicator in ``communes.csv``.

    >>> csv_name("dist_france-services"), csv_name("fragility_index"), csv_name("reach")
    ('distance_france_services_km', 'indice_fragilite', 'personnes_accompagnees')
    """
    return REACH if key == "reach" else PROJECTED[key].csv if key in PROJECTED else key


def _label(key: str) -> tuple[str, str]:
    from trajectoires.indicators.catalogue import INDICATORS

    if key in INDICATORS:
        return INDICATORS[key].label, INDICATORS[key].unit
    if key == "reach":
        return "Personnes accompagnées par les programmes du plan (cumul)", "personnes"
    kind = next(k for k in NETWORKS if beyond_key(k) == key)
    return (f"Habitants à plus de {BEYOND_KM:.0f} km du plus proche lieu "
            f"({NETWORKS[kind]})", "habitants")


def _numbers(values: np.ndarray) -> list[float | None]:
    return [None if not math.isfinite(v) else round(float(v), 6) for v in values]


@dataclass(frozen=True, eq=False)
class Series:
    """One indicator of the territory, per year, in both scenarios."""

    key: str
    tendance: np.ndarray
    actions: np.ndarray
    band: dict | None
    target: Target | None
    contributions: dict[str, np.ndarray] = field(default_factory=dict)
    source: str = ""
    method: str = ""

    def gap(self, years: np.ndarray) -> dict | None:
        """Target year, value, and what is left to reach it in each scenario."""
        if self.target is None:
            return None
        col = int(np.searchsorted(years, self.target.year))
        start = self.actions[0]
        down = self.target.value < start  # a target below today's value: lower is better
        result = {"year": self.target.year, "value": self.target.value}
        for name, values in (("tendance", self.tendance), ("actions", self.actions)):
            value = float(values[col])
            result[f"ecart_{name}"] = round(value - self.target.value, 6)
            result[f"atteinte_{name}"] = bool(value <= self.target.value if down
                                              else value >= self.target.value)
        return result

    def to_dict(self, years: np.ndarray) -> dict:
        """Return this series as in ``trajectory.json``."""
        label, unit = _label(self.key)
        return {
            "indicator": self.key, "csv": csv_name(self.key), "label": label, "unit": unit,
            "tendance": _numbers(self.tendance), "actions": _numbers(self.actions),
            "band": None if self.band is None else {
                "low": _numbers(self.band["low"]), "high": _numbers(self.band["high"])},
            "target": self.gap(years),
            "contributions": {action: _numbers(values)
                              for action, values in self.contributions.items()},
            "source": self.source, "method": self.method,
        }


@dataclass(frozen=True, eq=False)
class Trajectory:
    """A projected plan: years, series of the territory and commune values of both scenarios."""

    territory: str
    name: str
    plan: Plan
    years: np.ndarray
    enabled: frozenset[str]
    series: list[Series]
    tendance: object  # _engine.Scenario
    actions: object
    communes: pd.DataFrame

    def series_of(self, key: str) -> Series:
        """Return the series of indicator ``key``."""
        return next(s for s in self.series if s.key == key)

    def commune_values(self, scenario: str, key: str) -> pd.DataFrame:
        """Values of ``key`` per commune (rows) and year (columns) in ``scenario``."""
        values = (self.tendance if scenario == "tendance" else self.actions).values[key]
        return pd.DataFrame(values, index=self.communes.index, columns=self.years.tolist())

    def commune_rows(self) -> Iterator[tuple[str, int, str, str, float | None]]:
        """Rows of ``communes.csv``: code, year, scenario, indicator (CSV name), value."""
        codes = self.communes.index.tolist()
        years = self.years.tolist()
        for scenario in SCENARIOS:
            values = (self.tendance if scenario == "tendance" else self.actions).values
            for key in sorted(values, key=csv_name):
                name = csv_name(key)
                for i, code in enumerate(codes):
                    row = values[key][i]
                    for j, year in enumerate(years):
                        value = float(row[j])
                        yield code, year, scenario, name, (value if math.isfinite(value)
                                                           else None)

    def class_changes(self) -> list[dict]:
        """Communes whose class (:data:`CLASSES`) differs between today and the horizon."""
        rows = []
        codes = self.communes.index.tolist()  # once: a row by row .iloc cost 0.1-0.3 s for France
        names = self.communes["name"].tolist()
        for key, bounds in CLASSES.items():
            if key not in self.actions.values:
                continue
            edges = np.array([b for b, _ in bounds])
            labels = [label for _, label in bounds] + [None]

            def classes(values: np.ndarray, edges: np.ndarray = edges,
                        last: int = len(labels) - 1) -> np.ndarray:
                return np.where(np.isnan(values), last,
                                np.searchsorted(edges, values, side="right"))

            today = classes(self.tendance.values[key][:, 0])
            trend = classes(self.tendance.values[key][:, -1])
            acted = classes(self.actions.values[key][:, -1])
            for i in np.flatnonzero((today != acted) | (trend != acted)):
                rows.append({"code_commune": codes[i], "nom": names[i],
                             "indicateur": csv_name(key), "classe_depart": labels[today[i]],
                             "classe_tendance": labels[trend[i]],
                             "classe_actions": labels[acted[i]]})
        return rows

    def to_dict(self) -> dict:
        """``trajectory.json``: territory, years, actions, series, class changes."""
        return {
            "territory": {"code": self.territory, "name": self.name},
            "horizon": self.plan.horizon,
            "years": self.years.tolist(),
            "scenarios": list(SCENARIOS),
            "actions": [{"id": a.id, "title": a.title, "owner": a.owner,
                         "enabled": a.id in self.enabled,
                         "effects": [_effect_dict(e) for e in a.effects]}
                        for a in self.plan.actions],
            "series": [s.to_dict(self.years) for s in self.series],
            "class_changes": self.class_changes(),
        }


def _effect_dict(effect) -> dict:
    fields = ("type", "year", "assumption", "network", "commune", "communes", "lat", "lon",
              "name", "address", "place", "share", "people", "epci", "indicator", "change",
              "mode")
    out = {}
    for name in fields:
        value = getattr(effect, name)
        if value in (None, "", ()) or (name == "mode" and effect.type != "indicator"):
            continue
        out[name] = list(value) if isinstance(value, tuple) else value
    return out
