r"""The 2018 layout of ARCEP's FttH deployment files: premises per quarter, and zoning.

The edition of 2018 T1 came as two CSV files, each with 4 title lines before its
header, ``,`` separator, thousands separated by a no-break space:

- ``ftthCommunes.csv``: ``Code commune,Champ,T3 2017,T4 2017,T1 2018``, two rows
  per commune: ``Locaux Raccordables`` (premises connectable to FttH) →
  ``ftth_raccordables`` per quarter (``2017-T3``…), and ``Catégorie``, ARCEP's
  class of the coverage rate (0, 5 = under 10 %, 10, 25, 50, 80 = 80 % or more):
  checked, not stored (it follows from the counts), counted as rejected with
  that reason;
- ``communes.csv``: ``Code commune, …, Logements, Établissements, Zones très
  denses, Engagements L. 33-13, Intentions privées hors engagement L. 33-13,
  Commune rurale, Commune de montagne, OI 2018 T1`` → ``ftth_locaux`` =
  logements + établissements (the denominator of ARCEP's rate: its classes of
  every quarter of ``ftthCommunes.csv`` are those of raccordables / these
  premises) and the 0/1 zones of :data:`~trajectoires.indicators._series.ZONES`,
  period the quarter of the ``OI AAAA Tn`` column (``2018-T1``). ``-`` means none.

Old codes folded into one commune: counts are summed; a commune nouvelle is in a
zone when one of its old communes was (maximum), as the report notes.

Examples
--------
>>> from trajectoires.indicators.formats import parse_file
>>> from trajectoires.indicators.formats._examples import fixture_matcher
>>> tmp, matcher = fixture_matcher()
>>> path = tmp / "ftthCommunes.csv"
>>> _ = path.write_text("FttH\nDéploiement par Commune\n,,\n,,\n"
...     "Code commune,Champ,T4 2017,T1 2018\n29019,Locaux Raccordables,\"1\xa0000\",2000\n"
...     "29019,Catégorie,5,10\n")
>>> parsed = parse_file("arcep-ftth", path, matcher)
>>> parsed.values[["indicator", "period", "value"]].values.tolist()
[['ftth_raccordables', '2017-T4', 1000.0], ['ftth_raccordables', '2018-T1', 2000.0]]

"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from trajectoires.indicators._series import ZONES
from trajectoires.indicators.formats._common import (
    Table,
    commune_codes,
    missing_columns,
    numbers,
)
from trajectoires.indicators.formats._parsed import VALUE_COLUMNS, Parsed, attach
from trajectoires.indicators.report import FormatError, ImportReport

if TYPE_CHECKING:
    from pathlib import Path

    from trajectoires.indicators.folding import CommuneMatcher

__all__ = ["CATEGORIES", "FIELDS", "is_quarterly", "is_zoning", "quarterly", "zoning"]

CODE = "Code commune"
FIELDS = ("Locaux Raccordables", "Catégorie")
CATEGORIES = {"0", "5", "10", "25", "50", "80"}
"""ARCEP's classes of the FttH rate: 0 %, under 10 %, 10-25, 25-50, 50-80, 80 % or more."""
CATEGORY_ROW = "ligne « Catégorie » (classe du taux, qui découle des comptes) : vérifiée, " \
    "non importée"
COMMITMENTS = {"-": (), "FRTE": ("orange",), "FRTE partielle": ("orange",),
               "SFR0": ("sfr",), "FRTE-SFR0": ("orange", "sfr")}
"""Values of ``Engagements L. 33-13`` → operators committed (Orange, SFR)."""
_QUARTER = re.compile(r"^T([1-4])\s+(\d{4})$")
_EDITION = re.compile(r"^OI\s+(\d{4})\s+T([1-4])$")


def is_quarterly(table: Table) -> bool:
    """Tell whether ``table`` is ``ftthCommunes.csv`` (a ``Champ`` column beside the quarters)."""
    return "Champ" in table.frame.columns


def is_zoning(table: Table) -> bool:
    """Tell whether ``table`` is ``communes.csv`` (the zoning columns)."""
    return {"Zones très denses", "Engagements L. 33-13"} <= set(table.frame.columns)


