r"""ANCT « kit carto » of the 2019 Grand Débat: the 2017 share of premises eligible to THD.

Layout (``datacom.csv`` of ``observatoire-territoires/KitsCarto-GdDebat``):
``"CODGEO";"ID_1";…;"ID_9"``, ``;``, quoted fields, decimal comma, ``NA`` when
missing; one row per commune (COG 2018/2019). The dictionary ``meta.xlsx`` gives
``ID_3`` = « part des locaux éligibles au Très Haut Débit » (> 30 Mbit/s, ARCEP,
**2017**; ANCT's computation ``num_numerique*100/denum_numerique``), stored as
``anct_part_thd30``, period ``2017`` (or ``--millesime``). The other indicators
(commuting, doctors, NEET, cinemas, employment, vacancy, turnout, median income
2015) are not digital indicators, or are in Filosofi itself: they are not read.

A share without its counts: old codes folded into one commune get the simple mean
(noted in the report), aggregates are weighted by population.

Examples
--------
>>> from trajectoires.indicators.formats._examples import fixture_matcher
>>> tmp, matcher = fixture_matcher()
>>> path = tmp / "datacom.csv"
>>> _ = path.write_text('"CODGEO";"ID_1";"ID_2";"ID_3"\n"29019";14,9;5,1;98,3\n'
...                     '"29232";20;4;NA\n')
>>> parsed = parse(path, matcher)
>>> parsed.values.values.tolist(), parsed.report.rejected
([['29019', 'anct_part_thd30', '2017', 98.3]], 1)

"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from trajectoires.indicators.formats._common import commune_codes, numbers, read_csv
from trajectoires.indicators.formats._insee import drop_arrondissement_duplicates
from trajectoires.indicators.formats._parsed import VALUE_COLUMNS, Parsed, attach
from trajectoires.indicators.report import FormatError, ImportReport

if TYPE_CHECKING:
    from trajectoires.indicators.folding import CommuneMatcher

__all__ = ["COLUMN", "PERIOD", "parse"]

COLUMN = "ID_3"
PERIOD = "2017"
"""Vintage of ``ID_3`` in the kit's dictionary (``meta.xlsx``, column ``an``)."""
MISSING = "part non renseignée (NA)"


def parse(path: Path, matcher: CommuneMatcher, vintage: str | None = None) -> Parsed:
    """Validate and read ``datacom.csv``: ``CODGEO`` and ``ID_3`` (a share in %)."""
    if path.suffix.lower() not in (".csv", ".txt", ".zip"):
        raise FormatError(path.name, "tableau CSV du kit carto attendu (datacom.csv : CODGEO, "
                          f"ID_1 … ID_9), reçu un fichier « {path.suffix} »")
    table = read_csv(path, ";", keep=lambda c: c in ("CODGEO", COLUMN))
    if list(table.frame.columns) != ["CODGEO", COLUMN]:
        raise FormatError(path.name, "colonnes CODGEO et ID_3 (kit carto ANCT, datacom.csv) "
                          "attendues", table.header_line)
    report = ImportReport("anct-kitscarto", path.name, read=len(table.frame))
    codes = commune_codes(table, "CODGEO")
    share = numbers(table, COLUMN, decimal_comma=True, allow_missing=True)
    above = share > 100
    if above.any():
        position = int(np.flatnonzero(above.to_numpy())[0])
        raise FormatError(table.file, f"part en % attendue (0 à 100), reçu {share.iloc[position]}",
                          table.line_of(position), COLUMN)
    distinct = drop_arrondissement_duplicates(codes, report)
    report.reject(int((share.isna() & distinct).sum()), MISSING)
    keep = distinct & share.notna()
    frame = attach(share[keep].rename("value").to_frame(), codes[keep], matcher, report)
    values = frame.groupby("commune_code")["value"].mean().reset_index()
    period = vintage or PERIOD
    values["indicator"], values["period"] = "anct_part_thd30", period
    if report.folded:
        report.notes.append("lignes repliées sur une même commune : moyenne simple des parts")
    report.notes.append("ID_3 : part des locaux éligibles au THD (≥ 30 Mbit/s), ARCEP 2017, "
                        "calcul ANCT")
    report.period, report.values = period, len(values)
    return Parsed("anct-kitscarto", values[VALUE_COLUMNS], report, period)
