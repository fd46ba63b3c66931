r"""4G coverage per commune: share of the population and of the surface covered (ARCEP).

ARCEP's « Mon réseau mobile » publishes coverage *maps* per operator; the
shares per commune come from intersecting them with the communes (ARCEP-ANCT
statistics shown by the Observatoire des territoires, or a user's own
intersection). This parser reads such a table (``FORMATS.md`` §3.2, importer A):

- a commune code column, found case-insensitively among :data:`CODE_COLUMNS`
  (``code_insee``, ``insee_com``, ``CODGEO``…); 4-digit codes get their leading 0;
- at least one of ``pct_pop_4g`` / ``pct_surf_4g``: share (%) of the population /
  of the surface covered in 4G by at least one operator, decimal point or comma,
  between 0 and 100; empty, ``s``, ``nd`` = not computed (row counted, not stored);
- optionally a year column (``an``, ``annee``, ``millesime``): one period per row;
  without it, the period is the vintage given (``--millesime``), else the date,
  ``AAAA_Tn`` quarter or year in the file name, else the file is refused (an
  undated table would pass for the latest one).

The header row is searched in the first 20 lines (exports may start with
metadata lines); ``;``, ``,`` or tab; UTF-8 or Windows-1252. Stored: the shares
``arcep_part_pop_4g`` / ``arcep_part_surf_4g`` and the non-coverage
``arcep_taux_non_4g_pop`` / ``arcep_taux_non_4g_surf`` = 100 − share, the
``no_4g_coverage`` criterion of the fragility index (population preferred).

The overseas table **per operator** (``CODE_INSEE,techno,OPE,…,pct.superficie``)
is read by :mod:`.arcep_mobile_operators`.

Shares cannot be summed: as for the other share-only tables (Filosofi, Data For
Good), an arrondissement row whose commune has its own row is ignored, and rows
folded into one commune (arrondissements only, old codes) get the simple mean,
noted in the report.

Examples
--------
>>> from trajectoires.indicators.formats._examples import fixture_matcher
>>> tmp, matcher = fixture_matcher()
>>> path = tmp / "couverture_4g.csv"
>>> _ = path.write_text("CODGEO;libgeo;pct_pop_4g;pct_surf_4g\n"
...                     "29232;Quimper;99,5;97\n29019;Brest;100;nd\n")
>>> parsed = parse(path, matcher, vintage="2023")
>>> rows = parsed.values.sort_values(["commune_code", "indicator"]).values.tolist()
>>> [r for r in rows if r[0] == "29232"]  # doctest: +NORMALIZE_WHITESPACE
[['29232', 'arcep_part_pop_4g', '2023', 99.5], ['29232', 'arcep_part_surf_4g', '2023', 97.0],
 ['29232', 'arcep_taux_non_4g_pop', '2023', 0.5], ['29232', 'arcep_taux_non_4g_surf', '2023', 3.0]]

Notes
-----
Definitions: ARCEP, « Mon réseau mobile », couverture théorique 4G « au moins
un opérateur »; criterion « taux de non-couverture 4G » of the national
fragility index (fragilite-numerique.fr, MedNum-ANSA-CRÉDOC, 2023).

"""

from __future__ import annotations

import csv
import re
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from trajectoires.indicators.formats import arcep_mobile_operators
from trajectoires.indicators.formats._common import (
    Table,
    commune_codes,
    first_line,
    head_lines,
    numbers,
    read_csv,
    sniff_separator,
)
from trajectoires.indicators.formats._insee import drop_arrondissement_duplicates
from trajectoires.indicators.formats._parsed import VALUE_COLUMNS, Parsed, attach
from trajectoires.indicators.formats._places import vintage_from_name
from trajectoires.indicators.report import FormatError, ImportReport

if TYPE_CHECKING:
    from trajectoires.indicators.folding import CommuneMatcher

__all__ = ["CODE_COLUMNS", "SHARES", "YEAR_COLUMNS", "default_name", "parse", "period_from_name",
           "undated"]

CODE_COLUMNS = ("code_insee", "insee_com", "codgeo", "code_commune", "depcom", "com")
"""Accepted names of the commune code column (case-insensitive), preferred first."""

