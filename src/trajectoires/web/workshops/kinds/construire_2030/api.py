"""``GET /api/v1/workshops/{slug}/roadmap``: the roadmap of a Construire 2030, as JSON.

Actors with their means and speakers' pseudonyms, actions with owner, partners, dates
and instrument, milestones, commitments and dependencies: visible contributions only.
"""

from __future__ import annotations

from fastapi import APIRouter
from pydantic import BaseModel, Field

from trajectoires.foresight import access
from trajectoires.foresight.kinds._construire_roadmap import Means, roadmap
from trajectoires.foresight.kinds.construire_2030 import KEY
from trajectoires.web.workshops.deps import DbSession, FacilitatorId

__all__ = ["RoadmapOut", "router"]

router = APIRouter(prefix="/api/v1/workshops", tags=["ateliers"])


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
