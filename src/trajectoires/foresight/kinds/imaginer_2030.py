"""Imaginer 2030: a backcasting workshop.

« Nous sommes en octobre 2030, comment sommes-nous arrivés là ? » Participants
describe a desirable future, then work back from it to today:

1. **Vision** — headlines from the future (« titres du futur »), dated in the horizon
   year, each with a short story;
2. **Chemin à rebours** — milestones placed between today and the horizon, each
   leading to one or more headlines (what had to be true before?), with the drivers
   and obstacles (« moteurs et freins ») tagged by PESTLE category;
3. **Cibles** — targets on the territory's indicators, the baseline taken from the
   data of the workshop's territory;
4. **Priorités** — dot voting over headlines, milestones and targets.

The rules across fields (dates within the horizon, baselines) are in
:mod:`._imaginer_checks`; the demo workshop in :mod:`._imaginer_demo`.

Notes
-----
Backcasting: J. B. Robinson, « Futures under glass », *Futures* 22 (8), 1990; the
GO-Science backcasting worksheet (2024); Transition Network's EDAP (« Transition
Tales », timeline of milestones with indicators).

Examples
--------
>>> [phase.key for phase in KIND.phases]
['draft', 'vision', 'rebours', 'cibles', 'priorites', 'closed']
>>> KIND.phase("rebours").contribution_types
('milestone', 'factor')
>>> [t.key for t in KIND.contribution_types if t.prioritizable]
['headline', 'milestone', 'target']
>>> KIND.contribution_type("target").field("indicator").choice_label("ftth_taux")
'Part des locaux raccordables à la fibre (FttH)'

"""

from __future__ import annotations

from trajectoires.foresight.kinds import _imaginer_checks as checks
from trajectoires.foresight.kinds._imaginer_demo import build_demo
from trajectoires.foresight.kinds.manifest import (
    DRAFT,
    ContributionType,
    Field,
    Phase,
    Production,
    WorkshopKind,
)
from trajectoires.indicators.catalogue import DATASETS, INDICATORS

__all__ = [
    "CATEGORIES",
    "FACTOR",
    "HEADLINE",
    "KIND",
    "MILESTONE",
    "PESTLE",
    "ROLES",
    "TARGET",
]

TITLE_MAX = 140
CATEGORIES = (("technologique", "Technologique"), ("culturel", "Culturel"),
              ("comportemental", "Comportemental"))
"""Categories of a milestone (roadmap canvas: technological, cultural, behavioural)."""
ROLES = (("moteur", "Moteur"), ("frein", "Frein"))
PESTLE = (("politique", "Politique"), ("économique", "Économique"), ("social", "Social"),
          ("technologique", "Technologique"), ("environnemental", "Environnemental"),
          ("juridique", "Juridique"))
"""The six PESTLE categories of drivers and obstacles."""
INDICATOR_CHOICES = tuple(sorted(
    ((key, indicator.label) for key, indicator in INDICATORS.items()
     if DATASETS[indicator.dataset].parser is not None),
    key=lambda choice: INDICATORS[choice[0]].unit != "%",
))
"""Indicators of the catalogue's imported datasets (a target's baseline is read from the
store), by key, shares first (the usual targets), then counts."""

HEADLINE = ContributionType(
    "headline",
    "Titre du futur",
    (
        Field("title", "Titre", required=True, max_length=TITLE_MAX,
              help="Le titre d'un journal de 2030, par exemple « Le bourg a sa maison "
                   "numérique »."),
        Field("story", "Récit", "longtext", max_length=1500,
              help="Nous sommes en octobre 2030… Racontez en quelques lignes."),
        Field("date", "Date", "month",
              help="Un mois de l'année de l'horizon (par défaut, l'horizon)."),
    ),
    title_field="title",
    plural="titres du futur",
    prioritizable=True,
    check=checks.check_headline,
)

