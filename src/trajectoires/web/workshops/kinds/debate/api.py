"""``GET /api/v1/workshops/{slug}/opinions``: the opinion groups of a debate, as JSON.

Participants appear under an opaque id per workshop (not their pseudonym nor their
database id): see :mod:`trajectoires.foresight.kinds.debate.opinions`.
"""

from __future__ import annotations

from datetime import datetime

from fastapi import APIRouter
from pydantic import BaseModel, Field

from trajectoires.foresight import access
from trajectoires.web.workshops.deps import DbSession, FacilitatorId
from trajectoires.web.workshops.kinds.debate.service import Opinions

__all__ = ["OpinionsOut", "router"]

router = APIRouter(prefix="/api/v1/workshops", tags=["ateliers"])


class PositionOut(BaseModel):
    """A participant on the opinion map."""

    id: str = Field(description="Identifiant opaque, propre à l'atelier (pas le pseudonyme)")
    x: float
    y: float
    group: str | None = Field(description="Lettre du groupe, ou null hors des groupes")


class PickOut(BaseModel):
    """A statement selected by the analysis, with its direction."""

    statement_id: int
    text: str
    direction: str = Field(description="agree, disagree, split (qui divise) ou pass")
    percent: int = Field(description="Probabilité de cette réponse, en %")


class GroupOut(BaseModel):
    """An opinion group and the statements that characterise it."""

    id: str = Field(examples=["A"])
    size: int
    center: list[float]
    representative: list[PickOut]


class ThresholdsOut(BaseModel):
    """When groups are shown: this many participants with this many votes each."""

    min_votes: int = Field(examples=[7])


class OpinionsOut(BaseModel):
    """Latest opinion analysis of a debate (recomputed after batches of votes)."""

    version: int = Field(description="Numéro du calcul dans ce processus serveur")
    computed_at: datetime
    duration_ms: float
    ready: bool = Field(description="Assez de votes pour former des groupes")
    thresholds: ThresholdsOut
    n_votes: int
    n_participants: int
    n_statements: int
    participants: list[PositionOut]
    groups: list[GroupOut]
    consensus: list[PickOut]
    divisive: list[PickOut]
    uncertain: list[PickOut]


@router.get("/{slug}/opinions", response_model=OpinionsOut,
            responses={404: {"description": "Atelier introuvable"}})
def read_opinions(
    slug: str, session: DbSession, opinions: Opinions, facilitator: FacilitatorId
) -> OpinionsOut:
    """Opinion map, groups, consensus, divisive and uncertain statements of the debate."""
    workshop = access.visible_workshop(session, slug, facilitator, kind="debate")
    snap = opinions.latest(workshop.id)
    return OpinionsOut(
        version=snap.version, computed_at=snap.computed_at, duration_ms=snap.duration_ms,
        ready=snap.ready, thresholds=ThresholdsOut(min_votes=snap.params.min_votes),
        n_votes=snap.n_votes, n_participants=snap.n_participants,
        n_statements=snap.n_statements, **snap.data,
    )
