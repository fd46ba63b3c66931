r"""France Services: the official list of sites (ANCT, ``liste-fs-AAAAMMJJ.csv``).

CSV with ``,`` separator; key ``insee_com`` (arrondissement codes are folded into
their commune); every site has latitude and longitude (``FORMATS.md`` §3.5).
Gives the places (kind ``france-services``) and the indicator
``france_services_sites`` (sites per commune). The period is the date in the
file name, else ``vintage``.

Examples
--------
>>> from trajectoires.indicators.formats._examples import fixture_matcher
>>> tmp, matcher = fixture_matcher()
>>> path = tmp / "liste-fs-20240801.csv"
>>> _ = path.write_text("id_fs,lib_fs,insee_com,latitude,longitude,type_fs,format_fs\n"
...     "1,FS Quimper,29232,47.99,-4.1,Principal,Fixe\n"
...     "2,FS Paris 1,75101,48.86,2.34,Principal,Fixe\n")
>>> parsed = parse(path, matcher)
>>> parsed.places["commune_code"].tolist(), parsed.report.folded, parsed.period
(['29232', '75056'], 1, '2024-08-01')

"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from trajectoires.indicators.formats._common import (
    commune_codes,
    numbers,
    read_csv,
    require_columns,
)
from trajectoires.indicators.formats._parsed import UNDATED, Parsed, count_places
from trajectoires.indicators.formats._places import (
    check_coordinates,
    locate_places,
    place_table,
    unique_ids,
    vintage_from_name,
)
from trajectoires.indicators.report import ImportReport

if TYPE_CHECKING:
    from trajectoires.indicators.folding import CommuneMatcher

__all__ = ["ATTRIBUTES", "REQUIRED", "parse"]

REQUIRED = ["id_fs", "lib_fs", "insee_com", "latitude", "longitude", "type_fs", "format_fs"]
ATTRIBUTES = ["type_fs", "format_fs", "adresse", "complement_adresse", "code_postal", "lib_com",
              "telephone", "mail", "prise_rdv", "groupe_fs", "labellisation_fs"]


def parse(path: Path, matcher: CommuneMatcher, vintage: str | None = None) -> Parsed:
    """Validate and read the France Services list."""
    table = read_csv(path, ",")
    require_columns(table, REQUIRED)
    report = ImportReport("france-services", path.name, read=len(table.frame))
    frame = table.frame
    ids = frame["id_fs"].str.strip()
    unique_ids(table, ids, "id_fs")
    codes = commune_codes(table, "insee_com")
    lat = numbers(table, "latitude", minimum=None)
    lon = numbers(table, "longitude", minimum=None)
    check_coordinates(table, lat, lon, ("latitude", "longitude"))
    communes = locate_places(codes, lat, lon, matcher, report)
    attributes = frame[[c for c in ATTRIBUTES if c in frame.columns]]
    places = place_table(ids, frame["lib_fs"], communes, lat, lon, kind="france-services",
                         attributes=attributes)
    period = vintage or vintage_from_name(path.name) or UNDATED
    values = count_places(places, "france_services_sites", period)
    report.period, report.places, report.values = period, len(places), len(values)
    return Parsed("france-services", values, report, period, places)
