"""Shared steps of the INSEE files: variable names with a vintage prefix, arrondissement rows.

INSEE names census variables ``P21_POP`` (principal exploitation, census 2021)
or ``C21_MEN`` (complementary exploitation); the prefix rolls every year, so
names are matched with a regex and the most recent vintage wins.

Examples
--------
>>> latest_columns(["CODGEO", "P16_POP", "P22_POP", "C22_MEN"], ["POP", "MEN"])
{'POP': ('P22_POP', '2022'), 'MEN': ('C22_MEN', '2022')}

"""

from __future__ import annotations

import re
from collections.abc import Iterable

import pandas as pd

from trajectoires.indicators.report import ImportReport

__all__ = ["DUPLICATE_ARRONDISSEMENT", "drop_arrondissement_duplicates", "latest_columns"]

DUPLICATE_ARRONDISSEMENT = (
    "arrondissement municipal déjà compté dans la ligne de sa commune (ignoré)"
)
_VARIABLE = re.compile(r"^([PC])(\d\d)_(.+)$")
_ARM_PARENT = {"751": "75056", "693": "69123", "132": "13055"}


def latest_columns(columns: Iterable[str], names: Iterable[str]) -> dict[str, tuple[str, str]]:
    """For each variable name, the column of its most recent vintage and that year."""
    wanted = set(names)
    best: dict[str, tuple[str, str]] = {}
    for column in columns:
        found = _VARIABLE.match(column)
        if not found or found.group(3) not in wanted:
            continue
        name, year = found.group(3), f"20{found.group(2)}"
        if name not in best or year > best[name][1]:
            best[name] = (column, year)
    return best


def drop_arrondissement_duplicates(codes: pd.Series, report: ImportReport) -> pd.Series:
    """Mask of the rows to keep: arrondissements whose commune has its own row are dropped."""
    present = set(codes)
    arm = codes.str.fullmatch(r"751(?:0[1-9]|1\d|20)|6938[1-9]|132(?:0[1-9]|1[0-6])")
    parent = codes.str.slice(0, 3).map(_ARM_PARENT)
    duplicate = arm & parent.isin(present)
    report.reject(int(duplicate.sum()), DUPLICATE_ARRONDISSEMENT)
    return ~duplicate
