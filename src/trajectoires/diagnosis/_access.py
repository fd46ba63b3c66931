"""National table of access to help: nearest place and 2SFCA for every French commune.

Computed once for all communes with an outline (so that the demand of the
communes beyond a territory's border counts in the 2SFCA, and the nearest place
may lie outside it) and cached next to the national inputs: a warm diagnosis
reads one Parquet file instead of building k-d trees.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

import numpy as np
import pandas as pd

from trajectoires import analysis
from trajectoires.diagnosis.inputs import write_parquet
from trajectoires.territory import CRS_NAMES, LOCAL_CRS, WGS84, Reference

__all__ = ["ACCESS_RADIUS_KM", "ACCESS_VERSION", "distance_method", "national_access",
           "overseas_caveat"]

ACCESS_RADIUS_KM = 20.0
"""Catchment radius of the 2SFCA."""

ACCESS_VERSION = "2"
"""Version of the method in the cached table's name (2: geodesic distances overseas)."""

_OVERSEAS = {"971": "en Guadeloupe", "972": "en Martinique", "973": "en Guyane",
             "974": "à La Réunion", "976": "à Mayotte"}


def _and(parts: list[str]) -> str:
    return parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " et " + parts[-1]


def distance_method(departements: Iterable[str] | None = None) -> str:
    """French sentence of the method of the distances to help, for a source line.

    ``departements``: codes of the départements of the territory's communes
    (all of France when omitted); the sentence names only what applies to them.

    Examples
    --------
    >>> import textwrap
    >>> print(textwrap.fill(distance_method(["29"]), 90))
    Distance à vol d'oiseau du centroïde de chaque commune au lieu le plus proche, mesurée en
    Lambert-93 (RGF93 v1, EPSG:2154) ; le rayon de 20 km de l'accessibilité (2SFCA) est mesuré
    de même. Écart à la distance géodésique : moins de 100 m.
    >>> "RGR92 / UTM zone 40S (EPSG:2975) à La Réunion" in distance_method(["974"])
    True

    """
    codes = set(_OVERSEAS) | {"29"} if departements is None else {str(d) for d in departements}
    overseas = [code for code in _OVERSEAS if code in codes]
    parts = []
    if codes - set(_OVERSEAS):
        parts.append("en Lambert-93 (RGF93 v1, EPSG:2154)"
                     + (" en France métropolitaine et en Corse" if overseas else ""))
    if overseas:
        by_crs: dict[str, list[str]] = {}
        for code in overseas:
            by_crs.setdefault(LOCAL_CRS[code], []).append(_OVERSEAS[code])
        crs = _and([f"{CRS_NAMES[name]} ({name}) {_and(where)}"
                    for name, where in by_crs.items()])
        parts.append("le long de l'ellipsoïde GRS 80 (distance géodésique) "
                     f"{_and([_OVERSEAS[code] for code in overseas])}, où le centroïde est "
                     f"pris dans la projection officielle du département : {crs}")
    return ("Distance à vol d'oiseau du centroïde de chaque commune au lieu le plus proche, "
            f"mesurée {_and(parts)} ; le rayon de {ACCESS_RADIUS_KM:.0f} km de "
            "l'accessibilité (2SFCA) est mesuré de même. Écart à la distance géodésique : "
            "moins de 100 m.")


_FAR_IN_FACT = {
    "971": "entre les îles de la Guadeloupe (Les Saintes, Marie-Galante, La Désirade)",
    "972": "dans le relief du nord de la Martinique",
    "973": "dans l'intérieur de la Guyane, desservi par le fleuve ou l'avion",
    "974": "vers les cirques de La Réunion (Mafate n'est accessible qu'à pied)",
    "976": "entre Grande-Terre et Petite-Terre à Mayotte (liaison par barge)",
}


def overseas_caveat(departements: Iterable[str] | None = None) -> str | None:
    """French caveat on the distances overseas; None when no DROM is concerned.

    Examples
    --------
    >>> overseas_caveat(["29", "56"]) is None
    True
    >>> caveat = overseas_caveat(["974"])
    >>> caveat.startswith("Outre-mer, les distances sont géodésiques"), "Mafate" in caveat
    (True, True)

    """
    codes = set(_OVERSEAS) if departements is None else {str(d) for d in departements}
    overseas = [code for code in _OVERSEAS if code in codes]
    if not overseas:
        return None
    return ("Outre-mer, les distances sont géodésiques (le long de l'ellipsoïde) : Lambert-93, "
            "conçu pour la métropole, les fausserait de plusieurs kilomètres. Le lieu le plus "
            "proche est cherché parmi tous les lieux : un département qui n'a aucun lieu d'un "
            "type reçoit la distance au plus proche ailleurs, à des centaines de kilomètres. "
            "À vol d'oiseau, ces distances ignorent la mer et le relief : le trajet réel est "
            f"bien plus long {_and([_FAR_IN_FACT[code] for code in overseas])}.")


