"""Pages of the trajectory of a Construire 2030: the report, « et si… ? », effects, exports.

- ``GET /ateliers/{slug}/trajectoire``: the trajectory page (whoever may see the
  workshop; printable on A4). Its body is the live region ``construire.trajectory``,
  refreshed by ``workshop-live.js`` when an action is switched or an effect changes;
  the facilitator gets the « Et si… ? » form (a checkbox per action), sent with
  ``fetch`` by ``static/kinds/construire-2030.js`` as soon as a box changes, or by its
  button without JavaScript (``POST …/trajectoire/actions``);
- the form of an effect: ``GET``/``POST …/trajectoire/actions/{id}/effets/nouveau?type=…``
  and ``…/effets/{key}`` (change), ``POST …/effets/{key}/supprimer`` — for the
  facilitator and the participant who speaks for the action's owner;
- exports: ``…/trajectoire.json``, ``…/trajectoire-communes.csv`` (machine CSV: comma,
  decimal point, UTF-8) and ``…/trajectoire-communes-tableur.csv`` (French spreadsheet:
  semicolon, decimal comma, BOM).
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Query, Request
from fastapi.responses import JSONResponse, RedirectResponse, Response
from sqlalchemy import select
from sqlalchemy.orm import Session

from trajectoires.foresight import access
from trajectoires.foresight.contributions import Author
from trajectoires.foresight.errors import ForesightError, NotAllowedError, NotFoundError
from trajectoires.foresight.kinds._construire_effects import (
    EFFECT_LABELS,
    add_effect,
    can_edit_effects,
    effects_of,
    horizon_year,
    is_off,
    remove_effect,
    replace_effect,
    set_enabled,
)
from trajectoires.foresight.kinds.construire_2030 import KEY
from trajectoires.foresight.models import VISIBLE, Contribution
from trajectoires.foresight.workshops import WorkshopView
from trajectoires.web.errors import status_of, wants_json
from trajectoires.web.security import require_csrf
from trajectoires.web.workshops.contribution_pages import Submitted, done
from trajectoires.web.workshops.deps import (
    MAX_ID,
    DbSession,
    FacilitatorId,
    Hub,
    StatementId,
    current_participant,
)
from trajectoires.web.workshops.kinds.construire_2030 import effect_forms, report
from trajectoires.web.workshops.kinds.construire_2030.trajectory import service_of
from trajectoires.web.workshops.throttle import THROTTLED_FORM

__all__ = ["author_of", "publish_trajectory", "router"]

router = APIRouter(include_in_schema=False)
TEMPLATES = "kinds/construire-2030"
EffectKey = Annotated[int, Path(ge=1, le=1000)]
NO_STORE = {"Cache-Control": "no-store"}


def author_of(request: Request, session: Session, workshop: WorkshopView,
              me: int | None) -> Author | None:
    """Who acts on this workshop: its facilitator, else the participant of this browser."""
    if me is not None and me == workshop.facilitator_id:
        return Author(facilitator_id=me)
    participant = current_participant(request, session, workshop)
    if participant is None:
        return None
    return Author(participant_id=participant.id, workshop_id=workshop.id)


def publish_trajectory(hub: Any, workshop_id: int, action_id: int | None = None) -> None:  # noqa: ANN401
    """Tell the workshop's pages that the trajectory changed (they refresh its region)."""
    from trajectoires.foresight.models import utcnow

    hub.changed(workshop_id, "contribution", "trajectory", {
        "id": action_id or 0, "type": "trajectory", "status": VISIBLE, "table_id": None,
        "merged_into_id": None, "updated_at": utcnow().isoformat()})


def _actions(session: Session, workshop: WorkshopView, author: Author | None) -> list[dict]:
    """Return the visible actions, their effects and whether the viewer may edit them."""
    query = select(Contribution).where(
        Contribution.workshop_id == workshop.id, Contribution.type.in_(("action", "actor")),
        Contribution.status == VISIBLE).order_by(Contribution.id)
    items = []
    with session.begin():
        rows = list(session.scalars(query))
        actors = {row.id: row.text for row in rows if row.type == "actor"}
        for row in rows:
            if row.type != "action":
                continue
            payload = row.payload or {}
            items.append({
                "id": row.id, "title": row.text, "owner": actors.get(payload.get("owner"), ""),
                "enabled": not is_off(payload),
                "effects": [{**e, "summary": effect_forms.summary(e)}
                            for e in effects_of(payload)],
                "editable": author is not None and can_edit_effects(session, workshop,
                                                                    payload, author),
            })
    return items


def trajectory_context(request: Request, session: Session, workshop: WorkshopView,
                       me: int | None) -> dict[str, Any]:
    """Return what the trajectory page shows to this viewer."""
    author = author_of(request, session, workshop, me)
    projection = service_of(request.app).project(session, workshop)
    body = report.render_body(request, workshop, projection)
    return {
        "workshop": workshop, "trajectory_actions": _actions(session, workshop, author),
        "trajectory_facilitator": author is not None and author.is_facilitator,
        "trajectory_body": body, "effect_labels": EFFECT_LABELS,
        "trajectory_horizon": horizon_year(workshop.settings),
    }


