"""What a plan writes: ``plan.json``, sites and communes as CSV (machine, spreadsheet), GeoJSON.

One function per shape, used by ``trajectoires plan``, the planning page's
downloads and the API. The spreadsheet CSV opens cleanly in a French
spreadsheet (``;``, BOM, decimal comma); texts a spreadsheet would run as a
formula are neutralised (:mod:`trajectoires.csv_cells`) in both.
"""

from __future__ import annotations

import io
import json
import math
from pathlib import Path

import pandas as pd

from trajectoires.csv_cells import neutralise_frame
from trajectoires.diagnosis.planning import (
    CANDIDATE_KINDS,
    MODEL_LABELS,
    NETWORKS,
    TerritoryPlan,
)

__all__ = ["PLAN_FILES", "method_text", "plan_csv", "plan_geojson", "plan_json", "write_plan"]

PLAN_FILES = ("plan.json", "sites.csv", "sites-tableur.csv", "communes.csv", "plan.geojson")
"""Files :func:`write_plan` writes."""

_SITE_KEYS = {"rang": "rank", "site": "site", "code_commune": "code_commune",
              "commune": "commune", "lat": "lat", "lon": "lon",
              "habitants_nouvellement_couverts": "newly_covered_population",
              "habitants_rapproches": "population_brought_nearer",
              "km_gagnes_par_habitant": "km_saved_per_inhabitant",
              "habitants_km_gagnes": "inhabitant_km_saved"}


def _number(value: float) -> float | None:
    return None if value is None or not math.isfinite(float(value)) else float(value)


def method_text(tp: TerritoryPlan) -> str:
    """French sentence of how the sites were chosen and how close to the optimum they are."""
    plan = tp.plan
    solver = {"milp": "programme linéaire en nombres entiers résolu par HiGHS, optimum prouvé",
              "milp-time-limit": "programme linéaire en nombres entiers résolu par HiGHS, arrêté "
                                 "à la limite de temps",
              "greedy+swaps": "glouton et échanges, puis arrondi de la moyenne des "
                              "solutions de la relaxation lagrangienne, amélioré par échanges "
                              "et perturbations locales ; borne par relaxation lagrangienne "
                              "(montée duale puis sous-gradient)",
              "greedy": "choix glouton, qui met à portée tous les habitants qu'un site "
                        "candidat atteint"}
    gap = "écart à l'optimum prouvé : 0 %" if plan.optimal else (
        f"écart à l'optimum prouvé au plus {plan.gap * 100:.2f} %".replace(".", ","))
    return (f"Modèle : {MODEL_LABELS[plan.model]}. Méthode : {solver[plan.method]} ; {gap}. "
            "Distances à vol d'oiseau depuis le centre de chaque commune : en Lambert-93 en "
            "métropole et en Corse, le long de l'ellipsoïde outre-mer.")


def plan_json(tp: TerritoryPlan) -> dict:
    """Return the plan as a JSON-ready dictionary (``plan.json`` and the API)."""
    plan, request = tp.plan, tp.request
    sites = [{_SITE_KEYS[k]: (_number(v) if isinstance(v, float) else v) for k, v in row.items()}
             for row in tp.sites.to_dict("records")]
    for site in sites:
        site["rank"] = int(site["rank"])
        for key in ("newly_covered_population", "population_brought_nearer"):
            site[key] = int(site[key])
    return {
        "territory": {"kind": tp.unit.kind.value, "code": tp.unit.code, "name": tp.unit.name},
        "model": plan.model, "model_label": MODEL_LABELS[plan.model],
        "radius_km": request.radius_km,
        "network": list(request.networks),
        "network_labels": [NETWORKS[n] for n in request.networks],
        "existing_places": tp.existing_count,
        "candidates": {"kind": request.candidates, "label": CANDIDATE_KINDS[request.candidates],
                       "count": tp.candidates_count},
        "new_requested": request.new,
        "share_requested": request.share if plan.model == "set-covering" else None,
        "sites": sites,
        "total_population": plan.total_population,
        "covered_population_before": plan.covered_before,
        "covered_population_after": plan.covered_after,
        "covered_share_before": _number(plan.share_before),
        "covered_share_after": _number(plan.share_after),
        "objective": plan.objective,
        "objective_unit": {"mclp": "habitants couverts", "p-median": "habitants × km",
                           "set-covering": "nouveaux lieux"}[plan.model],
        "bound": plan.bound,
        "upper_bound": plan.bound if plan.model == "mclp" else None,
        "gap": plan.gap, "optimal": plan.optimal, "method": plan.method,
        "method_text": method_text(tp), "seconds": round(plan.seconds, 3),
        "population_vintage": tp.population_vintage,
        "network_vintages": tp.network_vintages,
        "notes": tp.notes,
    }


