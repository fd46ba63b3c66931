"""National table of access to help: nearest place and 2SFCA for every French commune.

Computed once for all communes with an outline (so that the demand of the
communes beyond a territory's border counts in the 2SFCA, and the nearest place
may lie outside it) and cached next to the national inputs: a warm diagnosis
reads one Parquet file instead of building k-d trees.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from trajectoires import analysis
from trajectoires.diagnosis.inputs import write_parquet
from trajectoires.territory import Reference

__all__ = ["ACCESS_RADIUS_KM", "national_access"]

ACCESS_RADIUS_KM = 20.0
"""Catchment radius of the 2SFCA."""


def _centroids(ref: Reference) -> pd.DataFrame:
    """Lambert-93 centroid and population of every commune with an outline."""
    import shapely

    communes = ref.communes_of(ref.france)
    communes = communes[communes["area_km2"].notna()]
    points = shapely.get_coordinates(shapely.centroid(ref.commune_geometries(communes.index)))
    population = pd.to_numeric(communes["population"], errors="coerce").astype(float)
    return pd.DataFrame({"x": points[:, 0], "y": points[:, 1], "population": population},
                        index=communes.index)


def _compute(ref: Reference, places: dict[str, pd.DataFrame]) -> pd.DataFrame:
    origin = _centroids(ref)
    xy = origin[["x", "y"]].to_numpy()
    known = origin["population"].notna().to_numpy()
    table = pd.DataFrame(index=origin.index)
    for kind, frame in places.items():
        located = frame[["x", "y"]].dropna().to_numpy(dtype=float)
        if len(located) == 0:
            continue
        table[f"dist_{kind}"] = analysis.nearest_distances(xy, located).distance_km
        catch = analysis.two_step_fca(xy[known], origin["population"].to_numpy()[known],
                                      located, radius_km=ACCESS_RADIUS_KM)
        table[f"access_{kind}"] = np.nan
        table.loc[origin.index[known], f"access_{kind}"] = catch.accessibility * 10_000
    return table


def national_access(ref: Reference, places: dict[str, pd.DataFrame],
                    folder: Path | None) -> pd.DataFrame:
    """Distance (km) to the nearest place and 2SFCA of each kind, for every commune.

    Parameters
    ----------
    ref : Reference
        The reference of places (centroids of the outlines, populations).
    places : dict
        Place kind → frame with Lambert-93 ``x``, ``y`` (``Inputs.places``).
    folder : pathlib.Path, optional
        Folder of the cached national inputs; the table is kept there per
        reference version.

    Returns
    -------
    pandas.DataFrame
        Index: commune code; columns ``dist_<kind>`` and ``access_<kind>``
        (places per 10,000 inhabitants; NaN without a population).

    Notes
    -----
    Crow-fly distances from centroids (IFN v2 ``library_distance``); 2SFCA of
    Luo & Wang (2003) with a binary step, through :mod:`trajectoires.analysis`.

    """
    path = None if folder is None else Path(folder) / f"access-{ref.folder.name}.parquet"
    if path is not None and path.exists():
        return pd.read_parquet(path)
    table = _compute(ref, places)
    if path is not None and path.parent.exists():
        write_parquet(table, path)
    return table
