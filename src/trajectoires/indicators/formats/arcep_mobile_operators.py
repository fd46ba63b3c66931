r"""4G coverage of the overseas communes per operator, as a share of the surface (ARCEP-ANCT).

Layout of ``COMM_COUVMOB_4G_4OPE_MMAAAA.stat.FRDOM.indics.csv`` (Observatoire des
territoires, ``observatoire-territoires/couvnum``): ``,`` separator,
``CODE_INSEE,techno,OPE,superficie,TOT.superficie,pct.superficie``, one row per
commune and operator; ``superficie`` is the area covered (m²), ``pct.superficie``
the share covered as a proportion (0-1, checked against the two areas).
``OPE`` is ARCEP's operator code (:data:`~trajectoires.indicators._series.OPERATORS_4G`).

Stored, as % of the surface: ``arcep_part_surf_4g_<ope>`` per operator, and the
share of the operator that covers the most, ``arcep_part_surf_4g_meilleur_op``,
with its complement ``arcep_taux_non_4g_surf_meilleur_op``. The file does not
give the area covered by **at least one** operator (the union of their maps):
the best operator's share is a lower bound of it, and is labelled so; it is not
stored as ``arcep_part_surf_4g``.

Period: the ``MMAAAA`` of the file name (``072018`` → ``2018-07``), else
``--millesime``, else the file is refused.

Examples
--------
>>> from trajectoires.indicators.formats import parse_file
>>> from trajectoires.indicators.formats._examples import fixture_matcher
>>> tmp, matcher = fixture_matcher()
>>> path = tmp / "COMM_COUVMOB_4G_4OPE_012019.stat.FRDOM.indics.csv"
>>> _ = path.write_text("CODE_INSEE,techno,OPE,superficie,TOT.superficie,pct.superficie\n"
...     "29019,4G,ORA,40,50,0.8\n29019,4G,SRR,45,50,0.9\n")
>>> parsed = parse_file("arcep-mobile", path, matcher)
>>> shares = parsed.values.set_index("indicator")["value"].round(1)
>>> shares.to_dict()  # doctest: +NORMALIZE_WHITESPACE
{'arcep_part_surf_4g_ora': 80.0, 'arcep_part_surf_4g_srr': 90.0,
 'arcep_part_surf_4g_meilleur_op': 90.0, 'arcep_taux_non_4g_surf_meilleur_op': 10.0}
>>> parsed.period, default_name(path)
('2019-01', 'arcep-mobile-operateurs-2019-01')

"""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from trajectoires.indicators._series import OPERATORS_4G
from trajectoires.indicators.formats._common import (
    Table,
    commune_codes,
    first_line,
    numbers,
    read_csv,
    require_columns,
)
from trajectoires.indicators.formats._parsed import VALUE_COLUMNS, Parsed, attach
from trajectoires.indicators.report import FormatError, ImportReport

if TYPE_CHECKING:
    from trajectoires.indicators.folding import CommuneMatcher

__all__ = ["COLUMNS", "default_name", "is_operator_table", "parse"]

COLUMNS = ("CODE_INSEE", "techno", "OPE", "superficie", "TOT.superficie", "pct.superficie")
BEST = "arcep_part_surf_4g_meilleur_op"
_MONTH = re.compile(r"_(0[1-9]|1[0-2])(20\d\d)(?!\d)")


def is_operator_table(header: str) -> bool:
    """Tell whether ``header`` is that of a per-operator table (``OPE`` and ``pct.superficie``)."""
    names = {c.strip() for c in header.strip().lstrip("\ufeff").split(",")}
    return {"OPE", "pct.superficie"} <= names


def _period(path: Path) -> str | None:
    found = _MONTH.search(path.name)
    return f"{found.group(2)}-{found.group(1)}" if found else None


def default_name(path: Path) -> str | None:
    """One dataset per vintage, so that July 2018 and January 2019 make a series."""
    if not is_operator_table(first_line(path)):
        return None
    period = _period(path)
    return f"arcep-mobile-operateurs-{period}" if period else "arcep-mobile-operateurs"


def parse(path: Path, matcher: CommuneMatcher, vintage: str | None = None) -> Parsed:
    """Validate and read a table of 4G surface shares per commune and operator."""
    table = read_csv(path, ",")
    require_columns(table, COLUMNS)
    period = vintage or _period(path)
    if period is None:
        raise FormatError(path.name, "millésime introuvable : ni MMAAAA dans le nom du fichier "
                          "(ex. _012019) ; précisez-le avec --millesime (ex. 2019-01)")
    report = ImportReport("arcep-mobile", path.name, read=len(table.frame))
    codes = commune_codes(table, "CODE_INSEE")
    _check_in(table, "techno", {"4G"})
    operator = _check_in(table, "OPE", set(OPERATORS_4G))
    share = _share(table)
    keys = codes + "/" + operator
    if keys.duplicated().any():
        position = int(np.flatnonzero(keys.duplicated().to_numpy())[0])
        raise FormatError(table.file, f"commune et opérateur « {keys.iloc[position]} » en "
                          "double", table.line_of(position), "OPE")
    frame = attach(pd.DataFrame({"operator": operator, "value": share}), codes, matcher, report)
    per_operator = frame.groupby(["commune_code", "operator"])["value"].mean().reset_index()
    per_operator["indicator"] = "arcep_part_surf_4g_" + per_operator["operator"].str.lower()
    best = per_operator.groupby("commune_code")["value"].max().reset_index()
    parts = [per_operator, best.assign(indicator=BEST),
             best.assign(indicator="arcep_taux_non_4g_surf_meilleur_op",
                         value=100.0 - best["value"])]
    values = pd.concat(parts, ignore_index=True).assign(period=period)[VALUE_COLUMNS]
    report.notes.append("part de la surface par opérateur ; le meilleur opérateur est une borne "
                        "basse de la couverture par au moins un opérateur (non publiée ici)")
    report.period, report.values = period, len(values)
    return Parsed("arcep-mobile", values, report, period)


def _check_in(table: Table, column: str, allowed: set[str]) -> pd.Series:
    values = table.frame[column].astype(str).str.strip()
    bad = ~values.isin(allowed)
    if bad.any():
        position = int(np.flatnonzero(bad.to_numpy())[0])
        raise FormatError(table.file, f"l'une des valeurs {', '.join(sorted(allowed))} attendue, "
                          f"reçu « {values.iloc[position]} »", table.line_of(position), column)
    return values


def _share(table: Table) -> pd.Series:
    """``pct.superficie`` in % after checking it is ``superficie / TOT.superficie`` (0-1)."""
    covered = numbers(table, "superficie")
    total = numbers(table, "TOT.superficie")
    share = numbers(table, "pct.superficie")
    expected = (covered / total.where(total > 0)).fillna(0.0)
    bad = (share > 1) | ((share - expected).abs() > 1e-6) | (covered > total * (1 + 1e-9))
    if bad.any():
        position = int(np.flatnonzero(bad.to_numpy())[0])
        raise FormatError(table.file, "proportion de la surface couverte attendue (0 à 1, égale "
                          f"à superficie / TOT.superficie), reçu « "
                          f"{table.frame['pct.superficie'].iloc[position]} »",
                          table.line_of(position), "pct.superficie")
    return share * 100.0
