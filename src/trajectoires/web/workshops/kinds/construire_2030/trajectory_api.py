"""The JSON API of the trajectory of a Construire 2030 (issue #11).

- ``GET /api/v1/workshops/{slug}/trajectory``: the engine's ``trajectory.json`` of the
  workshop's plan with the actions switched on, the plan itself and the targets the
  trajectory does not project (whoever may see the workshop);
- ``POST …/trajectory/switches`` ``{"enabled": {"12": false}}``: switch actions on or
  off (the facilitator);
- ``POST …/actions/{id}/effects`` (an effect in the plan format), ``PUT …/effects/{key}``,
  ``DELETE …/effects/{key}``: the facilitator, or the participant who speaks for the
  action's owner. Each write carries ``X-CSRF-Token`` like the other write routes.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Request
from pydantic import BaseModel, Field

from trajectoires.foresight import access
from trajectoires.foresight.errors import NotFoundError
from trajectoires.foresight.kinds._construire_effects import (
    EffectsOutcome,
    add_effect,
    remove_effect,
    replace_effect,
    set_enabled,
)
from trajectoires.foresight.kinds.construire_2030 import KEY
from trajectoires.foresight.models import Contribution
from trajectoires.web.workshops.contributions_api import acting
from trajectoires.web.workshops.csrf import require_csrf_header
from trajectoires.web.workshops.deps import MAX_ID, DbSession, FacilitatorId, Hub
from trajectoires.web.workshops.kinds.construire_2030 import report
from trajectoires.web.workshops.kinds.construire_2030.trajectory import service_of
from trajectoires.web.workshops.kinds.construire_2030.trajectory_pages import publish_trajectory
from trajectoires.web.workshops.throttle import throttle_writes

__all__ = ["EffectsOut", "SwitchesIn", "SwitchesOut", "router"]

router = APIRouter(prefix="/api/v1/workshops", tags=["trajectoire"])
THROTTLED = [Depends(require_csrf_header), Depends(throttle_writes)]
ActionId = Annotated[int, Path(ge=1, le=MAX_ID)]
EffectKey = Annotated[int, Path(ge=1, le=1000)]
ERRORS: dict[int | str, dict[str, Any]] = {
    403: {"description": "Ni l'animateur ni le porte-parole du porteur, ou jeton CSRF absent"},
    404: {"description": "Atelier, action ou effet introuvable"},
    409: {"description": "Atelier clos"},
    422: {"description": "Effet invalide (message en français nommant le champ)"},
    429: {"description": "Trop d'écritures en peu de temps (en-tête Retry-After)"},
}


class SwitchesIn(BaseModel):
    """Actions to switch on (``true``) or off (``false``), by id."""

    enabled: dict[int, bool] = Field(examples=[{"12": False, "13": True}])


class SwitchesOut(BaseModel):
    """The actions switched off after the change."""

    disabled: list[int]


class EffectsOut(BaseModel):
    """The effects of an action after a change (each with its ``key``)."""

    action_id: int
    effects: list[dict[str, Any]]


def _out(outcome: EffectsOutcome) -> EffectsOut:
    return EffectsOut(action_id=outcome.action_id, effects=list(outcome.effects))


@router.get("/{slug}/trajectory", responses={404: ERRORS[404]})
def read_trajectory(slug: str, request: Request, session: DbSession,
                    me: FacilitatorId) -> dict[str, Any]:
    """Return the trajectory of the workshop's plan (``trajectory.json``, plan, origin)."""
    workshop = access.visible_workshop(session, slug, me, kind=KEY)
    projection = service_of(request.app).project(session, workshop)
    return report.export_document(workshop, projection)


@router.post("/{slug}/trajectory/switches", response_model=SwitchesOut,
             dependencies=[Depends(require_csrf_header)],
             responses={k: ERRORS[k] for k in (403, 404)})
def switch_actions(slug: str, body: SwitchesIn, *, session: DbSession, me: FacilitatorId,
                   hub: Hub) -> SwitchesOut:
    """Switch actions on or off for « et si… ? » (the facilitator only)."""
    workshop = access.own_workshop(session, slug, me, kind=KEY)
    off = set_enabled(session, me, workshop.id, body.enabled)
    publish_trajectory(hub, workshop.id)
    return SwitchesOut(disabled=sorted(off))


def _check_action(session: DbSession, workshop_id: int, action_id: int) -> None:
    with session.begin():
        row = session.get(Contribution, action_id)
        if row is None or row.workshop_id != workshop_id:
            raise NotFoundError("trajectory_action_not_found", action=action_id)


@router.post("/{slug}/actions/{action_id}/effects", status_code=201, response_model=EffectsOut,
             dependencies=THROTTLED, responses=ERRORS)
def create_effect(slug: str, action_id: ActionId, body: dict[str, Any], *, request: Request,
                  session: DbSession, me: FacilitatorId, hub: Hub) -> EffectsOut:
    """Add a quantified effect (the plan format: ``type``, ``year``, ``assumption``…)."""
    who = acting(request, session, slug, me)
    _check_action(session, who.workshop.id, action_id)
    check = service_of(request.app).territory_check(who.workshop)
    outcome = add_effect(session, who.author, action_id, body, territory_check=check)
    publish_trajectory(hub, who.workshop.id, action_id)
    return _out(outcome)


@router.put("/{slug}/actions/{action_id}/effects/{key}", response_model=EffectsOut,
            dependencies=THROTTLED, responses=ERRORS)
def update_effect(slug: str, action_id: ActionId, key: EffectKey, body: dict[str, Any], *,
                  request: Request, session: DbSession, me: FacilitatorId,
                  hub: Hub) -> EffectsOut:
    """Replace the effect ``key`` of an action."""
    who = acting(request, session, slug, me)
    _check_action(session, who.workshop.id, action_id)
    check = service_of(request.app).territory_check(who.workshop)
    outcome = replace_effect(session, who.author, action_id, key, body, territory_check=check)
    publish_trajectory(hub, who.workshop.id, action_id)
    return _out(outcome)


@router.delete("/{slug}/actions/{action_id}/effects/{key}", response_model=EffectsOut,
               dependencies=THROTTLED, responses=ERRORS)
def delete_effect(slug: str, action_id: ActionId, key: EffectKey, *, request: Request,
                  session: DbSession, me: FacilitatorId, hub: Hub) -> EffectsOut:
    """Remove the effect ``key`` of an action."""
    who = acting(request, session, slug, me)
    _check_action(session, who.workshop.id, action_id)
    outcome = remove_effect(session, who.author, action_id, key)
    publish_trajectory(hub, who.workshop.id, action_id)
    return _out(outcome)
