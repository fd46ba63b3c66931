"""The communes of a diagnosis for a French spreadsheet (LibreOffice Calc, Excel in French).

``communes.csv`` is for machines: comma separator, English column names and values,
full precision. Opened in a French spreadsheet it shows one column of text and
numbers such as ``160.9923324868101``. ``communes-tableur.csv`` holds the same rows
for people: ``;`` separator, a BOM (so the encoding is recognised), decimal comma,
values rounded to the precision the report shows, French column names and labels
(« foyer de fragilité », « oui »), and its own dictionary (``dictionnaire-tableur.csv``)
giving each French column its description, source, vintage and method.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from trajectoires.csv_cells import neutralise_frame
from trajectoires.diagnosis.compute import Diagnosis
from trajectoires.diagnosis.inputs import PLACE_KINDS
from trajectoires.diagnosis.tables import LISA_LABELS, dictionary

__all__ = ["SPREADSHEET_FILES", "french_columns", "spreadsheet_table", "write_french_csv",
           "write_spreadsheet"]

SPREADSHEET_FILES = ("communes-tableur.csv", "dictionnaire-tableur.csv")

#: column → (French header, decimals; None for text). The decimals are those the
#: report and the pages show: the index to 2 (« 7,25 » in the ranking), criteria and
#: distances to 1, density to 0 and area to 1 (the territory pages' tables).
_FIXED = {
    "code": ("Code commune", None), "name": ("Commune", None),
    "population": ("Population", 0), "density": ("Densité (hab./km²)", 0),
    "area_km2": ("Superficie (km²)", 1), "epci_code": ("SIREN de l'EPCI", None),
    "fragility_index": ("Indice de fragilité (1 à 10)", 2),
    "fragility_inputs": ("Critères connus", 0), "rank": ("Rang", 0),
    "relative": ("Indice relatif (100 = moyenne)", 0), "lisa": ("Regroupement local", None),
    "missing_criteria": ("Critères manquants", None),
}


def french_columns(diagnosis: Diagnosis, columns: list[str]) -> dict[str, tuple[str, int | None]]:
    """French header and decimals of each export column (an unknown one keeps its name)."""
    from trajectoires.analysis import CRITERIA

    named = dict(_FIXED)
    for criterion in diagnosis.criteria:
        key = criterion["key"]
        label, unit = CRITERIA[key].label, CRITERIA[key].unit
        named[key] = (f"{label} ({unit})", 1)
        named[f"score_{key}"] = (f"Score : {label} (1 à 10)", 0)
        named[f"estimated_{key}"] = (f"Estimé : {label}", None)
    for kind, label in PLACE_KINDS.items():
        named[f"dist_{kind}"] = (f"Distance au plus proche lieu, {label} (km)", 1)
        named[f"access_{kind}"] = (f"Accessibilité 2SFCA, {label} (lieux pour 10 000 hab.)", 2)
    return {c: named.get(c, (c, 2)) for c in columns}


def _criterion_labels(keys: str) -> str:
    """« poverty_rate, share_low_diploma » → « Taux de pauvreté ; Part des … » (French)."""
    from trajectoires.analysis import CRITERIA

    return " ; ".join(CRITERIA[k].label if k in CRITERIA else k
                      for k in keys.split(", ") if k)


def _cell_text(value: object) -> object:
    if value is True or value is False:
        return "oui" if value else "non"
    return value


def spreadsheet_table(table: pd.DataFrame, diagnosis: Diagnosis) -> pd.DataFrame:
    """Return the export table with French headers, French labels and rounded values.

    ``table`` is :func:`trajectoires.diagnosis.tables.export_table`'s.
    """
    columns = french_columns(diagnosis, list(table.columns))
    out = pd.DataFrame(index=table.index)
    for column, (header, decimals) in columns.items():
        values = table[column]
        if column == "lisa":
            values = values.map(lambda v: LISA_LABELS.get(v, "") if isinstance(v, str) else "")
        elif column == "missing_criteria":
            values = values.map(_criterion_labels)
        elif decimals is not None and pd.api.types.is_numeric_dtype(values):
            values = pd.to_numeric(values, errors="coerce").astype(float).round(decimals)
            if decimals == 0:
                values = values.astype("Int64")
        else:
            values = values.map(_cell_text)
        out[header] = values
    return out


def write_french_csv(frame: pd.DataFrame, path: Path) -> Path:
    """Write ``frame`` the way a French spreadsheet opens it: ``;``, BOM, decimal comma."""
    neutralise_frame(frame).to_csv(path, sep=";", decimal=",", index=False,
                                   encoding="utf-8-sig")
    return path


def write_spreadsheet(table: pd.DataFrame, diagnosis: Diagnosis, folder: Path) -> list[Path]:
    """Write ``communes-tableur.csv`` and its dictionary into ``folder``."""
    french = spreadsheet_table(table, diagnosis)
    headers = {c: h for c, (h, _) in french_columns(diagnosis, list(table.columns)).items()}
    described = dictionary(table, diagnosis)
    described = described[described["fichier"] == "communes.csv"].copy()
    described["colonne"] = described["column"].map(headers)
    described = described[["colonne", "description", "source", "millesime", "methode"]]
    return [write_french_csv(french, Path(folder) / SPREADSHEET_FILES[0]),
            write_french_csv(described, Path(folder) / SPREADSHEET_FILES[1])]
