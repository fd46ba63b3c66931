"""The catalogue: every indicator and dataset the store knows, declared once as data.

An :class:`Indicator` says how its commune values add up to larger units
(``rule``): ``"sum"`` for counts, ``"ratio"`` for shares recomputed from two
summed counts (``numerator`` / ``denominator`` × ``scale``), ``"weighted_mean"``
for shares published without their counts, weighted by the commune ``weight``:
``"population"`` (populations légales of the reference) for shares of people or
households, ``"area"`` (``area_km2`` of the reference) for shares of the surface.
A :class:`DatasetInfo` names an official dataset: producer, page, download address
(for ``trajectoires data fetch``), licence and format.

Examples
--------
>>> INDICATORS["arcep_taux_thd30"].numerator
'arcep_locaux_thd30'
>>> INDICATORS["france_services_sites"].rule
'sum'
>>> INDICATORS["arcep_part_surf_4g"].weight, INDICATORS["arcep_part_pop_4g"].weight
('area', 'population')
>>> DATASETS["france-services"].licence
'Licence Ouverte 2.0 (Etalab)'
>>> components(["arcep_taux_thd30"])
['arcep_taux_thd30', 'arcep_locaux_thd30', 'arcep_locaux']

"""

from __future__ import annotations

from collections.abc import Iterable

from trajectoires.indicators import _derived, _series
from trajectoires.indicators._types import (
    LO2,
    UNDATED,
    WEIGHTS,
    DatasetInfo,
    Indicator,
)

REFERENCE, DERIVED = _derived.REFERENCE, _derived.DERIVED

__all__ = [
    "DATASETS",
    "DERIVED",
    "INDICATORS",
    "KINDS",
    "PARSERS",
    "REFERENCE",
    "UNDATED",
    "DatasetInfo",
    "WEIGHTS",
    "Indicator",
    "UnknownIndicatorError",
    "components",
    "find",
    "source_line",
]


def _count(id_: str, label: str, dataset: str, unit: str = "locaux", note: str = "") -> Indicator:
    return Indicator(id_, label, unit, "sum", dataset, note=note)


def _ratio(id_: str, label: str, dataset: str, num: str, den: str) -> Indicator:
    return Indicator(id_, label, "%", "ratio", dataset, numerator=num, denominator=den)


def _share(id_: str, label: str, dataset: str, note: str = "",
           weight: str = "population", *, source: str = "") -> Indicator:
    return Indicator(id_, label, "%", "weighted_mean", dataset, note=note, weight=weight,
                     source=source)


ARCEP_VARIANTS = {
    "": "",
    "_terrestre": " (hors satellite)",
    "_avec_satellite": " (y compris satellite)",
}
"""Suffixes of the ARCEP speed indicators per file variant: the wired-only file and the
2019 beta carry no suffix; ``*_debit_terrestre.csv`` and ``*_debit.csv`` (which counts
satellite, so that nearly every premise looks eligible to 30 Mbit/s) have their own ids."""


def _arcep_debit() -> list[Indicator]:
    rows = []
    for suffix, qualifier in ARCEP_VARIANTS.items():
        ds = "arcep-debit"
        base = f"arcep_locaux{suffix}"
        if not suffix:
            rows.append(_count(base, "Locaux (logements et établissements)", ds))
        else:
            rows.append(_count(base, f"Locaux{qualifier}", ds))
        for key, label in (
            ("thd30", "éligibles à 30 Mbit/s ou plus"),
            ("non_thd30", "non éligibles à 30 Mbit/s"),
            ("thd100", "éligibles à 100 Mbit/s ou plus"),
            ("inel_hd", "inéligibles au haut débit"),
        ):
            count = f"arcep_locaux_{key}{suffix}"
            rows.append(_count(count, f"Locaux {label}{qualifier}", ds))
            rows.append(_ratio(f"arcep_taux_{key}{suffix}", f"Part des locaux {label}{qualifier}",
                               ds, count, base))
    for key, label in (
        ("ftth", "fibre (FttH)"), ("coax", "câble"), ("cu30", "cuivre ≥ 30 Mbit/s"),
        ("thdr", "THD radio"), ("cu8", "cuivre 8-30 Mbit/s"), ("4gf", "4G fixe"),
        ("hdr", "HD radio"), ("sat", "satellite"),
    ):
        count = f"arcep_mt_{key}"
        rows.append(_count(count, f"Locaux dont la meilleure technologie est : {label}",
                           "arcep-debit"))
        rows.append(_ratio(f"arcep_part_mt_{key}",
                           f"Part des locaux dont la meilleure technologie est : {label}",
                           "arcep-debit", count, "arcep_locaux_mt"))
    rows.append(_count("arcep_locaux_mt", "Locaux (fichier meilleure technologie)", "arcep-debit"))
    return rows


