"""The facilitator's management of a workshop: edit, duplicate, delete (with confirmation).

The rules (what a published workshop allows) are in
:mod:`trajectoires.foresight.workshop_admin`; these routes parse, call and render.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse, Response

from trajectoires.foresight import access
from trajectoires.foresight.errors import ForesightError
from trajectoires.foresight.messages import MESSAGES
from trajectoires.foresight.workshop_admin import (
    delete_workshop,
    deletion_summary,
    duplicate_workshop,
    edit_workshop,
)
from trajectoires.foresight.workshops import WorkshopView
from trajectoires.web.errors import render_form_error
from trajectoires.web.security import require_csrf
from trajectoires.web.workshops.contexts import NOTICE_KEY, render
from trajectoires.web.workshops.deps import DbSession, FacilitatorId, Hub, Resolver
from trajectoires.web.workshops.events import publish_details
from trajectoires.web.workshops.facilitation import login_redirect

__all__ = ["LIST_NOTICE_KEY", "router"]

router = APIRouter(include_in_schema=False)
EDIT_PAGE = "workshops/edit.html"
DELETE_PAGE = "workshops/delete.html"
LIST_NOTICE_KEY = "workshops_notice"
"""Key of the browser session holding a message for the next workshop list."""


def _edit_context(workshop: WorkshopView, form: dict[str, str] | None = None) -> dict[str, Any]:
    typed = form or {"title": workshop.title, "question": workshop.question,
                     "territory": workshop.territory_code}
    return {"workshop": workshop, "form": typed}


@router.get("/ateliers/{slug}/modifier")
def edit_form(request: Request, slug: str, session: DbSession, me: FacilitatorId) -> Response:
    """Show the form changing the title, question and territory of one's workshop."""
    if me is None:
        return login_redirect(f"/ateliers/{slug}/modifier")
    workshop = access.own_workshop(session, slug, me)
    return render(request, EDIT_PAGE, _edit_context(workshop))


@router.post("/ateliers/{slug}/modifier", dependencies=[Depends(require_csrf)])
def edit(request: Request, slug: str, *, session: DbSession, me: FacilitatorId, hub: Hub,
         resolve: Resolver, title: Annotated[str, Form()] = "",
         question: Annotated[str, Form()] = "", territory: Annotated[str, Form()] = "") -> Response:
    """Save the changes, or show the form again with the message and what was typed."""
    if me is None:
        return login_redirect(f"/ateliers/{slug}/modifier")
    workshop = access.own_workshop(session, slug, me)
    typed = {"title": title, "question": question, "territory": territory}
    try:
        changed = edit_workshop(session, me, slug, title=title, question=question,
                                territory=resolve(territory))
    except ForesightError as error:
        return render_form_error(request, EDIT_PAGE, _edit_context(workshop, typed), error)
    publish_details(hub, changed)  # open pages show the new title and question
    request.session[NOTICE_KEY] = MESSAGES["workshop_edited"]
    return RedirectResponse(f"/ateliers/{slug}/animer", status_code=303)


@router.post("/ateliers/{slug}/dupliquer", dependencies=[Depends(require_csrf)])
def duplicate(request: Request, slug: str, session: DbSession, me: FacilitatorId) -> Response:
    """Create a draft copy of the workshop and go to its facilitation page."""
    if me is None:
        return login_redirect(f"/ateliers/{slug}/animer")
    copy = duplicate_workshop(session, me, slug)
    request.session[NOTICE_KEY] = MESSAGES["workshop_duplicated"]
    return RedirectResponse(f"/ateliers/{copy.slug}/animer", status_code=303)


@router.get("/ateliers/{slug}/supprimer")
def delete_form(request: Request, slug: str, session: DbSession, me: FacilitatorId) -> Response:
    """Ask for confirmation, saying what would be erased (or why it cannot be)."""
    if me is None:
        return login_redirect(f"/ateliers/{slug}/supprimer")
    workshop = access.own_workshop(session, slug, me)
    summary = deletion_summary(session, me, slug)
    return render(request, DELETE_PAGE, {"workshop": workshop, "summary": summary})


@router.post("/ateliers/{slug}/supprimer", dependencies=[Depends(require_csrf)])
def delete(request: Request, slug: str, session: DbSession, me: FacilitatorId) -> Response:
    """Delete the workshop, then go back to the list with a notice."""
    if me is None:
        return login_redirect(f"/ateliers/{slug}/supprimer")
    workshop = access.own_workshop(session, slug, me)
    try:
        gone = delete_workshop(session, me, slug)
    except ForesightError as error:
        context = {"workshop": workshop, "summary": deletion_summary(session, me, slug)}
        return render_form_error(request, DELETE_PAGE, context, error)
    request.session[LIST_NOTICE_KEY] = MESSAGES["workshop_deleted"].format(title=gone.title)
    return RedirectResponse("/ateliers", status_code=303)
