"""The commune values of a trajectory for a French spreadsheet (LibreOffice Calc, Excel).

``communes.csv`` is for machines: one row per commune, year, scenario and indicator,
English names, full precision. :func:`spreadsheet_tables` gives the same values
for people: one row per commune, scenario and year, one column per indicator with
its French label and unit, values rounded to what a reader needs, the scenarios
named in French; and its dictionary (each column's description, unit, source and
method). The command writes both as ``communes-tableur.csv`` and
``dictionnaire-tableur.csv`` with the diagnosis's writer (``;``, BOM, decimal
comma: :func:`trajectoires.diagnosis.spreadsheet.write_french_csv`).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from trajectoires.pathways._trajectory import SCENARIOS, Trajectory, _label

__all__ = ["SCENARIO_LABELS", "decimals", "spreadsheet_tables"]

SCENARIO_LABELS = {"tendance": "Tendance (sans action)", "actions": "Avec les actions"}
"""French names of the scenarios in the ``Scénario`` column."""

_FIXED = (
    ("Code commune", "Code officiel géographique de la commune (INSEE)"),
    ("Commune", "Nom de la commune"),
    ("Scénario", "« Tendance (sans action) » : la tendance de chaque indicateur ; « Avec "
                 "les actions » : la tendance plus les effets des actions activées"),
    ("Année", "Année projetée, de la dernière année des données à l'horizon du plan"),
)


def decimals(key: str) -> int:
    """Decimals a spreadsheet shows for indicator ``key``.

    >>> decimals("population"), decimals("dist_france-services"), decimals("access_libraries")
    (0, 1, 2)
    """
    if key in ("population", "reach", "insee_revenu_median"):
        return 0
    if key.startswith("access_"):
        return 2
    return 1


def _header(key: str) -> str:
    label, unit = _label(key)
    return f"{label} ({unit})" if unit and unit not in label else label


def spreadsheet_tables(trajectory: Trajectory) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Return the commune table (French headers, rounded) and its dictionary.

    Rows: each commune, then each scenario, then each year; an empty cell where the
    value is unknown.
    """
    codes = trajectory.communes.index.to_numpy()
    names = trajectory.communes["name"].to_numpy()
    years = trajectory.years
    n, y, s = len(codes), len(years), len(SCENARIOS)
    keys = [series.key for series in trajectory.series if series.key in
            trajectory.actions.values]
    table = pd.DataFrame({
        "Code commune": np.repeat(codes, s * y), "Commune": np.repeat(names, s * y),
        "Scénario": np.tile(np.repeat([SCENARIO_LABELS[c] for c in SCENARIOS], y), n),
        "Année": np.tile(years, n * s),
    })
    for key in keys:
        stacked = np.stack([getattr(trajectory, scenario).values[key]
                            for scenario in SCENARIOS], axis=1)  # communes × scenarios × years
        values = pd.Series(stacked.reshape(-1)).round(decimals(key))
        table[_header(key)] = values.astype("Int64") if decimals(key) == 0 else values
    rows = [{"colonne": name, "description": text, "unite": "", "source": "",
             "methode": ""} for name, text in _FIXED]
    for key in keys:
        series = trajectory.series_of(key)
        label, unit = _label(key)
        rows.append({"colonne": _header(key), "description": label, "unite": unit,
                     "source": series.source, "methode": series.method})
    return table, pd.DataFrame(rows)
