"""Facilitator pages: create a workshop, run it (join code, board, phases, moderation).

The join link and its QR code come from :mod:`trajectoires.web.workshops.links`;
``/ateliers/{slug}/projection`` shows only them, large, for the projector.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, HTTPException, Request
from fastapi.responses import RedirectResponse, Response

from trajectoires.foresight.errors import ForesightError, NotAllowedError, NotFoundError
from trajectoires.foresight.kinds import get_kind
from trajectoires.foresight.participation import (
    BoardStatement,
    hide_statement,
    workshop_board,
)
from trajectoires.foresight.workshops import (
    WorkshopView,
    create_workshop,
    get_workshop,
    set_phase,
)
from trajectoires.web.security import require_csrf
from trajectoires.web.workshops.deps import (
    DbSession,
    FacilitatorId,
    Hub,
    Opinions,
    Resolver,
    StatementId,
    http_error,
)
from trajectoires.web.workshops.events import publish_status, publish_visibility
from trajectoires.web.workshops.links import join_links, qr_svg
from trajectoires.web.workshops.opinion_pages import opinions_context

__all__ = ["router"]

router = APIRouter(include_in_schema=False)


def _render(request: Request, name: str, context: dict[str, Any], status: int = 200) -> Response:
    templates = request.app.state.templates
    return templates.TemplateResponse(request, name, context, status_code=status)


def placeholder_statement(workshop: WorkshopView) -> BoardStatement:
    """Return the empty statement rendered in ``<template>`` for ``workshop.js`` to clone."""
    return BoardStatement(0, workshop.id, 0, "", "", False, workshop.created_at)


def _login_redirect(target: str) -> Response:
    return RedirectResponse(f"/connexion?suivant={target}", status_code=303)


@router.get("/ateliers/nouveau")
def new_workshop_form(request: Request, me: FacilitatorId) -> Response:
    """Show the form creating a workshop (facilitators only)."""
    if me is None:
        return _login_redirect("/ateliers/nouveau")
    return _render(request, "workshops/new.html", {"form": {}, "kind": get_kind("debate")})


@router.post("/ateliers/nouveau", dependencies=[Depends(require_csrf)])
def new_workshop(
    request: Request,
    session: DbSession,
    me: FacilitatorId,
    resolve: Resolver,
    *,
    territory: Annotated[str, Form()] = "",
    title: Annotated[str, Form()] = "",
    question: Annotated[str, Form()] = "",
) -> Response:
    """Create the workshop, then go to its facilitation page."""
    if me is None:
        return _login_redirect("/ateliers/nouveau")
    form = {"territory": territory, "title": title, "question": question}
    try:
        unit = resolve(territory)
        workshop = create_workshop(session, me, unit, title, question)
    except ForesightError as error:
        context = {"form": form, "error": error.message, "kind": get_kind("debate")}
        return _render(request, "workshops/new.html", context, http_error(error).status_code)
    return RedirectResponse(f"/ateliers/{workshop.slug}/animer", status_code=303)


def _own_workshop(session: DbSession, slug: str, me: int) -> WorkshopView:
    """Return the workshop ``slug`` if ``me`` runs it; 404 if unknown, 403 if another's.

    Another facilitator's draft gets the 404 of an unknown workshop (drafts are not
    discoverable); an open or closed workshop of another facilitator gets a 403.
    """
    try:
        workshop = get_workshop(session, slug)
    except ForesightError as error:
        raise http_error(error) from error
    if workshop.facilitator_id != me:
        if workshop.is_draft:
            raise http_error(NotFoundError("workshop_not_found"))
        raise HTTPException(403, "Seul l'animateur de cet atelier peut l'animer.")
    return workshop


def _join_context(request: Request, workshop: WorkshopView) -> dict[str, Any]:
    """Return the join links of ``workshop`` and the function drawing their QR codes."""
    return {"links": join_links(request, workshop.join_code), "qr_svg": qr_svg}


@router.get("/ateliers/{slug}/animer")
def facilitate(
    request: Request, slug: str, session: DbSession, me: FacilitatorId, opinions: Opinions
) -> Response:
    """Show the join code, link and QR code, and the whole board, with phase and moderation."""
    if me is None:
        return _login_redirect(f"/ateliers/{slug}/animer")
    workshop = _own_workshop(session, slug, me)
    board = workshop_board(session, workshop, include_hidden=True)
    context = {"workshop": workshop, "board": board, **_join_context(request, workshop),
               "phases": workshop.manifest.phases,
               "template_statement": placeholder_statement(workshop),
               **opinions_context(request.app, opinions, workshop)}
    return _render(request, "workshops/facilitate.html", context)


@router.get("/ateliers/{slug}/projection")
def projection(request: Request, slug: str, session: DbSession, me: FacilitatorId) -> Response:
    """Show only the join code, link and QR code, large, for the projector."""
    if me is None:
        return _login_redirect(f"/ateliers/{slug}/projection")
    workshop = _own_workshop(session, slug, me)
    context = {"workshop": workshop, **_join_context(request, workshop)}
    return _render(request, "workshops/projection.html", context)


@router.post("/ateliers/{slug}/phase", dependencies=[Depends(require_csrf)])
def change_phase(
    slug: str, session: DbSession, me: FacilitatorId, hub: Hub, phase: Annotated[str, Form()] = ""
) -> Response:
    """Move the workshop to another phase (open, close…)."""
    if me is None:
        return _login_redirect(f"/ateliers/{slug}/animer")
    try:
        workshop = set_phase(session, me, slug, phase)
    except NotAllowedError as error:
        _own_workshop(session, slug, me)  # another's draft: the 404 of an unknown workshop
        raise http_error(error) from error
    except ForesightError as error:
        raise http_error(error) from error
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
        return _login_redirect(f"/ateliers/{slug}/animer")
    try:
        statement = hide_statement(session, me, statement_id, hidden=hidden != "0")
    except ForesightError as error:
        raise http_error(error) from error
    publish_visibility(hub, statement)
    return RedirectResponse(f"/ateliers/{slug}/animer#statement-{statement_id}", status_code=303)
