"""The JSON API of Construire 2030: its roadmap, speakers and starting point.

- ``GET /api/v1/workshops/{slug}/roadmap``: actors with their means and speakers'
  pseudonyms, actions with owner, partners, dates and instrument, milestones,
  commitments and dependencies (visible contributions only);
- ``POST …/speakers`` and ``POST …/start-from`` (the facilitator, ``X-CSRF-Token``):
  who speaks for an actor (and so may commit it), and the copy of an Imaginer 2030 of
  the same territory (:mod:`trajectoires.foresight.kinds._construire_service`).
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends
from pydantic import BaseModel, Field

from trajectoires.foresight import access
from trajectoires.foresight.kinds._construire_roadmap import Means, roadmap
from trajectoires.foresight.kinds._construire_service import set_speaker, start_from
from trajectoires.foresight.kinds.construire_2030 import KEY
from trajectoires.foresight.workshops import WorkshopView
from trajectoires.web.workshops.csrf import require_csrf_header
from trajectoires.web.workshops.deps import MAX_ID, DbSession, FacilitatorId, Hub
from trajectoires.web.workshops.events import publish_status

__all__ = ["RoadmapOut", "SpeakerOut", "StartOut", "router"]

router = APIRouter(prefix="/api/v1/workshops", tags=["ateliers"])
WRITE = [Depends(require_csrf_header)]
ERRORS = {
    403: {"description": "Pas l'animateur de l'atelier, ou jeton CSRF absent"},
    404: {"description": "Atelier, participant ou atelier de départ introuvable"},
    409: {"description": "Atelier clos, ou déjà parti d'un atelier"},
    422: {"description": "Donnée invalide (message en français)"},
}
RowId = Annotated[int, Field(ge=1, le=MAX_ID)]


class MeansOut(BaseModel):
    """Means an actor brings (or all actors together)."""

    people: int = Field(description="Personnes mobilisables")
    budget_eur: float = Field(description="Budget en euros")
    places: int = Field(description="Lieux mis à disposition")


class ActorOut(BaseModel):
    """An actor of the workshop."""

    id: int
    name: str
    actor_type: str = Field(examples=["collectivite"])
    type_label: str = Field(examples=["Collectivité"])
    description: str
    means: MeansOut
    data: str
    skills: str
    speakers: list[str] = Field(description="Pseudonymes des personnes qui parlent pour lui")


class ActionOut(BaseModel):
    """An action, in its owner's lane."""

    id: int
    title: str
    owner_id: int
    partner_ids: list[int]
    start: str = Field(examples=["2026-01"], description="Mois de début (AAAA-MM)")
    end: str = Field(examples=["2027-06"], description="Mois de fin (AAAA-MM)")
    instrument: str = Field(examples=["preuve-de-concept"])
    instrument_label: str
    serves: list[int] = Field(description="Jalons, cibles ou titres du futur servis")
    after: list[int] = Field(description="Actions qui doivent la précéder")


class MilestoneOut(BaseModel):
    """A dated milestone."""

    id: int
    title: str
    date: str = Field(examples=["2028-06"])
    category: str | None


class CommitmentOut(BaseModel):
    """An actor's commitment on an action."""

    id: int
    action_id: int
    actor_id: int
    what: str
    by: str = Field(examples=["2027-01"])


class DependencyOut(BaseModel):
    """The action ``before`` must come before the action ``after``."""

    before: int
    after: int


class RoadmapOut(BaseModel):
    """The roadmap of a Construire 2030 workshop."""

    slug: str
    horizon: str = Field(examples=["2030-10"])
    start: str = Field(description="Début de l'axe du temps (AAAA-MM-JJ)")
    totals: MeansOut
    actors: list[ActorOut]
    actions: list[ActionOut]
    milestones: list[MilestoneOut]
    commitments: list[CommitmentOut]
    dependencies: list[DependencyOut]
    svg: str = Field(description="Adresse du dessin SVG de la feuille de route")


