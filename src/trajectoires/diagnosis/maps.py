"""Maps of a diagnosis: fragility choropleth, local clusters, access with places drawn.

A thin user of :mod:`trajectoires.render`: this module only says what each map
shows (which column, which classes, which French labels and colours); the
renderer draws them all. The outlines are read and simplified once per
diagnosis (:func:`build_maps`) and shared by every map.

A territory is drawn in its own projection (:func:`map_crs`): Lambert-93 in
metropolitan France, the official UTM projection of its DROM overseas (in
Lambert-93 La Réunion would be turned by about 38°, north pointing left); the
places are projected the same way from their longitude and latitude.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from trajectoires.diagnosis._geopackage import layer_crs
from trajectoires.territory import GEOMETRY_SOURCE, LAMBERT_93, LOCAL_CRS, WGS84, Reference

if TYPE_CHECKING:
    from trajectoires.diagnosis.compute import Diagnosis
    from trajectoires.render import Category, Outlines

__all__ = ["DISTANCE_BANDS", "LISA_CLASSES", "DiagnosisMaps", "access_map", "build_maps",
           "cluster_map", "distance_bands", "fragility_map", "map_crs", "map_outlines",
           "picked_map", "transformer"]

LISA_CLASSES: dict[str, tuple[str, str, str | None]] = {
    "high-high": ("#ca0020", "Foyer de fragilité (fort entouré de fort)", None),
    "low-low": ("#0571b0", "Zone préservée (faible entouré de faible)", None),
    "high-low": ("#f4a582", "Îlot fragile (fort entouré de faible)", "hachures"),
    "low-high": ("#92c5de", "Îlot préservé (faible entouré de fort)", "hachures"),
    "not significant": ("#f0f0f0", "Pas de regroupement significatif", None),
    "no neighbours": ("#ffffff", "Sans voisin (île) ou sans valeur : non testé", "points"),
}
"""Local cluster classes: colour, French label, texture.