MILESTONE = ContributionType(
    "milestone",
    "Jalon",
    (
        Field("title", "Jalon", required=True, max_length=TITLE_MAX,
              help="Ce qui a dû être vrai avant, par exemple « Un tiers-lieu ouvre »."),
        Field("description", "Description", "longtext", max_length=1000),
        Field("date", "Date", "month", required=True,
              help="Un mois entre aujourd'hui et l'horizon."),
        Field("leads_to", "Mène au titre", "refs", required=True, ref_types=("headline",),
              help="Le ou les titres du futur que ce jalon rend possibles."),
        Field("precedes", "Rend possible le jalon", "refs", ref_types=("milestone",),
              help="Les jalons qui viennent après lui et en dépendent."),
        Field("category", "Catégorie", "choice", choices=CATEGORIES),
    ),
    title_field="title",
    plural="jalons",
    prioritizable=True,
    check=checks.check_milestone,
)

FACTOR = ContributionType(
    "factor",
    "Moteur ou frein",
    (
        Field("title", "Moteur ou frein", required=True, max_length=TITLE_MAX),
        Field("role", "Rôle", "choice", required=True, choices=ROLES),
        Field("pestle", "Catégorie PESTLE", "choice", required=True, choices=PESTLE),
        Field("milestones", "Jalons concernés", "refs", ref_types=("milestone",)),
    ),
    title_field="title",
    plural="moteurs et freins",
)

TARGET = ContributionType(
    "target",
    "Cible",
    (
        Field("indicator", "Indicateur", "choice", required=True, choices=INDICATOR_CHOICES,
              choice_error="imaginer_unknown_indicator",
              help="Un indicateur du catalogue ; sa valeur actuelle sur le territoire est "
                   "reprise des données."),
        Field("target_value", "Valeur visée", "number", required=True),
        Field("target_date", "Échéance", "month", help="Par défaut, l'horizon."),
        Field("why", "Pourquoi", "longtext", max_length=1000),
        Field("baseline_value", "Valeur actuelle", "number", computed=True),
        Field("baseline_period", "Millésime", computed=True),
        Field("baseline_source", "Source", computed=True),
        Field("summary", "Cible", computed=True),
    ),
    title_field="summary",
    plural="cibles",
    prioritizable=True,
    check=checks.check_target,
)

ALL_VIEWS = ("wall", "timeline", "targets", "ranking")

KIND = WorkshopKind(
    key="imaginer-2030",
    label="Imaginer 2030",
    description=(
        "Atelier de prospective à rebours : « Nous sommes en octobre 2030, comment "
        "sommes-nous arrivés là ? ». Titres du futur, chemin de jalons jusqu'à "
        "aujourd'hui, cibles chiffrées sur les indicateurs du territoire, priorités."
    ),
    phases=(
        DRAFT,
        Phase("vision", "Vision", contribution_types=("headline",), shows=("wall",),
              prompt="Nous sommes en octobre 2030. Quels titres lit-on dans la presse du "
                     "territoire ? Écrivez un titre du futur et racontez-le en quelques "
                     "lignes."),
        Phase("rebours", "Chemin à rebours", contribution_types=("milestone", "factor"),
              shows=("timeline", "wall"),
              prompt="Qu'a-t-il fallu qui soit vrai avant ? Remontez de l'horizon à "
                     "aujourd'hui : placez les jalons, puis les moteurs et les freins."),
        Phase("cibles", "Cibles", contribution_types=("target",),
              shows=("targets", "timeline"),
              prompt="Quelles valeurs des indicateurs du territoire diront que nous y "
                     "sommes arrivés ? Fixez une cible et dites pourquoi."),
        Phase("priorites", "Priorités", points=True, shows=("ranking", "wall", "targets"),
              prompt="Répartissez vos points sur les titres, les jalons et les cibles "
                     "qui comptent le plus pour vous."),
        Phase("closed", "Clos", accepts_participants=False, shows=ALL_VIEWS),
    ),
    contribution_types=(HEADLINE, MILESTONE, FACTOR, TARGET),
    settings={"horizon": checks.DEFAULT_HORIZON, "points": checks.DEFAULT_POINTS,
              "premoderation": False},
    clean_settings=checks.clean_settings,
    demo=build_demo,
    order=10,
    productions=(
        Production("headlines", "Titres du futur", types=("headline",)),
        Production("timeline", "Chemin à rebours : la frise", view="timeline",
                   types=("milestone",)),
        Production("factors", "Moteurs et freins", types=("factor",)),
        Production("targets", "Cibles", types=("target",)),
    ),
)
