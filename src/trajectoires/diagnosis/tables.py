"""Tables of a diagnosis: the ranked communes and the export columns (with a dictionary)."""

from __future__ import annotations

from dataclasses import replace

import pandas as pd

from trajectoires.diagnosis.compute import Diagnosis
from trajectoires.diagnosis.inputs import PLACE_KINDS
from trajectoires.diagnosis.options import CORRECTIONS
from trajectoires.diagnosis.ranking import missing_criteria

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
    "rank": "Rang dans le territoire (1 = le plus fragile) ; vide pour une commune non classée "
            "(trop peu de critères connus)",
    "missing_criteria": "Critères disponibles dans le territoire sans valeur pour la commune "
                        "(clés séparées par « , »)",
    "relative": "Indice relatif au territoire de référence de la commune (100 = son indice moyen)",
    "lisa": "Regroupement local (LISA, Moran local)",
}


REFERENCE_WORDS = {"epci": ("à l'EPCI", "de l'EPCI"), "departement": ("au département",
                   "du département"), "region": ("à la région", "de la région"),
                   "france": ("à la France", "de la France")}
"""The reference level after « relatif » and after « moyen » (French contractions)."""

COMPARISON_COLUMNS = {
    "kind": "Niveau du territoire (code)", "kind_label": "Niveau du territoire",
    "code": "Code du territoire", "name": "Nom du territoire",
    "communes": "Nombre de communes du territoire",
    "communes_known": "Nombre de communes ayant un indice",
    "fragility_index": "Indice de fragilité numérique moyen (pondéré par la population)",
}


def _descriptions(diagnosis: Diagnosis) -> dict[str, str]:
    """French description of each column of ``communes.csv``."""
    from trajectoires.analysis import CRITERIA

    population = diagnosis.sources.get("population") or "populations légales"
    described = dict(COLUMNS, area_km2="Superficie (km²)",
                     population=f"Population municipale ({population})")
    to, of = REFERENCE_WORDS.get(diagnosis.reference,
                                 (f"à {diagnosis.reference}", f"de {diagnosis.reference}"))
    described["relative"] = (f"Indice relatif {to} de la commune (100 = indice moyen {of}, "
                             "pondéré par la population)")
    described["lisa"] = (f"Regroupement local (LISA, Moran local, "
                         f"{CORRECTIONS.get(diagnosis.correction, diagnosis.correction)})")
    for criterion in diagnosis.criteria:
        key = criterion["key"]
        source = (f"{criterion['indicator_label']} ({criterion['indicator']}, "
                  f"{criterion['period']})" if criterion["indicator"] else "")
        described[key] = f"{CRITERIA[key].label} ({CRITERIA[key].unit}) ; donnée : {source}"
        described[f"score_{key}"] = f"Score de 1 à 10 (déciles nationaux) : {CRITERIA[key].label}"
        described[f"estimated_{key}"] = (f"{CRITERIA[key].label} estimé faute de valeur "
                                         "publiée : vrai (1), ou publié : faux (0)")
    for kind, label in PLACE_KINDS.items():
        described[f"dist_{kind}"] = f"Distance à vol d'oiseau au plus proche lieu ({label}), km"
        described[f"access_{kind}"] = (f"Accessibilité 2SFCA ({label}), lieux pour 10 000 "
                                       "habitants, rayon de 20 km")
    return described


def dictionary(table: pd.DataFrame, diagnosis: Diagnosis) -> pd.DataFrame:
    """Describe each column of the exports, with its source, vintage and method (French).

    Columns: ``fichier`` (``communes.csv``, whose columns the GeoJSON and the
    GeoPackage share, then ``comparaison.csv``), ``column``, ``description``,
    ``source``, ``millesime``, ``methode``.
    """
    from trajectoires.diagnosis.provenance import column_sources, comparison_definition

    described, sources = _descriptions(diagnosis), column_sources(diagnosis)
    rows = [("communes.csv", c, described.get(c, ""), sources.get(c)) for c in table.columns]
    comparison = sources.get("fragility_index")
    population = diagnosis.sources.get("population") or "populations légales"
    for column in ["kind", "kind_label", "code", "name", "communes", "communes_known",
                   "fragility_index"]:
        line = sources[column] if column != "fragility_index" else comparison
        rows.append(("comparaison.csv", column, COMPARISON_COLUMNS[column], line))
    for criterion in (c for c in diagnosis.criteria if c["indicator"]):
        line = sources[criterion["key"]]
        rows.append(("comparaison.csv", criterion["key"], f"{criterion['label']} du territoire",
                     replace(line, method=comparison_definition(criterion["indicator"],
                                                                population))))
    return pd.DataFrame(
        [(f, c, d, s.source if s else "", s.vintage if s else "", s.method if s else "")
         for f, c, d, s in rows],
        columns=["fichier", "column", "description", "source", "millesime", "methode"])


