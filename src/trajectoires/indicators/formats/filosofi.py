r"""INSEE Filosofi: median disposable income per commune, and why the IRIS files are refused.

**Commune income file** (``FILO20AA_DISP_COM.csv``, « Revenus et pauvreté des
ménages », disposable income per commune): ``CODGEO;LIBGEO;NBMENAA;…;Q1AA;Q2AA;
Q3AA;…``, ``;``, decimal comma, UTF-8 with BOM. ``Q2AA`` is the median disposable
income per consumption unit (€) of vintage 20AA → ``insee_revenu_median``, period
``20AA``; one file per year, so a series is several imports (one ``--nom`` each:
the default name of this layout already carries the year). Small communes are
secret (empty fields): counted, not stored. The file has both Paris, Lyon and
Marseille and their arrondissements: the arrondissement rows are ignored.

**IRIS files** (``BASE_TD_FILO_DISP_IRIS_20AA.csv``: ``IRIS;…;COM;…;DISP_TP60AA``)
are refused with the reason: the store holds communes, and the poverty rate of
a commune is not a mean of its IRIS' rates without their populations (which the
file does not give; INSEE publishes the commune rate itself, ``TP60AA`` of the
``…_DISP_PAUVRES_COM`` file).

Examples
--------
>>> from trajectoires.indicators.formats._examples import fixture_matcher
>>> tmp, matcher = fixture_matcher()
>>> path = tmp / "FILO2019_DISP_COM.csv"
>>> _ = path.write_text("CODGEO;LIBGEO;NBMEN19;Q219\n29232;Quimper;30000;21 480\n"
...                     "29019;Brest;63423;20520\n29083;Île-de-Sein;100;\n")
>>> from trajectoires.indicators.formats import parse_file
>>> parsed = parse_file("insee-poverty", path, matcher)
>>> parsed.values.sort_values("commune_code").values.tolist()  # doctest: +NORMALIZE_WHITESPACE
[['29019', 'insee_revenu_median', '2019', 20520.0],
 ['29232', 'insee_revenu_median', '2019', 21480.0]]
>>> parsed.report.rejected, default_name(path)
(1, 'insee-revenus-2019')

"""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING

from trajectoires.indicators.formats._common import Table, commune_codes, first_line, numbers
from trajectoires.indicators.formats._insee import drop_arrondissement_duplicates
from trajectoires.indicators.formats._parsed import VALUE_COLUMNS, Parsed, attach
from trajectoires.indicators.report import FormatError, ImportReport

if TYPE_CHECKING:
    import pandas as pd

    from trajectoires.indicators.folding import CommuneMatcher

__all__ = ["MEDIAN", "NOT_PUBLISHED", "default_name", "is_iris", "median_income",
           "refuse_iris"]

MEDIAN = re.compile(r"^Q2(\d\d)$")
"""Median disposable income per consumption unit of vintage 20AA (``Q219``)."""
NOT_PUBLISHED = "revenu médian non publié (secret statistique : petite commune)"
FOLDED_MEAN = "lignes repliées sur une même commune : moyenne simple des médianes"
_IRIS_RATE = re.compile(r"(?:^|;)DISP_TP60(\d\d)(?:;|$)")


def is_iris(header: str) -> bool:
    """Tell whether ``header`` is that of a Filosofi IRIS file (``IRIS`` and ``DISP_TP60AA``).

    >>> is_iris("IRIS;LIBIRIS;COM;LIBCOM;DISP_TP6019;DISP_Q119"), is_iris("CODGEO;TP6018")
    (True, False)
    """
    names = header.strip().lstrip("\ufeff").split(";")
    return "IRIS" in names and bool(_IRIS_RATE.search(";".join(names)))


def refuse_iris(path: Path) -> FormatError:
    """Return the refusal of an IRIS file, with the reason and the file to import instead."""
    return FormatError(
        path.name, "fichier Filosofi par IRIS (colonnes IRIS, DISP_TP60AA) : non importé. "
        "Le magasin d'indicateurs tient des communes, et le taux de pauvreté d'une commune "
        "n'est pas la moyenne des taux de ses IRIS sans leur population, que le fichier ne "
        "donne pas. Importez le taux communal publié par l'INSEE : fichier "
        "FILO20AA_DISP_PAUVRES_COM.csv (colonnes CODGEO, TP60AA)", 1)


def default_name(path: Path) -> str | None:
    """Dataset name of a commune income file (one per vintage, so that years add up).

    None for the other Filosofi layouts (the kind's name is used).
    """
    header = first_line(path).strip().split(";")
    years = sorted(m.group(1) for c in header if (m := MEDIAN.match(c.strip())))
    if not years or any(c.strip().startswith("TP60") for c in header):
        return None
    return f"insee-revenus-20{years[-1]}"


def median_income(table: Table, path: Path, matcher: CommuneMatcher,
                  vintage: str | None) -> Parsed:
    """Read ``Q2AA`` of a commune income file (``table`` has ``CODGEO`` and ``Q2AA``)."""
    column = sorted(c for c in table.frame.columns if MEDIAN.match(c))[-1]
    period = vintage or f"20{MEDIAN.match(column).group(1)}"
    report = ImportReport("insee-poverty", path.name, read=len(table.frame))
    codes = commune_codes(table, "CODGEO")
    median = numbers(table, column, decimal_comma=True, allow_missing=True)
    _check_plausible(table, median, column)
    distinct = drop_arrondissement_duplicates(codes, report)
    report.reject(int((median.isna() & distinct).sum()), NOT_PUBLISHED)
    keep = distinct & median.notna()
    frame = attach(median[keep].rename("value").to_frame(), codes[keep], matcher, report)
    values = frame.groupby("commune_code")["value"].mean().reset_index()
    values["indicator"], values["period"] = "insee_revenu_median", period
    if report.folded:
        report.notes.append(FOLDED_MEAN)
    report.notes.append(f"revenu disponible médian par unité de consommation ({column}, €)")
    report.period, report.values = period, len(values)
    return Parsed("insee-poverty", values[VALUE_COLUMNS], report, period)


def _check_plausible(table: Table, median: pd.Series, column: str) -> None:
    """Refuse a median income outside 1,000–200,000 € (a unit or column mix-up)."""
    bad = median.notna() & ~median.between(1_000, 200_000)
    if bad.any():
        position = int(bad.to_numpy().nonzero()[0][0])
        raise FormatError(table.file, "revenu médian annuel en euros attendu (entre 1 000 et "
                          f"200 000), reçu « {table.frame[column].iloc[position]} »",
                          table.line_of(position), column)
