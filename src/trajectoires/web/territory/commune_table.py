"""The communes table of a territory page: search, filter on the shown indicator, CSV files.

The page's GET form takes ``recherche`` (part of a name, accents and case aside, or
the start of a code) and ``min`` / ``max`` (bounds of the indicator the table shows,
French decimal comma accepted). The same choices give the two downloads: the table
for programs (``communes.csv``: comma, point, full precision, English column names)
and for a French spreadsheet (``communes-tableur.csv``: ``;``, BOM, decimal comma,
rounded as the page shows, French headers), formula-looking names neutralised.
"""

from __future__ import annotations

import io
import math
from dataclasses import dataclass

import pandas as pd

from trajectoires.csv_cells import neutralise_frame
from trajectoires.territory import normalize

__all__ = ["TableFilter", "csv_bytes", "filter_rows", "parse_filter"]


@dataclass(frozen=True)
class TableFilter:
    """What the visitor asked the table to keep."""

    search: str = ""
    low: float | None = None
    high: float | None = None

    @property
    def active(self) -> bool:
        """True when something is filtered out."""
        return bool(self.search) or self.low is not None or self.high is not None

    def fields(self) -> dict[str, str]:
        """Return the query string's fields (for the download links)."""
        fields = {"recherche": self.search} if self.search else {}
        for name, value in (("min", self.low), ("max", self.high)):
            if value is not None:
                fields[name] = f"{value:g}"
        return fields


def _number(text: str, name: str) -> float | None:
    """« 12,5 » → 12.5; empty → None; anything else → a French ValueError."""
    text = text.strip().replace("\u202f", "").replace(" ", "").replace(",", ".")
    if not text:
        return None
    try:
        value = float(text)
    except ValueError:
        value = math.nan
    if not math.isfinite(value):
        raise ValueError(f"« {name} » attend un nombre (par exemple 12,5), reçu « {text} ».")
    return value


def parse_filter(search: str, low: str, high: str) -> tuple[TableFilter, str | None]:
    """Read the form; a bound that is not a number is dropped and explained (French).

    >>> parse_filter("quim", "1,5", "")
    (TableFilter(search='quim', low=1.5, high=None), None)
    >>> parse_filter("", "abc", "")[1]
    '« min » attend un nombre (par exemple 12,5), reçu « abc ».'
    """
    message = None
    bounds = []
    for name, text in (("min", low), ("max", high)):
        try:
            bounds.append(_number(text, name))
        except ValueError as exc:
            bounds.append(None)
            message = str(exc)
    return TableFilter(search.strip(), *bounds), message


def filter_rows(rows: list[dict], chosen: TableFilter, column: str) -> list[dict]:
    """Keep the rows whose name or code matches and whose ``column`` lies within the bounds.

    >>> rows = [{"name": "Quimper", "code": "29232", "value": 3.0},
    ...         {"name": "Brest", "code": "29019", "value": 8.0}]
    >>> [r["name"] for r in filter_rows(rows, TableFilter("quim"), "value")]
    ['Quimper']
    >>> [r["name"] for r in filter_rows(rows, TableFilter(low=5), "value")]
    ['Brest']
    """
    key = normalize(chosen.search) if chosen.search else ""
    kept = []
    for row in rows:
        if key and key not in normalize(row["name"]) and not row["code"].startswith(
                chosen.search.upper()):
            continue
        value = row.get(column)
        if (chosen.low is not None or chosen.high is not None) and value is None:
            continue
        if chosen.low is not None and value < chosen.low:
            continue
        if chosen.high is not None and value > chosen.high:
            continue
        kept.append(row)
    return kept


def csv_bytes(rows: list[dict], *, key: str, label: str, unit: str, digits: int,
              french: bool) -> bytes:
    """Write the rows as a CSV file: for programs, or (``french``) for a French spreadsheet."""
    frame = pd.DataFrame(rows, columns=["code", "name", "population", "density", "value"])
    frame["population"] = frame["population"].astype("Int64")
    own = key in ("population", "density")
    if own:
        frame = frame.drop(columns="value")
    buffer = io.StringIO()
    if not french:
        frame = frame.rename(columns={"value": key})
        neutralise_frame(frame).to_csv(buffer, index=False)
        return buffer.getvalue().encode("utf-8")
    frame["density"] = frame["density"].astype(float).round(1)
    if not own:
        frame["value"] = frame["value"].astype(float).round(digits)
    frame = frame.rename(columns={"code": "Code commune", "name": "Commune",
                                  "population": "Population",
                                  "density": "Densité (hab./km²)", "value": f"{label} ({unit})"})
    neutralise_frame(frame).to_csv(buffer, sep=";", decimal=",", index=False)
    return buffer.getvalue().encode("utf-8-sig")
