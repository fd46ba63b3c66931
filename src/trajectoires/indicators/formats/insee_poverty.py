r"""INSEE Filosofi poverty rate per commune (and the Data For Good IRCOM proxy, labelled so).

**Official layout** (``FILO2021_DISP_PAUVRES_COM.csv``, dossier complet, comparateur):
``CODGEO`` and ``TP60AA``, the poverty rate at 60 % of the median standard of
living, in %, for vintage 20AA (``FORMATS.md`` §3.3). Decimal comma or point.
Filosofi does not publish the rate of small communes (secret statistique,
empty or ``s``): those rows are kept out and counted. Aggregates are means
weighted by population over the communes with a published rate.

**Derived layout** (Data For Good 2020, ``taux_pauvrete.csv``: ``CODE_INSEE,
LIBCOM, TX_POVERTY``): *not* the Filosofi rate but the share of tax households
with a reference income ≤ 12,000 € (DGFiP IRCOM 2018); stored as
``ircom_part_foyers_rfr_12000``, labelled as an approximation.

**Filosofi income** (``FILO20AA_DISP_COM.csv``: ``CODGEO`` and ``Q2AA``, the
median income per consumption unit) → ``insee_revenu_median``, and the refusal
of the **IRIS** files: :mod:`.filosofi`.

Examples
--------
>>> from trajectoires.indicators.formats._examples import fixture_matcher
>>> tmp, matcher = fixture_matcher()
>>> path = tmp / "FILO2021_DISP_PAUVRES_COM.csv"
>>> _ = path.write_text("CODGEO;TP6021;TP60AGE121\n29232;14,2;20\n29019;s;s\n")
>>> parsed = parse(path, matcher)
>>> parsed.values[["commune_code", "indicator", "period", "value"]].values.tolist()
[['29232', 'insee_taux_pauvrete', '2021', 14.2]]
>>> parsed.report.rejected
1

"""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from trajectoires.indicators.formats import filosofi
from trajectoires.indicators.formats._common import (
    Table,
    commune_codes,
    first_line,
    numbers,
    read_csv,
    sniff_separator,
)
from trajectoires.indicators.formats._insee import drop_arrondissement_duplicates
from trajectoires.indicators.formats._parsed import VALUE_COLUMNS, Parsed, attach
from trajectoires.indicators.report import FormatError, ImportReport

if TYPE_CHECKING:
    from trajectoires.indicators.folding import CommuneMatcher

__all__ = ["default_name", "parse"]

_RATE = re.compile(r"^TP60(\d\d)$")
IRCOM_PROXY = "ircom_part_foyers_rfr_12000"
NOT_PUBLISHED = "taux non publié (secret statistique ou petite commune)"


def default_name(path: Path) -> str | None:
    """``insee-revenus-20AA`` for a Filosofi income file (one dataset per year), else None."""
    return filosofi.default_name(path)


def parse(path: Path, matcher: CommuneMatcher, vintage: str | None = None) -> Parsed:
    """Validate and read a Filosofi commune file, or the Data For Good IRCOM table."""
    header = first_line(path)
    if filosofi.is_iris(header):
        raise filosofi.refuse_iris(path)
    table = read_csv(path, sniff_separator(header),
                     keep=lambda c: c in ("CODGEO", "CODE_INSEE", "TX_POVERTY") or bool(
                         _RATE.match(c) or filosofi.MEDIAN.match(c)))
    columns = list(table.frame.columns)
    rates = [c for c in columns if _RATE.match(c)]
    if "CODGEO" in columns and not rates and any(filosofi.MEDIAN.match(c) for c in columns):
        return filosofi.median_income(table, path, matcher, vintage)
    if "CODE_INSEE" in columns and "TX_POVERTY" in columns:
        code_column, rate_column, indicator = "CODE_INSEE", "TX_POVERTY", IRCOM_PROXY
        period = vintage or "2018"
    else:
        rates = sorted(rates)
        if "CODGEO" not in columns or not rates:
            raise FormatError(path.name, "colonnes CODGEO et TP60AA (taux de pauvreté Filosofi, "
                              "ex. TP6021) ou Q2AA (revenu médian, ex. Q219) attendues ; "
                              f"colonnes lues : {', '.join(columns) or '(aucune de ces colonnes)'}",
                              1)
        code_column, rate_column, indicator = "CODGEO", rates[-1], "insee_taux_pauvrete"
        period = vintage or f"20{_RATE.match(rate_column).group(1)}"
    report = ImportReport("insee-poverty", path.name, read=len(table.frame))
    if indicator.startswith("ircom"):
        report.notes.append("approximation DGFiP IRCOM (Data For Good) : pas le taux de "
                            "pauvreté Filosofi de l'INSEE")
    codes = commune_codes(table, code_column)
    rate = numbers(table, rate_column, decimal_comma=True, allow_missing=True)
    _check_percent(table, rate, rate_column)
    distinct = drop_arrondissement_duplicates(codes, report)
    report.reject(int((rate.isna() & distinct).sum()), NOT_PUBLISHED)
    keep = distinct & rate.notna()
    frame = attach(pd.DataFrame({"value": rate})[keep], codes[keep], matcher, report)
    values = frame.groupby("commune_code")["value"].mean().reset_index()
    values["indicator"], values["period"] = indicator, period
    if report.folded:
        report.notes.append("lignes repliées sur une même commune : moyenne simple des taux")
    report.period, report.values = period, len(values)
    return Parsed("insee-poverty", values[VALUE_COLUMNS], report, period)


def _check_percent(table: Table, rate: pd.Series, column: str) -> None:
    bad = rate > 100
    if bad.any():
        position = int(np.flatnonzero(bad.to_numpy())[0])
        raise FormatError(table.file, f"taux en % attendu (0 à 100), reçu {rate.iloc[position]}",
                          table.line_of(position), column)
