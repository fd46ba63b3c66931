"""Facilitator pages: create a workshop of any kind, run it, project it, change its phase.

The join link and its QR code come from :mod:`trajectoires.web.workshops.links`;
``/ateliers/{slug}/projection`` shows them large with the phase, its prompt, the timer
and the views the phase shows. The controls of a live session (timer, lock, tables,
moderation, paper entry, settings) are in
:mod:`trajectoires.web.workshops.facilitation_pages`.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy.orm import Session

from trajectoires.foresight import access
from trajectoires.foresight.errors import ForesightError
from trajectoires.foresight.kinds import WorkshopKind, get_kind, kinds
from trajectoires.foresight.kinds._construire_service import start_from
from trajectoires.foresight.kinds.construire_2030 import SOURCE_KIND
from trajectoires.foresight.participation import hide_statement
from trajectoires.foresight.workshops import create_workshop, list_workshops, set_phase
from trajectoires.web.errors import render_form_error
from trajectoires.web.security import require_csrf
from trajectoires.web.workshops.contexts import (
    FACILITATION_PAGE,
    NOTICE_KEY,
    facilitator_context,
    projection_context,
    render,
)
from trajectoires.web.workshops.contribution_pages import Submitted
from trajectoires.web.workshops.deps import (
    DbSession,
    FacilitatorId,
    Hub,
    Resolver,
    StatementId,
)
from trajectoires.web.workshops.events import publish_status, publish_visibility

__all__ = ["login_redirect", "router", "settings_from_form"]

router = APIRouter(include_in_schema=False)

NEW_PAGE = "workshops/new.html"
SOURCE_SETTING = "source_workshop"
"""The setting naming a workshop to start from (copied once by the kind's own service)."""


def login_redirect(target: str) -> Response:
    """Send a visitor to the login page, then back to ``target``."""
    return RedirectResponse(f"/connexion?suivant={target}", status_code=303)


def settings_from_form(kind: WorkshopKind, form: dict[str, Any], *, all_flags: bool) -> dict:
    """Return the kind's settings typed in ``form`` (``setting-<name>``), empty ones left out.

    A yes / no setting (a checkbox) is ``True`` when ticked; unticked, it is ``False`` with
    ``all_flags`` (the settings form of a workshop), else left to the kind's default.
    """
    values: dict[str, Any] = {}
    for name, default in kind.settings.items():
        if name == SOURCE_SETTING:
            continue
        raw = form.get(f"setting-{name}")
        if isinstance(default, bool):
            if raw is not None or all_flags:
                values[name] = raw is not None
        elif isinstance(raw, str) and raw.strip():
            values[name] = raw.strip()
    return values


def _new_context(session: Session, me: int, form: dict[str, Any]) -> dict[str, Any]:
    sources = [w for w in list_workshops(session, me) if w.kind == SOURCE_KIND]
    setting_kinds: dict[str, tuple[Any, list[WorkshopKind]]] = {}
    for kind in kinds():
        for name, default in kind.settings.items():
            setting_kinds.setdefault(name, (default, []))[1].append(kind)
    return {"form": form, "kinds": kinds(), "sources": sources, "setting_kinds": setting_kinds,
            "chosen": form.get("kind") or "debate"}


@router.get("/ateliers/nouveau")
def new_workshop_form(request: Request, session: DbSession, me: FacilitatorId) -> Response:
    """Show the form creating a workshop of any kind (facilitators only)."""
    if me is None:
        return login_redirect("/ateliers/nouveau")
    return render(request, NEW_PAGE, _new_context(session, me, {}))


@router.post("/ateliers/nouveau", dependencies=[Depends(require_csrf)])
def new_workshop(request: Request, session: DbSession, me: FacilitatorId, resolve: Resolver,
                 submitted: Submitted) -> Response:
    """Create the workshop of the chosen kind with its settings, then go to its page.

    A Construire 2030 may name an Imaginer 2030 to start from: its kind's service
    copies it once the workshop exists (a refusal is said on the facilitation page).
    """
    if me is None:
        return login_redirect("/ateliers/nouveau")
    form = {key: value for key, value in submitted.items() if isinstance(value, str)}
    try:
        kind = get_kind(form.get("kind") or "debate")
        workshop = create_workshop(
            session, me, resolve(form.get("territory", "")), form.get("title", ""),
            form.get("question", ""), kind=kind.key,
            settings=settings_from_form(kind, form, all_flags=False),
        )
    except ForesightError as error:
        return render_form_error(request, NEW_PAGE, _new_context(session, me, form), error)
    source = form.get(f"setting-{SOURCE_SETTING}", "").strip()
    if source and SOURCE_SETTING in kind.settings:
        try:
            start_from(session, me, workshop.id, source)
        except ForesightError as error:  # the workshop exists: say why nothing was copied
            request.session[NOTICE_KEY] = error.message
    return RedirectResponse(f"/ateliers/{workshop.slug}/animer", status_code=303)


@router.get("/ateliers/{slug}/animer")
def facilitate(
    request: Request, slug: str, session: DbSession, me: FacilitatorId
) -> Response:
    """Show the join code, phases, session controls, every contribution, the kind's sections."""
    if me is None:
        return login_redirect(f"/ateliers/{slug}/animer")
    workshop = access.own_workshop(session, slug, me)
    return render(request, FACILITATION_PAGE, facilitator_context(request, session, workshop))


@router.get("/ateliers/{slug}/projection")
def projection(request: Request, slug: str, session: DbSession, me: FacilitatorId) -> Response:
    """Show the phase, its prompt, the timer, the join code and the phase's views, large."""
    if me is None:
        return login_redirect(f"/ateliers/{slug}/projection")
    workshop = access.own_workshop(session, slug, me)
    return render(request, "workshops/projection.html",
                  projection_context(request, session, workshop))


@router.post("/ateliers/{slug}/phase", dependencies=[Depends(require_csrf)])
def change_phase(
    slug: str, session: DbSession, me: FacilitatorId, hub: Hub, phase: Annotated[str, Form()] = ""
) -> Response:
    """Move the workshop to another phase of its kind."""
    if me is None:
        return login_redirect(f"/ateliers/{slug}/animer")
    with access.drafts_hidden(session, slug, me):
        workshop = set_phase(session, me, slug, phase)
    publish_status(hub, workshop)
    return RedirectResponse(f"/ateliers/{slug}/animer", status_code=303)


@router.post(
    "/ateliers/{slug}/propositions/{statement_id}/visibilite",
    dependencies=[Depends(require_csrf)],
)
def moderate(
    slug: str,
    statement_id: StatementId,
    session: DbSession,
    me: FacilitatorId,
    hub: Hub,
    *,
    hidden: Annotated[str, Form()] = "1",
) -> Response:
    """Hide a statement (``hidden=1``) or show it again (``hidden=0``)."""
    if me is None:
        return login_redirect(f"/ateliers/{slug}/animer")
    with access.drafts_hidden(session, slug, me):
        statement = hide_statement(session, me, statement_id, hidden=hidden != "0")
    publish_visibility(hub, statement)
    return RedirectResponse(f"/ateliers/{slug}/animer#statement-{statement_id}", status_code=303)