_SURFACE_NOTE = (
    "Part de la surface, pas de la population : approximation du critère national quand la "
    "part de la population n'est pas chargée ; agrégats pondérés par la superficie des "
    "communes"
)
_SITES_NOTE = (
    "Indicateur indirect (proxy) tiré de la liste des sites mobiles : ce n'est PAS une "
    "couverture ; un site compte une fois par opérateur ; 0 pour les communes sans site "
    "des départements que couvre la liste"
)


def _mobile() -> list[Indicator]:
    """4G coverage shares (``arcep-mobile``) and the site-count proxy (``arcep-mobile-sites``)."""
    ds, sites = "arcep-mobile", "arcep-mobile-sites"
    per_1000 = "sites pour 1 000 habitants"
    return [
        _share("arcep_part_pop_4g", "Part de la population couverte en 4G (au moins un "
               "opérateur)", ds),
        _share("arcep_taux_non_4g_pop", "Part de la population non couverte en 4G (aucun "
               "opérateur)", ds, "100 − part de la population couverte"),
        _share("arcep_part_surf_4g", "Part de la surface couverte en 4G (au moins un "
               "opérateur)", ds, _SURFACE_NOTE, weight="area"),
        _share("arcep_taux_non_4g_surf", "Part de la surface non couverte en 4G (aucun "
               "opérateur)", ds, _SURFACE_NOTE, weight="area"),
        _count("arcep_sites_mobiles", "Sites mobiles, toutes technologies (indicateur "
               "indirect, pas une couverture)", sites, "sites", _SITES_NOTE),
        _count("arcep_sites_4g", "Sites mobiles 4G (indicateur indirect, pas la couverture "
               "4G)", sites, "sites", _SITES_NOTE),
        _count("arcep_sites_5g", "Sites mobiles 5G (indicateur indirect, pas la couverture "
               "5G)", sites, "sites", _SITES_NOTE),
        _count("arcep_sites_pop", "Population des communes de la liste des sites "
               "(populations légales du référentiel)", sites, "habitants"),
        Indicator("arcep_sites_4g_1000hab", "Sites mobiles 4G pour 1 000 habitants "
                  "(indicateur indirect, pas la couverture 4G)", per_1000, "ratio", sites,
                  "arcep_sites_4g", "arcep_sites_pop", 1000.0, _SITES_NOTE),
        Indicator("arcep_sites_5g_1000hab", "Sites mobiles 5G pour 1 000 habitants "
                  "(indicateur indirect, pas la couverture 5G)", per_1000, "ratio", sites,
                  "arcep_sites_5g", "arcep_sites_pop", 1000.0, _SITES_NOTE),
    ]


_CENSUS_NOTE = "INSEE, recensement de la population (exploitation principale ou complémentaire)"
_DFG_NOTE = (
    "Tableau dérivé Data For Good × MedNum (2020) à partir du RP 2017 : "
    "ce n'est pas un fichier officiel de l'INSEE"
)
_PER_15P = " ; dénominateur : population de 15 ans ou plus"
_DFG_SOURCE = ("Data For Good et La MedNum, tableaux dérivés du recensement 2017 de l'INSEE "
               "(batch 8, 2020)")
"""Who produced the ``dfg_*`` values: a derived table imported as ``insee-census``, which is
not the INSEE « Dossier complet » (source lines and the sources table credit this)."""
_IRCOM_SOURCE = ("Data For Good, tableau dérivé de l'IRCOM 2018 de la DGFiP (foyers fiscaux "
                 "par tranche de revenu fiscal de référence)")

