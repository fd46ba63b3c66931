"""Contexts of the shared workshop pages (participant, facilitation, projection), for every kind.

Each page gets the generic :class:`~trajectoires.web.workshops.generic.Board` as ``b``,
the name of its view (``participant``, ``animation``, ``projection``: the fragment
routes render the same partials for it), the refused form if any (``failed``), then
what the workshop's kind adds (:func:`~trajectoires.web.workshops.kinds.page_context`).
"""

from __future__ import annotations

from typing import Any

from fastapi import Request
from fastapi.responses import Response
from sqlalchemy.orm import Session

from trajectoires.foresight.models import LICENCES
from trajectoires.foresight.participation import BoardStatement, workshop_board
from trajectoires.foresight.workshops import WorkshopView
from trajectoires.web.workshops.deps import current_participant
from trajectoires.web.workshops.generic import FailedForm, board
from trajectoires.web.workshops.kinds import page_context
from trajectoires.web.workshops.links import join_links, qr_svg

__all__ = [
    "PARTICIPANT_PAGE",
    "facilitator_context",
    "join_context",
    "participant_context",
    "placeholder_statement",
    "projection_context",
    "render",
]

PARTICIPANT_PAGE = "workshops/participate.html"
FACILITATION_PAGE = "workshops/facilitate.html"
NOTICE_KEY = "workshop_notice"
"""Key of the browser session holding a message for the next facilitation page."""


def render(request: Request, name: str, context: dict[str, Any], status: int = 200) -> Response:
    """Render the template ``name`` with ``context``."""
    templates = request.app.state.templates
    return templates.TemplateResponse(request, name, context, status_code=status)


def placeholder_statement(workshop: WorkshopView) -> BoardStatement:
    """Return the empty statement rendered in ``<template>`` for ``workshop.js`` to clone."""
    return BoardStatement(0, workshop.id, 0, "", "", False, workshop.created_at)


def join_context(request: Request, workshop: WorkshopView) -> dict[str, Any]:
    """Return the join links of ``workshop`` and the function drawing their QR codes."""
    return {"links": join_links(request, workshop.join_code), "qr_svg": qr_svg}


def participant_context(
    request: Request, session: Session, workshop: WorkshopView, failed: FailedForm | None = None
) -> dict[str, Any]:
    """Context of the participant view of ``workshop`` (read-only if not joined)."""
    me = current_participant(request, session, workshop)
    generic = board(session, workshop, me)
    statements = workshop_board(session, workshop, viewer=me) if generic.votes_board else None
    return {"workshop": workshop, "board": statements, "me": me, "phase": generic.phase,
            "b": generic, "view": "participant", "failed": failed,
            "template_statement": placeholder_statement(workshop),
            **page_context(request, "participant", workshop, me)}


def facilitator_context(
    request: Request, session: Session, workshop: WorkshopView, failed: FailedForm | None = None
) -> dict[str, Any]:
    """Context of the facilitation page: the whole board, controls, moderation, kind sections."""
    generic = board(session, workshop, facilitator=True)
    statements = (workshop_board(session, workshop, include_hidden=True)
                  if generic.votes_board else None)
    return {"workshop": workshop, "board": statements, "b": generic, "view": "animation",
            "phase": generic.phase, "phases": workshop.manifest.phases, "failed": failed,
            "me": None, "notice": request.session.pop(NOTICE_KEY, None), "licences": LICENCES,
            "template_statement": placeholder_statement(workshop),
            **join_context(request, workshop),
            **page_context(request, "facilitator", workshop)}


def projection_context(
    request: Request, session: Session, workshop: WorkshopView
) -> dict[str, Any]:
    """Context of the projection view: phase, prompt, timer, join code, the phase's views."""
    generic = board(session, workshop)
    return {"workshop": workshop, "b": generic, "phase": generic.phase, "view": "projection",
            "me": None, **join_context(request, workshop),
            **page_context(request, "projection", workshop)}
