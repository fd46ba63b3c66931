"""The map of a plan: communes newly within reach, already within reach or beyond; new sites."""

from __future__ import annotations

import pandas as pd

from trajectoires.diagnosis.maps import _categorical, _place_points
from trajectoires.diagnosis.planning import TerritoryPlan
from trajectoires.territory import Reference

__all__ = ["plan_map"]

_CLASSES = (
    ("nouvelle", "nouvellement à portée", "#1a9850", None),
    ("deja", "déjà à portée d'un lieu existant", "#d9ef8b", None),
    ("hors", "hors de portée", "#f46d43", "hachures"),
)


def plan_map(ref: Reference, tp: TerritoryPlan) -> str | None:
    """Draw the territory's communes by coverage after the plan, the new sites as dots.

    The categorical commune map of the diagnosis (:mod:`trajectoires.diagnosis.maps`);
    None when fewer than two communes or no outline.
    """
    from trajectoires.analysis import to_lambert93
    from trajectoires.render import Category

    table = tp.communes.set_index("code_commune").rename(columns={"commune": "name"})
    if len(table) < 2:
        return None
    state = table["nouvellement_couverte"].map({True: "nouvelle"}).fillna(
        table["couverte_avant"].map({True: "deja", False: "hors"}))
    xy = to_lambert93(tp.sites["lon"], tp.sites["lat"]) if len(tp.sites) else None
    sites = pd.DataFrame({
        "name": [f"{row.rang}. {row.site}" for row in tp.sites.itertuples()],
        "commune_code": tp.sites["code_commune"].astype(str).to_numpy(),
        "lon": tp.sites["lon"].to_numpy(float), "lat": tp.sites["lat"].to_numpy(float),
        "x": [] if xy is None else xy[:, 0], "y": [] if xy is None else xy[:, 1]})
    radius = f"{tp.request.radius_km:g}".replace(".", ",")
    classes = [Category(key, label, colour, pattern) for key, label, colour, pattern in _CLASSES]
    return _categorical(ref, table, state.tolist(), classes=classes, outlines=None,
                        svg_id="carte-plan", points=_place_points(sites, table.index,
                                                                  "Nouveaux lieux"),
                        legend_title=f"À moins de {radius} km d'un lieu",
                        title=f"Nouveaux lieux et communes à portée — {tp.unit.name}")
