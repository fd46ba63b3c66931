"""Personal data pages: a participant's and a facilitator's download and deletion.

- ``/ateliers/{slug}/mes-donnees``: what this browser's participant gave the workshop,
  a JSON download (``mes-donnees.json``) and the deletion of the participation
  (a checkbox to confirm, CSRF; the cookie is removed, the session ends);
- ``/compte``: the facilitator's account, its JSON download (``/compte/donnees.json``)
  and its deletion (confirmed by the password and a checkbox; refused while a workshop
  runs, see :mod:`trajectoires.foresight.privacy`).

The rules of what is kept and erased are the service's; these routes parse, call and
render, in French.
"""

from __future__ import annotations

import json
from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse, Response

from trajectoires.foresight import access, privacy
from trajectoires.foresight.errors import ForesightError, InvalidInputError, NotAllowedError
from trajectoires.foresight.facilitators import get_facilitator
from trajectoires.foresight.publication import archive_url, is_published
from trajectoires.web.errors import status_of
from trajectoires.web.security import require_csrf
from trajectoires.web.workshops.contexts import render
from trajectoires.web.workshops.deps import (
    DbSession,
    FacilitatorId,
    current_participant,
    participant_cookie,
)
from trajectoires.web.workshops.facilitation import login_redirect
from trajectoires.web.workshops.links import join_first

__all__ = ["router"]

router = APIRouter(include_in_schema=False)
PARTICIPANT_PAGE = "privacy/participant.html"
ACCOUNT_PAGE = "privacy/account.html"


def _download(data: dict, filename: str) -> Response:
    body = json.dumps(data, ensure_ascii=False, indent=2)
    return Response(body, media_type="application/json; charset=utf-8", headers={
        "Content-Disposition": f'attachment; filename="{filename}"',
        "Cache-Control": "no-store"})


def _participant_page(request: Request, session: DbSession, slug: str,
                      facilitator: int | None, error: ForesightError | None = None) -> Response:
    workshop = access.visible_workshop(session, slug, facilitator)
    me = current_participant(request, session, workshop)
    data = privacy.participant_data(session, me.id) if me is not None else None
    back = archive_url(slug) if is_published(workshop) else f"/ateliers/{slug}"
    context = {"workshop": workshop, "me": me, "data": data, "back": back,
               "error": error.message if error else None}
    return render(request, PARTICIPANT_PAGE, context, status_of(error) if error else 200)


@router.get("/ateliers/{slug}/mes-donnees")
def participant_data_page(request: Request, slug: str, session: DbSession,
                          facilitator: FacilitatorId) -> Response:
    """Show what this browser's participant gave the workshop; download and deletion."""
    return _participant_page(request, session, slug, facilitator)


@router.get("/ateliers/{slug}/mes-donnees.json")
def participant_data_download(request: Request, slug: str, session: DbSession,
                              facilitator: FacilitatorId) -> Response:
    """Everything this browser's participant gave the workshop, as a JSON file."""
    workshop = access.visible_workshop(session, slug, facilitator)
    me = current_participant(request, session, workshop)
    if me is None:
        raise NotAllowedError("not_participant")
    return _download(privacy.participant_data(session, me.id), f"participation-{slug}.json")


@router.post("/ateliers/{slug}/mes-donnees/supprimer", dependencies=[Depends(require_csrf)])
def participant_erase(request: Request, slug: str, session: DbSession,
                      facilitator: FacilitatorId,
                      confirm: Annotated[str, Form()] = "") -> Response:
    """Delete this browser's participation (confirmed by a checkbox); end its session."""
    workshop = access.visible_workshop(session, slug, facilitator)
    me = current_participant(request, session, workshop)
    if me is None:
        return join_first(workshop, facilitator)
    if confirm != "oui":
        return _participant_page(request, session, slug, facilitator,
                                 InvalidInputError("erase_not_confirmed"))
    privacy.erase_participant(session, me.id)
    response = RedirectResponse("/donnees-supprimees?quoi=participation", status_code=303)
    response.delete_cookie(participant_cookie(workshop), path="/")
    return response


@router.get("/donnees-supprimees")
def erased_page(request: Request, quoi: str = "participation") -> Response:
    """Say what was deleted, and what stays."""
    return render(request, "privacy/erased.html", {"account": quoi == "compte"})


def _account_page(request: Request, session: DbSession, me: int,
                  error: ForesightError | None = None) -> Response:
    account = get_facilitator(session, me)
    data = privacy.facilitator_data(session, me)
    running = [w for w in data["workshops"] if w["status"] not in ("draft", "closed")]
    context = {"account": account, "data": data, "running": running,
               "error": error.message if error else None}
    return render(request, ACCOUNT_PAGE, context, status_of(error) if error else 200)


@router.get("/compte")
def account_page(request: Request, session: DbSession, me: FacilitatorId) -> Response:
    """Show the facilitator's account: download of their data, deletion."""
    if me is None:
        return login_redirect("/compte")
    return _account_page(request, session, me)


@router.get("/compte/donnees.json")
def account_download(session: DbSession, me: FacilitatorId) -> Response:
    """Download the facilitator's account and workshops, as a JSON file."""
    if me is None:
        return login_redirect("/compte")
    return _download(privacy.facilitator_data(session, me), "compte-trajectoires.json")


@router.post("/compte/supprimer", dependencies=[Depends(require_csrf)])
def account_erase(request: Request, session: DbSession, me: FacilitatorId,
                  password: Annotated[str, Form()] = "",
                  confirm: Annotated[str, Form()] = "") -> Response:
    """Delete the facilitator's account (password and checkbox); log them out."""
    if me is None:
        return login_redirect("/compte")
    try:
        if confirm != "oui":
            raise InvalidInputError("erase_not_confirmed")
        privacy.erase_facilitator(session, me, password)
    except ForesightError as error:
        return _account_page(request, session, me, error)
    request.session.clear()
    return RedirectResponse("/donnees-supprimees?quoi=compte", status_code=303)