def quarterly(table: Table, path: Path, matcher: CommuneMatcher, vintage: str | None) -> Parsed:
    """``ftth_raccordables`` per quarter from ``ftthCommunes.csv`` (two rows per commune)."""
    quarters = {c: f"{m.group(2)}-T{m.group(1)}" for c in table.frame.columns
                if (m := _QUARTER.match(c))}
    if not quarters:
        raise FormatError(table.file, "colonnes de trimestres « T3 2017 »… attendues",
                          table.header_line)
    report = ImportReport("arcep-ftth", path.name, read=len(table.frame))
    codes = commune_codes(table, CODE)
    field = table.frame["Champ"].astype(str).str.strip()
    _check_values(table, field, set(FIELDS), "Champ")
    _check_unique(table, codes + "|" + field)
    wide = pd.DataFrame({q: numbers(table, c) for c, q in quarters.items()})
    category = field.eq(FIELDS[1])
    for column in quarters:
        _check_values(table, table.frame[column].astype(str).str.strip().where(category, "0"),
                      CATEGORIES, column)
    report.reject(int(category.sum()), CATEGORY_ROW)
    frame = attach(wide[~category], codes[~category], matcher, report)
    long = frame.groupby("commune_code").sum().reset_index().melt(
        id_vars="commune_code", var_name="period", value_name="value")
    long["indicator"] = "ftth_raccordables"
    period = vintage or max(quarters.values())
    report.notes.append(f"{len(quarters)} trimestres, de {min(quarters.values())} à "
                        f"{max(quarters.values())} ; dénominateur (logements + "
                        "établissements) : fichier communes.csv de la même édition")
    report.period, report.values = period, len(long)
    return Parsed("arcep-ftth", long[VALUE_COLUMNS], report, period)


def zoning(table: Table, path: Path, matcher: CommuneMatcher, vintage: str | None) -> Parsed:
    """``ftth_locaux`` and the 0/1 zones of each commune from ``communes.csv``."""
    edition = [f"{m.group(1)}-T{m.group(2)}" for c in table.frame.columns
               if (m := _EDITION.match(c))]
    period = vintage or (edition[0] if edition else None)
    if period is None:
        raise FormatError(table.file, "millésime introuvable (colonne « OI AAAA Tn ») ; "
                          "précisez-le avec --millesime (ex. 2018-T1)", table.header_line)
    missing = [c for c in ("Logements", "Établissements", *{c for c, _ in ZONES.values()})
               if c not in table.frame.columns]
    if missing:
        raise FormatError(table.file, f"{missing_columns(missing)} : {', '.join(missing)}",
                          table.header_line)
    report = ImportReport("arcep-ftth", path.name, read=len(table.frame))
    codes = commune_codes(table, CODE)
    _check_unique(table, codes)
    wide = pd.DataFrame({"ftth_locaux": _count(table, "Logements")
                         + _count(table, "Établissements")})
    commitments = table.frame["Engagements L. 33-13"].astype(str).str.strip()
    _check_values(table, commitments, set(COMMITMENTS), "Engagements L. 33-13")
    for key, (column, _) in ZONES.items():
        if column == "Engagements L. 33-13":
            operator = key.rsplit("_", 1)[-1]
            wide[key] = commitments.map(
                lambda v, op=operator: float(bool(COMMITMENTS[v]) if op == "l3313"
                                             else op in COMMITMENTS[v]))
        else:
            wide[key] = _flag(table, column)
    frame = attach(wide, codes, matcher, report)
    grouped = frame.groupby("commune_code")
    wide = grouped[list(ZONES)].max().join(grouped["ftth_locaux"].sum())
    long = wide.reset_index().melt(id_vars="commune_code", var_name="indicator",
                                   value_name="value")
    long["period"] = period
    if report.folded:
        report.notes.append("communes nouvelles : locaux additionnés ; dans une zone si une "
                            "de leurs anciennes communes y était")
    report.notes.append("locaux = logements + établissements (dénominateur du taux FttH de "
                        "l'ARCEP) ; zones : 1 = oui, 0 = non")
    report.period, report.values = period, len(long)
    return Parsed("arcep-ftth", long[VALUE_COLUMNS], report, period)


def _count(table: Table, column: str) -> pd.Series:
    """Return a count column where ``-`` means none."""
    raw = table.frame[column].astype(str).str.strip()
    table.frame[column] = raw.where(raw != "-", "0")
    return numbers(table, column)


def _flag(table: Table, column: str) -> pd.Series:
    """Return a 0/1 column written ``1`` or ``-``."""
    raw = table.frame[column].astype(str).str.strip()
    _check_values(table, raw, {"1", "-"}, column)
    return raw.eq("1").astype(float)


def _check_values(table: Table, values: pd.Series, allowed: set[str], column: str) -> None:
    bad = ~values.isin(allowed)
    if bad.any():
        position = int(np.flatnonzero(bad.to_numpy())[0])
        expected = " ou ".join(f"« {v} »" for v in sorted(allowed))
        raise FormatError(table.file, f"{expected} attendu, reçu « {values.iloc[position]} »",
                          table.line_of(position), column)


def _check_unique(table: Table, keys: pd.Series) -> None:
    repeated = keys.duplicated()
    if repeated.any():
        position = int(np.flatnonzero(repeated.to_numpy())[0])
        first = int(np.flatnonzero((keys == keys.iloc[position]).to_numpy())[0])
        raise FormatError(table.file, f"« {keys.iloc[position].replace('|', ' / ')} » en "
                          f"double (déjà ligne {table.line_of(first)})",
                          table.line_of(position), CODE)