def plan_csv(frame: pd.DataFrame, *, spreadsheet: bool = False) -> bytes:
    r"""Write a table as CSV: ``,`` and points, or for a French spreadsheet ``;``, BOM, comma.

    Examples
    --------
    >>> plan_csv(pd.DataFrame({"site": ["=A1"], "km": [1.5]}), spreadsheet=True)
    b"\xef\xbb\xbfsite;km\r\n'=A1;1,5\r\n"

    """
    buffer = io.StringIO()
    frame = neutralise_frame(frame)
    if spreadsheet:
        frame.to_csv(buffer, index=False, sep=";", decimal=",", lineterminator="\r\n")
        return ("\ufeff" + buffer.getvalue()).encode("utf-8")
    frame.to_csv(buffer, index=False)
    return buffer.getvalue().encode("utf-8")


def plan_geojson(tp: TerritoryPlan) -> dict:
    """Return the new sites and the communes newly within reach (reference points, WGS 84)."""
    features = []
    for row in tp.sites.to_dict("records"):
        properties = {"type": "nouveau_lieu"} | {
            _SITE_KEYS[k]: (_number(v) if isinstance(v, float) else v)
            for k, v in row.items() if k not in ("lat", "lon")}
        features.append({"type": "Feature", "properties": properties, "geometry": {
            "type": "Point", "coordinates": [float(row["lon"]), float(row["lat"])]}})
    newly = tp.communes[tp.communes["nouvellement_couverte"]]
    for row in newly.to_dict("records"):
        features.append({"type": "Feature", "properties": {
            "type": "commune_nouvellement_couverte", "code_commune": row["code_commune"],
            "commune": row["commune"], "population": _number(row["population"]),
            "nouveau_lieu": row["nouveau_lieu_le_plus_proche"],
            "km_avant": _number(row["km_avant"]), "km_apres": _number(row["km_apres"])},
            "geometry": {"type": "Point", "coordinates": [float(row["lon"]),
                                                          float(row["lat"])]}})
    return {"type": "FeatureCollection", "name": "plan", "features": features}


def write_plan(tp: TerritoryPlan, output: Path) -> list[Path]:
    """Write :data:`PLAN_FILES` into ``output``; every file is complete or absent."""
    output = Path(output)
    output.mkdir(parents=True, exist_ok=True)
    contents = {
        "plan.json": json.dumps(plan_json(tp), ensure_ascii=False, indent=2).encode("utf-8"),
        "sites.csv": plan_csv(tp.sites),
        "sites-tableur.csv": plan_csv(tp.sites, spreadsheet=True),
        "communes.csv": plan_csv(tp.communes),
        "plan.geojson": json.dumps(plan_geojson(tp), ensure_ascii=False).encode("utf-8"),
    }
    written = []
    for name, content in contents.items():
        partial = output / f".partiel-{name}"
        partial.write_bytes(content)
        written.append((partial, output / name))
    for partial, path in written:
        partial.replace(path)
    return [path for _, path in written]
