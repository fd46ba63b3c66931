"""Contributions of every kind through the JSON API: read, post, edit, moderate, points.

Under ``/api/v1/workshops/{slug}/contributions``. Each write takes the session's CSRF
token in ``X-CSRF-Token`` and acts as the workshop's facilitator (the browser session)
or as the participant of this browser (the participant cookie), in that order. The
services decide what each may do (phase, lock, author, budget) and refuse with a
French message; contributions, edits and points are throttled
(:mod:`trajectoires.web.workshops.throttle`).
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Query, Request
from pydantic import BaseModel, Field
from sqlalchemy.orm import Session

from trajectoires.foresight import access
from trajectoires.foresight.contributions import (
    Author,
    ContributionView,
    edit_contribution,
    get_contribution,
    list_contributions,
    post_contribution,
)
from trajectoires.foresight.errors import NotAllowedError, NotFoundError
from trajectoires.foresight.models import PENDING, VISIBLE
from trajectoires.foresight.moderation import merge_contributions, set_visibility
from trajectoires.foresight.priorities import allocate_points
from trajectoires.foresight.workshops import WorkshopView
from trajectoires.web.workshops.csrf import require_csrf_header
from trajectoires.web.workshops.deps import (
    MAX_ID,
    DbSession,
    FacilitatorId,
    Hub,
    current_participant,
    participant_tokens,
)
from trajectoires.web.workshops.events import publish_contribution, publish_ranking
from trajectoires.web.workshops.throttle import throttle_writes

__all__ = ["Acting", "ContributionOut", "acting", "router"]

router = APIRouter(prefix="/api/v1/workshops", tags=["contributions"])
ContributionId = Annotated[int, Path(ge=1, le=MAX_ID)]
WRITE = [Depends(require_csrf_header)]
THROTTLED = [Depends(require_csrf_header), Depends(throttle_writes)]
ERRORS = {
    403: {"description": "Ni participant ni animateur de l'atelier, ou jeton CSRF absent"},
    404: {"description": "Atelier ou contribution introuvable"},
    409: {"description": "La phase, le verrou ou l'état de la contribution refuse l'action"},
    422: {"description": "Donnée invalide (message en français nommant le champ)"},
    429: {"description": "Trop d'écritures en peu de temps (en-tête Retry-After)"},
}


def _errors(*codes: int) -> dict[int | str, dict[str, Any]]:
    return {code: ERRORS[code] for code in codes}


class Acting:
    """Who acts on a workshop: its facilitator, or one of its participants."""

    def __init__(self, workshop: WorkshopView, author: Author) -> None:
        self.workshop = workshop
        self.author = author

    @property
    def is_owner(self) -> bool:
        """Whether the workshop's facilitator acts."""
        return self.author.is_facilitator


def acting(request: Request, session: Session, slug: str, facilitator: int | None) -> Acting:
    """Return the workshop and who acts on it; refuse a visitor who is neither.

    Raises
    ------
    NotFoundError
        Unknown workshop, or another facilitator's draft.
    NotAllowedError
        Neither its facilitator nor one of its participants (``not_participant``).

    """
    workshop = access.visible_workshop(session, slug, facilitator)
    if facilitator is not None and workshop.facilitator_id == facilitator:
        return Acting(workshop, Author(facilitator_id=facilitator))
    me = current_participant(request, session, workshop)
    if me is None:
        raise NotAllowedError("not_participant")
    return Acting(workshop, Author(participant_id=me.id, workshop_id=workshop.id))


class ContributionOut(BaseModel):
    """A contribution; ``status`` and ``reason`` matter to the facilitator's view."""

    id: int
    type: str = Field(examples=["headline"])
    text: str = Field(description="Le champ titre du type (texte affiché dans les listes)")
    payload: dict[str, Any] = Field(description="Les champs du type, champs calculés compris")
    author: str = Field(description="Pseudonyme, ou « Animation »")
    participant_id: int | None
    mine: bool = False
    table_id: int | None
    parent_id: int | None
    status: str = Field(description="visible, hidden, pending (pré-modération) ou merged")
    reason: str | None = Field(description="Raison du masquage (animateur seulement)")
    merged_into_id: int | None
    on_paper: bool = Field(description="Saisie par l'animation depuis le papier d'une table")
    created_at: datetime
    updated_at: datetime
    after_session: bool = Field(False, description="Ajoutée après l'atelier (enrichissement "
                                                   "de l'atelier publié)")