_INDICATORS: list[Indicator] = [
    *_arcep_debit(),
    _count("ftth_locaux", "Locaux (meilleure estimation ARCEP à date)", "arcep-ftth",
           note="Dénominateur à date, appliqué à tous les trimestres de la série"),
    _count("ftth_raccordables", "Locaux raccordables à la fibre (FttH)", "arcep-ftth"),
    _ratio("ftth_taux", "Part des locaux raccordables à la fibre (FttH)", "arcep-ftth",
           "ftth_raccordables", "ftth_locaux"),
    _count("insee_pop", "Population (recensement)", "insee-census", "habitants", _CENSUS_NOTE),
    _count("insee_pop65p", "Personnes de 65 ans ou plus", "insee-census", "habitants"),
    _count("insee_pop_legale", "Population légale (population municipale)", "populations",
           "habitants", "INSEE, populations légales ; période = année du recensement (COG Y → "
           "recensement Y − 2) ; anciens codes repliés et additionnés sur les communes actuelles"),
    _ratio("insee_part_65p", "Part des 65 ans ou plus", "insee-census", "insee_pop65p",
           "insee_pop"),
    _count("insee_nscol15p", "Personnes de 15 ans ou plus non scolarisées", "insee-census",
           "personnes"),
    _count("insee_sans_diplome", "Non scolarisés de 15 ans ou plus sans diplôme ou CEP",
           "insee-census", "personnes"),
    _ratio("insee_part_sans_diplome", "Part des sans diplôme (15 ans ou plus non scolarisés)",
           "insee-census", "insee_sans_diplome", "insee_nscol15p"),
    _count("insee_peu_diplomes", "Non scolarisés de 15 ans ou plus pas ou peu diplômés",
           "insee-census", "personnes", "Aucun diplôme, CEP, BEPC, CAP ou BEP (sous le bac)"),
    _ratio("insee_part_peu_diplomes", "Part des pas ou peu diplômés (15 ans ou plus non "
           "scolarisés)", "insee-census", "insee_peu_diplomes", "insee_nscol15p"),
    _count("insee_men", "Ménages", "insee-census", "ménages"),
    _count("insee_men_seul", "Ménages d'une personne", "insee-census", "ménages"),
    _ratio("insee_part_men_seul", "Part des ménages d'une personne", "insee-census",
           "insee_men_seul", "insee_men"),
    _count("insee_men_fammono", "Ménages de familles monoparentales", "insee-census", "ménages"),
    _ratio("insee_part_men_fammono", "Part des familles monoparentales parmi les ménages",
           "insee-census", "insee_men_fammono", "insee_men"),
    _count("insee_act1564", "Actifs de 15 à 64 ans", "insee-census", "personnes"),
    _count("insee_chom1564", "Chômeurs de 15 à 64 ans (recensement)", "insee-census",
           "personnes"),
    _ratio("insee_taux_chomage", "Taux de chômage des 15-64 ans (au sens du recensement)",
           "insee-census", "insee_chom1564", "insee_act1564"),
    _share("dfg_part_peu_diplomes", "Part des pas ou peu diplômés (dérivé DFG, RP 2017)",
           "insee-census", _DFG_NOTE, source=_DFG_SOURCE),
    _share("dfg_part_men_seul", "Part des ménages d'une personne (dérivé DFG, RP 2017)",
           "insee-census", _DFG_NOTE, source=_DFG_SOURCE),
    _share("dfg_part_men_fammono", "Part des familles monoparentales (dérivé DFG, RP 2017)",
           "insee-census", _DFG_NOTE, source=_DFG_SOURCE),
    _share("dfg_part_65p_sur_15p", "65 ans ou plus parmi les 15 ans ou plus (dérivé DFG, "
           "RP 2017)", "insee-census", _DFG_NOTE + _PER_15P, source=_DFG_SOURCE),
    _share("dfg_part_25moins_sur_15p", "25 ans ou moins parmi les 15 ans ou plus (dérivé DFG, "
           "RP 2017)",
           "insee-census", _DFG_NOTE + _PER_15P, source=_DFG_SOURCE),
    _share("insee_taux_pauvrete", "Taux de pauvreté (seuil à 60 % du niveau de vie médian)",
           "insee-poverty", "INSEE Filosofi ; non publié pour les petites communes (secret "
           "statistique) : les agrégats ne couvrent que les communes publiées"),
    _share("ircom_part_foyers_rfr_12000", "Part des foyers fiscaux au revenu fiscal de "
           "référence ≤ 12 000 € (approximation, pas le taux de pauvreté)", "insee-poverty",
           "Tableau dérivé Data For Good (DGFiP IRCOM 2018) : approximation, ce n'est pas "
           "le taux de pauvreté Filosofi de l'INSEE", source=_IRCOM_SOURCE),
    *_mobile(),
    _count("france_services_sites", "Sites France Services", "france-services", "sites"),
    _count("mediation_lieux", "Lieux de médiation numérique", "mediation-places", "lieux"),
    _count("bibliotheques", "Bibliothèques ouvertes au public", "libraries", "bibliothèques"),
]

def _by_id(entries: Iterable[Indicator]) -> dict[str, Indicator]:
    registry: dict[str, Indicator] = {}
    for entry in entries:
        if entry.id in registry:
            raise ValueError(f"{entry.id}: declared twice in the catalogue")
        registry[entry.id] = entry
    return registry


INDICATORS: dict[str, Indicator] = _by_id([*_INDICATORS, *_series.INDICATORS,
                                            *_derived.INDICATORS])
