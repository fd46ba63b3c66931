"""The one result shape of every planning model."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

__all__ = ["MODELS", "Plan"]

MODELS = ("mclp", "p-median", "set-covering")
"""Names of the models: maximal coverage, p-median, set covering."""


@dataclass(frozen=True, eq=False)
class Plan:
    """New sites chosen by a model, what they gain and how close to optimal they are proven.

    Attributes
    ----------
    model : str
        ``"mclp"``, ``"p-median"`` or ``"set-covering"`` (:data:`MODELS`).
    sites : numpy.ndarray
        Positions of the chosen candidates, by decreasing population newly covered.
    newly_covered : numpy.ndarray
        For each chosen site, the inhabitants brought within ``radius_km`` of an
        open place, each counted once, for the nearest chosen site.
    radius_km : float
        The coverage radius.
    total_population, covered_before, covered_after : float
        Inhabitants of the demand points, and those within ``radius_km`` of an
        open place before (existing places only) and after the new sites.
    covered : numpy.ndarray
        Boolean per demand point: within reach after the new sites.
    nearest_before_km, nearest_after_km : numpy.ndarray
        Per demand point, distance to the nearest existing place (``inf`` without
        one) and to the nearest open place once the new sites are open.
    site_of : numpy.ndarray
        Per demand point, the position in ``sites`` of the new site that became
        its nearest place (-1 when an existing place stays nearer).
    objective : float
        What the model optimises: inhabitants covered (MCLP), inhabitant-km to the
        nearest open place (p-median), number of new sites (set covering).
    bound : float
        A proven bound of the objective: upper for the MCLP, lower for the others.
    gap : float
        Proven relative gap ``|bound - objective|`` over the larger of the two: over
        the bound for the MCLP, over the objective for the others (0: optimal).
    method : str
        How it was solved: ``"milp"`` (HiGHS, exact), ``"greedy+swaps"`` (near-optimal, bound
        by Lagrangian relaxation), ``"milp-time-limit"`` (HiGHS stopped early) or
        ``"greedy"`` (the MCLP's greedy already covers everyone within reach: optimal).
    seconds : float
        Time spent building and solving.

    """

    model: str
    sites: np.ndarray
    newly_covered: np.ndarray
    radius_km: float
    total_population: float
    covered_before: float
    covered_after: float
    covered: np.ndarray
    nearest_before_km: np.ndarray
    nearest_after_km: np.ndarray
    site_of: np.ndarray
    objective: float
    bound: float
    gap: float
    method: str
    seconds: float

    @property
    def optimal(self) -> bool:
        """True when the solver proved the optimum (gap below 1e-9)."""
        return self.gap <= 1e-9

    @property
    def share_before(self) -> float:
        """Share of the inhabitants within reach before (NaN without inhabitants)."""
        return self.covered_before / self.total_population if self.total_population else np.nan

    @property
    def share_after(self) -> float:
        """Share of the inhabitants within reach after."""
        return self.covered_after / self.total_population if self.total_population else np.nan


def relative_gap(objective: float, bound: float) -> float:
    """``|bound - objective|`` over the larger of the two (HiGHS's convention); 0 when equal."""
    if bound == objective:
        return 0.0
    gap = abs(bound - objective) / max(abs(bound), abs(objective))
    return 0.0 if gap < 1e-9 else float(gap)
