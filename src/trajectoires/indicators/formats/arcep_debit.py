r"""ARCEP "Ma connexion internet": premises by speed class, per commune.

Three layouts (``FORMATS.md`` §3.1):

- the **2019 beta** (``commune-debit-beta.csv``): a disclaimer on line 1, classes
  ``inel_hd, elig_hd05, elig_hd3, elig_hd8, elig_thd30, elig_thd100, elig_thd1g``
  that are **exclusive** (they sum to ``nbr``, which is checked);
- the **current speed files** (``commune_debit*.csv``): classes ``inel_hd,
  elig_hd3, elig_bhd8, elig_thd30, elig_thd100, elig_thd1g`` that are
  **cumulative** (≥ 30 Mbit/s includes ≥ 100). The variant comes from the file
  name: ``_filaire`` (wired only, the reference THD indicator), ``_terrestre``
  (no satellite) or none (satellite included: ids end in ``_avec_satellite``);
- the **best technology** file (``commune_meilleure_techno_thd.csv``): each
  premise once under its best technology (``elig_ftth, elig_coax, …``).

Values are counts of premises per commune (folded codes summed) and the shares
recomputed from them. The period is the ``date`` column.

Examples
--------
>>> from trajectoires.indicators.formats._examples import fixture_matcher
>>> tmp, matcher = fixture_matcher()
>>> path = tmp / "commune_debit_filaire.csv"
>>> _ = path.write_text("code_insee;nom_com;nbr;type;inel_hd;elig_hd3;elig_bhd8;elig_thd30;"
...     "elig_thd100;elig_thd1g;date\n29232;Quimper;1000;all;10;990;950;800;700;600;2025-12-31\n")
>>> parsed = parse(path, matcher)
>>> values = parsed.values.set_index("indicator")["value"]
>>> float(values["arcep_taux_thd30"]), float(values["arcep_locaux_non_thd30"]), parsed.period
(80.0, 200.0, '2025-12-31')

"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

from trajectoires.indicators.formats._common import (
    Table,
    commune_codes,
    numbers,
    read_csv,
    require_columns,
)
from trajectoires.indicators.formats._parsed import Parsed, attach, melt_counts, with_ratios
from trajectoires.indicators.report import FormatError, ImportReport

if TYPE_CHECKING:
    from trajectoires.indicators.folding import CommuneMatcher

__all__ = ["BETA_CLASSES", "CUMULATIVE_CLASSES", "parse"]

BETA_CLASSES = ["inel_hd", "elig_hd05", "elig_hd3", "elig_hd8", "elig_thd30", "elig_thd100",
                "elig_thd1g"]
CUMULATIVE_CLASSES = ["inel_hd", "elig_thd30", "elig_thd100"]
BEST_TECHNOLOGIES = {
    "elig_ftth": "ftth", "elig_coax": "coax", "elig_cu_30": "cu30", "elig_thdr": "thdr",
    "elig_cu_8": "cu8", "elig_4gf": "4gf", "elig_hdr": "hdr", "elig_sat": "sat",
}
KEPT_TYPES = {"all", "logloc"}


def parse(path: Path, matcher: CommuneMatcher, vintage: str | None = None) -> Parsed:
    """Validate and read an ARCEP "Ma connexion internet" commune file (any layout)."""
    table = read_csv(path, ";", header=lambda row: "code_insee" in [c.strip() for c in row])
    require_columns(table, ["code_insee", "nbr"])
    columns = set(table.frame.columns)
    if {"elig_cd_1", "elig_cd_2"} & columns:
        raise FormatError(path.name, "schéma 2020 T3 (classes elig_cd_1…6) non pris en charge : "
                          "utilisez un fichier de 2021 ou plus récent", table.header_line)
    report = ImportReport("arcep-debit", path.name, read=len(table.frame))
    codes = commune_codes(table, "code_insee")
    nbr = numbers(table, "nbr")
    if "elig_ftth" in columns and "elig_thd30" not in columns:
        counts, layout = _best_technology(table, nbr), "meilleure technologie"
    elif "elig_hd05" in columns:
        counts, layout = _beta(table, nbr), "bêta 2019, classes exclusives"
    else:
        suffix = _variant(path.name)
        counts, layout = _cumulative(table, nbr, suffix), f"classes cumulatives{suffix}"
    report.notes.append(f"format lu : {layout}")
    kept = _kept_types(table, report)
    _refuse_duplicates(table, codes, kept)
    counts = counts[kept]
    counts = attach(counts, codes[kept], matcher, report)
    period = vintage or _period(table, kept)
    values = with_ratios(melt_counts(counts, period))
    report.period = period
    return Parsed("arcep-debit", values, report, period)


def _refuse_duplicates(table: Table, codes: pd.Series, kept: pd.Series) -> None:
    """Refuse a commune given twice (same type and date): its premises would be summed.

    Folding still sums the rows of *different* former communes into their new commune.
    """
    key = pd.DataFrame({"code": codes[kept]})
    for column in ("type", "date"):
        if column in table.frame.columns:
            key[column] = table.frame.loc[kept, column].str.strip()
    again = key.duplicated(keep="first")
    if not again.any():
        return
    second = int(key.index[again][0])
    first = int(key.index[(key == key.loc[second]).all(axis=1)][0])
    code = key.loc[second, "code"]
    raise FormatError(table.file, f"commune {code} présente deux fois (déjà ligne "
                      f"{table.line_of(first)}) : ses locaux seraient comptés deux fois",
                      table.line_of(second), column="code_insee")


def _variant(name: str) -> str:
    name = name.lower()
    if "filaire" in name:
        return ""
    if "terrestre" in name:
        return "_terrestre"
    return "_avec_satellite"


def _kept_types(table: Table, report: ImportReport) -> pd.Series:
    if "type" not in table.frame.columns:
        return pd.Series(True, index=table.frame.index)
    types = table.frame["type"].str.strip()
    kept = types.isin(KEPT_TYPES)
    if not kept.any():
        raise FormatError(table.file, "aucune ligne de type « all » ou « logloc » (tous locaux)",
                          column="type")
    report.reject(int((~kept).sum()), "ligne de type logements seuls ou locaux professionnels "
                  "seuls (la ligne « all » les compte déjà)")
    return kept


def _beta(table: Table, nbr: pd.Series) -> pd.DataFrame:
    require_columns(table, BETA_CLASSES)
    classes = {c: numbers(table, c) for c in BETA_CLASSES}
    total = sum(classes.values())
    wrong = (total - nbr).abs() > 0.5
    if wrong.any():
        position = int(wrong.to_numpy().nonzero()[0][0])
        raise FormatError(table.file, "classes exclusives de la version bêta : leur somme "
                          f"({total.iloc[position]:.0f}) devrait égaler nbr "
                          f"({nbr.iloc[position]:.0f})", table.line_of(position), "nbr")
    thd30 = classes["elig_thd30"] + classes["elig_thd100"] + classes["elig_thd1g"]
    return pd.DataFrame({
        "arcep_locaux": nbr,
        "arcep_locaux_thd30": thd30,
        "arcep_locaux_non_thd30": nbr - thd30,
        "arcep_locaux_thd100": classes["elig_thd100"] + classes["elig_thd1g"],
        "arcep_locaux_inel_hd": classes["inel_hd"],
    })


def _cumulative(table: Table, nbr: pd.Series, suffix: str) -> pd.DataFrame:
    require_columns(table, CUMULATIVE_CLASSES)
    classes = {c: numbers(table, c) for c in CUMULATIVE_CLASSES}
    over = classes["elig_thd30"] > nbr + 0.5
    if over.any():
        position = int(over.to_numpy().nonzero()[0][0])
        raise FormatError(table.file, "elig_thd30 ne peut dépasser nbr (classes cumulatives)",
                          table.line_of(position), "elig_thd30")
    return pd.DataFrame({
        f"arcep_locaux{suffix}": nbr,
        f"arcep_locaux_thd30{suffix}": classes["elig_thd30"],
        f"arcep_locaux_non_thd30{suffix}": nbr - classes["elig_thd30"],
        f"arcep_locaux_thd100{suffix}": classes["elig_thd100"],
        f"arcep_locaux_inel_hd{suffix}": classes["inel_hd"],
    })


def _best_technology(table: Table, nbr: pd.Series) -> pd.DataFrame:
    counts = {"arcep_locaux_mt": nbr}
    for column, key in BEST_TECHNOLOGIES.items():
        if column in table.frame.columns:
            counts[f"arcep_mt_{key}"] = numbers(table, column)
    return pd.DataFrame(counts)


def _period(table: Table, kept: pd.Series) -> str:
    if "date" not in table.frame.columns:
        raise FormatError(table.file, "colonne « date » absente : indiquez le millésime "
                          "(option --millesime)", table.header_line)
    dates = table.frame.loc[kept, "date"].str.strip()
    valid = dates.str.fullmatch(r"\d{4}-\d{2}-\d{2}")
    if not valid.all():
        position = int((~valid).to_numpy().nonzero()[0][0])
        raise FormatError(table.file, f"date AAAA-MM-JJ attendue, reçu « {dates.iloc[position]} »",
                          table.line_of(int(kept.to_numpy().nonzero()[0][position])), "date")
    return str(dates.max())