"""Every indicator, by id: those of the imported datasets, then those of the reference
of places (``population``, ``area_km2``, ``density``) and the derived values (the
fragility criteria and ``fragility_index``), whose dataset has no parser."""

DATASETS: dict[str, DatasetInfo] = {
    d.kind: d
    for d in (
        DatasetInfo(
            "arcep-debit", "Ma connexion internet : éligibilité par débit, par commune", "ARCEP",
            "https://www.data.gouv.fr/fr/datasets/ma-connexion-internet/", LO2,
            "CSV ; (bêta 2019 : classes exclusives ; depuis 2020 : classes cumulatives, "
            "variantes filaire, terrestre, meilleure technologie)",
            "https://data.arcep.fr/fixe/maconnexioninternet/statistiques/last/commune/"
            "commune_debit_filaire.csv", "commune_debit_filaire.csv",
        ),
        DatasetInfo(
            "arcep-ftth", "Déploiements du haut et très haut débit fixe (FttH par commune)",
            "ARCEP",
            "https://www.data.gouv.fr/fr/datasets/le-marche-du-haut-et-tres-haut-debit-fixe-"
            "deploiements/", LO2,
            "XLSX (feuille des communes) ou CSV ; une colonne par trimestre",
            note="Pas d'adresse stable du fichier : téléchargez-le depuis la page officielle.",
        ),
        DatasetInfo(
            "arcep-mobile", "Couverture 4G par commune (part de la population et de la "
            "surface couvertes par au moins un opérateur)",
            "ARCEP (Mon réseau mobile) ; statistiques communales ARCEP-ANCT",
            "https://www.data.gouv.fr/fr/datasets/mon-reseau-mobile/", LO2,
            "CSV ; , ou tabulation : un code commune (code_insee, insee_com, CODGEO…) et "
            "pct_pop_4g et/ou pct_surf_4g (en %)",
            note="Pas de tableau communal officiel à adresse stable : l'export de "
            "l'Observatoire des territoires (couverture 4G, ARCEP-ANCT) ou votre croisement "
            "des cartes « Mon réseau mobile » avec les communes, aux colonnes ci-dessus.",
        ),
        DatasetInfo(
            "arcep-mobile-sites", "Sites mobiles 2G/3G/4G (liste ARCEP ; indicateur "
            "indirect, pas la couverture)", "ARCEP (Mon réseau mobile) et ANFR",
            "https://www.data.gouv.fr/fr/datasets/mon-reseau-mobile/", LO2,
            "CSV ; : métropole (insee_com, site_2g, site_3g, site_4g…) ou outre-mer "
            "(Operateur;X;Y;C2G;C3G;C4G, WGS84)",
            note="Un fichier par trimestre et par territoire (importez chaque territoire "
            "d'outre-mer sous son propre --nom). Compte de sites : ce n'est pas une couverture "
            "et il n'alimente pas le critère 4G de l'indice.",
        ),
        DatasetInfo(
            "insee-census", "Dossier complet (recensement, par commune)", "INSEE",
            "https://www.insee.fr/fr/statistiques/5359146", LO2,
            "CSV ; (ou ZIP le contenant), colonne CODGEO, variables P21_…, C21_…",
            "https://www.insee.fr/fr/statistiques/fichier/5359146/dossier_complet.zip",
            "dossier_complet.zip",
        ),
        DatasetInfo(
            "insee-poverty", "Filosofi : taux de pauvreté et revenu médian par commune", "INSEE",
            "https://www.insee.fr/fr/statistiques/7756729", LO2,
            "CSV ; (ou ZIP), colonnes CODGEO et TP60AA (taux de pauvreté) ou Q2AA (revenu "
            "médian, un fichier par année)",
            note="Pas d'adresse stable du fichier : téléchargez-le depuis la page officielle.",
        ),
        DatasetInfo(
            "populations", "Populations légales des communes, par millésime du COG "
            "(série des recensements)", "INSEE (table du paquet R COGugaison)",
            "https://www.insee.fr/fr/information/2008354",
            "Licence Ouverte 2.0 (INSEE) ; table COGugaison sous ODbL",
            "CSV , ou ; : cog, code_commune, libelle, population (une ligne par commune et "
            "millésime du COG)",
            note="Table COGugaison : https://github.com/antuki/COGugaison (COG.RData) ; "
            "recensement = millésime du COG − 2.",
        ),
        DatasetInfo(
            "mediation-places", "Lieux de médiation numérique (schéma national 0.1.x et 1.0)",
            "ANCT, cartographie nationale",
            "https://www.data.gouv.fr/fr/organizations/cartographie-nationale-des-lieux-de-"
            "mediation-numerique/", LO2, "JSON (tableau d'objets) ou CSV du schéma",
            note="Fichiers par source et par région : téléchargez-les depuis la page officielle.",
        ),
        DatasetInfo(
            "france-services", "Liste des structures France services",
            "ANCT et Banque des Territoires",
            "https://www.data.gouv.fr/fr/datasets/liste-des-structures-france-services/", LO2,
            "CSV , (colonnes id_fs, insee_com, latitude, longitude…)",
            "https://raw.githubusercontent.com/anct-carto/france_services/main/data/"
            "liste-fs-20240801.csv", "liste-fs-20240801.csv",
        ),
        DatasetInfo(
            "libraries", "Adresses des bibliothèques publiques",
            "Ministère de la Culture (Observatoire de la lecture publique)",
            "https://data.culture.gouv.fr/explore/dataset/adresses-des-bibliotheques-publiques/",
            "Licence Ouverte", "CSV ; (colonnes INSEE, coordonnees_finales, type_adresse…)",
            "https://data.culture.gouv.fr/api/explore/v2.1/catalog/datasets/adresses-des-"
            "bibliotheques-publiques/exports/csv", "adresses-des-bibliotheques-publiques.csv",
        ),
    )
}
DATASETS.update({d.kind: d for d in _series.DATASETS})
DATASETS.update({d.kind: d for d in _derived.DATASETS})
"""Every dataset kind, by the name used on the command line; ``reference`` and
``derived`` (no file: see ``indicators._derived``) last."""

