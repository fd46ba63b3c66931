"""The open-data ZIP: a Frictionless Data Package of CSV files, JSON, dictionary, licence, card.

Layout of ``donnees.zip``::

    datapackage.json     Frictionless Data Package: resources, Table Schemas, licence, sources
    LISEZMOI.md          data card (what, who, how, limits, personal data, licence)
    dictionnaire.csv     data dictionary: file, column, type, description
    LICENCE.md           the licence chosen by the facilitator, with its address
    donnees.json         everything in one JSON document
    csv/NAME.csv         one CSV per table: UTF-8, comma, header, ISO dates (for machines)
    polis/…              debates only: the four Pol.is files

CSV cells a spreadsheet would run as a formula get a leading apostrophe
(:func:`trajectoires.csv_cells.neutralise`).
"""

from __future__ import annotations

import csv
import io
import json
import zipfile
from typing import Any

from trajectoires.csv_cells import neutralise
from trajectoires.foresight.carry import table
from trajectoires.foresight.opendata._dictionary import describe, field_type

__all__ = ["LICENCES", "build_zip", "csv_text", "datapackage"]

LICENCES = {
    "etalab-2.0": ("etalab-2.0", "Licence Ouverte 2.0 (Etalab)",
                   "https://www.etalab.gouv.fr/licence-ouverte-open-licence/"),
    "cc-by-4.0": ("CC-BY-4.0", "Creative Commons Attribution 4.0",
                  "https://creativecommons.org/licenses/by/4.0/"),
    "odbl": ("ODbL-1.0", "Open Data Commons Open Database License 1.0",
             "https://opendatacommons.org/licenses/odbl/1-0/"),
}
_EPOCH = (1980, 1, 1, 0, 0, 0)


def _cell(value: Any) -> Any:  # noqa: ANN401
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False, sort_keys=True)
    if isinstance(value, bool):
        return "true" if value else "false"
    return "" if value is None else neutralise(value)


def csv_text(columns: list[str], rows: list[dict[str, Any]]) -> bytes:
    r"""Return a CSV for machines: UTF-8 without BOM, comma, header, JSON cells as text.

    >>> csv_text(["id", "text"], [{"id": 1, "text": "=SOMME(A1)"}]).decode()
    "id,text\r\n1,'=SOMME(A1)\r\n"
    """
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(columns)
    writer.writerows([_cell(row.get(c)) for c in columns] for row in rows)
    return out.getvalue().encode("utf-8")


def _schema(name: str, columns: list[str], rows: list[dict[str, Any]]) -> dict[str, Any]:
    fields = []
    for column in columns:
        spec = {"name": column, "type": field_type(rows, column),
                "description": describe(name, column)}
        if spec["type"] == "datetime":
            spec["format"] = "any"
        fields.append(spec)
    schema: dict[str, Any] = {"fields": fields}
    if "id" in columns:
        schema["primaryKey"] = ["id"]
    return schema


def datapackage(name: str, title: str, licence: str, tables: dict[str, list[dict]],
                extra: dict[str, Any]) -> dict[str, Any]:
    """Return the ``datapackage.json`` of the tables (a resource and a Table Schema each)."""
    key, label, url = LICENCES.get(licence, LICENCES["etalab-2.0"])
    resources = []
    for table_name, rows in tables.items():
        columns = _columns(table_name, rows)
        resources.append({
            "name": table_name.replace("_", "-"), "path": f"csv/{table_name}.csv",
            "title": table(table_name).label if _declared(table_name) else table_name,
            "description": table(table_name).description if _declared(table_name) else "",
            "format": "csv", "mediatype": "text/csv", "encoding": "utf-8",
            "profile": "tabular-data-resource",
            "schema": _schema(table_name, columns, rows),
        })
    return {"profile": "tabular-data-package", "name": name, "title": title,
            "licenses": [{"name": key, "title": label, "path": url}],
            "resources": resources, **extra}


def _declared(name: str) -> bool:
    try:
        table(name)
    except KeyError:
        return False
    return True


def _columns(name: str, rows: list[dict[str, Any]]) -> list[str]:
    if rows:
        return list(rows[0])
    if _declared(name) and table(name).public is not None:
        return list(table(name).public)
    return ["id"]


def dictionary_csv(tables: dict[str, list[dict]]) -> bytes:
    """Return ``dictionnaire.csv``: one row per published column."""
    rows = [{"fichier": f"csv/{name}.csv", "colonne": column,
             "type": field_type(rows, column), "description": describe(name, column)}
            for name, rows in tables.items() for column in _columns(name, rows)]
    return csv_text(["fichier", "colonne", "type", "description"], rows)


def build_zip(files: dict[str, bytes]) -> bytes:
    """Return the ZIP of ``files`` (stable bytes: fixed dates, sorted names)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for path in sorted(files):
            info = zipfile.ZipInfo(path, date_time=_EPOCH)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            archive.writestr(info, files[path])
    return buffer.getvalue()


def table_files(tables: dict[str, list[dict]]) -> dict[str, bytes]:
    """Return the CSV file of each table."""
    return {f"csv/{name}.csv": csv_text(_columns(name, rows), rows)
            for name, rows in tables.items()}