class ContributionIn(BaseModel):
    """A new contribution (the body per type is in the schema of each kind's types)."""

    type: str = Field(max_length=40, examples=["headline"])
    payload: dict[str, Any] = Field(examples=[{"title": "Le bourg a sa maison numérique"}])
    table_id: int | None = Field(None, ge=1, le=MAX_ID)
    parent_id: int | None = Field(None, ge=1, le=MAX_ID)
    on_paper: bool = False


class ContributionChangesIn(BaseModel):
    """The fields to change; the others keep their value and the whole is checked again."""

    payload: dict[str, Any] = Field(examples=[{"story": "Nous sommes en octobre 2030…"}])


class VisibilityIn(BaseModel):
    """Hide a contribution (with a reason) or show it again (approves a pending one)."""

    hidden: bool
    reason: str | None = Field(None, max_length=2000, examples=["Hors sujet"])


class MergeIn(BaseModel):
    """Duplicates merged into the contribution of the path (points and links move to it)."""

    duplicates: list[Annotated[int, Field(ge=1, le=MAX_ID)]] = Field(max_length=50)


class MergeOut(BaseModel):
    """The contribution kept and the ids merged into it."""

    kept: ContributionOut
    merged: list[int]


class PointsIn(BaseModel):
    """Points on a contribution (replacing earlier ones; 0 takes them back)."""

    points: int = Field(examples=[3], description="Nombre entier ≥ 0, dans le budget")


class PointsOut(BaseModel):
    """Points now on the contribution, the participant's budget and what they spent."""

    contribution_id: int
    points: int
    budget: int
    spent: int
    left: int


def contribution_out(view: ContributionView, who: Acting | None) -> ContributionOut:
    """Return the API form of ``view`` for ``who`` (the reason for the facilitator only)."""
    owner = who is not None and who.is_owner
    mine = who is not None and view.participant_id is not None \
        and view.participant_id == who.author.participant_id
    return ContributionOut(
        id=view.id, type=view.type, text=view.text, payload=view.payload, author=view.author,
        participant_id=view.participant_id, mine=mine, table_id=view.table_id,
        parent_id=view.parent_id, status=view.status, reason=view.reason if owner else None,
        merged_into_id=view.merged_into_id, on_paper=view.on_paper,
        created_at=view.created_at, updated_at=view.updated_at,
        after_session=view.after_session,
    )


def _viewer(request: Request, session: Session, slug: str, facilitator: int | None
            ) -> tuple[WorkshopView, Acting | None]:
    workshop = access.visible_workshop(session, slug, facilitator)
    try:
        return workshop, acting(request, session, slug, facilitator)
    except NotAllowedError:
        return workshop, None


def _may_see(view: ContributionView, who: Acting | None) -> bool:
    if view.status == VISIBLE or (who is not None and who.is_owner):
        return True
    return view.status == PENDING and who is not None \
        and view.participant_id == who.author.participant_id


def _of_workshop(session: Session, workshop: WorkshopView, contribution_id: int
                 ) -> ContributionView:
    view = get_contribution(session, contribution_id)
    if view.workshop_id != workshop.id:
        raise NotFoundError("contribution_not_found")
    return view


@router.get("/{slug}/contributions", response_model=list[ContributionOut],
            responses=_errors(404, 422))
def read_contributions(
    slug: str, request: Request, session: DbSession, facilitator: FacilitatorId,
    type_: Annotated[list[str] | None, Query(alias="type", max_length=10,
                                             description="Types à lister (tous sinon)")] = None,
) -> list[ContributionOut]:
    """Contributions of the workshop, oldest first; the facilitator also sees hidden ones."""
    workshop, who = _viewer(request, session, slug, facilitator)
    types = tuple(workshop.manifest.contribution_type(t).key for t in type_) if type_ else None
    views = list_contributions(
        session, workshop.id, types=types, include_hidden=who is not None and who.is_owner,
        viewer_id=who.author.participant_id if who is not None else None,
    )
    return [contribution_out(v, who) for v in views]


@router.get("/{slug}/contributions/{contribution_id}", response_model=ContributionOut,
            responses=_errors(404))
def read_contribution(slug: str, contribution_id: ContributionId, request: Request,
                      session: DbSession, facilitator: FacilitatorId) -> ContributionOut:
    """One contribution (hidden ones: for the facilitator; pending: also for their author)."""
    workshop, who = _viewer(request, session, slug, facilitator)
    view = _of_workshop(session, workshop, contribution_id)
    if not _may_see(view, who):
        raise NotFoundError("contribution_not_found")
    return contribution_out(view, who)