SHARES = {
    "pct_pop_4g": ("arcep_part_pop_4g", "arcep_taux_non_4g_pop"),
    "pct_surf_4g": ("arcep_part_surf_4g", "arcep_taux_non_4g_surf"),
}
"""Share column → (stored share, stored non-coverage = 100 − share)."""

YEAR_COLUMNS = ("an", "annee", "année", "millesime", "millésime")
"""Optional column giving the period of each row."""

NOT_COMPUTED = "part non renseignée (vide, « s » ou « nd »)"
FOLDED_MEAN = "lignes repliées sur une même commune : moyenne simple des parts (non additives)"
_SEPARATORS = (";", ",", "\t")
_QUARTER = re.compile(r"(?<!\d)(20\d\d)[_-]?T([1-4])(?!\d)", re.IGNORECASE)
_YEAR = re.compile(r"(?<!\d)(20\d\d)(?!\d)")


def period_from_name(name: str) -> str | None:
    """Period written in a file name: ``YYYYMMDD`` date, ``YYYY_Tn`` quarter, else a year.

    >>> period_from_name("REU_sites_mobiles_2020_T2.csv"), period_from_name("couv_2023.csv")
    ('2020-T2', '2023')
    """
    found = vintage_from_name(name)
    if found:
        return found
    quarter = _QUARTER.search(name)
    if quarter:
        return f"{quarter.group(1)}-T{quarter.group(2)}"
    year = _YEAR.search(name)
    return year.group(1) if year else None


def undated(file: str, missing: str) -> FormatError:
    """Return the refusal of a file whose period cannot be found, naming the option to pass.

    >>> print(undated("couverture.csv", ""))  # doctest: +NORMALIZE_WHITESPACE
    couverture.csv : millésime introuvable : ni année, trimestre ou date dans le nom du
    fichier ; précisez-le avec --millesime (ex. trajectoires data import … --millesime 2023)
    """
    return FormatError(file, f"millésime introuvable : {missing}ni année, trimestre ou date "
                       "dans le nom du fichier ; précisez-le avec --millesime "
                       "(ex. trajectoires data import … --millesime 2023)")


def default_name(path: Path) -> str | None:
    """Name of a per-operator overseas table (one per vintage), else None (the kind)."""
    return arcep_mobile_operators.default_name(path)


def parse(path: Path, matcher: CommuneMatcher, vintage: str | None = None) -> Parsed:
    """Validate and read a table of 4G coverage shares per commune."""
    if arcep_mobile_operators.is_operator_table(first_line(path)):
        return arcep_mobile_operators.parse(path, matcher, vintage)
    table = _read(path)
    columns = {c.strip().lower(): c for c in table.frame.columns}
    code_column = next(columns[n] for n in CODE_COLUMNS if n in columns)
    shares = {columns[n]: SHARES[n] for n in SHARES if n in columns}
    year_column = next((columns[n] for n in YEAR_COLUMNS if n in columns), None)
    report = ImportReport("arcep-mobile", path.name, read=len(table.frame))
    codes = commune_codes(table, code_column)
    wide = pd.DataFrame({column: _percent(table, column) for column in shares})
    default = vintage or period_from_name(path.name)
    periods = _periods(table, year_column, default or "")
    _check_unique(table, codes, periods, code_column)
    if year_column is None and default is None:
        raise undated(path.name, "ni colonne d'année (an, annee, millesime), ")
    empty = wide.isna().all(axis=1)
    distinct = drop_arrondissement_duplicates(codes, report)
    report.reject(int((empty & distinct).sum()), NOT_COMPUTED)
    keep = distinct & ~empty
    wide["period"] = periods
    frame = attach(wide[keep], codes[keep], matcher, report)
    means = frame.groupby(["commune_code", "period"]).mean().reset_index()
    parts = []
    for column, (share_id, non_id) in shares.items():
        share = means[["commune_code", "period", column]].dropna().rename(
            columns={column: "value"})
        parts += [share.assign(indicator=share_id),
                  share.assign(indicator=non_id, value=100.0 - share["value"])]
    values = pd.concat(parts, ignore_index=True)[VALUE_COLUMNS]
    if report.folded:
        report.notes.append(FOLDED_MEAN)
    used = ", ".join(f"{c} → {ids[0]}" for c, ids in shares.items())
    report.notes.append(f"parts lues : {used} ; non-couverture = 100 − part couverte")
    period = max(periods.unique()) if len(periods) else default
    if period is None:
        raise undated(path.name, "aucune ligne, ")
    report.period, report.values = period, len(values)
    return Parsed("arcep-mobile", values, report, period)


