"""Facilitator pages: create a workshop, run it (join code, board, phases, moderation).

The join link and its QR code come from :mod:`trajectoires.web.workshops.links`;
``/ateliers/{slug}/projection`` shows only them, large, for the projector.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse, Response

from trajectoires.foresight import access
from trajectoires.foresight.errors import ForesightError
from trajectoires.foresight.kinds import get_kind
from trajectoires.foresight.participation import (
    BoardStatement,
    hide_statement,
    workshop_board,
)
from trajectoires.foresight.workshops import WorkshopView, create_workshop, set_phase
from trajectoires.web.errors import render_form_error
from trajectoires.web.security import require_csrf
from trajectoires.web.workshops.deps import (
    DbSession,
    FacilitatorId,
    Hub,
    Resolver,
    StatementId,
)
from trajectoires.web.workshops.events import publish_status, publish_visibility
from trajectoires.web.workshops.kinds import page_context
from trajectoires.web.workshops.links import join_links, qr_svg

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
        workshop = create_workshop(session, me, resolve(territory), title, question)
    except ForesightError as error:
        context = {"form": form, "kind": get_kind("debate")}
        return render_form_error(request, "workshops/new.html", context, error)
    return RedirectResponse(f"/ateliers/{workshop.slug}/animer", status_code=303)


def _join_context(request: Request, workshop: WorkshopView) -> dict[str, Any]:
    """Return the join links of ``workshop`` and the function drawing their QR codes."""
    return {"links": join_links(request, workshop.join_code), "qr_svg": qr_svg}


@router.get("/ateliers/{slug}/animer")
def facilitate(
    request: Request, slug: str, session: DbSession, me: FacilitatorId
) -> Response:
    """Show the join code, link and QR code, the whole board, phases, moderation, kind sections."""
    if me is None:
        return _login_redirect(f"/ateliers/{slug}/animer")
    workshop = access.own_workshop(session, slug, me)
    board = workshop_board(session, workshop, include_hidden=True)
    context = {"workshop": workshop, "board": board, **_join_context(request, workshop),
               "phases": workshop.manifest.phases,
               "template_statement": placeholder_statement(workshop),
               **page_context(request, "facilitator", workshop)}
    return _render(request, "workshops/facilitate.html", context)


@router.get("/ateliers/{slug}/projection")
def projection(request: Request, slug: str, session: DbSession, me: FacilitatorId) -> Response:
    """Show only the join code, link and QR code, large, for the projector."""
    if me is None:
        return _login_redirect(f"/ateliers/{slug}/projection")
    workshop = access.own_workshop(session, slug, me)
    context = {"workshop": workshop, **_join_context(request, workshop),
               **page_context(request, "projection", workshop)}
    return _render(request, "workshops/projection.html", context)


@router.post("/ateliers/{slug}/phase", dependencies=[Depends(require_csrf)])
def change_phase(
    slug: str, session: DbSession, me: FacilitatorId, hub: Hub, phase: Annotated[str, Form()] = ""
) -> Response:
    """Move the workshop to another phase (open, close…)."""
    if me is None:
        return _login_redirect(f"/ateliers/{slug}/animer")
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
        return _login_redirect(f"/ateliers/{slug}/animer")
    with access.drafts_hidden(session, slug, me):
        statement = hide_statement(session, me, statement_id, hidden=hidden != "0")
    publish_visibility(hub, statement)
    return RedirectResponse(f"/ateliers/{slug}/animer#statement-{statement_id}", status_code=303)