@router.post("/{slug}/contributions", status_code=201, response_model=ContributionOut,
             dependencies=THROTTLED, responses=_errors(403, 404, 409, 422, 429))
def create_contribution(slug: str, body: ContributionIn, *, request: Request,
                        session: DbSession, hub: Hub, facilitator: FacilitatorId
                        ) -> ContributionOut:
    """Post a contribution of a type of the workshop's kind (the body per type is below)."""
    who = acting(request, session, slug, facilitator)
    view = post_contribution(
        session, who.workshop.id, who.author, body.type, body.payload, table_id=body.table_id,
        parent_id=body.parent_id, on_paper=body.on_paper, lookups=request.app.state.lookups,
    )
    publish_contribution(hub, view)
    return contribution_out(view, who)


@router.patch("/{slug}/contributions/{contribution_id}", response_model=ContributionOut,
              dependencies=THROTTLED, responses=_errors(403, 404, 409, 422, 429))
def update_contribution(slug: str, contribution_id: ContributionId, body: ContributionChangesIn,
                        *, request: Request, session: DbSession, hub: Hub,
                        facilitator: FacilitatorId) -> ContributionOut:
    """Change some fields of a contribution: its author, or the facilitator."""
    who = acting(request, session, slug, facilitator)
    _of_workshop(session, who.workshop, contribution_id)
    view = edit_contribution(session, contribution_id, who.author, body.payload,
                             lookups=request.app.state.lookups)
    publish_contribution(hub, view)
    return contribution_out(view, who)


def _owned_contribution(session: Session, slug: str, facilitator: int | None,
                        contribution_id: int) -> WorkshopView:
    workshop = access.own_workshop(session, slug, facilitator)  # type: ignore[arg-type]
    _of_workshop(session, workshop, contribution_id)
    return workshop


@router.post("/{slug}/contributions/{contribution_id}/visibility", response_model=ContributionOut,
             dependencies=WRITE, responses=_errors(403, 404, 409, 422))
def change_visibility(slug: str, contribution_id: ContributionId, body: VisibilityIn, *,
                      session: DbSession, hub: Hub, facilitator: FacilitatorId
                      ) -> ContributionOut:
    """Hide a contribution with a reason, or show it again (the facilitator only)."""
    workshop = _owned_contribution(session, slug, facilitator, contribution_id)
    view = set_visibility(session, workshop.facilitator_id, contribution_id,
                          hidden=body.hidden, reason=body.reason)
    publish_contribution(hub, view)
    return contribution_out(view, Acting(workshop, Author(facilitator_id=facilitator)))


@router.post("/{slug}/contributions/{contribution_id}/merge", response_model=MergeOut,
             dependencies=WRITE, responses=_errors(403, 404, 409, 422))
def merge(slug: str, contribution_id: ContributionId, body: MergeIn, *, session: DbSession,
          hub: Hub, facilitator: FacilitatorId) -> MergeOut:
    """Merge duplicates into this contribution (the facilitator only)."""
    workshop = _owned_contribution(session, slug, facilitator, contribution_id)
    for duplicate in body.duplicates:
        _of_workshop(session, workshop, duplicate)
    kept, merged = merge_contributions(session, workshop.facilitator_id, contribution_id,
                                       body.duplicates)
    publish_contribution(hub, kept)
    for duplicate in merged:
        publish_contribution(hub, get_contribution(session, duplicate))
    owner = Acting(workshop, Author(facilitator_id=facilitator))
    return MergeOut(kept=contribution_out(kept, owner), merged=merged)


@router.put("/{slug}/contributions/{contribution_id}/points", response_model=PointsOut,
            dependencies=THROTTLED, responses=_errors(403, 404, 409, 422, 429))
def put_points(slug: str, contribution_id: ContributionId, body: PointsIn, *,
               request: Request, session: DbSession, hub: Hub, facilitator: FacilitatorId
               ) -> PointsOut:
    """Put points on a contribution, within the participant's budget (participants only)."""
    workshop, me = access.participant_of(session, slug, participant_tokens(request), facilitator)
    outcome = allocate_points(session, workshop.id, me.id, contribution_id, body.points)
    publish_ranking(hub, workshop.id)
    return PointsOut(contribution_id=outcome.contribution_id, points=outcome.points,
                     budget=outcome.budget, spent=outcome.spent, left=outcome.left)