def _centroids(ref: Reference) -> pd.DataFrame:
    """Centroid, longitude and latitude and population of every commune with an outline.

    The centroid of an outline is taken in the projection of its territory:
    Lambert-93 in metropolitan France and Corsica (``x``, ``y``), the official
    UTM projection of each DROM, taken back to longitude and latitude
    (``lon``, ``lat``, filled for the overseas communes only).
    """
    import shapely

    from trajectoires.territory._geometry import project

    communes = ref.communes_of(ref.france)
    communes = communes[communes["area_km2"].notna()]
    departements = communes["departement_code"].to_numpy()
    metro = ~np.isin(departements, list(LOCAL_CRS))
    points = np.full((len(communes), 4), np.nan)  # x, y, lon, lat
    points[metro, :2] = shapely.get_coordinates(shapely.centroid(
        ref.commune_geometries(communes.index[metro])))
    overseas = np.flatnonzero(~metro)
    centroids = shapely.centroid(ref.commune_geometries(communes.index[overseas], crs="local"))
    for departement, crs in LOCAL_CRS.items():
        rows = departements[overseas] == departement
        if rows.any():
            points[overseas[rows], 2:] = shapely.get_coordinates(
                project(centroids[rows], WGS84, source=crs))
    population = pd.to_numeric(communes["population"], errors="coerce").astype(float)
    return pd.DataFrame({"x": points[:, 0], "y": points[:, 1], "lon": points[:, 2],
                         "lat": points[:, 3], "metropolitan": metro, "population": population},
                        index=communes.index)


def _compute(ref: Reference, places: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """Nearest place and 2SFCA: Lambert-93 in metropolitan France, geodesic overseas."""
    origin = _centroids(ref)
    metro = origin["metropolitan"].to_numpy()
    population = origin["population"].to_numpy()
    table = pd.DataFrame(index=origin.index)
    for kind, frame in places.items():
        located = frame[frame["lon"].notna() & frame["lat"].notna()]
        if len(located) == 0:
            continue
        xy, lonlat = located[["x", "y"]].to_numpy(float), located[["lon", "lat"]].to_numpy(float)
        distance, access = np.full(len(origin), np.nan), np.full(len(origin), np.nan)
        for rows, nearest, catchment, points, places_at in (
                (metro, analysis.nearest_distances, analysis.two_step_fca, ["x", "y"], xy),
                (~metro, analysis.nearest_geodesic, analysis.two_step_fca_geodesic,
                 ["lon", "lat"], lonlat)):
            at = origin.loc[rows, points].to_numpy()
            distance[rows] = nearest(at, places_at).distance_km
            known = ~np.isnan(population[rows])
            result = catchment(at[known], population[rows][known], places_at,
                               radius_km=ACCESS_RADIUS_KM)
            access[np.flatnonzero(rows)[known]] = result.accessibility * 10_000
        table[f"dist_{kind}"], table[f"access_{kind}"] = distance, access
    return table


def national_access(ref: Reference, places: dict[str, pd.DataFrame],
                    folder: Path | None) -> pd.DataFrame:
    """Distance (km) to the nearest place and 2SFCA of each kind, for every commune.

    Parameters
    ----------
    ref : Reference
        The reference of places (centroids of the outlines, populations).
    places : dict
        Place kind → frame with ``lon``, ``lat`` in WGS 84 and their Lambert-93
        ``x``, ``y`` (``Inputs.places``).
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
    Metropolitan France and Corsica are measured in Lambert-93 (within 50 m of
    the geodesic distance); the overseas communes along the GRS 80 ellipsoid
    (:mod:`trajectoires.analysis.geodesic`), from the centroid of their outline
    in their official UTM projection: Lambert-93 is meaningless there.
    :func:`distance_method` and :func:`overseas_caveat` say it in French.

    """
    path = None if folder is None else Path(folder) / (
        f"access-{ACCESS_VERSION}-{ref.folder.name}.parquet")
    if path is not None and path.exists():
        return pd.read_parquet(path)
    table = _compute(ref, places)
    if path is not None and path.parent.exists():
        write_parquet(table, path)
    return table
