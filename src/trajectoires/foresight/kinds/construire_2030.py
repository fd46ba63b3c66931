"""Construire 2030: « un groupe d'acteurs se met en chemin avec ses moyens ».

The roadmap workshop of the afternoon of 11 February 2015 (Fing × CGET), after the
GO-Science roadmapping worksheet and the roadmap canvas (``FORESIGHT.md`` §4.2):
the actors in the room say what they bring (people, budget, places, data, skills),
plan actions with an owner, partners, dates and the governance instrument each uses,
commit themselves, then link the actions into a roadmap to the horizon.

It may follow an Imaginer 2030 of the same territory: the facilitator then starts from
its headlines, milestones and targets (:func:`~._construire_service.start_from`), which
the actions serve. The field names of those types are the Imaginer ones, so the copy is
direct.

Phases: ``draft`` → ``acteurs`` → ``actions`` → ``engagements`` → ``feuille-de-route``
→ ``closed``. Rules across fields and rows are in :mod:`._construire_checks`; the
services (speakers, starting point, roadmap, demo) in :mod:`._construire_service`.

Examples
--------
>>> [phase.key for phase in KIND.phases]
['draft', 'acteurs', 'actions', 'engagements', 'feuille-de-route', 'closed']
>>> clean_settings({"horizon": "2031-06", "source_workshop": ""})
{'horizon': '2031-06', 'source_workshop': None}

"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any

from trajectoires.foresight.errors import InvalidInputError
from trajectoires.foresight.kinds import imaginer_2030 as imaginer
from trajectoires.foresight.kinds._construire_checks import (
    DEFAULT_HORIZON,
    check_action,
    check_commitment,
    check_dependency,
    speak_for_posted_actor,
)
from trajectoires.foresight.kinds.manifest import (
    CLOSED,
    DRAFT,
    ContributionType,
    Export,
    Field,
    Phase,
    Production,
    WorkshopKind,
)

__all__ = [
    "ACTOR_TYPES",
    "INSTRUMENTS",
    "KEY",
    "KIND",
    "SOURCE_KIND",
    "SOURCE_TYPES",
    "clean_settings",
]

KEY = "construire-2030"
SOURCE_KIND = "imaginer-2030"
SOURCE_TYPES = ("headline", "milestone", "target")
"""Types copied from an Imaginer 2030 when starting from it, in this order."""

ACTOR_TYPES = (
    ("collectivite", "Collectivité"),
    ("etat", "État"),
    ("entreprise", "Entreprise"),
    ("association", "Association"),
    ("campus-ecole", "Campus, école"),
    ("habitants", "Habitants"),
    ("autre", "Autre"),
)
INSTRUMENTS = (
    ("commission-consultative", "Commission consultative"),
    ("strategie-regionale", "Stratégie régionale"),
    ("preuve-de-concept", "Preuve de concept"),
    ("plateforme-de-services", "Plateforme de services"),
    ("mutualisation-de-ressources", "Mutualisation de ressources"),
    ("commande-publique", "Commande publique"),
    ("ouverture-de-donnees", "Ouverture de données"),
    ("autre", "Autre"),
)
"""Governance instruments an action uses (the seed brief's, plus data and procurement)."""

_SLUG = re.compile(r"^[a-z0-9][a-z0-9-]{0,79}$")
_MONTH = re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$")

# -- types copied from Imaginer 2030: its definitions, so the copy is direct ------------------
HEADLINE = replace(imaginer.HEADLINE, prioritizable=False)
MILESTONE = replace(
    imaginer.MILESTONE, prioritizable=False,
    fields=tuple(replace(f, required=False) if f.name == "leads_to" else f
                 for f in imaginer.MILESTONE.fields),
)
"""A milestone as in Imaginer 2030 (between today and the horizon), a headline optional."""
TARGET = replace(imaginer.TARGET, prioritizable=False)

# -- the kind's own types ---------------------------------------------------------------------
ACTOR = ContributionType(
    "actor", "Acteur",
    (
        Field("name", "Nom", required=True, max_length=120),
        Field("actor_type", "Type d'acteur", "choice", required=True, choices=ACTOR_TYPES),
        Field("description", "Rôle, description", "longtext", max_length=1000),
        Field("people", "Personnes mobilisables", "integer", minimum=0, maximum=1_000_000),
        Field("budget_eur", "Budget (€)", "number", minimum=0, maximum=1e12),
        Field("places", "Lieux", "integer", minimum=0, maximum=100_000,
              help="Nombre de lieux mis à disposition."),
        Field("data", "Données", max_length=280),
        Field("skills", "Compétences", max_length=280),
    ),
    title_field="name", plural="acteurs", after_post=speak_for_posted_actor,
)
@dataclass(frozen=True)
class _ActionType(ContributionType):
    """An action: its declared fields, plus the quantified effects kept outside them.

    The effects (``payload["effects"]``) and the « et si… ? » switch
    (``payload["trajectory_off"]``) are changed only by :mod:`._construire_effects`; the
    generic store never takes them from a request, and :func:`check_action` puts back
    those the action had.
    """

    def clean(self, payload: Mapping[str, Any]) -> dict[str, Any]:
        """Clean the declared fields; the trajectory's keys are set aside, not refused."""
        if isinstance(payload, Mapping) and any(key in payload for key in _KEPT_OUTSIDE):
            payload = {name: v for name, v in payload.items() if name not in _KEPT_OUTSIDE}
        return super().clean(payload)


_KEPT_OUTSIDE = ("effects", "trajectory_off")


ACTION = _ActionType(
    "action", "Action",
    (
        Field("title", "Action", required=True, max_length=140),
        Field("description", "Description", "longtext", max_length=2000),
        Field("owner", "Porteur", "ref", required=True, ref_types=("actor",)),
        Field("partners", "Partenaires", "refs", ref_types=("actor",)),
        Field("means_used", "Moyens mobilisés", "longtext", max_length=1000),
        Field("start", "Début", "month", required=True),
        Field("end", "Fin", "month", required=True, help="Au plus l'horizon de l'atelier."),
        Field("instrument", "Instrument de gouvernance", "choice", required=True,
              choices=INSTRUMENTS),
        Field("serves", "Sert", "refs", ref_types=("milestone", "target", "headline"),
              help="Les jalons, cibles ou titres du futur que l'action sert."),
    ),
    title_field="title", plural="actions", check=check_action,
)
COMMITMENT = ContributionType(
    "commitment", "Engagement",
    (
        Field("action", "Action", "ref", required=True, ref_types=("action",)),
        Field("actor", "Acteur engagé", "ref", required=True, ref_types=("actor",)),
        Field("what", "Engagement", required=True, max_length=280),
        Field("by", "Échéance", "month", required=True),
    ),
    title_field="what", plural="engagements", check=check_commitment,
)
DEPENDENCY = ContributionType(
    "dependency", "Dépendance",
    (
        Field("before", "Action préalable", "ref", required=True, ref_types=("action",)),
        Field("after", "Action qui en dépend", "ref", required=True, ref_types=("action",)),
        Field("note", "Précision", max_length=280),
        Field("label", "Dépendance", computed=True, max_length=400),
    ),
    title_field="label", plural="dépendances", check=check_dependency,
)


def _clean_horizon(value: Any) -> str:  # noqa: ANN401 (settings are JSON values)
    text = str(value or "").strip()
    match = _MONTH.match(text)
    if not match or not 2000 <= int(match.group(1)) <= 2100:
        raise InvalidInputError("construire_bad_horizon", value=text[:20])
    return text


def _clean_source(value: Any) -> str | None:  # noqa: ANN401
    text = str(value or "").strip()
    if not text:
        return None
    if not _SLUG.match(text):
        raise InvalidInputError("construire_bad_source", value=text[:40])
    return text


def _clean_flag(value: Any) -> bool:  # noqa: ANN401
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in ("1", "true", "on", "oui"):
        return True
    if text in ("0", "false", "off", "non", ""):
        return False
    raise InvalidInputError("construire_bad_premoderation")


_SETTING_CLEANERS = {"horizon": _clean_horizon, "source_workshop": _clean_source,
                     "premoderation": _clean_flag}


def clean_settings(changes: Mapping[str, Any]) -> dict[str, Any]:
    """Check new values of the workshop's options; refuse them with a French message."""
    return {name: _SETTING_CLEANERS[name](value) for name, value in changes.items()
            if name in _SETTING_CLEANERS}


def _demo(*args: Any, **kwargs: Any) -> Any:  # noqa: ANN401 (forwards to the service)
    """Build the example workshop (see :func:`._construire_demo.build_demo`)."""
    from trajectoires.foresight.kinds._construire_demo import build_demo

    return build_demo(*args, **kwargs)


KIND = WorkshopKind(
    key=KEY,
    label="Construire 2030",
    description=(
        "Nous sommes un groupe d'acteurs et nous nous mettons en chemin avec nos moyens : "
        "acteurs, actions, engagements et feuille de route jusqu'à l'horizon."
    ),
    phases=(
        DRAFT,
        Phase("acteurs", "Acteurs", contribution_types=("actor",), shows=("actors",),
              prompt=("Qui est autour de la table ? Présentez l'acteur pour lequel vous parlez "
                      "et les moyens qu'il apporte : personnes, budget, lieux, données, "
                      "compétences.")),
        Phase("actions", "Actions", contribution_types=("action", "milestone"),
              shows=("actors", "actions", "roadmap"),
              prompt=("Que faisons-nous, avec nos moyens, pour servir les jalons et les cibles ? "
                      "Donnez à chaque action un porteur, des partenaires, des dates et "
                      "l'instrument de gouvernance qu'elle mobilise.")),
        Phase("engagements", "Engagements", contribution_types=("commitment",),
              shows=("actions", "commitments", "roadmap"),
              prompt=("Qui s'engage à quoi, et pour quand ? Engagez l'acteur pour lequel vous "
                      "parlez.")),
        Phase("feuille-de-route", "Feuille de route", contribution_types=("dependency",),
              shows=("roadmap", "commitments"),
              prompt=("Quelle action doit précéder quelle autre ? Reliez les actions pour "
                      "tracer la feuille de route jusqu'à l'horizon.")),
        CLOSED,
    ),
    contribution_types=(ACTOR, ACTION, COMMITMENT, DEPENDENCY, HEADLINE, MILESTONE, TARGET),
    exports=(Export("roadmap", "Feuille de route (SVG)", "feuille-de-route.svg",
                    "image/svg+xml"),),
    settings={"horizon": DEFAULT_HORIZON, "source_workshop": None, "premoderation": False},
    clean_settings=clean_settings,
    demo=_demo,
    order=20,
    productions=(
        Production("roadmap", "Feuille de route", view="roadmap"),
        Production("actors", "Acteurs", types=("actor",)),
        Production("actions", "Actions", types=("action",)),
        Production("commitments", "Engagements", types=("commitment",)),
        Production("vision", "Titres du futur, jalons et cibles repris",
                   types=("headline", "milestone", "target")),
    ),
)
