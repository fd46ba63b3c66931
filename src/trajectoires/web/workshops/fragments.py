"""Server-rendered fragments of the workshop pages, fetched again by ``static/workshop-live.js``.

Live events carry ids, never text: on a ``contribution``, ``ranking`` or ``state`` event
a page fetches the regions concerned from here, rendered by the same partials as the
page for the same viewer, so who may see what is decided once, on the server.

``GET /ateliers/{slug}/fragments?vue=…&regions=name:digest,…`` renders several regions
in one request (what the pages use). A region is

- ``session``: timer, lock, the viewer's table;
- ``contributions.<type>``: the list of one type;
- ``form.<type>``: the form posting one type (on paper for ``animation``; its reference
  fields list what may be named now);
- a region of the workshop's kind (``imaginer.wall``, ``construire.roadmap``…), declared
  by its web module (:class:`~trajectoires.web.workshops.kinds.KindRegions`).

The answer is JSON ``{name: {"html", "digest"}}`` for the regions whose digest differs
from the one sent after the colon, or ``204 No Content`` when none changed. Its headers
``X-Workshop-Status`` (the phase) and ``X-Workshop-Locked`` (``true``/``false``) let a
page that missed an event notice a phase change or a lock. An unknown region is a 422
with a French message.

One region per request, as HTML (kept for scripts and tests):
``…/fragments/contributions?type=…``, ``…/fragments/formulaire?type=…``,
``…/fragments/seance``.

``vue`` is ``participant`` (the default), ``projection`` or ``animation`` (the
facilitator's, with moderation: only the workshop's facilitator gets it, others a 403).
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from typing import Annotated, Literal

from fastapi import APIRouter, HTTPException, Query, Request
from fastapi.responses import HTMLResponse, JSONResponse, Response
from sqlalchemy.orm import Session

from trajectoires.foresight import access
from trajectoires.foresight.participation import ParticipantView
from trajectoires.foresight.workshops import WorkshopView
from trajectoires.web.workshops.deps import DbSession, FacilitatorId, current_participant
from trajectoires.web.workshops.generic import Board, board
from trajectoires.web.workshops.kinds import KindWeb, PageName

__all__ = ["region_digest", "router"]

router = APIRouter(include_in_schema=False)

View = Literal["participant", "projection", "animation"]
TypeKey = Annotated[str, Query(alias="type", max_length=40)]
NO_STORE = {"Cache-Control": "no-store"}
PAGE_OF: dict[str, PageName] = {"participant": "participant", "animation": "facilitator",
                                "projection": "projection"}
MAX_REGIONS = 40
REGION = re.compile(r"[a-z][a-z0-9-]{0,29}(\.[a-z0-9-]{1,40})?")
DIGEST = re.compile(r"[0-9a-f]{0,32}")
GENERIC_TEMPLATES = {"contributions": "workshops/_contribution_list_body.html",
                     "form": "workshops/_form_body.html"}
SESSION_TEMPLATE = "workshops/_session_body.html"
UNKNOWN_REGION = ("Partie de page inconnue : « {name} ». Parties possibles : {allowed}.")
BAD_REGIONS = ("Liste de parties de page invalide : au plus {limit} noms séparés par des "
               "virgules, chacun suivi s'il y a lieu de « : » et de son empreinte.")


def region_digest(html: str) -> str:
    """Return the digest of a region's body (a page sends it back to get only changes).

    >>> region_digest("<p>Bonjour</p>") == region_digest("<p>Bonjour</p>")
    True
    >>> len(region_digest(""))
    16
    """
    return hashlib.blake2b(html.encode(), digest_size=8).hexdigest()


@dataclass(frozen=True)
class Viewer:
    """Who asks for fragments, and what the generic part of their page shows."""

    view: View
    workshop: WorkshopView
    participant: ParticipantView | None
    board: Board


def _viewer(request: Request, session: Session, slug: str, me: int | None,
            vue: View) -> Viewer | None:
    """Return the viewer of ``vue`` (``None``: the facilitator's view, refused)."""
    if vue == "animation":
        workshop = access.own_workshop(session, slug, me) if me is not None else None
        if workshop is None:
            return None
        return Viewer(vue, workshop, None, board(session, workshop, facilitator=True))
    workshop = access.visible_workshop(session, slug, me)
    participant = None
    if vue == "participant":
        participant = current_participant(request, session, workshop)
    return Viewer(vue, workshop, participant, board(session, workshop, participant))


def _render(request: Request, viewer: Viewer, template: str, type_key: str | None = None) -> str:
    """Render ``template`` with the generic board of ``viewer`` (and a contribution type)."""
    context = {"request": request, "b": viewer.board, "me": viewer.participant,
               "view": viewer.view, "workshop": viewer.workshop, "failed": None}
    if type_key is not None:
        context["ctype"] = viewer.workshop.manifest.contribution_type(type_key)
    return request.app.state.templates.env.get_template(template).render(context)


def _refused() -> Response:
    return HTMLResponse("", status_code=403, headers=NO_STORE)


# -- several regions ---------------------------------------------------------------------------
def _requested(regions: str) -> dict[str, str]:
    """Parse ``name:digest,name…`` into ``{name: digest}`` (422 when malformed)."""
    requested: dict[str, str] = {}
    for part in filter(None, (p.strip() for p in regions.split(","))):
        name, _, digest = part.partition(":")
        if not REGION.fullmatch(name) or not DIGEST.fullmatch(digest):
            raise HTTPException(422, BAD_REGIONS.format(limit=MAX_REGIONS))
        requested[name] = digest
    if len(requested) > MAX_REGIONS:
        raise HTTPException(422, BAD_REGIONS.format(limit=MAX_REGIONS))
    return requested


def _generic_names(viewer: Viewer) -> set[str]:
    keys = [t.key for t in viewer.board.generic_types]
    return {"session", *(f"{kind}.{key}" for kind in GENERIC_TEMPLATES for key in keys)}


def _check_names(names: list[str], viewer: Viewer, kind: KindWeb | None) -> None:
    """Refuse (422, in French) the first name that is no region of this workshop."""
    known = _generic_names(viewer) | set(kind.regions.names if kind and kind.regions else ())
    for name in names:
        if name not in known:
            raise HTTPException(422, UNKNOWN_REGION.format(
                name=name, allowed=", ".join(sorted(known))))


def render_regions(request: Request, session: Session, viewer: Viewer,
                   names: list[str]) -> dict[str, str]:
    """Render the regions ``names`` for ``viewer``: ``{name: html}`` (422 for an unknown one)."""
    kind: KindWeb | None = request.app.state.web_kinds.get(viewer.workshop.kind)
    _check_names(names, viewer, kind)
    bodies: dict[str, str] = {}
    for name in names:
        if name == "session":
            bodies[name] = _render(request, viewer, SESSION_TEMPLATE)
        elif name.partition(".")[0] in GENERIC_TEMPLATES:
            prefix, _, type_key = name.partition(".")
            bodies[name] = _render(request, viewer, GENERIC_TEMPLATES[prefix], type_key)
    theirs = tuple(name for name in names if name not in bodies)
    if theirs and kind is not None and kind.regions is not None:
        bodies.update(kind.regions.render(request, session, viewer.workshop,
                                          participant=viewer.participant,
                                          page=PAGE_OF[viewer.view], names=theirs))
    return {name: bodies[name] for name in names if name in bodies}


@router.get("/ateliers/{slug}/fragments")
def regions_fragment(request: Request, slug: str, *, session: DbSession, me: FacilitatorId,
                     regions: Annotated[str, Query(max_length=4000)] = "",
                     vue: View = "participant") -> Response:
    """Render the regions named in ``regions`` whose digest changed, as JSON (204: none).

    ``regions`` is ``name:digest,name,…``: the digest a page holds for a region (none:
    the body is sent).
    """
    requested = _requested(regions)
    viewer = _viewer(request, session, slug, me, vue)
    if viewer is None:
        return _refused()
    changed = {}
    for name, html in render_regions(request, session, viewer, list(requested)).items():
        digest = region_digest(html)
        if digest != requested[name]:
            changed[name] = {"html": html, "digest": digest}
    headers = {**NO_STORE, "X-Workshop-Status": viewer.workshop.status,
               "X-Workshop-Locked": "true" if viewer.board.state.locked else "false"}
    if not changed:
        return Response(status_code=204, headers=headers)
    return JSONResponse(changed, headers=headers)


# -- one region, as HTML -----------------------------------------------------------------------
def _fragment(request: Request, session: Session, slug: str, me: int | None, *, vue: View,
              template: str, type_key: str | None = None) -> Response:
    viewer = _viewer(request, session, slug, me, vue)
    if viewer is None:
        return _refused()
    return HTMLResponse(_render(request, viewer, template, type_key), headers=NO_STORE)


@router.get("/ateliers/{slug}/fragments/contributions", response_class=HTMLResponse)
def contributions_fragment(request: Request, slug: str, *, session: DbSession, me: FacilitatorId,
                           type_key: TypeKey, vue: View = "participant") -> Response:
    """Render the list of the contributions of one type, for the viewer."""
    return _fragment(request, session, slug, me, vue=vue, type_key=type_key,
                     template=GENERIC_TEMPLATES["contributions"])


@router.get("/ateliers/{slug}/fragments/formulaire", response_class=HTMLResponse)
def form_fragment(request: Request, slug: str, *, session: DbSession, me: FacilitatorId,
                  type_key: TypeKey, vue: View = "participant") -> Response:
    """Render the form posting a contribution of one type (on paper for ``animation``)."""
    return _fragment(request, session, slug, me, vue=vue, type_key=type_key,
                     template=GENERIC_TEMPLATES["form"])


@router.get("/ateliers/{slug}/fragments/seance", response_class=HTMLResponse)
def session_fragment(request: Request, slug: str, session: DbSession, me: FacilitatorId,
                     vue: View = "participant") -> Response:
    """Render the timer, the lock notice and the viewer's table."""
    return _fragment(request, session, slug, me, vue=vue, template=SESSION_TEMPLATE)