def export_table(diagnosis: Diagnosis) -> pd.DataFrame:
    """One row per commune with stable English column names (see :data:`COLUMNS`).

    The ranked communes come first, by rank; then those not ranked (too few
    criteria known, :mod:`~trajectoires.diagnosis.ranking`), most fragile index first;
    ``missing_criteria`` names the criteria each commune lacks.
    """
    table = diagnosis.communes.reset_index().rename(columns={"index": "code"})
    table["population"] = table["population"].astype("Float64")
    table["rank"] = table["rank"].astype("Float64")
    missing = missing_criteria(diagnosis.communes, diagnosis.ranking_criteria)
    table.insert(table.columns.get_loc("rank") + 1, "missing_criteria",
                 [", ".join(keys) for keys in missing.to_numpy()])
    table["lisa"] = table["lisa"].astype(object)
    for criterion in diagnosis.criteria:  # which values are estimates (not published)
        if criterion.get("estimated"):
            codes = diagnosis.stand_ins.get(criterion["key"], [])
            table[f"estimated_{criterion['key']}"] = table["code"].isin(codes)
    table["_index"] = -table["fragility_index"].astype("Float64")
    table = table.sort_values(["rank", "_index", "code"], na_position="last")
    return table.drop(columns="_index").reset_index(drop=True)


def ranked_rows(diagnosis: Diagnosis) -> list[dict]:
    """Rows of the ranking: the ranked communes by rank, then the others (``rank`` NaN).

    Each row has ``missing``: the French labels of the criteria the commune lacks.
    """
    from trajectoires.analysis import CRITERIA

    table = export_table(diagnosis)
    keys = [c["key"] for c in diagnosis.criteria if c["key"] in table]
    rows = []
    for record in table.to_dict("records"):
        missing = [k for k in record["missing_criteria"].split(", ") if k]
        rows.append({
            "code": record["code"], "name": record["name"],
            "population": record["population"], "index": record["fragility_index"],
            "rank": record["rank"], "inputs": record.get("fragility_inputs"),
            "ranked": not pd.isna(record["rank"]),
            "missing": [CRITERIA[k].label for k in missing],
            "lisa": LISA_LABELS.get(record["lisa"], "—") if record["lisa"] else "—",
            "values": [record.get(k) for k in keys],
            "distances": [record.get(f"dist_{k}") for k in PLACE_KINDS
                          if f"dist_{k}" in table],
        })
    return rows


def map_choices(diagnosis: Diagnosis) -> dict[str, tuple[str, str]]:
    """Columns that can be mapped: catalogue key → (French label, unit); those with values.

    Labels and units are the indicator catalogue's (a stand-in criterion is marked
    « (approximation) »).
    """
    from trajectoires.indicators.catalogue import INDICATORS

    table = diagnosis.communes
    keys = ["fragility_index"]
    proxies = {c["key"] for c in diagnosis.criteria if c["proxy"]}
    for criterion in diagnosis.criteria:
        keys += [criterion["key"], f"score_{criterion['key']}"]
    for item in diagnosis.access:
        keys += [f"dist_{item.kind}", f"access_{item.kind}"]
    keys.append("density")
    choices = {key: (INDICATORS[key].label + (" (approximation)" if key in proxies else ""),
                     INDICATORS[key].unit) for key in keys}
    return {k: v for k, v in choices.items() if k in table and table[k].notna().any()}
