r"""INSEE census indicators per commune: dossier complet, comparateur, bases communales.

**Official layout**: ``CODGEO`` plus census variables with a vintage prefix
(``P21_POP``, ``P21_POP65P``, ``C21_MEN``, ``C21_MENPSEUL``, ``C21_MENFAMMONO``,
``P21_NSCOL15P``, ``P21_NSCOL15P_DIPLMIN``, ``_BEPC``, ``_CAPBEP``,
``P21_ACT1564``, ``P21_CHOM1564``), ``;`` or ``,`` separated, CSV or the ZIP INSEE
ships (``FORMATS.md`` §3.3). Any vintage prefix is accepted, the most recent
one wins. Counts are stored (weighted, so not integers) and the shares
recomputed from them. Arrondissement rows of Paris, Lyon and Marseille that
duplicate their commune's row are ignored. Secret values (``s``, empty) are missing.

**Derived layout** (Data For Good × MedNum 2020, ``data_scol_menage_demandeurEmplois.csv``):
``CODE_INSEE`` and percentages ``TX_NSCOL15P, TX_MENSEUL, TX_FAMMONO,
TX_65ETPLUS, TX_25ETMOINS`` built from RP 2017. Stored under their own ids
(``dfg_…``), labelled as derived: 65+ and 15-25 are shares of the population
aged 15 or more, not of the whole population.

Examples
--------
>>> from trajectoires.indicators.formats._examples import fixture_matcher
>>> tmp, matcher = fixture_matcher()
>>> path = tmp / "dossier_complet.csv"
>>> _ = path.write_text("CODGEO;P21_POP;P21_POP65P;C21_MEN;C21_MENPSEUL\n"
...                     "29232;1000.5;250.125;500;200\n")
>>> values = parse(path, matcher).values.set_index("indicator")
>>> float(values.loc["insee_part_men_seul", "value"]), values.loc["insee_pop", "period"]
(40.0, '2021')

"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

from trajectoires.indicators.formats._common import (
    Table,
    commune_codes,
    first_line,
    numbers,
    read_csv,
    sniff_separator,
)
from trajectoires.indicators.formats._insee import (
    drop_arrondissement_duplicates,
    latest_columns,
)
from trajectoires.indicators.formats._parsed import (
    VALUE_COLUMNS,
    Parsed,
    attach,
    with_ratios,
)
from trajectoires.indicators.report import FormatError, ImportReport

if TYPE_CHECKING:
    from trajectoires.indicators.folding import CommuneMatcher

__all__ = ["DERIVED_COLUMNS", "VARIABLES", "parse"]

VARIABLES = {
    "POP": "insee_pop",
    "POP65P": "insee_pop65p",
    "NSCOL15P": "insee_nscol15p",
    "NSCOL15P_DIPLMIN": "insee_sans_diplome",
    "MEN": "insee_men",
    "MENPSEUL": "insee_men_seul",
    "MENFAMMONO": "insee_men_fammono",
    "ACT1564": "insee_act1564",
    "CHOM1564": "insee_chom1564",
}
"""INSEE variable (without its ``P21_`` prefix) → indicator id."""
LOW_DIPLOMA = ("NSCOL15P_DIPLMIN", "NSCOL15P_BEPC", "NSCOL15P_CAPBEP")
DERIVED_COLUMNS = {
    "TX_NSCOL15P": "dfg_part_peu_diplomes",
    "TX_MENSEUL": "dfg_part_men_seul",
    "TX_FAMMONO": "dfg_part_men_fammono",
    "TX_65ETPLUS": "dfg_part_65p_sur_15p",
    "TX_25ETMOINS": "dfg_part_25moins_sur_15p",
}
DERIVED_PERIOD = "2017"


def parse(path: Path, matcher: CommuneMatcher, vintage: str | None = None) -> Parsed:
    """Validate and read an INSEE census file (official) or the Data For Good derived table."""
    first = first_line(path)
    if "CODE_INSEE" in first and "TX_MENSEUL" in first:
        return _derived(path, matcher, vintage)
    wanted = set(VARIABLES) | set(LOW_DIPLOMA)
    table = read_csv(path, sniff_separator(first),
                     keep=lambda c: c == "CODGEO" or c.split("_", 1)[-1] in wanted)
    if "CODGEO" not in table.frame.columns:
        raise FormatError(path.name, "colonne CODGEO absente (code de la commune)", 1)
    found = latest_columns(table.frame.columns, wanted)
    if not set(VARIABLES) & set(found):
        raise FormatError(path.name, "aucune variable du recensement reconnue : attendu des "
                          "colonnes comme P21_POP, P21_POP65P, C21_MEN, C21_MENPSEUL…", 1)
    report = ImportReport("insee-census", path.name, read=len(table.frame))
    codes = commune_codes(table, "CODGEO")
    keep = drop_arrondissement_duplicates(codes, report)
    wide = _counts(table, found)
    wide = attach(wide[keep], codes[keep], matcher, report)
    long = _melt(wide, found, vintage)
    values = with_ratios(long)
    period = vintage or max(year for _, year in found.values())
    report.period, report.values = period, len(values)
    report.notes.append("variables lues : " + ", ".join(c for c, _ in found.values()))
    return Parsed("insee-census", values, report, period)


def _counts(table: Table, found: dict[str, tuple[str, str]]) -> pd.DataFrame:
    wide = pd.DataFrame(index=table.frame.index)
    for name, (column, _year) in found.items():
        wide[name] = numbers(table, column, decimal_comma=True, allow_missing=True)
    if all(n in found for n in LOW_DIPLOMA):
        years = {found[n][1] for n in LOW_DIPLOMA}
        if len(years) == 1:
            wide["LOW_DIPLOMA"] = wide[list(LOW_DIPLOMA)].sum(axis=1, min_count=len(LOW_DIPLOMA))
    return wide


def _melt(
    wide: pd.DataFrame, found: dict[str, tuple[str, str]], vintage: str | None
) -> pd.DataFrame:
    periods = {name: year for name, (_c, year) in found.items()}
    periods["LOW_DIPLOMA"] = periods.get("NSCOL15P_DIPLMIN", "")
    ids = {**VARIABLES, "LOW_DIPLOMA": "insee_peu_diplomes"}
    columns = [c for c in wide.columns if c in ids]
    grouped = wide.groupby("commune_code")[columns].sum(min_count=1).reset_index()
    long = grouped.melt(id_vars="commune_code", var_name="name", value_name="value")
    long["period"] = vintage or long["name"].map(periods)
    long["indicator"] = long["name"].map(ids)
    return long.dropna(subset=["value"])[VALUE_COLUMNS].reset_index(drop=True)


def _derived(path: Path, matcher: CommuneMatcher, vintage: str | None) -> Parsed:
    table = read_csv(path, ",")
    report = ImportReport("insee-census", path.name, read=len(table.frame))
    report.notes.append("tableau dérivé Data For Good × MedNum (RP 2017), pas un fichier INSEE")
    codes = commune_codes(table, "CODE_INSEE")
    wide = pd.DataFrame(index=table.frame.index)
    for column, indicator in DERIVED_COLUMNS.items():
        if column in table.frame.columns:
            wide[indicator] = numbers(table, column, allow_missing=True)
    empty = wide.isna().all(axis=1)
    report.reject(int(empty.sum()), "ligne sans aucune valeur (doublon vide du tableau dérivé)")
    wide = attach(wide[~empty], codes[~empty], matcher, report)
    long = wide.groupby("commune_code").mean().reset_index().melt(
        id_vars="commune_code", var_name="indicator", value_name="value")
    period = vintage or DERIVED_PERIOD
    long["period"] = period
    values = long.dropna(subset=["value"])[VALUE_COLUMNS].reset_index(drop=True)
    if report.folded:
        report.notes.append("lignes repliées sur une même commune : moyenne simple des taux "
                            "(le tableau dérivé ne publie pas les effectifs)")
    report.period, report.values = period, len(values)
    return Parsed("insee-census", values, report, period)
