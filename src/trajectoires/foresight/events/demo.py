"""The example event of the demo: a foresight day whose programme holds the example workshops.

Created once (``example=True``); its title, speakers and organisers say « Exemple », so
that nobody takes the simulated content for a real day. Its date is four weeks after
the day the demo first ran, so the page shows an event to come.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, time, timedelta
from typing import TYPE_CHECKING

from sqlalchemy import select
from sqlalchemy.orm import Session

from trajectoires.foresight.events._input import PARIS
from trajectoires.foresight.events.models import Event
from trajectoires.foresight.events.programme import ItemInput, add_talk, link_workshop
from trajectoires.foresight.events.service import EventInput, create_event, get_event
from trajectoires.foresight.events.views import EventView
from trajectoires.foresight.workshops import TerritoryLike, WorkshopView

if TYPE_CHECKING:
    from trajectoires.territory import Reference

__all__ = ["ensure_demo_event"]

_TALKS = (
    ("09:30", "10:00", "Ouverture : le numérique dans le territoire en chiffres",
     "Exemple — Intervenante", "Exemple — Conseil départemental",
     "Présentation du diagnostic numérique : indice de fragilité, accès aux lieux de "
     "médiation, inégalités entre communes (contenu simulé)."),
    ("10:00", "10:30", "Témoignage : une maison France Services itinérante",
     "Exemple — Intervenant", "Exemple — Communauté de communes",
     "Ce qui a marché, ce qui reste à faire (contenu simulé)."),
)
_WORKSHOP_TIMES = (("10:45", "12:30"), ("14:00", "16:00"), ("16:00", "17:00"))
_CLOSING = ("17:00", "17:30", "Clôture : ce que nous retenons de la journée",
            "Exemple — Animatrice", "Exemple — Trajectoires",
            "Synthèse des ateliers et suites données (contenu simulé).")


def _at(day: date, hour: str) -> datetime:
    return datetime.combine(day, time.fromisoformat(hour), tzinfo=PARIS)


def _talk(session: Session, facilitator_id: int, slug: str, day: date, talk: tuple) -> None:
    start, end, title, speaker, organisation, summary = talk
    add_talk(session, facilitator_id, slug, ItemInput(
        title, speaker, organisation, summary, _at(day, start), _at(day, end)))


def ensure_demo_event(session: Session, facilitator_id: int, territory: TerritoryLike,
                      workshops: Sequence[WorkshopView], *, today: date | None = None,
                      reference: Reference | None = None) -> EventView:
    """Return the example event, created with the example ``workshops`` if there is none yet."""
    with session.begin():
        existing = session.scalar(select(Event.slug).where(Event.example.is_(True))
                                  .order_by(Event.id).limit(1))
    if existing is not None:
        return get_event(session, existing, facilitator_id).event
    day = (today or date.today()) + timedelta(days=28)
    event = create_event(session, facilitator_id, territory, EventInput(
        title="Exemple — Journée « Transitions, territoires et numérique »",
        starts_at=_at(day, "09:00"), ends_at=_at(day, "17:30"),
        place="Exemple — Salle des fêtes, place de la Mairie",
        summary=("Événement d'exemple de la démonstration : son programme et ses intervenants "
                 "sont simulés. Une journée pour partager le diagnostic numérique du territoire, "
                 "imaginer 2030 et construire le chemin pour y arriver."),
        organisers=["Exemple — Conseil départemental", "Exemple — Réseau des médiateurs"],
        partners=["Exemple — Association d'éducation populaire"],
        preparation="Lisez le résumé des données du territoire plus bas avant de venir.",
        links=[{"label": "Programme Société Numérique (ANCT)",
                "url": "https://societenumerique.gouv.fr/"}]), example=True, reference=reference)
    for talk in _TALKS:
        _talk(session, facilitator_id, event.slug, day, talk)
    for workshop, (start, end) in zip(workshops, _WORKSHOP_TIMES, strict=False):
        link_workshop(session, facilitator_id, event.slug, workshop.slug,
                      starts_at=_at(day, start), ends_at=_at(day, end))
    _talk(session, facilitator_id, event.slug, day, _CLOSING)
    return event
