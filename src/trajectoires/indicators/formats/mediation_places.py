"""Lieux de médiation numérique: the national schema (``LaMednum/standard-mediation-num``).

JSON (an array of objects) or CSV (``,``). Versions 0.1.x (multi-value fields
separated by ``;``) and 1.0.x (``|``) are both read; the pre-0.1 CnFS extract
too (``FORMATS.md`` §3.4). Required: ``id`` (unique) and ``nom``;
``code_insee`` is optional and often missing: a place without a valid code is
located from ``latitude``/``longitude`` (point in the commune outlines). Codes
outside the reference (Nouvelle-Calédonie, 988xx) are rejected with a reason.
``code_postal`` is kept as an attribute, never used to locate.
The period is the date in the file name, else the latest real ``date_maj``.

Examples
--------
>>> import json
>>> from trajectoires.indicators.formats._examples import fixture_matcher
>>> tmp, matcher = fixture_matcher()
>>> path = tmp / "lieux.json"
>>> _ = path.write_text(json.dumps([
...     {"id": "a", "nom": "EPN", "code_insee": "29232", "services": "Aide|Accès",
...      "date_maj": "2024-03-01"},
...     {"id": "b", "nom": "CNFS", "latitude": 47.99, "longitude": -4.1,
...      "date_maj": "2024-02-01"}]))
>>> parsed = parse(path, matcher)
>>> parsed.places["commune_code"].tolist(), parsed.report.folded, parsed.period
(['29232', '29232'], 1, '2024-03-01')

"""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from trajectoires.indicators.formats._common import (
    NUL,
    NUL_MESSAGE,
    Table,
    commune_codes,
    numbers,
    open_text,
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
from trajectoires.indicators.report import FormatError, ImportReport

if TYPE_CHECKING:
    from trajectoires.indicators.folding import CommuneMatcher

__all__ = ["REQUIRED", "parse"]

REQUIRED = ["id", "nom"]
ATTRIBUTES = ["pivot", "commune", "code_postal", "adresse", "typologie", "services", "source",
              "date_maj", "labels_nationaux", "dispositif_programmes_nationaux", "telephone",
              "site_web", "horaires"]
PLACEHOLDER_DATES = {"1970-01-01", "1969-12-31"}


def parse(path: Path, matcher: CommuneMatcher, vintage: str | None = None) -> Parsed:
    """Validate and read a file of mediation places (JSON or CSV, schema 0.1.x or 1.0)."""
    table = _read(path)
    require_columns(table, REQUIRED)
    frame = table.frame
    report = ImportReport("mediation-places", path.name, read=len(frame))
    ids = frame["id"].str.strip()
    unique_ids(table, ids, "id")
    _non_empty(table, "nom")
    codes = (commune_codes(table, "code_insee", allow_empty=True)
             if "code_insee" in frame.columns else pd.Series("", index=frame.index))
    lat, lon = (numbers(table, c, allow_missing=True, minimum=None) if c in frame.columns
                else pd.Series(np.nan, index=frame.index) for c in ("latitude", "longitude"))
    check_coordinates(table, lat, lon, ("latitude", "longitude"))
    version = _version(frame)
    report.notes.append(f"schéma lu : {version}")
    communes = locate_places(codes.where(codes.ne(""), None), lat, lon, matcher, report)
    attributes = frame[[c for c in ATTRIBUTES if c in frame.columns]].copy()
    attributes["schema"] = version
    places = place_table(ids, frame["nom"], communes, lat, lon, kind="mediation-places",
                         attributes=attributes)
    period = vintage or vintage_from_name(path.name) or _latest_update(frame)
    values = count_places(places, "mediation_lieux", period)
    report.period, report.places, report.values = period, len(places), len(values)
    return Parsed("mediation-places", values, report, period, places)


def _read(path: Path) -> Table:
    text = open_text(path)
    if not text.lstrip().startswith(("[", "{")):
        return read_csv(path, ",", text=text)
    try:
        records = json.loads(text)
    except json.JSONDecodeError as exc:
        raise FormatError(path.name, f"JSON illisible ({exc.msg})", exc.lineno) from None
    except RecursionError:  # "[[[[…" thousands deep: no list of places nests like that
        raise FormatError(path.name, "JSON trop profondément imbriqué : un tableau de "
                          "lieux ([{…}, …]) est attendu") from None
    if not isinstance(records, list):
        raise FormatError(path.name, "tableau JSON de lieux attendu ([{…}, …])")
    for number, record in enumerate(records, start=1):
        if not isinstance(record, dict):
            raise FormatError(path.name, "objet JSON attendu", number,
                              line_label="enregistrement")
        if _has_nul(record):
            raise FormatError(path.name, NUL_MESSAGE, number, line_label="enregistrement")
    frame = pd.DataFrame.from_records(records).astype(object)
    frame = frame.where(frame.notna(), "").map(_text)
    return Table(path.name, frame, np.arange(1, len(frame) + 1), 0, "enregistrement")


def _has_nul(value: object) -> bool:
    """Whether a NUL character is in ``value``'s texts or keys, at any depth."""
    if isinstance(value, str):
        return NUL in value
    if isinstance(value, dict):
        return any(_has_nul(k) or _has_nul(v) for k, v in value.items())
    if isinstance(value, list):
        return any(_has_nul(v) for v in value)
    return False


def _text(value: object) -> str:
    if isinstance(value, list | dict):
        return json.dumps(value, ensure_ascii=False)
    return str(value)


def _non_empty(table: Table, column: str) -> None:
    empty = table.frame[column].str.strip().eq("")
    if empty.any():
        position = int(np.flatnonzero(empty.to_numpy())[0])
        raise FormatError(table.file, "valeur obligatoire manquante", table.line_of(position),
                          column, table.line_label)


def _version(frame: pd.DataFrame) -> str:
    columns = set(frame.columns)
    services = frame["services"] if "services" in columns else pd.Series([], dtype=object)
    if {"publics_specifiquement_adresses", "dispositif_programmes_nationaux"} & columns or (
        services.str.contains("|", regex=False).any()
    ):
        return "1.0.x (valeurs multiples séparées par « | »)"
    if "publics_accueillis" in columns or services.str.contains(";", regex=False).any():
        return "0.1.x (valeurs multiples séparées par « ; »)"
    return "antérieur à 0.1 (extrait CnFS)"


def _latest_update(frame: pd.DataFrame) -> str:
    if "date_maj" not in frame.columns:
        return UNDATED
    dates = frame["date_maj"].str.slice(0, 10)
    dates = dates[dates.str.fullmatch(r"\d{4}-\d{2}-\d{2}") & ~dates.isin(PLACEHOLDER_DATES)]
    return str(dates.max()) if len(dates) else UNDATED
