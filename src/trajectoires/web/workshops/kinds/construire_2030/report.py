"""What the trajectory page shows, read from the engine's trajectory: charts, gaps, maps, exports.

Nothing is projected here: the values come from :func:`trajectoires.pathways.project`
(through :class:`~.trajectory.TrajectoryService`). This module picks the indicators
shown (those with a target and the headline ones: distance to France Services,
inhabitants beyond 10 km, fragility index, plus any the enabled actions move), draws a
chart per indicator (:func:`trajectoires.render.trajectory_chart_svg`), says the gap left
at the horizon and what each action contributes, draws the maps of the horizon against
today with the same fixed classes and lists the communes that change class.

Examples
--------
>>> print(gap_text(80.0, 95.0, 90.0, "%", 1).replace("\u202f", " "))
il manque 5,0 % : cible non atteinte
>>> print(gap_text(12.0, 8.0, 9.5, "km", 1).replace("\u202f", " "))
1,5 km de trop : cible non atteinte
>>> print(gap_text(80.0, 95.0, 96.0, "%", 1).replace("\u202f", " "))
cible atteinte (dépassée de 1,0 %)

"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np

from trajectoires.render._french import format_number
from trajectoires.render.trajectory_chart import TrajectoryChart, trajectory_chart_svg
from trajectoires.web.workshops.fragments import region_digest

if TYPE_CHECKING:
    from fastapi import Request

    from trajectoires.foresight.workshops import WorkshopView
    from trajectoires.web.workshops.kinds.construire_2030.trajectory import Projection

__all__ = ["HEADLINES", "IndicatorView", "TrajectoryBody", "body_of", "communes_csv",
           "export_document", "gap_text", "render_body"]

HEADLINES = ("dist_france-services", "population_au_dela_10km_france_services",
             "fragility_index")
"""Series always shown: distance to France Services, inhabitants beyond 10 km, the index."""
TEMPLATE = "kinds/construire-2030/_trajectory_body.html"
EPSILON = 1e-9


@dataclass(frozen=True)
class ContributionRow:
    """What one action brings to an indicator at the horizon."""

    action_id: str
    title: str
    value: float
    text: str


@dataclass(frozen=True)
class IndicatorView:
    """One indicator as the page shows it."""

    key: str
    label: str
    unit: str
    svg: str
    start_text: str
    tendance_text: str
    actions_text: str
    target_text: str = ""
    gap_text: str = ""
    contributions: tuple[ContributionRow, ...] = ()
    source: str = ""
    method: str = ""
    svg_narrow: str = ""
    """The same chart laid out for a phone (360 units; the page's CSS shows one of the two)."""


@dataclass(frozen=True)
class TrajectoryBody:
    """The body of the region ``construire.trajectory``."""

    error: str | None = None
    start_year: int = 0
    horizon: int = 0
    example: bool = False
    action_count: int = 0
    enabled_count: int = 0
    indicators: tuple[IndicatorView, ...] = ()
    maps: tuple[Any, ...] = ()
    skipped_targets: tuple[str, ...] = field(default=())
    left_out: tuple[tuple[str, str], ...] = ()


def label_of(key: str) -> str:
    """Return the French label of a catalogue indicator (its key when unknown)."""
    from trajectoires.indicators.catalogue import INDICATORS

    return INDICATORS[key].label if key in INDICATORS else key


def _decimals(values: np.ndarray) -> int:
    finite = np.abs(values[np.isfinite(values)])
    if not finite.size:
        return 0
    top = float(finite.max())
    return 0 if top >= 1000 else (1 if top >= 10 else 2)


def _text(value: float | None, unit: str, decimals: int) -> str:
    if value is None or not math.isfinite(value):
        return "inconnue"
    suffix = (f"\u202f{unit}" if len(unit) <= 3 else f"\xa0{unit}") if unit else ""
    return f"{format_number(value, decimals)}{suffix}"


def gap_text(start: float, target: float, reached: float, unit: str, decimals: int) -> str:
    """Say the gap between the value ``reached`` and the ``target`` (the way from ``start``)."""
    rising = target >= start
    gap = target - reached if rising else reached - target
    if gap <= EPSILON:
        return f"cible atteinte (dépassée de {_text(abs(gap), unit, decimals)})"
    left = f"il manque {_text(gap, unit, decimals)}" if rising \
        else f"{_text(gap, unit, decimals)} de trop"
    return f"{left} : cible non atteinte"


def _chosen(trajectory: Any) -> list[Any]:  # noqa: ANN401 (the engine's Trajectory)
    """Series with a target, the headline ones, and those the enabled actions move."""
    chosen = []
    for series in trajectory.series:
        moved = np.nanmax(np.abs(np.asarray(series.actions, float)
                                 - np.asarray(series.tendance, float)), initial=0.0) > EPSILON
        if series.target is not None or series.key in HEADLINES or moved:
            chosen.append(series)
    return chosen


def _contributions(series: Any, titles: dict[str, str], unit: str,  # noqa: ANN401
                   decimals: int) -> tuple[ContributionRow, ...]:
    rows = []
    for action_id, values in series.contributions.items():
        value = float(np.asarray(values, float)[-1])
        if math.isfinite(value) and abs(value) > EPSILON:
            sign = "+" if value > 0 else "−"
            rows.append(ContributionRow(action_id, titles.get(action_id, action_id), value,
                                        f"{sign}{_text(abs(value), unit, decimals)}"))
    return tuple(sorted(rows, key=lambda r: -abs(r.value)))


def _indicator(series: Any, years: list[int], titles: dict[str, str]) -> IndicatorView:  # noqa: ANN401
    described = series.to_dict(np.asarray(years))
    label, unit = described["label"], described["unit"]
    tendance = np.asarray(series.tendance, float)
    actions = np.asarray(series.actions, float)
    decimals = _decimals(np.concatenate([tendance, actions]))
    band = series.band or {}
    target = (series.target.year, series.target.value) if series.target is not None else None
    chart = TrajectoryChart(label, unit if len(unit) < 12 else "", tuple(years),
                            tuple(map(float, tendance)), tuple(map(float, actions)),
                            tuple(map(float, band["low"])) if band else None,
                            tuple(map(float, band["high"])) if band else None,
                            target, decimals)
    view = IndicatorView(
        series.key, label, unit, trajectory_chart_svg(chart, svg_id=f"graphique-{series.key}"),
        _text(tendance[0], unit, decimals), _text(tendance[-1], unit, decimals),
        _text(actions[-1], unit, decimals),
        contributions=_contributions(series, titles, unit, decimals),
        source=series.source, method=series.method[:1].upper() + series.method[1:] + ".",
        svg_narrow=trajectory_chart_svg(chart, svg_id=f"graphique-{series.key}-etroit",
                                        narrow=True))
    if target is None:
        return view
    column = min(max(years.index(target[0]) if target[0] in years else len(years) - 1, 0),
                 len(years) - 1)
    return IndicatorView(**{
        **view.__dict__, "target_text": f"{_text(target[1], unit, decimals)} en {target[0]}",
        "gap_text": gap_text(float(tendance[0]), target[1], float(actions[column]), unit,
                             decimals)})


def _target_text(target: dict[str, Any]) -> str:
    """« Label : value unit en year », the value French style (« 98 % », not « 98.0 »)."""
    from trajectoires.indicators.catalogue import INDICATORS

    indicator = INDICATORS.get(target["indicator"])
    value = float(target["value"])
    decimals = 0 if value == round(value) else _decimals(np.array([value]))
    unit = indicator.unit if indicator is not None else ""
    return (f"{label_of(target['indicator'])} : {_text(value, unit, decimals)} "
            f"en {target['year']}")


def _skipped(projection: Projection) -> tuple[str, ...]:
    return tuple(f"{_target_text(t)} (indicateur sans projection commune par commune)"
                 for t in projection.skipped_targets)


def _why_missing(projection: Projection, indicator: str) -> str:
    """Say what the store lacks for ``indicator``: the file and its command when known."""
    return projection.missing.get(indicator) or (
        "pas de données de cet indicateur pour ce territoire dans la base")


def body_of(workshop: WorkshopView, projection: Projection,
            maps: tuple[Any, ...] = ()) -> TrajectoryBody:
    """Build what the region shows from a projection of the workshop's plan."""
    actions = projection.plan.get("actions", [])
    common = {"example": bool(workshop.example), "action_count": len(actions),
              "enabled_count": len(projection.enabled), "skipped_targets": _skipped(projection),
              "horizon": int(projection.plan.get("horizon", 0)),
              "left_out": projection.left_out}
    if projection.error is not None or projection.trajectory is None:
        return TrajectoryBody(error=projection.error or "Trajectoire indisponible.", **common)
    trajectory = projection.trajectory
    years = [int(y) for y in trajectory.years]
    titles = {a["id"]: a["title"] for a in actions}
    views = tuple(_indicator(s, years, titles) for s in _chosen(trajectory))
    shown = {s.key for s in trajectory.series}
    missing = tuple(f"{_target_text(t)} ({_why_missing(projection, t['indicator'])})"
                    for t in projection.plan.get("targets", []) if t["indicator"] not in shown)
    # the actions the engine projected: one left out (data missing) is not « pris en compte »
    return TrajectoryBody(start_year=years[0], indicators=views, maps=maps,
                          **{**common, "enabled_count": len(trajectory.enabled),
                             "skipped_targets": common["skipped_targets"] + missing})


def render_body(request: Request, workshop: WorkshopView, projection: Projection) -> dict:
    """Render the region's body: ``{"html", "digest"}``."""
    from trajectoires.web.workshops.kinds.construire_2030.maps import trajectory_maps

    maps = trajectory_maps(request.app, workshop, projection)
    body = body_of(workshop, projection, maps)
    env = request.app.state.templates.env
    html = env.get_template(TEMPLATE).render({"trajectory": body})
    return {"html": html, "digest": region_digest(html)}


def export_document(workshop: WorkshopView, projection: Projection) -> dict[str, Any]:
    """Return the JSON export: the engine's ``trajectory.json``, the plan, the origin."""
    document: dict[str, Any] = {
        "workshop": {"slug": workshop.slug, "title": workshop.title,
                     "example": bool(workshop.example)},
        "plan": projection.plan,
        "targets_not_projected": list(projection.skipped_targets),
    }
    if workshop.example:
        document["notice"] = ("Exemple : atelier et effets chiffrés simulés pour la "
                              "démonstration ; la trajectoire l'est aussi.")
    if projection.left_out:
        document["not_projected"] = [{"item": item, "why": why}
                                     for item, why in projection.left_out]
    if projection.trajectory is None:
        return {**document, "error": projection.error}
    return {**document, "trajectory": projection.trajectory.to_dict()}


def communes_csv(workshop: WorkshopView, projection: Projection, *, spreadsheet: bool) -> str:
    """Return the commune values of the trajectory as CSV.

    Not ``spreadsheet``: ``communes.csv`` of the engine
    (:meth:`~trajectoires.pathways.Trajectory.commune_rows`: one row per commune, year,
    scenario and indicator, English names, comma and decimal point). ``spreadsheet``: the
    command's ``communes-tableur.csv`` (:func:`~trajectoires.pathways.spreadsheet_tables`:
    one row per commune, scenario and year, a column per indicator headed by its French
    label and unit, rounded; semicolon and decimal comma, the caller adds the BOM). Texts
    a spreadsheet would run are neutralised. An example workshop's file says so in a last
    column (``exemple``, « Exemple » for the spreadsheet).
    """
    import pandas as pd

    from trajectoires.csv_cells import neutralise_frame
    from trajectoires.pathways import COLUMNS, spreadsheet_tables

    trajectory = projection.trajectory
    if spreadsheet:
        frame = (spreadsheet_tables(trajectory)[0] if trajectory is not None
                 else pd.DataFrame(columns=["Code commune", "Commune", "Scénario", "Année"]))
        if workshop.example:
            frame["Exemple"] = "oui : valeurs simulées pour la démonstration"
        return neutralise_frame(frame).to_csv(index=False, lineterminator="\n", sep=";",
                                              decimal=",")
    rows = list(trajectory.commune_rows()) if trajectory is not None else []
    frame = pd.DataFrame(rows, columns=list(COLUMNS))
    if workshop.example:
        frame["exemple"] = "oui : valeurs simulées pour la démonstration"
    return neutralise_frame(frame).to_csv(index=False, lineterminator="\n")
