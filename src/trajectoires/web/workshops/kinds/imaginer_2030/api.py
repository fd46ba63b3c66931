"""``GET /api/v1/workshops/{slug}/timeline``: the backcasting timeline of an Imaginer 2030, as JSON.

The same content as the timeline image (``/ateliers/{slug}/frise.svg``): headlines
at the horizon, milestones from the latest back to today, drivers and obstacles.
"""

from __future__ import annotations

from datetime import date

from fastapi import APIRouter
from pydantic import BaseModel, Field

from trajectoires.foresight import access
from trajectoires.web.workshops.deps import DbSession, FacilitatorId
from trajectoires.web.workshops.kinds.imaginer_2030.views import KEY, board, timeline_json

__all__ = ["TimelineOut", "router"]

router = APIRouter(prefix="/api/v1/workshops", tags=["ateliers"])


class HeadlineOut(BaseModel):
    """A headline from the future."""

    id: int
    title: str
    story: str
    date: str | None = Field(description="Mois du titre (AAAA-MM), dans l'année de l'horizon")


class MilestoneOut(BaseModel):
    """A milestone on the way back from the horizon to today."""

    id: int
    title: str
    description: str
    date: str = Field(description="Mois du jalon (AAAA-MM)")
    category: str | None = Field(description="technologique, culturel, comportemental ou null")
    leads_to: list[int] = Field(description="Titres du futur auxquels il mène")
    precedes: list[int] = Field(description="Jalons qu'il rend possibles")
    factors: list[int] = Field(description="Moteurs et freins qui le concernent")


class FactorOut(BaseModel):
    """A driver (moteur) or an obstacle (frein), with its PESTLE category."""

    id: int
    title: str
    role: str = Field(description="moteur ou frein")
    pestle: str = Field(description="politique, économique, social, technologique, "
                                    "environnemental ou juridique")
    milestones: list[int]


class TimelineOut(BaseModel):
    """The backcasting timeline of an Imaginer 2030 workshop (visible contributions)."""

    horizon: str = Field(examples=["2030-10"])
    today: date
    headlines: list[HeadlineOut]
    milestones: list[MilestoneOut] = Field(description="Du plus tardif au plus proche")
    factors: list[FactorOut]


@router.get("/{slug}/timeline", response_model=TimelineOut,
            responses={404: {"description": "Atelier introuvable (ou d'un autre type)"}})
def read_timeline(slug: str, session: DbSession, facilitator: FacilitatorId) -> TimelineOut:
    """Headlines, milestones (latest first) and drivers / obstacles of an Imaginer 2030."""
    workshop = access.visible_workshop(session, slug, facilitator, kind=KEY)
    return TimelineOut(**timeline_json(board(session, workshop)))
