"""The Imaginer 2030 sections of the workshop pages, their live fragments and the timeline image.

- On the participant and projection pages, the sections the current phase shows
  (``Phase.shows``: headline wall, timeline, targets, ranking); on the facilitation
  page, all four.
- ``GET /ateliers/{slug}/frise.svg``: the timeline as an SVG image (projector,
  download).
- Live regions ``imaginer.wall``, ``imaginer.timeline``, ``imaginer.targets``,
  ``imaginer.ranking`` (:data:`REGIONS`): the pages refresh the sections' bodies through
  the shared ``GET /ateliers/{slug}/fragments`` (``static/kinds/imaginer-2030.js``
  registers them); their digests are the page's.
- ``GET /ateliers/{slug}/imaginer?vues=wall,ranking``: the bodies of the sections
  as JSON; ``GET /ateliers/{slug}/imaginer/{view}``: one body, as HTML.
"""

from __future__ import annotations

from typing import Any, Literal

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, JSONResponse, Response
from sqlalchemy.orm import Session

from trajectoires.foresight import access
from trajectoires.foresight.participation import ParticipantView
from trajectoires.foresight.workshops import WorkshopView
from trajectoires.web.workshops.deps import DbSession, FacilitatorId, current_participant
from trajectoires.web.workshops.fragments import region_digest
from trajectoires.web.workshops.kinds import PageName
from trajectoires.web.workshops.kinds.imaginer_2030.views import (
    KEY,
    VIEWS,
    ImaginerBoard,
    board,
    timeline_image,
)

__all__ = [
    "REGIONS",
    "facilitator_context",
    "participant_context",
    "projection_context",
    "render_regions",
    "router",
]

router = APIRouter(include_in_schema=False)

View = Literal["wall", "timeline", "targets", "ranking"]
REGIONS = tuple(f"imaginer.{view}" for view in VIEWS)


def _bodies(request: Request, workshop: WorkshopView, data: ImaginerBoard,
            views: tuple[str, ...] | list[str], page: str) -> dict[str, dict[str, str]]:
    """Render the bodies of ``views``, each with a digest that tells the page it changed."""
    context = {"workshop": workshop, "imaginer": data, "imaginer_page": page,
               "imaginer_svg": timeline_image(data) if "timeline" in views else ""}
    env = request.app.state.templates.env
    bodies = {}
    for view in views:
        html = env.get_template(f"kinds/imaginer-2030/_{view}_body.html").render(context)
        bodies[view] = {"html": html, "digest": region_digest(html)}
    return bodies


def _context(request: Request, workshop: WorkshopView, participant_id: int | None,
             shows: tuple[str, ...], page: str) -> dict[str, Any]:
    with request.app.state.db.sessionmaker() as session:
        data = board(session, workshop, participant_id)
    return {"imaginer": data, "imaginer_shows": shows, "imaginer_page": page,
            "imaginer_bodies": _bodies(request, workshop, data, shows, page)}


def _phase_views(workshop: WorkshopView) -> tuple[str, ...]:
    """Return the views the current phase shows, in the phase's order."""
    return tuple(v for v in workshop.manifest.phase(workshop.status).shows if v in VIEWS)


def participant_context(
    request: Request, workshop: WorkshopView, participant: ParticipantView | None
) -> dict[str, Any]:
    """Return the context of the participant page's sections: what the phase shows."""
    viewer = participant.id if participant is not None else None
    return _context(request, workshop, viewer, _phase_views(workshop), "participant")


def facilitator_context(
    request: Request, workshop: WorkshopView, _participant: ParticipantView | None
) -> dict[str, Any]:
    """Return the context of the facilitation page's sections: every view, any phase."""
    return _context(request, workshop, None, VIEWS, "facilitator")


def projection_context(
    request: Request, workshop: WorkshopView, _participant: ParticipantView | None
) -> dict[str, Any]:
    """Return the context of the projection page's sections: what the phase shows."""
    return _context(request, workshop, None, _phase_views(workshop), "projection")


def render_regions(request: Request, session: Session, workshop: WorkshopView, *,
                   participant: ParticipantView | None, page: PageName,
                   names: tuple[str, ...]) -> dict[str, str]:
    """Render the regions ``names`` (``imaginer.<view>``) as the page ``page`` shows them."""
    data = board(session, workshop, participant.id if participant is not None else None)
    views = [name.partition(".")[2] for name in names]
    return {f"imaginer.{view}": body["html"]
            for view, body in _bodies(request, workshop, data, views, page).items()}


@router.get("/ateliers/{slug}/frise.svg")
def timeline_svg_image(slug: str, session: DbSession, me: FacilitatorId) -> Response:
    """Draw the workshop's timeline as an SVG image (readable on a phone and a projector)."""
    workshop = access.visible_workshop(session, slug, me, kind=KEY)
    svg = timeline_image(board(session, workshop))
    return Response(svg, media_type="image/svg+xml",
                    headers={"Cache-Control": "no-cache",
                             "Content-Disposition": f'inline; filename="{slug}-frise.svg"'})


def _fragments(request: Request, session: Session, workshop: WorkshopView,
               views: list[str]) -> dict[str, dict[str, str]]:
    """Render the bodies of ``views`` for the viewer of ``request`` (one read of the board)."""
    participant = current_participant(request, session, workshop)
    data = board(session, workshop, participant.id if participant else None)
    page = "participant" if participant else "fragment"
    return _bodies(request, workshop, data, views, page)


@router.get("/ateliers/{slug}/imaginer/{view}", response_class=HTMLResponse)
def section_fragment(request: Request, slug: str, view: View, session: DbSession,
                     me: FacilitatorId) -> Response:
    """Render the body of one section (``wall``, ``timeline``, ``targets``, ``ranking``)."""
    workshop = access.visible_workshop(session, slug, me, kind=KEY)
    body = _fragments(request, session, workshop, [view])[view]
    return HTMLResponse(body["html"], headers={"Cache-Control": "no-store"})


@router.get("/ateliers/{slug}/imaginer")
def section_fragments(request: Request, slug: str, session: DbSession, me: FacilitatorId,
                      vues: str = "") -> Response:
    """Render the bodies of several sections at once (``?vues=wall,ranking``), as JSON.

    Each view gives ``html`` and ``digest`` (the page's sections carry theirs): what
    ``static/kinds/imaginer-2030.js`` fetches to keep the page live. Unknown names
    are ignored.
    """
    workshop = access.visible_workshop(session, slug, me, kind=KEY)
    views = [v for v in dict.fromkeys(vues.split(",")) if v in VIEWS]
    return JSONResponse(_fragments(request, session, workshop, views),
                        headers={"Cache-Control": "no-store"})
