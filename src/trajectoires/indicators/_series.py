"""Catalogue entries of the first series: Filosofi incomes, FttH 2017-2018, 4G overseas.

Issue 10 brought dated files that make series: the median income per commune
2014-2019 (INSEE Filosofi), FttH premises per quarter and the zoning of the
2018 ARCEP deployment files, ANCT's 2017 share of premises eligible to
≥ 30 Mbit/s, and the 4G coverage of each overseas commune per operator
(2018-2019). Import them from :mod:`trajectoires.indicators.catalogue`.

Examples
--------
>>> from trajectoires.indicators.catalogue import INDICATORS
>>> INDICATORS["insee_revenu_median"].rule, INDICATORS["ftth_zone_tres_dense"].unit
('weighted_mean', 'communes')

"""

from __future__ import annotations

from trajectoires.indicators._types import LO2, DatasetInfo, Indicator

__all__ = ["DATASETS", "INDICATORS", "OPERATORS_4G", "PARSERS", "ZONES"]

_MEDIAN_NOTE = (
    "INSEE Filosofi : médiane du revenu disponible par unité de consommation de chaque "
    "commune (non publiée pour les petites communes, secret statistique). Pour un groupe "
    "de communes, moyenne des médianes communales pondérée par la population : une "
    "approximation, ce n'est pas la médiane du territoire (que l'INSEE publie à part)"
)
_ZONE_NOTE = (
    "ARCEP, fichier des communes des déploiements FttH (édition 2018 T1) : 1 si la commune "
    "est dans la zone, 0 sinon ; agrégé, le nombre de communes du territoire dans la zone"
)
_OPERATOR_NOTE = (
    "ARCEP-ANCT (Observatoire des territoires), couverture 4G par commune d'outre-mer et "
    "par opérateur, en part de la surface ; code opérateur du fichier ARCEP ; agrégats "
    "pondérés par la superficie des communes"
)
_OPERATOR_SOURCE = ("ARCEP et ANCT (Observatoire des territoires), couverture 4G des communes "
                    "d'outre-mer par opérateur")

ZONES = {
    "ftth_zone_tres_dense": ("Zones très denses", "Commune en zone très dense (ARCEP)"),
    "ftth_engagement_l3313": ("Engagements L. 33-13", "Commune où un opérateur s'est engagé à "
                              "déployer la fibre (engagement L. 33-13, Orange ou SFR)"),
    "ftth_engagement_orange": ("Engagements L. 33-13", "Engagement L. 33-13 d'Orange (FRTE), "
                               "y compris partiel ou partagé"),
    "ftth_engagement_sfr": ("Engagements L. 33-13", "Engagement L. 33-13 de SFR (SFR0), "
                            "y compris partagé"),
    "ftth_intention_privee": ("Intentions privées hors engagement L. 33-13",
                              "Intention privée de déploiement hors engagement L. 33-13"),
    "ftth_commune_rurale": ("Commune rurale", "Commune rurale (classement de l'ARCEP)"),
}
"""0/1 zone indicator → (column of ``communes.csv``, French label)."""

OPERATORS_4G = ("DIG", "FRE", "OC", "OMT", "ORA", "SMR", "SRR")
"""Operator codes of the ARCEP overseas 4G files (``OPE`` column), as written there."""

INDICATORS = (
    Indicator("insee_revenu_median", "Revenu disponible médian par unité de consommation",
              "€ par unité de consommation", "weighted_mean", "insee-poverty",
              note=_MEDIAN_NOTE, source="INSEE, Filosofi : revenus disponibles par commune"),
    *(Indicator(key, label, "communes", "sum", "arcep-ftth", note=_ZONE_NOTE)
      for key, (_, label) in ZONES.items()),
    Indicator("anct_part_thd30", "Part des locaux éligibles au très haut débit (≥ 30 Mbit/s), "
              "calcul ANCT", "%", "weighted_mean", "anct-kitscarto",
              note="ANCT, kit cartographique du Grand Débat (indicateur ID_3), d'après "
              "l'ARCEP, 2017 ; part publiée sans ses comptes : agrégats pondérés par la "
              "population, approximation d'une part de locaux"),
    *(Indicator(f"arcep_part_surf_4g_{code.lower()}", f"Part de la surface couverte en 4G "
                f"par l'opérateur {code} (code ARCEP)", "%", "weighted_mean", "arcep-mobile",
                note=_OPERATOR_NOTE, weight="area", source=_OPERATOR_SOURCE)
      for code in OPERATORS_4G),
    Indicator("arcep_part_surf_4g_meilleur_op", "Part de la surface couverte en 4G par "
              "l'opérateur qui en couvre le plus (borne basse de « au moins un opérateur »)",
              "%", "weighted_mean", "arcep-mobile", weight="area", source=_OPERATOR_SOURCE,
              note=_OPERATOR_NOTE + " ; la part couverte par au moins un opérateur est au "
              "moins égale, sans être connue"),
    Indicator("arcep_taux_non_4g_surf_meilleur_op", "Part de la surface non couverte en 4G par "
              "l'opérateur qui en couvre le plus (borne haute de la non-couverture)", "%",
              "weighted_mean", "arcep-mobile", weight="area", source=_OPERATOR_SOURCE,
              note="100 − part couverte par le meilleur opérateur ; " + _OPERATOR_NOTE),
)

DATASETS = (
    DatasetInfo(
        "anct-kitscarto", "Kit cartographique du Grand Débat national (indicateurs par "
        "commune, dont la part des locaux éligibles au THD en 2017)",
        "ANCT (Observatoire des territoires), d'après ARCEP, INSEE, DREES",
        "https://github.com/observatoire-territoires/KitsCarto-GdDebat",
        "GPL-3.0 (dépôt) ; données ANCT, ARCEP et INSEE sous Licence Ouverte",
        "CSV ; (CODGEO, ID_1 … ID_9, virgule décimale) ; dictionnaire dans meta.xlsx",
        note=f"Seul ID_3 (THD ≥ 30 Mbit/s, 2017) est importé. Licence des données : {LO2}.",
    ),
)

PARSERS = {"anct-kitscarto": "anct_kitscarto"}
"""Kind → module of :mod:`trajectoires.indicators.formats` for the datasets above."""
