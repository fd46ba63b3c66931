"""Access to help for every French commune: Lambert-93 in France, geodesic overseas.

Measured in one process, alternating with the reference so a busy machine hits
both alike (median of ``REPEAT``, after one warm-up call each): the national
access table of the diagnosis (``diagnosis._access._compute``: centroids of
the 34,867 outlines, nearest place and 20 km 2SFCA for France Services, the
CnFS mediation places and the libraries of ``../shared/data/fr``), as a cold
diagnosis computes it once per workspace and state of the store.

Reference measured in the same run: the former method, Lambert-93 for every
commune overseas included (centroids of the Lambert-93 outlines,
``nearest_distances`` and ``two_step_fca`` on all communes at once), which put
the overseas communes up to 29.7 km off the geodesic distance. ``ratio`` =
reference / ours (> 1: ours is faster). The rows also give the mean distance
to France Services in La Réunion both ways, against the geodesic one.
"""

from __future__ import annotations

import statistics
import time
from pathlib import Path

import numpy as np
import pandas as pd

REPEAT = 9
ROOT = Path(__file__).resolve().parents[1]


def _places() -> dict[str, pd.DataFrame]:
    from tests.analysis import analysis_data

    from trajectoires.analysis import to_lambert93

    def frame(lonlat: np.ndarray) -> pd.DataFrame:
        xy = to_lambert93(lonlat[:, 0], lonlat[:, 1])
        return pd.DataFrame({"lon": lonlat[:, 0], "lat": lonlat[:, 1],
                             "x": xy[:, 0], "y": xy[:, 1]})

    return {"france-services": frame(analysis_data.france_services()),
            "mediation-places": frame(analysis_data.mediation_places()),
            "libraries": frame(analysis_data.libraries())}


def _all_lambert(ref, places: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """The former method: every commune in Lambert-93."""
    import shapely

    from trajectoires import analysis

    communes = ref.communes_of(ref.france)
    communes = communes[communes["area_km2"].notna()]
    xy = shapely.get_coordinates(shapely.centroid(ref.commune_geometries(communes.index)))
    population = pd.to_numeric(communes["population"], errors="coerce").to_numpy(float)
    known = ~np.isnan(population)
    table = pd.DataFrame(index=communes.index)
    for kind, frame in places.items():
        located = frame[["x", "y"]].to_numpy(float)
        table[f"dist_{kind}"] = analysis.nearest_distances(xy, located).distance_km
        catchment = analysis.two_step_fca(xy[known], population[known], located, radius_km=20)
        table[f"access_{kind}"] = np.nan
        table.loc[communes.index[known], f"access_{kind}"] = catchment.accessibility * 10_000
    return table


def run() -> list[dict]:
    """Time the national access table against the former all-Lambert-93 method."""
    from tests.analysis import analysis_data

    from trajectoires.diagnosis._access import _compute
    from trajectoires.territory import load_reference

    if not analysis_data.available():
        return [{"name": "national access table (skipped: ../shared/data/fr absent)",
                 "value": None, "unit": "s", "goal": ""}]
    ref = load_reference(ROOT / "workspace")
    places = _places()
    ours, theirs = _compute(ref, places), _all_lambert(ref, places)  # warm-up
    times: dict[str, list[float]] = {"ours": [], "theirs": []}
    for _ in range(REPEAT):
        for name, work in (("ours", _compute), ("theirs", _all_lambert)):
            started = time.perf_counter()
            work(ref, places)
            times[name].append(time.perf_counter() - started)
    value, reference = statistics.median(times["ours"]), statistics.median(times["theirs"])
    reunion = ref.communes_of(ref.resolve("974")).index
    return [
        {"name": "national access table (34,867 communes, 3 kinds of places), cold",
         "value": value, "unit": "s", "goal": "no more than 10 % slower than the former method",
         "reference": reference, "reference_name": "all communes in Lambert-93 (former)",
         "ratio": reference / value},
        {"name": "La Réunion: mean distance to France Services (geodesic overseas)",
         "value": float(ours.loc[reunion, "dist_france-services"].mean()), "unit": "km",
         "goal": "the geodesic one",
         "reference": float(theirs.loc[reunion, "dist_france-services"].mean()),
         "reference_name": "in Lambert-93 (former)", "ratio": None},
    ]


if __name__ == "__main__":
    for row in run():
        print(row)