@router.get("/{slug}/roadmap", response_model=RoadmapOut,
            responses={404: {"description": "Atelier introuvable"}})
def read_roadmap(slug: str, session: DbSession, facilitator: FacilitatorId) -> RoadmapOut:
    """Roadmap of a Construire 2030: actors and their means, actions, commitments, links."""
    workshop = access.visible_workshop(session, slug, facilitator, kind=KEY)
    plan = roadmap(session, workshop)

    def means(m: Means) -> MeansOut:
        return MeansOut(people=m.people, budget_eur=m.budget_eur, places=m.places)

    return RoadmapOut(
        slug=workshop.slug, horizon=plan.horizon, start=plan.start.isoformat(),
        totals=means(plan.totals),
        actors=[ActorOut(**{**a.__dict__, "means": means(a.means),
                            "speakers": list(a.speakers)}) for a in plan.actors],
        actions=[ActionOut(id=a.id, title=a.title, owner_id=a.owner_id,
                           partner_ids=list(a.partner_ids), start=a.start, end=a.end,
                           instrument=a.instrument, instrument_label=a.instrument_label,
                           serves=list(a.serves), after=plan.before(a.id))
                 for a in plan.actions],
        milestones=[MilestoneOut(**m.__dict__) for m in plan.milestones],
        commitments=[CommitmentOut(id=c.id, action_id=c.action_id, actor_id=c.actor_id,
                                   what=c.what, by=c.by) for c in plan.commitments],
        dependencies=[DependencyOut(before=b, after=a) for b, a in plan.dependencies],
        svg=f"/ateliers/{workshop.slug}/feuille-de-route.svg",
    )


class SpeakerIn(BaseModel):
    """The participant who speaks for an actor (null: for none)."""

    participant_id: RowId
    actor_id: RowId | None


class SpeakerOut(BaseModel):
    """A participant and the actor they speak for."""

    participant_id: int
    pseudonym: str
    actor_id: int | None


class StartIn(BaseModel):
    """The Imaginer 2030 (its slug) of the same territory to start from."""

    source: str = Field(max_length=200, examples=["imaginer-le-finistere"])


class StartOut(BaseModel):
    """The copy: the source and how many contributions of each type were copied."""

    source: str
    counts: dict[str, int] = Field(examples=[{"headline": 3, "milestone": 5, "target": 2}])
    copied: dict[int, int] = Field(description="Id de chaque copie, par id d'origine")


def _owned(session: DbSession, slug: str, facilitator: int | None) -> WorkshopView:
    return access.own_workshop(session, slug, facilitator, kind=KEY)  # type: ignore[arg-type]


@router.post("/{slug}/speakers", response_model=SpeakerOut, dependencies=WRITE,
             responses=ERRORS)
def designate_speaker(slug: str, body: SpeakerIn, *, session: DbSession,
                      facilitator: FacilitatorId) -> SpeakerOut:
    """Designate who speaks for an actor, and so may commit it (the facilitator only)."""
    workshop = _owned(session, slug, facilitator)
    speaker = set_speaker(session, workshop.facilitator_id, workshop.id, body.participant_id,
                          body.actor_id)
    return SpeakerOut(participant_id=speaker.participant_id, pseudonym=speaker.pseudonym,
                      actor_id=speaker.actor_id)


@router.post("/{slug}/start-from", response_model=StartOut, dependencies=WRITE,
             responses=ERRORS)
def start_from_imaginer(slug: str, body: StartIn, *, session: DbSession, hub: Hub,
                        facilitator: FacilitatorId) -> StartOut:
    """Copy the headlines, milestones and targets of an Imaginer 2030 (the facilitator only)."""
    workshop = _owned(session, slug, facilitator)
    outcome = start_from(session, workshop.facilitator_id, workshop.id, body.source)
    publish_status(hub, outcome.workshop)  # pages reload with the copies
    return StartOut(source=outcome.source.slug, counts=outcome.counts, copied=outcome.copied)
