r"""Legal populations of every commune, per vintage of the COG: a series of censuses.

**Layout** (``cog/populations_legales_par_cog_2015_2024.csv`` of the shared data,
converted from INSEE's R package COGugaison): a header
``cog,code_commune,libelle,population`` (``,`` or ``;``; ``libelle`` optional),
then one row per commune of each COG vintage with its legal population
(« population municipale », an integer; empty when unknown, as in Mayotte).

**Census year.** The legal populations in the geography of COG ``Y`` are those
of the census of ``Y − 2`` (INSEE: the census 2021 populations, in force on
1 January 2024, are published in the geography of 1 January 2023). A vintage
whose figures repeat the previous vintage's (the same population for at least
99 % of the communes present in both under the same code: two censuses agree
on about 7 %) is that census again, in a newer geography: COG 2022 and COG 2024
of the shared file repeat COG 2021 (census 2019) and COG 2023 (census 2021).
Each census is kept once, from the newest COG that carries it (fewer codes to
fold). ``--millesime`` sets the census year of a file holding one COG vintage.

**Folding.** Codes of each vintage are folded into the current communes of the
reference (:mod:`trajectoires.indicators.folding`: communes déléguées or
associées, old codes of merged communes); the populations of the communes
merged since are **summed**, so that every census is on today's map. A commune
with an empty population leaves its current commune without a value for that
census.

Values: ``insee_pop_legale`` (habitants), period = census year (``"2021"``).

Examples
--------
>>> from trajectoires.indicators.formats._examples import fixture_matcher
>>> tmp, matcher = fixture_matcher()
>>> path = tmp / "populations.csv"
>>> _ = path.write_text("cog,code_commune,libelle,population\n"
...     "2015,49126,Orée-d'Anjou,8000\n2015,49069,Drain,2000\n2015,29232,Quimper,60000\n"
...     "2019,49126,Orée-d'Anjou,10500\n2019,29232,Quimper,63000\n")
>>> parsed = parse(path, matcher)
>>> parsed.period
'2017'
>>> rows = parsed.values.sort_values(["period", "commune_code"])
>>> rows[["commune_code", "period", "value"]].values.tolist()[:2]
[['29232', '2013', 60000.0], ['49126', '2013', 10000.0]]

Drain (49069), merged into Orée-d'Anjou (49126) in 2016, is summed into it in 2013.

"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from trajectoires.indicators.formats._common import (
    Table,
    commune_codes,
    first_line,
    numbers,
    read_csv,
    require_columns,
    sniff_separator,
)
from trajectoires.indicators.formats._parsed import VALUE_COLUMNS, Parsed, attach
from trajectoires.indicators.report import FormatError, ImportReport

if TYPE_CHECKING:
    from trajectoires.indicators.folding import CommuneMatcher

__all__ = ["CENSUS_LAG", "INDICATOR", "REPEAT_SHARE", "census_years", "parse"]

INDICATOR = "insee_pop_legale"
CENSUS_LAG = 2
"""Legal populations in the geography of COG ``Y`` are those of the census of ``Y − 2``."""
REPEAT_SHARE = 0.99
"""Share of identical populations from which a vintage repeats the previous one."""
_COLUMNS = ("cog", "code_commune", "population")


def parse(path: Path, matcher: CommuneMatcher, vintage: str | None = None) -> Parsed:
    """Validate and read a table of legal populations per COG vintage (whole file)."""
    table = read_csv(path, sniff_separator(first_line(path), ",;"))
    require_columns(table, _COLUMNS)
    if table.frame.empty:
        raise FormatError(table.file, "aucune ligne de données après l'en-tête",
                          table.header_line)
    cogs = _cog_years(table)
    codes = commune_codes(table, "code_commune")
    population = numbers(table, "population", allow_missing=True)
    _check_integers(table, population)
    _check_duplicates(table, cogs, codes)
    census = census_years(pd.DataFrame({"cog": cogs, "code": codes, "population": population}))
    if vintage is not None:
        census = _forced(table, census, vintage)
    report = ImportReport("populations", path.name, read=len(table.frame))
    kept = cogs.map(census["kept"]).astype(bool)
    report.reject(int((~kept).sum()), "millésime du COG qui répète le recensement d'un autre "
                  "millésime (mêmes chiffres) : écarté")
    empty = kept & population.isna()
    report.reject(int(empty.sum()), "population vide (inconnue) : commune sans valeur")
    keep = kept & ~empty
    frame = pd.DataFrame({"period": cogs.map(census["census"]), "value": population})
    attached = attach(frame[keep], codes[keep], matcher, report)
    values = attached.groupby(["commune_code", "period"], as_index=False)["value"].sum()
    values["indicator"] = INDICATOR
    values = values[VALUE_COLUMNS].reset_index(drop=True)
    period = str(values["period"].max())
    report.period, report.values = period, len(values)
    report.notes += _notes(census, values, matcher) + _mangled_names(table, cogs)
    return Parsed("populations", values, report, period)


def census_years(frame: pd.DataFrame) -> pd.DataFrame:
    """Census year of each COG vintage, and whether its rows are kept.

    ``frame`` has columns ``cog`` (int), ``code`` and ``population``. Returns a
    frame indexed by COG vintage: ``census`` (str), ``repeats`` (the COG
    vintage whose figures it repeats, or 0) and ``kept``.

    >>> frame = pd.DataFrame({"cog": [2021, 2021, 2022, 2022, 2023],
    ...                       "code": ["29019", "29232", "29019", "29232", "29019"],
    ...                       "population": [139926.0, 63283, 139926, 63283, 139619]})
    >>> census_years(frame).to_dict("index")[2022]
    {'census': '2019', 'repeats': 2021, 'kept': True}
    >>> census_years(frame)["kept"].tolist()
    [False, True, True]
    """
    wide = frame.pivot(index="code", columns="cog", values="population")
    vintages = sorted(int(c) for c in wide.columns)
    census, repeats = {}, {}
    for previous, cog in zip([None, *vintages], vintages, strict=False):
        repeats[cog] = 0
        census[cog] = str(cog - CENSUS_LAG)
        if previous is None:
            continue
        both = wide[[previous, cog]].dropna()
        if len(both) and (both[previous] == both[cog]).mean() >= REPEAT_SHARE:
            repeats[cog], census[cog] = previous, census[previous]
    result = pd.DataFrame({"census": census, "repeats": repeats})
    newest = result.reset_index().groupby("census")["index"].max()
    result["kept"] = result.index.isin(newest.to_numpy())
    result.index.name = "cog"
    return result


def _cog_years(table: Table) -> pd.Series:
    raw = table.frame["cog"].astype(str).str.strip()
    valid = raw.str.fullmatch(r"(19|20)\d\d")
    if not valid.all():
        position = int(np.flatnonzero(~valid.to_numpy())[0])
        raise FormatError(table.file, f"millésime du COG attendu (année, ex. 2023), reçu "
                          f"« {raw.iloc[position]} »", table.line_of(position), "cog")
    return raw.astype(int)


def _check_integers(table: Table, population: pd.Series) -> None:
    fractional = population.notna() & (population != population.round())
    if fractional.any():
        position = int(np.flatnonzero(fractional.to_numpy())[0])
        raise FormatError(table.file, "population légale attendue en nombre entier "
                          f"d'habitants, reçu « {table.frame['population'].iloc[position]} »",
                          table.line_of(position), "population")


def _check_duplicates(table: Table, cogs: pd.Series, codes: pd.Series) -> None:
    duplicated = pd.DataFrame({"cog": cogs, "code": codes}).duplicated()
    if duplicated.any():
        position = int(np.flatnonzero(duplicated.to_numpy())[0])
        raise FormatError(table.file, f"commune « {codes.iloc[position]} » en double pour le "
                          f"COG {cogs.iloc[position]}", table.line_of(position), "code_commune")


def _forced(table: Table, census: pd.DataFrame, vintage: str) -> pd.DataFrame:
    """Census year given by ``--millesime``: only for a file of one COG vintage."""
    if len(census) != 1 or not vintage.isdigit() or len(vintage) != 4:
        raise FormatError(table.file, "--millesime (année du recensement, ex. 2021) ne "
                          "s'applique qu'à un fichier d'un seul millésime du COG ; ce fichier "
                          f"en a {len(census)} : retirez --millesime")
    return census.assign(census=vintage)


def _mangled_names(table: Table, cogs: pd.Series) -> list[str]:
    r"""Note the names encoded twice (UTF-8 read as Windows-1252: « BouÃ©ni »); not used.

    >>> frame = pd.DataFrame({"libelle": ["BouÃ©ni", "Brest"]})
    >>> notes = _mangled_names(Table("f.csv", frame, np.array([2, 3]), 1), pd.Series([2023, 2023]))
    >>> notes[0][:66]
    '1 libellé mal encodé (UTF-8 relu en Windows-1252, ex. « BouÃ©ni »)'
    """
    if "libelle" not in table.frame.columns:
        return []
    names = table.frame["libelle"].astype(str)
    suspect = names.str.contains("[ÃÂ]", regex=True).to_numpy()
    mangled = np.zeros(len(names), dtype=bool)
    mangled[suspect] = [_twice(name) for name in names[suspect]]
    mangled = pd.Series(mangled, index=names.index)
    if not mangled.any():
        return []
    years = ", ".join(str(y) for y in sorted(cogs[mangled].unique()))
    example = table.frame["libelle"][mangled].iloc[0]
    many = "s" if mangled.sum() > 1 else ""
    return [f"{int(mangled.sum())} libellé{many} mal encodé{many} (UTF-8 relu en Windows-1252, ex. "
            f"« {example} »), COG {years} : sans effet, les libellés ne sont pas utilisés"]


def _twice(name: str) -> bool:
    """Whether ``name`` is UTF-8 text decoded as Windows-1252 (« Ã‰challon », « BouÃ©ni »)."""
    try:
        return name.encode("cp1252").decode("utf-8") != name
    except UnicodeError:
        return False


def _notes(census: pd.DataFrame, values: pd.DataFrame, matcher: CommuneMatcher) -> list[str]:
    """Census of each vintage, and the current communes left without the latest census."""
    lines = []
    for cog, row in census.iterrows():
        text = f"COG {cog} → recensement {row['census']}"
        if row["repeats"]:
            text += f" (mêmes chiffres que le COG {row['repeats']})"
        lines.append(text + ("" if row["kept"] else " : écarté"))
    notes = ["recensements : " + " ; ".join(lines)]
    latest = values[values["period"] == values["period"].max()]
    without = matcher.communes.index.difference(latest["commune_code"])
    if len(without):
        many = "s" if len(without) > 1 else ""
        notes.append(f"{len(without)} commune{many} du référentiel sans population légale du "
                     f"recensement {values['period'].max()} (Mayotte sans population dans le "
                     "fichier, communes rétablies depuis, comptées dans leur ancienne commune "
                     f"nouvelle) : {', '.join(without[:8])}{'…' if len(without) > 8 else ''}")
    return notes