@router.get("/ateliers/{slug}/trajectoire")
def trajectory_page(request: Request, slug: str, session: DbSession, me: FacilitatorId) -> Response:
    """Show the trajectory of the workshop: charts, contributions, maps, « et si… ? »."""
    workshop = access.visible_workshop(session, slug, me, kind=KEY)
    context = trajectory_context(request, session, workshop, me)
    return request.app.state.templates.TemplateResponse(
        request, f"{TEMPLATES}/trajectory.html", context, headers=NO_STORE)


def _switches(form: Any) -> dict[int, bool]:  # noqa: ANN401 (starlette FormData)
    """Read the form: ``listed`` names every action shown, ``on`` those ticked."""
    def ids(name: str) -> set[int]:
        return {int(v) for v in form.getlist(name) if str(v).isdigit() and int(v) <= MAX_ID}

    listed, on = ids("listed"), ids("on")
    return {action_id: action_id in on for action_id in listed | on}


@router.post("/ateliers/{slug}/trajectoire/actions", dependencies=[Depends(require_csrf)])
def switches_form(request: Request, slug: str, *, session: DbSession, me: FacilitatorId,
                  hub: Hub, form: Submitted) -> Response:
    """Switch actions on and off (the facilitator); the trajectory is projected again."""
    if me is None:
        return RedirectResponse(f"/connexion?suivant=/ateliers/{slug}/trajectoire",
                                status_code=303)
    workshop = access.own_workshop(session, slug, me, kind=KEY)
    off = set_enabled(session, me, workshop.id, _switches(form))
    publish_trajectory(hub, workshop.id)
    return done(request, f"/ateliers/{slug}/trajectoire#trajectoire-et-si",
                {"disabled": sorted(off)})


def _action_of(session: Session, workshop: WorkshopView, action_id: int) -> Contribution:
    with session.begin():
        row = session.get(Contribution, action_id)
        if row is None or row.workshop_id != workshop.id or row.type != "action" \
                or row.status != VISIBLE:
            raise NotFoundError("trajectory_action_not_found", action=action_id)
        session.expunge(row)
    return row


def _form_page(request: Request, workshop: WorkshopView, action: Contribution, *,  # noqa: PLR0913
               effect_type: str, values: dict[str, str], key: int | None,
               error: ForesightError | None = None) -> Response:
    context = {
        "workshop": workshop, "action": action, "effect_type": effect_type,
        "effect_label": EFFECT_LABELS[effect_type], "fields": effect_forms.FORMS[effect_type],
        "values": values, "key": key, "error": error.message if error else None,
        "error_field": error.params.get("field") if error else None,
        "networks": effect_forms.network_choices(), "indicators": effect_forms.indicator_choices(),
        "modes": effect_forms.MODES,
    }
    status = status_of(error) if error else 200
    return request.app.state.templates.TemplateResponse(
        request, f"{TEMPLATES}/effect_form.html", context, status_code=status, headers=NO_STORE)


def _editor(request: Request, session: Session, slug: str, me: int | None,
            action_id: int) -> tuple[WorkshopView, Contribution, Author]:
    workshop = access.visible_workshop(session, slug, me, kind=KEY)
    action = _action_of(session, workshop, action_id)
    author = author_of(request, session, workshop, me)
    with session.begin():
        allowed = author is not None and can_edit_effects(session, workshop,
                                                          action.payload or {}, author)
    if not allowed:
        raise NotAllowedError("trajectory_not_owner")
    return workshop, action, author


def _effect_type(value: str) -> str:
    if value not in EFFECT_LABELS:
        raise NotFoundError("trajectory_effect_type", value=value[:40],
                            allowed=", ".join(EFFECT_LABELS))
    return value


EFFECTS_PATH = "/ateliers/{slug}/trajectoire/actions/{action_id}/effets"


@router.get(EFFECTS_PATH + "/nouveau")
def new_effect_page(request: Request, slug: str, *, action_id: StatementId, session: DbSession,
                    me: FacilitatorId, type_: Annotated[str, Query(alias="type")] = "") -> Response:
    """Show the form of a new effect of the type ``type`` for an action."""
    workshop, action, _ = _editor(request, session, slug, me, action_id)
    return _form_page(request, workshop, action, effect_type=_effect_type(type_), values={},
                      key=None)


