"""The example Construire 2030 of the demo: actors, actions, commitments and a roadmap.

The workshop is marked as an example (``Workshop.example``). When the same facilitator
has an example Imaginer 2030 of the territory, the example starts from it, so its
actions serve that workshop's milestones. In the Finistère (the demo's territory), some
actions carry quantified effects (:data:`EFFECTS`, their assumptions saying they are
invented), so that the trajectory page has something to show.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from trajectoires.foresight.contributions import Author, post_contribution
from trajectoires.foresight.kinds._construire_effects import add_effect
from trajectoires.foresight.kinds._construire_service import start_from
from trajectoires.foresight.kinds.construire_2030 import KEY, SOURCE_KIND
from trajectoires.foresight.models import Workshop
from trajectoires.foresight.workshops import (
    TerritoryLike,
    WorkshopView,
    create_workshop,
    get_workshop,
    set_phase,
)

__all__ = ["build_demo"]

ACTORS = (
    {"name": "Communauté de communes", "actor_type": "collectivite", "people": 4,
     "budget_eur": 120000, "places": 3, "data": "Fréquentation des services publics",
     "skills": "Conduite de projet, marchés publics",
     "description": "Porte la stratégie numérique du territoire."},
    {"name": "Préfecture", "actor_type": "etat", "people": 1, "budget_eur": 60000,
     "skills": "Animation du réseau France Services"},
    {"name": "Médiathèques en réseau", "actor_type": "association", "people": 6, "places": 5,
     "skills": "Médiation numérique, accueil du public"},
    {"name": "Lycée et campus connecté", "actor_type": "campus-ecole", "people": 3, "places": 1,
     "data": "Données d'orientation anonymisées", "skills": "Pédagogie, fabrication numérique"},
)
ACTIONS = (
    ("Diagnostic partagé des usages numériques", 0, (1,), "2026-01", "2026-09",
     "commission-consultative"),
    ("Conseillers numériques itinérants", 0, (2,), "2026-10", "2028-12",
     "mutualisation-de-ressources"),
    ("Tiers-lieu numérique au campus", 3, (0,), "2027-03", "2029-06", "preuve-de-concept"),
    ("Portail unique des démarches", 1, (0,), "2027-01", "2030-06", "plateforme-de-services"),
    ("Ouverture des données de fréquentation", 0, (), "2028-01", "2028-12",
     "ouverture-de-donnees"),
)
COMMITMENTS = (
    (1, 2, "Mettre à disposition trois agents à mi-temps", "2026-10"),
    (2, 3, "Ouvrir le tiers-lieu le samedi", "2027-09"),
    (3, 1, "Cofinancer le portail à hauteur de 60 000 €", "2027-01"),
)
DEPENDENCIES = ((0, 1), (0, 4), (1, 3), (4, 3))
_INVENTED = "Exemple : hypothèse inventée pour la démonstration. "
EFFECTS = {
    1: ({"type": "reach", "communes": ["29024", "29162", "29026"], "people": 1200,
         "year": 2027, "assumption": _INVENTED + "Trois conseillers, 400 personnes chacun "
                                                "par an."},
        {"type": "open-place", "network": "france-services", "commune": "29162", "year": 2027,
         "name": "France Services de Pleyben",
         "assumption": _INVENTED + "La permanence itinérante devient un France Services."}),
    2: ({"type": "open-place", "network": "mediation-places", "commune": "29024",
         "year": 2028, "name": "Tiers-lieu du campus connecté",
         "assumption": _INVENTED + "Ouverture au public à la rentrée 2028."},),
    4: ({"type": "indicator", "indicator": "no_4g_coverage", "change": -2.0,
         "mode": "absolute", "communes": ["29083", "29155"], "year": 2028,
         "assumption": _INVENTED + "Les données de fréquentation guident deux pylônes."},),
}
"""Quantified effects of some example actions (by index), on communes of the Finistère."""


def _example_source(session: Session, facilitator_id: int, territory: TerritoryLike) -> str | None:
    query = select(Workshop.slug).where(
        Workshop.kind == SOURCE_KIND, Workshop.example.is_(True),
        Workshop.facilitator_id == facilitator_id, Workshop.territory_code == territory.code,
        Workshop.territory_kind == str(territory.kind),
    ).order_by(Workshop.id.desc()).limit(1)
    with session.begin():
        return session.scalar(query)


def build_demo(session: Session, facilitator_id: int, territory: TerritoryLike,
               **_options: Any) -> WorkshopView:  # noqa: ANN401 (other kinds' demo options)
    """Create the example Construire 2030 of ``territory`` and return it, at its last phase."""
    created = create_workshop(
        session, facilitator_id, territory, "Construire 2030 (exemple)",
        "Nous sommes un groupe d'acteurs et nous nous mettons en chemin avec nos moyens : "
        "que faisons-nous d'ici octobre 2030 ?", kind=KEY, example=True,
    )
    source = _example_source(session, facilitator_id, territory)
    milestones: list[int] = []
    if source is not None:
        outcome = start_from(session, facilitator_id, created.id, source)
        milestones = sorted(outcome.copied.values())
    author = Author(facilitator_id=facilitator_id)

    def post(type_key: str, payload: dict[str, Any]) -> int:
        return post_contribution(session, created.id, author, type_key, payload).id

    actors = [post("actor", payload) for payload in ACTORS]
    actions = [
        post("action", {"title": title, "owner": actors[owner],
                        "partners": [actors[p] for p in partners], "start": start, "end": end,
                        "instrument": instrument, "serves": milestones[:1]})
        for title, owner, partners, start, end, instrument in ACTIONS
    ]
    for action, actor, what, by in COMMITMENTS:
        post("commitment", {"action": actions[action], "actor": actors[actor], "what": what,
                            "by": by})
    for before, after in DEPENDENCIES:
        post("dependency", {"before": actions[before], "after": actions[after]})
    if (str(territory.kind), territory.code) == ("departement", "29"):
        for index, effects in EFFECTS.items():
            for effect in effects:
                add_effect(session, author, actions[index], effect)
    set_phase(session, facilitator_id, created.slug, "feuille-de-route")
    return get_workshop(session, created.slug)
