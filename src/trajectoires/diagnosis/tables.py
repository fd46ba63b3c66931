"""Tables of a diagnosis: the ranked communes and the export columns (with a dictionary)."""

from __future__ import annotations

import pandas as pd

from trajectoires.diagnosis.compute import Diagnosis
from trajectoires.diagnosis.inputs import PLACE_KINDS
from trajectoires.diagnosis.options import CORRECTIONS, REFERENCES

__all__ = ["COLUMNS", "LISA_LABELS", "dictionary", "export_table", "map_choices",
           "ranked_rows"]

LISA_LABELS = {
    "high-high": "foyer de fragilité",
    "low-low": "zone préservée",
    "high-low": "îlot fragile",
    "low-high": "îlot préservé",
    "not significant": "non significatif",
    "no neighbours": "non testé (sans voisin)",
}

COLUMNS: dict[str, str] = {
    "code": "Code INSEE de la commune (COG 2025)",
    "name": "Nom de la commune",
    "population": "Population municipale (populations légales 2017)",
    "density": "Densité (hab./km²)",
    "epci_code": "SIREN de l'EPCI",
    "fragility_index": "Indice de fragilité numérique (1 à 10, 10 = le plus fragile)",
    "fragility_inputs": "Nombre de critères connus dans l'indice",
    "rank": "Rang dans le territoire (1 = le plus fragile)",
    "relative": "Indice relatif au territoire de référence de la commune (100 = son indice moyen)",
    "lisa": "Regroupement local (LISA, Moran local)",
}


def dictionary(table: pd.DataFrame, diagnosis: Diagnosis) -> pd.DataFrame:
    """Describe each column of the export (``column``, ``description``), in French."""
    from trajectoires.analysis import CRITERIA

    described = dict(COLUMNS, area_km2="Superficie (km²)")
    where = REFERENCES.get(diagnosis.reference, diagnosis.reference)
    described["relative"] = (f"Indice relatif à {where} de la commune (100 = indice moyen de "
                             f"{where}, pondéré par la population)")
    described["lisa"] = (f"Regroupement local (LISA, Moran local, "
                         f"{CORRECTIONS.get(diagnosis.correction, diagnosis.correction)})")
    for criterion in diagnosis.criteria:
        key = criterion["key"]
        source = (f"{criterion['indicator_label']} ({criterion['indicator']}, "
                  f"{criterion['period']})" if criterion["indicator"] else "")
        described[key] = f"{CRITERIA[key].label} ({CRITERIA[key].unit}) ; donnée : {source}"
        described[f"score_{key}"] = f"Score de 1 à 10 (déciles nationaux) : {CRITERIA[key].label}"
    for kind, label in PLACE_KINDS.items():
        described[f"dist_{kind}"] = f"Distance à vol d'oiseau au plus proche lieu ({label}), km"
        described[f"access_{kind}"] = (f"Accessibilité 2SFCA ({label}), lieux pour 10 000 "
                                       "habitants, rayon de 20 km")
    return pd.DataFrame({"column": list(table.columns),
                         "description": [described.get(c, "") for c in table.columns]})


def export_table(diagnosis: Diagnosis) -> pd.DataFrame:
    """One row per commune with stable English column names (see :data:`COLUMNS`)."""
    table = diagnosis.communes.reset_index().rename(columns={"index": "code"})
    table["population"] = table["population"].astype("Float64")
    table["rank"] = table["rank"].astype("Float64")
    table["lisa"] = table["lisa"].astype(object)
    return table.sort_values(["rank", "code"], na_position="last").reset_index(drop=True)


def ranked_rows(diagnosis: Diagnosis) -> list[dict]:
    """Rows of the ranked table (most fragile first; communes without an index last)."""
    table = export_table(diagnosis)
    keys = [c["key"] for c in diagnosis.criteria if c["key"] in table]
    rows = []
    for record in table.to_dict("records"):
        rows.append({
            "code": record["code"], "name": record["name"],
            "population": record["population"], "index": record["fragility_index"],
            "rank": record["rank"], "inputs": record.get("fragility_inputs"),
            "lisa": LISA_LABELS.get(record["lisa"], "—") if record["lisa"] else "—",
            "values": [record.get(k) for k in keys],
            "distances": [record.get(f"dist_{k}") for k in PLACE_KINDS
                          if f"dist_{k}" in table],
        })
    return rows


def map_choices(diagnosis: Diagnosis) -> dict[str, tuple[str, str]]:
    """Columns that can be mapped: column → (French label, unit); only those with values."""
    from trajectoires.analysis import CRITERIA

    table = diagnosis.communes
    choices = {"fragility_index": ("Indice de fragilité numérique (1 à 10)", "")}
    for criterion in diagnosis.criteria:
        key = criterion["key"]
        if key in table:
            choices[key] = (CRITERIA[key].label + (" (approximation)" if criterion["proxy"]
                                                    else ""), CRITERIA[key].unit)
            choices[f"score_{key}"] = (f"Score : {CRITERIA[key].label}", "")
    for item in diagnosis.access:
        choices[f"dist_{item.kind}"] = (f"Distance au plus proche lieu ({item.label})", "km")
        choices[f"access_{item.kind}"] = (
            f"Accessibilité 2SFCA ({item.label}, lieux pour 10 000 habitants)", "")
    choices["density"] = ("Densité de population", "hab./km²")
    return {k: v for k, v in choices.items() if k in table and table[k].notna().any()}