def _read(path: Path) -> Table:
    """Read the table from its header row (searched in the first 20 lines), or refuse it.

    The header is the first line that, split on ``;``, ``,`` or tab, names a commune
    code column and a share column; its separator is the file's (a metadata line
    before it may use another one). Two columns read by this parser whose names
    differ only by case are refused (which one holds the data would be a guess).
    """
    encodings = ("utf-8-sig", "cp1252")
    lines = head_lines(path, encodings)
    found = next(((number, sep) for number, line in enumerate(lines, 1)
                  for sep in _SEPARATORS if _is_header(_split(line, sep))), None)
    if found is None:
        first = ", ".join(c.strip() for c in _split(lines[0], sniff_separator(lines[0]))) \
            if lines else "(fichier vide)"
        raise FormatError(
            path.name, "en-tête attendu dans les 20 premières lignes : une colonne de code "
            f"commune ({', '.join(CODE_COLUMNS)} ; casse indifférente) et au moins une de "
            f"{', '.join(SHARES)} ; colonnes lues en ligne 1 : {first}", 1)
    number, sep = found
    _check_case_duplicates(path.name, _split(lines[number - 1], sep), number)
    return read_csv(path, sep, header=_is_header, encodings=encodings)


def _split(line: str, sep: str) -> list[str]:
    return next(csv.reader([line], delimiter=sep), [])


def _is_header(row: list[str]) -> bool:
    names = {c.strip().lower() for c in row}
    return bool(names & set(CODE_COLUMNS)) and bool(names & set(SHARES))


def _check_case_duplicates(file: str, header: list[str], line: int) -> None:
    """Refuse two columns read by the parser whose names differ only by case."""
    read = {*CODE_COLUMNS, *SHARES, *YEAR_COLUMNS}
    seen: dict[str, str] = {}
    for column in (c.strip() for c in header):
        key = column.lower()
        if key in read and key in seen:
            raise FormatError(file, f"colonnes « {seen[key]} » et « {column} » : un même nom "
                              "à la casse près ; gardez-en une seule", line, column)
        seen.setdefault(key, column)


def _percent(table: Table, column: str) -> pd.Series:
    """Shares in %, decimal point or comma; NaN when not computed; FormatError outside 0-100."""
    values = numbers(table, column, decimal_comma=True, allow_missing=True, minimum=None)
    bad = (values < 0) | (values > 100)
    if bad.any():
        position = int(np.flatnonzero(bad.to_numpy())[0])
        raise FormatError(
            table.file, "part en % attendue, entre 0 et 100, reçu "
            f"« {table.frame[column].iloc[position].strip()} »",
            table.line_of(position), column)
    known = values.dropna()
    if len(known) >= 20 and known.max() <= 1:
        raise FormatError(table.file, "parts en % attendues (0 à 100) : toutes les valeurs "
                          "sont ≤ 1, ce sont sans doute des proportions (multipliez par 100)",
                          table.line_of(0), column)
    return values


def _periods(table: Table, column: str | None, default: str) -> pd.Series:
    """Period of each row: a 4-digit year from ``column`` when there is one, else ``default``."""
    if column is None:
        return pd.Series(default, index=table.frame.index, dtype=object)
    years = table.frame[column].astype(str).str.strip()
    bad = ~years.str.fullmatch(r"(19|20)\d\d")
    if bad.any():
        position = int(np.flatnonzero(bad.to_numpy())[0])
        raise FormatError(table.file, f"année attendue (ex. 2023), reçu « {years.iloc[position]} »",
                          table.line_of(position), column)
    return years.astype(object)


def _check_unique(table: Table, codes: pd.Series, periods: pd.Series, column: str) -> None:
    """Refuse a commune code given twice for the same period, naming both lines."""
    keys = codes + "|" + periods
    repeated = keys.duplicated()
    if repeated.any():
        position = int(np.flatnonzero(repeated.to_numpy())[0])
        first = int(np.flatnonzero((keys == keys.iloc[position]).to_numpy())[0])
        raise FormatError(
            table.file, f"une ligne par commune attendue : code « {codes.iloc[position]} » "
            f"en double (déjà ligne {table.line_of(first)})", table.line_of(position), column)