Colours are ColorBrewer's RdBu (colour-blind safe): red for fragility, blue for
its absence, dark for clusters and light for outliers; the outliers are also
hatched and the untested communes dotted, so no class is told by colour alone.
"""

_BAND_STYLES = (("#fef0d9", None), ("#fdcc8a", None), ("#fc8d59", None),
                ("#d7301f", "hachures"))


def distance_bands(beyond_km: float = 10.0) -> tuple[tuple[float, float, str, str | None], ...]:
    """Distance bands (km) around the threshold: lower and upper bound, colour, texture.

    The bounds are half the threshold, the threshold and one and a half times
    it, so that the map's bands meet the access table's « à plus de … km ».
    Colours are ColorBrewer OrRd, from light to dark, so the bands keep their
    order in grey or for any colour vision; the farthest band is also hatched.

    >>> [high for _, high, _, _ in distance_bands(30)]
    [15.0, 30, 45.0, inf]
    >>> [high for _, high, _, _ in distance_bands(10)]
    [5.0, 10, 15.0, inf]
    """
    bounds = (0, beyond_km / 2, beyond_km, beyond_km * 1.5, float("inf"))
    return tuple((low, high, colour, pattern) for low, high, (colour, pattern)
                 in zip(bounds[:-1], bounds[1:], _BAND_STYLES, strict=True))


DISTANCE_BANDS = distance_bands(10.0)
"""The distance bands of the default threshold (10 km): 0–5, 5–10, 10–15, over 15 km."""

SOURCE = f"calcul Trajectoires ; contours : {GEOMETRY_SOURCE}"


@dataclass(frozen=True)
class DiagnosisMaps:
    """The SVG texts of a diagnosis (None when the map cannot be drawn)."""

    fragility: str | None
    clusters: str | None
    access: dict[str, str]


def map_crs(codes: Sequence[str]) -> str:
    """Projection the maps of the communes ``codes`` are drawn in.

    That of their GeoPackage layer (:func:`~trajectoires.diagnosis._geopackage.layer_crs`):
    Lambert-93 in metropolitan France, the official UTM projection of one
    DROM; Lambert-93 when they span several (France as a whole), each DROM
    then drawn in its own projection in an inset (:mod:`._insets`).

    >>> map_crs(["29019"]), map_crs(["97411"]), map_crs(["97101", "97209"])
    ('EPSG:2154', 'EPSG:2975', 'EPSG:5490')
    >>> map_crs(["29019", "97411"])
    'EPSG:2154'
    """
    crs = layer_crs(codes)
    return LAMBERT_93 if crs == WGS84 else crs


@lru_cache(maxsize=16)
def transformer(source: str, target: str):  # noqa: ANN201 (pyproj is imported lazily)
    """Return the pyproj transformer from ``source`` to ``target`` (x, y order), made once.

    Making one costs about 7 ms, more than projecting the places of a map;
    pyproj (3.1 and later) makes a transformer safe to share between threads.

    >>> transformer("EPSG:4326", "EPSG:2975").transform(55.45, -20.88)[1] > 7_600_000
    True
    """
    from pyproj import Transformer

    return Transformer.from_crs(source, target, always_xy=True)


def _overseas(codes: Sequence[str]) -> np.ndarray:
    """Département of each overseas commune of ``codes`` (971…976), else ``""``."""
    return np.array([code[:3] if code[:3] in LOCAL_CRS else "" for code in map(str, codes)],
                    dtype=object)


def map_outlines(ref: Reference, codes: Sequence[str]) -> np.ndarray:
    """Outlines of the communes ``codes`` in :func:`map_crs` (None when unknown).

    When they span several projections, the DROM are in their insets
    (:func:`._insets.inset_geometries`).
    """
    codes = list(codes)
    if map_crs(codes) != LAMBERT_93:
        return ref.commune_geometries(codes, crs="local")
    outlines = ref.commune_geometries(codes)
    departements = _overseas(codes)
    overseas = departements != ""
    if overseas.any():
        from trajectoires.diagnosis._insets import inset_geometries

        local = np.full(len(codes), None, dtype=object)
        local[overseas] = ref.commune_geometries(np.asarray(codes)[overseas], crs="local")
        outlines = inset_geometries(outlines, local, departements)
    return outlines


def _outlines(ref: Reference, table: pd.DataFrame) -> Outlines | None:
    """Outlines of the communes of ``table``, simplified once for all maps (None: none)."""
    from trajectoires.render import prepare_outlines

    geometries = map_outlines(ref, table.index)
    if all(g is None for g in geometries):
        return None
    return prepare_outlines(geometries)


def fragility_map(ref: Reference, table: pd.DataFrame, unit_name: str, *,
                  outlines: Outlines | None = None) -> str | None:
    """Choropleth of the fragility index (quantile classes), None without an index.

    Drawn by the one commune map, :func:`trajectoires.render.commune_map`, with
    the catalogue's entry ``fragility_index``.
    """
    return picked_map(ref, table, "fragility_index", svg_id="carte-fragilite",
                      title=f"Indice de fragilité numérique (1 à 10) — {unit_name}",
                      outlines=outlines)


def picked_map(ref: Reference, table: pd.DataFrame, column: str, *, title: str,
               svg_id: str, label: str | None = None, outlines: Outlines | None = None,
               source: str = SOURCE) -> str | None:
    """Map the diagnosis column ``column`` (a catalogue key) in 5 quantile classes.

    None when fewer than 2 communes have a value or none has an outline.
    ``outlines`` (from :func:`build_maps`) spares reading and simplifying the
    outlines again; ``label`` replaces the catalogue's in the legend.
    """
    from trajectoires.render import commune_map

    values = pd.to_numeric(table[column], errors="coerce").astype(float)
    if values.notna().sum() < 2:
        return None
    outlines = outlines if outlines is not None else _outlines(ref, table)
    if outlines is None:
        return None
    return commune_map(ref, None, column, values=values, communes=table, outlines=outlines,
                       title=title, label=label, source=source, svg_id=svg_id, rng=0).svg


def _categorical(ref: Reference, table: pd.DataFrame, categories: Sequence, *,
                 classes: list[Category], outlines: Outlines | None, **options) -> str | None:
    from trajectoires.render import render_categorical

    outlines = outlines if outlines is not None else _outlines(ref, table)
    if outlines is None:
        return None
    return render_categorical(
        outlines, categories, codes=table.index.to_numpy(dtype=object),
        names=table["name"].to_numpy(dtype=object), classes=classes, source=SOURCE,
        **options).svg


def cluster_map(ref: Reference, table: pd.DataFrame, unit_name: str, *,
                outlines: Outlines | None = None) -> str | None:
    """Local clusters of the index (LISA), None when they were not computed."""
    from trajectoires.render import Category

    if table["lisa"].isna().all():
        return None
    labels = table["lisa"].astype(object).where(table["lisa"].notna(), "no neighbours")
    classes = [Category(key, label, colour, pattern)
               for key, (colour, label, pattern) in LISA_CLASSES.items()]
    return _categorical(ref, table, labels.to_list(), classes=classes, outlines=outlines,
                        svg_id="carte-lisa", legend_title="Regroupements locaux",
                        title=f"Regroupements locaux de la fragilité — {unit_name}")


def _band_key(low: float, high: float) -> str:
    return f"{low:g}-{high:g}"


def _km(value: float) -> str:
    """French writing of a band bound: 2,5 ; 10 ; 7,35 → 7,35."""
    return f"{value:g}".replace(".", ",")


def access_map(ref: Reference, table: pd.DataFrame, unit_name: str, kind: str, *,
               label: str, places: pd.DataFrame, outlines: Outlines | None = None,
               beyond_km: float = 10.0) -> str | None:
    """Distance bands to the nearest place of ``kind``, the places drawn as dots.

    The bands (:func:`distance_bands`) have the threshold ``beyond_km`` as a bound.
    """
    from trajectoires.render import Category

    column = f"dist_{kind}"
    if column not in table or table[column].isna().all():
        return None
    distance = pd.to_numeric(table[column], errors="coerce").to_numpy(dtype=float)
    bands = np.full(len(table), None, dtype=object)
    classes = []
    for low, high, colour, pattern in distance_bands(beyond_km):
        inside = ((distance > low) | ((low == 0) & (distance == 0))) & (distance <= high)
        bands[inside] = _band_key(low, high)
        text = (f"plus de {_km(low)} km" if high == float("inf")
                else f"de {_km(low)} à {_km(high)} km")
        classes.append(Category(_band_key(low, high), text, colour, pattern))
    points = _place_points(places, table.index, label)
    return _categorical(ref, table, bands.tolist(), classes=classes, outlines=outlines,
                        svg_id=f"carte-acces-{kind}", points=points,
                        legend_title=f"Distance au plus proche lieu (seuil : {_km(beyond_km)} km)",
                        missing_label="Distance non calculée",
                        title=f"Distance au plus proche lieu ({label}) — {unit_name}")


def _place_points(places: pd.DataFrame, codes: Sequence[str],
                  label: str):  # noqa: ANN202 (PointLayer)
    """Place points in the maps' projection of the communes ``codes``.

    Lambert-93 ``x``, ``y`` as they are; in a DROM (its projection, or its
    inset) projected from ``lon``, ``lat``.
    """
    from trajectoires.render import PointLayer

    crs = map_crs(codes)
    if crs == LAMBERT_93 or "lon" not in places:
        located = places.dropna(subset=["x", "y"])
        xy = located[["x", "y"]].to_numpy(dtype=float)
        if "lon" in places and "commune_code" in places and (_overseas(codes) != "").any():
            from trajectoires.diagnosis._insets import inset_points

            located = places.dropna(subset=["lon", "lat"])
            xy = inset_points(located[["x", "y"]].to_numpy(dtype=float),
                              located[["lon", "lat"]].to_numpy(dtype=float),
                              _overseas(located["commune_code"].astype(str)))
    else:
        located = places.dropna(subset=["lon", "lat"])
        lonlat = located[["lon", "lat"]].to_numpy(dtype=float)
        xy = np.column_stack(transformer(WGS84, crs).transform(lonlat[:, 0], lonlat[:, 1]))
    names = located["name"].astype(str).to_list() if "name" in located else None
    return PointLayer(xy, label, names)


def build_maps(ref: Reference, diagnosis: Diagnosis,
               geometries: Sequence | np.ndarray | None = None) -> DiagnosisMaps:
    """Draw the fragility, cluster and access maps of ``diagnosis``.

    The outlines (``geometries``, aligned with ``diagnosis.communes``, in
    :func:`map_crs`; :func:`map_outlines` when not given) are simplified once
    and shared by every map.
    """
    from trajectoires.render import prepare_outlines

    table, name = diagnosis.communes, diagnosis.unit.name
    if len(table) < 2:
        return DiagnosisMaps(None, None, {})
    if geometries is None:
        outlines = _outlines(ref, table)
    else:
        outlines = None if all(g is None for g in geometries) else prepare_outlines(geometries)
    if outlines is None:
        return DiagnosisMaps(None, None, {})
    access = {}
    empty = pd.DataFrame(columns=["x", "y"])
    for item in diagnosis.access:
        svg = access_map(ref, table, name, item.kind, label=item.label, outlines=outlines,
                         places=diagnosis.places.get(item.kind, empty),
                         beyond_km=diagnosis.beyond_km)
        if svg:
            access[item.kind] = svg
    return DiagnosisMaps(fragility_map(ref, table, name, outlines=outlines),
                         cluster_map(ref, table, name, outlines=outlines), access)