@router.post(EFFECTS_PATH + "/nouveau", dependencies=THROTTLED_FORM)
def new_effect_form(request: Request, slug: str, *, action_id: StatementId, session: DbSession,
                    me: FacilitatorId, hub: Hub, form: Submitted) -> Response:
    """Add an effect to an action (the form page again, naming the field, when refused)."""
    workshop, action, author = _editor(request, session, slug, me, action_id)
    effect_type = _effect_type(str(form.get("type") or ""))
    effect = effect_forms.effect_from_form(effect_type, form)
    check = service_of(request.app).territory_check(workshop)
    try:
        add_effect(session, author, action.id, effect, territory_check=check)
    except ForesightError as error:
        if wants_json(request):
            raise
        values = {name: str(form.get(name) or "") for name in form}
        return _form_page(request, workshop, action, effect_type=effect_type, values=values,
                          key=None, error=error)
    publish_trajectory(hub, workshop.id, action.id)
    return done(request, f"/ateliers/{slug}/trajectoire#action-{action.id}", {"ok": True}, 201)


def _stored(action: Contribution, key: int) -> dict[str, Any]:
    for effect in effects_of(action.payload):
        if effect.get("key") == key:
            return effect
    raise NotFoundError("trajectory_effect_not_found", key=key)


@router.get(EFFECTS_PATH + "/{key}")
def edit_effect_page(request: Request, slug: str, *, action_id: StatementId, key: EffectKey,
                     session: DbSession, me: FacilitatorId) -> Response:
    """Show the form of an existing effect, filled in."""
    workshop, action, _ = _editor(request, session, slug, me, action_id)
    effect = _stored(action, key)
    return _form_page(request, workshop, action, effect_type=str(effect["type"]),
                      values=effect_forms.form_values(effect), key=key)


@router.post(EFFECTS_PATH + "/{key}", dependencies=THROTTLED_FORM)
def edit_effect_form(request: Request, slug: str, *, action_id: StatementId, key: EffectKey,  # noqa: PLR0913
                     session: DbSession, me: FacilitatorId, hub: Hub,
                     form: Submitted) -> Response:
    """Change an effect of an action."""
    workshop, action, author = _editor(request, session, slug, me, action_id)
    effect_type = str(_stored(action, key)["type"])
    effect = effect_forms.effect_from_form(effect_type, form)
    check = service_of(request.app).territory_check(workshop)
    try:
        replace_effect(session, author, action.id, key, effect, territory_check=check)
    except ForesightError as error:
        if wants_json(request):
            raise
        values = {name: str(form.get(name) or "") for name in form}
        return _form_page(request, workshop, action, effect_type=effect_type, values=values,
                          key=key, error=error)
    publish_trajectory(hub, workshop.id, action.id)
    return done(request, f"/ateliers/{slug}/trajectoire#action-{action.id}", {"ok": True})


@router.post(EFFECTS_PATH + "/{key}/supprimer", dependencies=THROTTLED_FORM)
def remove_effect_form(request: Request, slug: str, *, action_id: StatementId, key: EffectKey,  # noqa: PLR0913
                       session: DbSession, me: FacilitatorId, hub: Hub) -> Response:
    """Remove an effect of an action."""
    workshop, action, author = _editor(request, session, slug, me, action_id)
    remove_effect(session, author, action.id, key)
    publish_trajectory(hub, workshop.id, action.id)
    return done(request, f"/ateliers/{slug}/trajectoire#action-{action.id}", {"ok": True})


def _projection(request: Request, session: Session, slug: str, me: int | None):  # noqa: ANN202
    workshop = access.visible_workshop(session, slug, me, kind=KEY)
    return workshop, service_of(request.app).project(session, workshop)


@router.get("/ateliers/{slug}/trajectoire.json")
def trajectory_json(request: Request, slug: str, session: DbSession,
                    me: FacilitatorId) -> Response:
    """Download the trajectory as the engine writes ``trajectory.json``, with the plan."""
    workshop, projection = _projection(request, session, slug, me)
    return JSONResponse(report.export_document(workshop, projection), headers={
        "Content-Disposition": f'attachment; filename="{slug}-trajectoire.json"'})


def _csv(request: Request, session: Session, slug: str, me: int | None,
         spreadsheet: bool) -> Response:
    workshop, projection = _projection(request, session, slug, me)
    text = report.communes_csv(workshop, projection, spreadsheet=spreadsheet)
    suffix = "-tableur" if spreadsheet else ""
    return Response(text.encode("utf-8-sig" if spreadsheet else "utf-8"),
                    media_type="text/csv; charset=utf-8", headers={
                        "Content-Disposition":
                            f'attachment; filename="{slug}-trajectoire-communes{suffix}.csv"'})


@router.get("/ateliers/{slug}/trajectoire-communes.csv")
def trajectory_csv(request: Request, slug: str, session: DbSession,
                   me: FacilitatorId) -> Response:
    """Communes × years × scenarios × indicators, machine CSV (comma, decimal point)."""
    return _csv(request, session, slug, me, spreadsheet=False)


@router.get("/ateliers/{slug}/trajectoire-communes-tableur.csv")
def trajectory_spreadsheet(request: Request, slug: str, session: DbSession,
                           me: FacilitatorId) -> Response:
    """Download the same for a French spreadsheet: semicolon, decimal comma, BOM."""
    return _csv(request, session, slug, me, spreadsheet=True)
