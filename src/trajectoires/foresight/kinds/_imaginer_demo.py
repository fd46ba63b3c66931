"""The example workshop of Imaginer 2030, built by ``trajectoires demo``.

It runs a small workshop through its phases with the services, as a facilitator and
four participants would: two tables, three headlines, milestones back to today,
drivers and obstacles, targets, and points spread — ending in the « Priorités »
phase so that every view has something to show. The workshop is marked
``example=True`` and every pseudonym starts with « Exemple ».

Milestone dates are placed between the current month and the horizon, so the demo
is valid whatever day it is built.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any

from trajectoires.foresight.kinds._imaginer_checks import DEFAULT_HORIZON, current_month

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from trajectoires.foresight.contributions import Lookups
    from trajectoires.foresight.workshops import TerritoryLike, WorkshopView

__all__ = ["build_demo"]

KEY = "imaginer-2030"
HEADLINES = (
    ("Le dernier hameau raccordé à la fibre fête l'événement",
     "Nous sommes en octobre 2030. Le dernier hameau du territoire vient d'être raccordé : "
     "plus aucun foyer n'attend le très haut débit."),
    ("Plus personne ne fait ses démarches seul",
     "Nous sommes en octobre 2030. Chaque commune a un lieu où l'on vous aide à faire vos "
     "démarches en ligne, à moins de vingt minutes de chez vous."),
    ("Les habitants gèrent ensemble les données du territoire",
     "Nous sommes en octobre 2030. Un collectif d'habitants, d'agents et d'entreprises "
     "décide de ce que l'on ouvre et de ce que l'on protège."),
)
# (title, fraction of the way from today to the horizon, category, headlines, precedes)
MILESTONES = (
    ("Le schéma départemental des usages numériques est voté", 0.1, "culturel", (0, 1, 2), ()),
    ("Un conseiller numérique dans chaque maison France Services", 0.3, "comportemental",
     (1,), ()),
    ("Le réseau de fibre couvre 95 % des locaux", 0.6, "technologique", (0,), ()),
    ("Une charte des données du territoire est signée", 0.5, "culturel", (2,), ()),
)
FACTORS = (
    ("Les financements du plan France Très Haut Débit", "moteur", "économique", (2,)),
    ("La pénurie de techniciens pour les raccordements", "frein", "social", (2,)),
    ("La loi pour une République numérique (ouverture des données)", "moteur", "juridique",
     (3,)),
)
TARGETS = (
    ("ftth_taux", 98.0, "Pour que personne ne reste à l'écart du très haut débit."),
    ("france_services_sites", 30.0, "Un lieu d'accompagnement près de chez soi."),
)


def _horizon(today: date) -> str:
    """Return the default horizon, or October four years on once it has passed."""
    if current_month(today) < DEFAULT_HORIZON:
        return DEFAULT_HORIZON
    return f"{today.year + 4}-10"


def _month_between(start: str, end: str, fraction: float) -> str:
    first = int(start[:4]) * 12 + int(start[5:]) - 1
    last = int(end[:4]) * 12 + int(end[5:]) - 1
    month = first + round((last - first) * fraction)
    return f"{month // 12:04d}-{month % 12 + 1:02d}"


def _post(session: Session, who: Any, kind: str, payload: dict, lookups: Lookups) -> int:  # noqa: ANN401
    from trajectoires.foresight.contributions import Author, post_contribution

    author = Author(participant_id=who.id, workshop_id=who.workshop_id)
    return post_contribution(session, who.workshop_id, author, kind, payload,
                             lookups=lookups).id


def _people(session: Session, workshop: WorkshopView, facilitator_id: int) -> list[Any]:
    """Four example participants at two tables."""
    from trajectoires.foresight import facilitation, participation

    state = facilitation.create_tables(session, facilitator_id, workshop.id,
                                       ["Table Nord", "Table Sud"])
    tables = [table.id for table in state.tables]
    people = []
    for index, name in enumerate(("Exemple · Léa", "Exemple · Yann", "Exemple · Nour",
                                  "Exemple · Gaël")):
        joined = participation.join_workshop(session, workshop.join_code, name)
        facilitation.seat_participant(session, facilitator_id, workshop.id,
                                      joined.participant.id, tables[index % 2])
        people.append(joined.participant)
    return people


def build_demo(
    session: Session, facilitator_id: int, territory: TerritoryLike, *,
    lookups: Lookups | None = None, today: date | None = None,
) -> WorkshopView:
    """Create the example Imaginer 2030 workshop of ``territory`` and return it.

    The workshop ends in the « Priorités » phase, marked ``example=True``.
    """
    from trajectoires.foresight.contributions import Lookups
    from trajectoires.foresight.priorities import allocate_points
    from trajectoires.foresight.workshops import create_workshop, set_phase

    lookups = lookups or Lookups()
    today = today or date.today()
    horizon = _horizon(today)
    workshop = create_workshop(
        session, facilitator_id, territory, f"Exemple — Imaginer 2030 ({territory.name})",
        "Nous sommes en octobre 2030, comment sommes-nous arrivés là ?", kind=KEY,
        settings={"horizon": horizon}, example=True,
    )
    set_phase(session, facilitator_id, workshop.slug, "vision")
    people = _people(session, workshop, facilitator_id)
    headlines = [_post(session, people[i % 4], "headline", {"title": t, "story": s}, lookups)
                 for i, (t, s) in enumerate(HEADLINES)]
    set_phase(session, facilitator_id, workshop.slug, "rebours")
    start = current_month(today)
    milestones: list[int] = []
    for i, (title, fraction, category, leads, _) in enumerate(MILESTONES):
        payload = {"title": title, "date": _month_between(start, horizon, fraction),
                   "category": category, "leads_to": [headlines[j] for j in leads]}
        milestones.append(_post(session, people[i % 4], "milestone", payload, lookups))
    for i, (title, role, pestle, linked) in enumerate(FACTORS):
        payload = {"title": title, "role": role, "pestle": pestle,
                   "milestones": [milestones[j] for j in linked]}
        _post(session, people[(i + 1) % 4], "factor", payload, lookups)
    set_phase(session, facilitator_id, workshop.slug, "cibles")
    targets = [_post(session, people[i % 4], "target",
                     {"indicator": ind, "target_value": value, "why": why}, lookups)
               for i, (ind, value, why) in enumerate(TARGETS)]
    workshop = set_phase(session, facilitator_id, workshop.slug, "priorites")
    spread = ((headlines[0], 4), (milestones[2], 3), (targets[0], 2), (headlines[1], 1))
    for index, person in enumerate(people):
        for contribution_id, points in spread[index % 2:]:
            allocate_points(session, workshop.id, person.id, contribution_id, points)
    return workshop
