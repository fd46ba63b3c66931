r"""ARCEP FttH deployments per commune: one column per quarter, a time series.

The quarterly file of the "observatoire du haut et très haut débit"
(``FORMATS.md`` §3.1 b), XLSX (sheet of the communes) or its CSV export:

- the header is **not** the first row: it is the row holding ``Code commune``;
- columns ``Code commune``, ``Meilleure estimation des locaux à date`` (or
  ``… T4 2025``), then one column per quarter ``T4 2017`` … ``Tn AAAA`` giving
  the premises that can be connected to FttH (« locaux raccordables »);
- the CSV export is latin-1 or UTF-8, with thousands separated by spaces
  (U+202F, U+00A0).

The 2018 layout (``ftthCommunes.csv`` with a ``Champ`` column, and the zoning
file ``communes.csv``) is read by :mod:`.arcep_ftth_2018`.

Values: ``ftth_raccordables`` per quarter (period ``AAAA-Tn``), ``ftth_locaux``
(the estimate at date, repeated for every quarter: ARCEP publishes no
historical denominator) and the share ``ftth_taux``.

Examples
--------
>>> from trajectoires.indicators.formats._examples import fixture_matcher
>>> tmp, matcher = fixture_matcher()
>>> path = tmp / "deploiements.csv"
>>> _ = path.write_text("Observatoire FttH\n\nCode commune;Nom commune;"
...     "Meilleure estimation des locaux à date;T4 2023;T4 2024\n"
...     "29232;Quimper;40 000;20 000;30 000\n", encoding="latin-1")
>>> parsed = parse(path, matcher)
>>> taux = parsed.values[parsed.values.indicator == "ftth_taux"]
>>> taux[["period", "value"]].values.tolist()
[['2023-T4', 50.0], ['2024-T4', 75.0]]

"""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from trajectoires.indicators.formats import arcep_ftth_2018
from trajectoires.indicators.formats._common import (
    Table,
    commune_codes,
    head_lines,
    numbers,
    read_csv,
    sniff_separator,
)
from trajectoires.indicators.formats._parsed import VALUE_COLUMNS, Parsed, attach, with_ratios
from trajectoires.indicators.report import FormatError, ImportReport

if TYPE_CHECKING:
    from trajectoires.indicators.folding import CommuneMatcher

__all__ = ["CODE_COLUMN", "default_name", "parse"]

CODE_COLUMN = "Code commune"
PREMISES_PREFIX = "Meilleure estimation des locaux"
ENCODINGS = ("utf-8-sig", "cp1252", "latin-1")
_QUARTER = re.compile(r"^T([1-4])\s+(\d{4})$")


def parse(path: Path, matcher: CommuneMatcher, vintage: str | None = None) -> Parsed:
    """Validate and read an ARCEP deployment file (XLSX or CSV)."""
    table = _read_xlsx(path) if path.suffix.lower() in (".xlsx", ".xlsm") else _read_csv(path)
    if arcep_ftth_2018.is_quarterly(table):
        return arcep_ftth_2018.quarterly(table, path, matcher, vintage)
    if arcep_ftth_2018.is_zoning(table):
        return arcep_ftth_2018.zoning(table, path, matcher, vintage)
    columns = list(table.frame.columns)
    premises = [c for c in columns if c.startswith(PREMISES_PREFIX)]
    quarters = {c: f"{m.group(2)}-T{m.group(1)}" for c in columns if (m := _QUARTER.match(c))}
    if not premises or not quarters:
        raise FormatError(table.file, f"colonnes « {PREMISES_PREFIX}… » et trimestres « T4 2017 »"
                          f"… attendues ; colonnes lues : {', '.join(columns)}", table.header_line)
    report = ImportReport("arcep-ftth", path.name, read=len(table.frame))
    codes = commune_codes(table, CODE_COLUMN)
    wide = pd.DataFrame({"locaux": numbers(table, premises[0], allow_missing=True)})
    for column in quarters:
        wide[column] = numbers(table, column, allow_missing=True)
    wide = attach(wide, codes, matcher, report).groupby("commune_code").sum(min_count=1)
    parts = []
    for column, period in quarters.items():
        for indicator, source in (("ftth_raccordables", column), ("ftth_locaux", "locaux")):
            part = wide[source].dropna().rename("value").reset_index()
            part["indicator"], part["period"] = indicator, period
            parts.append(part[VALUE_COLUMNS])
    values = with_ratios(pd.concat(parts, ignore_index=True))
    period = vintage or max(quarters.values())
    report.period, report.values = period, len(values)
    report.notes.append(f"{len(quarters)} trimestres, de {min(quarters.values())} à "
                        f"{max(quarters.values())}")
    return Parsed("arcep-ftth", values, report, period)


def default_name(path: Path) -> str | None:
    """Return ``arcep-ftth-zones`` for the 2018 zoning file, else None (the kind's name).

    The zoning must not replace the series of premises imported under the kind's name.
    """
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        return None
    try:
        head = head_lines(path, ENCODINGS)
    except FormatError:
        return None
    return "arcep-ftth-zones" if any("Zones très denses" in line for line in head) else None


def _is_header(row: list[str]) -> bool:
    return CODE_COLUMN in [str(c).strip() for c in row]


def _read_csv(path: Path) -> Table:
    lines = [line for line in head_lines(path, ENCODINGS) if CODE_COLUMN in line]
    sep = sniff_separator(lines[0]) if lines else ";"
    return read_csv(path, sep, header=_is_header, encodings=ENCODINGS)


def _read_xlsx(path: Path) -> Table:
    import openpyxl

    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds of errors on a broken file
        raise FormatError(path.name, f"classeur XLSX illisible ({exc})") from None
    try:
        sheets = [s for s in book.sheetnames if "commune" in s.lower()] or book.sheetnames
        rows = book[sheets[0]].iter_rows(values_only=True)
        head, header_line = None, 0
        for number, row in enumerate(rows, start=1):
            if _is_header([str(c) if c is not None else "" for c in row]):
                head, header_line = [str(c).strip() if c is not None else "" for c in row], number
                break
            if number >= 20:
                break
        if head is None:
            raise FormatError(path.name, f"ligne d'en-tête avec « {CODE_COLUMN} » introuvable "
                              f"dans la feuille « {sheets[0]} »")
        data = [
            ["" if c is None else (f"{c:g}" if isinstance(c, float) else str(c)) for c in row]
            for row in rows
        ]
    finally:
        book.close()
    data = [row + [""] * (len(head) - len(row)) for row in data if any(row)]
    frame = pd.DataFrame([row[: len(head)] for row in data], columns=head, dtype=object)
    lines = np.arange(header_line + 1, header_line + 1 + len(frame))
    return Table(f"{path.name} (feuille « {sheets[0]} »)", frame, lines, header_line)
