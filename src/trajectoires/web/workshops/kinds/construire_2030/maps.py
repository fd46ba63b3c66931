"""Maps of the trajectory: the horizon with the actions against today, and who changes class.

Two maps per indicator drawn with the engine's fixed classes (the ones whose changes
:meth:`trajectoires.pathways.Trajectory.class_changes` lists, so a commune's colour
means the same on both), by :func:`trajectoires.render.categorical_svg` over the
communes' outlines, prepared once per territory and kept
(:meth:`~.trajectory.TrajectoryService.outlines`).

"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from trajectoires.render import Category, categorical_svg

if TYPE_CHECKING:
    from fastapi import FastAPI

    from trajectoires.foresight.workshops import WorkshopView
    from trajectoires.web.workshops.kinds.construire_2030.trajectory import Projection

__all__ = ["TITLES", "ClassChange", "MapPair", "categories", "class_of", "trajectory_maps"]

MAX_COMMUNES = 1500
"""Above this, the page draws no map (the CSV holds every commune's values)."""
MAP_WIDTH = 480


_REDS = ("#fee5d9", "#fcae91", "#fb6a4a", "#de2d26", "#a50f15")
_PATTERNS = (None, None, "points", "hachures", "hachures")
TITLES = {"dist_france-services": "Distance au plus proche France Services",
          "fragility_index": "Indice de fragilité numérique"}
"""The indicators mapped (those whose class changes the engine lists), with their title."""


def categories(key: str) -> tuple[Category, ...]:
    """Return the engine's classes of ``key`` (:data:`trajectoires.pathways._trajectory.CLASSES`).

    >>> [c.label for c in categories("dist_france-services")]
    ['à 10 km ou moins', 'à plus de 10 km']
    """
    from trajectoires.pathways._trajectory import CLASSES

    bounds = CLASSES[key]
    shades = _REDS[::2] if len(bounds) <= 3 else _REDS[1:]
    return tuple(Category(label, label, shades[i], _PATTERNS[i + 5 - len(bounds)])
                 for i, (_, label) in enumerate(bounds))


def class_of(key: str, value: float) -> str | None:
    """Return the engine's class label of ``value`` for ``key`` (``None`` when unknown).

    >>> class_of("dist_france-services", 12.0), class_of("fragility_index", float("nan"))
    ('à plus de 10 km', None)
    """
    from trajectoires.pathways._trajectory import CLASSES

    if value is None or not math.isfinite(value):
        return None
    return next(label for bound, label in CLASSES[key] if value < bound)


@dataclass(frozen=True)
class ClassChange:
    """A commune whose class differs between the first year and the horizon."""

    code: str
    name: str
    before: str
    after: str


@dataclass(frozen=True)
class MapPair:
    """Today's map and the horizon's (with the actions), and the communes that change class."""

    key: str
    label: str
    today_svg: str
    horizon_svg: str
    changes: tuple[ClassChange, ...]


def _pair(key: str, outlines: Any, communes: Any, *, today: np.ndarray,  # noqa: ANN401
          horizon: np.ndarray, years: tuple[int, int], changes: list[dict]) -> MapPair:
    codes = [str(c) for c in communes.index]
    names = [str(n) for n in communes["name"]]
    svgs = []
    for year, values, suffix in ((years[0], today, "aujourdhui"), (years[1], horizon, "horizon")):
        svgs.append(categorical_svg(
            outlines, [class_of(key, float(v)) for v in values], codes=codes, names=names,
            classes=categories(key), title=f"{TITLES[key]} — {year}", legend_title=TITLES[key],
            source="Trajectoires, projection du plan de l'atelier", width=MAP_WIDTH,
            svg_id=f"carte-{key}-{suffix}"))
    rows = tuple(ClassChange(str(c["code_commune"]), str(c["nom"]), str(c["classe_depart"]),
                             str(c["classe_actions"]))
                 for c in changes if c["classe_depart"] != c["classe_actions"])
    return MapPair(key, TITLES[key], svgs[0], svgs[1], rows)


def trajectory_maps(app: FastAPI, workshop: WorkshopView,
                    projection: Projection) -> tuple[MapPair, ...]:
    """Draw the maps of a projection (none when it failed or the territory is too large)."""
    from trajectoires.pathways._trajectory import csv_name
    from trajectoires.web.workshops.kinds.construire_2030.trajectory import service_of

    trajectory = projection.trajectory
    if trajectory is None:
        return ()
    communes = trajectory.communes
    if not len(communes) or len(communes) > MAX_COMMUNES:
        return ()
    codes = tuple(str(c) for c in communes.index)
    outlines = service_of(app).outlines(workshop, codes, MAP_WIDTH)
    years = (int(trajectory.years[0]), int(trajectory.years[-1]))
    changes = trajectory.class_changes()
    pairs = []
    for key in TITLES:
        if key not in trajectory.actions.values:
            continue
        mine = [c for c in changes if c["indicateur"] == csv_name(key)]
        pairs.append(_pair(key, outlines, communes, today=trajectory.tendance.values[key][:, 0],
                           horizon=trajectory.actions.values[key][:, -1], years=years,
                           changes=mine))
    return tuple(pairs)