PARSERS: dict[str, str] = {
    "arcep-debit": "arcep_debit",
    "arcep-ftth": "arcep_ftth",
    "arcep-mobile": "arcep_mobile",
    "arcep-mobile-sites": "arcep_mobile_sites",
    "insee-census": "insee_census",
    "insee-poverty": "insee_poverty",
    "populations": "populations",
    "mediation-places": "mediation_places",
    "france-services": "france_services",
    "libraries": "libraries",
    **_series.PARSERS,
}
"""Dataset kind → the module of :mod:`trajectoires.indicators.formats` whose ``parse``
reads its files: one line per importable dataset (``data import KIND`` offers exactly
these kinds). Datasets without a line (the reference of places, derived values) are
not imported from a file."""

KINDS: tuple[str, ...] = tuple(kind for kind in DATASETS if kind in PARSERS)
"""Kinds ``trajectoires data import`` accepts: the datasets that have a parser."""


class UnknownIndicatorError(KeyError):
    """An indicator id is not in the catalogue."""

    def __str__(self) -> str:
        return str(self.args[0])


def find(indicator_id: str) -> Indicator:
    """Return the indicator ``indicator_id`` or raise a French error.

    >>> find("insee_part_65p").label
    'Part des 65 ans ou plus'
    >>> find("fibre")
    Traceback (most recent call last):
    ...
    trajectoires.indicators.catalogue.UnknownIndicatorError: Indicateur inconnu : « fibre ».
    """
    try:
        return INDICATORS[indicator_id]
    except KeyError:
        raise UnknownIndicatorError(f"Indicateur inconnu : « {indicator_id} ».") from None


def source_line(indicator_id: str, vintage: str | None = None) -> str:
    """French source of an indicator's values: who, which dataset, which vintage.

    ``vintage`` is the period of the values shown (the store's, or the reference's
    population vintage); without one the line says « non daté ».

    >>> source_line("ftth_taux", "2024-T2")
    'ARCEP, Déploiements du haut et très haut débit fixe (FttH par commune), 2024-T2'
    >>> source_line("france_services_sites")
    'ANCT et Banque des Territoires, Liste des structures France services, non daté'
    >>> print(source_line("share_65_plus", "2021"))
    calcul Trajectoires d'après INSEE, recensement (RP), 2021
    """
    indicator = find(indicator_id)
    dataset = DATASETS[indicator.dataset]
    if indicator.dataset == _derived.DERIVED and not indicator.source.startswith("calcul"):
        origin = f"calcul Trajectoires d'après {indicator.source}"
    else:
        origin = indicator.source or f"{dataset.producer}, {dataset.label}"
    return f"{origin}, {vintage or UNDATED}"


def components(indicator_ids: Iterable[str]) -> list[str]:
    """Return the ids asked for, followed by the counts their ratios are computed from."""
    ids: list[str] = []
    for indicator_id in indicator_ids:
        indicator = find(indicator_id)
        for needed in (indicator.id, indicator.numerator, indicator.denominator):
            if needed and needed not in ids:
                ids.append(needed)
    return ids
