"""Sections and routes of Construire 2030 pages: roadmap, actors and means, starting point.

Every page of a Construire 2030 shows the actors with their means (and the totals),
the commitments per actor and the roadmap (the SVG in a container that scrolls
sideways on a phone, then the same in words: each actor's actions with their dates
and dependencies). The facilitation page adds the « Partir d'un atelier Imaginer 2030 »
form and the designation of who speaks for each actor.

The roadmap, the actors and the commitments are live regions (:data:`REGIONS`):
their bodies are rendered here, with their digests, for the page and for the shared
``GET /ateliers/{slug}/fragments``, which the pages fetch again on live events.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy.orm import Session

from trajectoires.foresight import access
from trajectoires.foresight.errors import InvalidInputError
from trajectoires.foresight.kinds._construire_roadmap import Roadmap, roadmap
from trajectoires.foresight.kinds._construire_service import (
    COPIED_FROM,
    imaginer_sources,
    set_speaker,
    speakers,
    start_from,
)
from trajectoires.foresight.kinds._imaginer_checks import french_month, french_number
from trajectoires.foresight.kinds.construire_2030 import KEY
from trajectoires.foresight.kinds.manifest import month_date
from trajectoires.foresight.participation import ParticipantView
from trajectoires.foresight.workshops import WorkshopView
from trajectoires.render import RoadmapAction, RoadmapLane, RoadmapMilestone, roadmap_svg
from trajectoires.web.security import require_csrf
from trajectoires.web.workshops.deps import MAX_ID, DbSession, FacilitatorId, Hub
from trajectoires.web.workshops.events import publish_status
from trajectoires.web.workshops.fragments import region_digest
from trajectoires.web.workshops.kinds import PageName

__all__ = [
    "REGIONS",
    "TRAJECTORY_REGION",
    "facilitator_context",
    "participant_context",
    "projection_context",
    "render_regions",
    "roadmap_drawing",
    "router",
]

router = APIRouter(include_in_schema=False)

TEMPLATES = "kinds/construire-2030"
REGIONS = ("construire.roadmap", "construire.actors", "construire.commitments")
"""The live regions: the roadmap (drawing and text), the actors' means, the commitments."""
TRAJECTORY_REGION = "construire.trajectory"
"""The live region of the trajectory page (charts, contributions, maps)."""
SVG_IDS: dict[str, str] = {"projection": "feuille-de-route-projection"}


def roadmap_drawing(plan: Roadmap, svg_id: str = "feuille-de-route") -> str:
    """Draw the roadmap: a lane per actor, actions as bars, milestones, dependencies."""
    lanes = [RoadmapLane(actor.id, actor.name) for actor in plan.actors]
    actions = [RoadmapAction(a.id, a.title, a.owner_id, a.start_date, a.end_date)
               for a in plan.actions]
    milestones = [RoadmapMilestone(m.id, m.title, month_date(m.date))
                  for m in plan.milestones]
    title = f"Feuille de route de « {plan.workshop.title} »"
    return roadmap_svg(lanes, actions, milestones, plan.dependencies, start=plan.start,
                       horizon=plan.end, title=title, svg_id=svg_id)


def _euros(value: float) -> str:
    return f"{french_number(round(value, 2))}\u202f€"


def _plan_context(session: Session, workshop: WorkshopView, page: PageName,
                  participant: ParticipantView | None) -> dict[str, Any]:
    """Return what the sections' bodies of the page ``page`` need, read in ``session``."""
    plan = roadmap(session, workshop)
    speaking = None
    if participant is not None:
        mine = next((s for s in speakers(session, workshop.id)
                     if s.participant_id == participant.id), None)
        speaking = mine.actor_id if mine is not None else None
    return {
        "construire": plan,
        "construire_svg": roadmap_drawing(plan, SVG_IDS.get(page, "feuille-de-route")),
        "construire_month": french_month,
        "construire_number": french_number,
        "construire_euros": _euros,
        "construire_svg_url": f"/ateliers/{workshop.slug}/feuille-de-route.svg",
        "construire_speaking": speaking,
        "construire_facilitator": page == "facilitator",
    }


def _bodies(request: Request, context: dict[str, Any],
            names: tuple[str, ...]) -> dict[str, dict[str, str]]:
    """Render the bodies of the regions ``names``, each with its digest."""
    env = request.app.state.templates.env
    bodies = {}
    for name in names:
        html = env.get_template(f"{TEMPLATES}/_{name.partition('.')[2]}_body.html").render(context)
        bodies[name] = {"html": html, "digest": region_digest(html)}
    return bodies


def _page(request: Request, workshop: WorkshopView, page: PageName,
          participant: ParticipantView | None = None) -> dict[str, Any]:
    with request.app.state.db.sessionmaker() as session:
        context = _plan_context(session, workshop, page, participant)
    return {**context, "construire_bodies": _bodies(request, context, REGIONS)}


def render_regions(request: Request, session: Session, workshop: WorkshopView, *,
                   participant: ParticipantView | None, page: PageName,
                   names: tuple[str, ...]) -> dict[str, str]:
    """Render the regions ``names`` (``construire.<name>``) as the page ``page`` shows them.

    The trajectory (``construire.trajectory``) is the same on every page: the
    projection of the plan (:mod:`.trajectory_pages`).
    """
    rendered: dict[str, str] = {}
    if TRAJECTORY_REGION in names:
        from trajectoires.web.workshops.kinds.construire_2030 import report
        from trajectoires.web.workshops.kinds.construire_2030.trajectory import service_of

        projection = service_of(request.app).project(session, workshop)
        rendered[TRAJECTORY_REGION] = report.render_body(request, workshop, projection)["html"]
    others = tuple(name for name in names if name != TRAJECTORY_REGION)
    if others:
        context = _plan_context(session, workshop, page, participant)
        rendered.update({name: body["html"]
                         for name, body in _bodies(request, context, others).items()})
    return {name: rendered[name] for name in names if name in rendered}


def participant_context(
    request: Request, workshop: WorkshopView, participant: ParticipantView | None
) -> dict[str, Any]:
    """Context of the sections on the participant page: the roadmap, and who I speak for."""
    return _page(request, workshop, "participant", participant)


def facilitator_context(
    request: Request, workshop: WorkshopView, _participant: ParticipantView | None
) -> dict[str, Any]:
    """Context of the facilitation page: the roadmap, the sources, the speakers."""
    context = _page(request, workshop, "facilitator")
    with request.app.state.db.sessionmaker() as session:
        sources = imaginer_sources(session, workshop)
        people = speakers(session, workshop.id)
    copied = workshop.settings.get(COPIED_FROM)
    return {**context, "construire_sources": sources, "construire_copied": copied,
            "construire_speakers": people}


def projection_context(
    request: Request, workshop: WorkshopView, _participant: ParticipantView | None
) -> dict[str, Any]:
    """Context of the projection page: the roadmap, large, and the trajectory if any.

    The trajectory (the live region ``construire.trajectory``) is shown once an action
    carries a quantified effect: the room sees it follow the facilitator's « et si… ? ».
    """
    context = _page(request, workshop, "projection")
    from trajectoires.foresight.kinds._construire_effects import any_effect
    from trajectoires.web.workshops.kinds.construire_2030 import report
    from trajectoires.web.workshops.kinds.construire_2030.trajectory import service_of

    with request.app.state.db.sessionmaker() as session:
        if not any_effect(session, workshop.id):
            return {**context, "construire_trajectory": None}
        projection = service_of(request.app).project(session, workshop)
    body = report.render_body(request, workshop, projection)
    return {**context, "construire_trajectory": body}


def _svg_response(session: DbSession, slug: str, me: int | None, disposition: str) -> Response:
    workshop = access.visible_workshop(session, slug, me, kind=KEY)
    svg = roadmap_drawing(roadmap(session, workshop))
    headers = {"Content-Disposition": f'{disposition}; filename="{slug}-feuille-de-route.svg"'}
    return Response(svg, media_type="image/svg+xml", headers=headers)


@router.get("/ateliers/{slug}/feuille-de-route.svg")
def roadmap_svg_file(slug: str, session: DbSession, me: FacilitatorId) -> Response:
    """Serve the roadmap as an SVG document (whoever may see the workshop)."""
    return _svg_response(session, slug, me, "inline")


@router.get("/ateliers/{slug}/export/feuille-de-route.svg")
def roadmap_svg_export(slug: str, session: DbSession, me: FacilitatorId) -> Response:
    """Download the roadmap (the kind's export): the same drawing, as an attachment."""
    return _svg_response(session, slug, me, "attachment")


def _back(slug: str, anchor: str) -> Response:
    return RedirectResponse(f"/ateliers/{slug}/animer#{anchor}", status_code=303)


def _login(slug: str) -> Response:
    return RedirectResponse(f"/connexion?suivant=/ateliers/{slug}/animer", status_code=303)


@router.post("/ateliers/{slug}/construire/depart", dependencies=[Depends(require_csrf)])
def start_from_form(
    slug: str, session: DbSession, me: FacilitatorId, hub: Hub,
    source: Annotated[str, Form()] = "",
) -> Response:
    """Copy the headlines, milestones and targets of an Imaginer 2030 (facilitator only)."""
    if me is None:
        return _login(slug)
    workshop = access.own_workshop(session, slug, me, kind=KEY)
    outcome = start_from(session, me, workshop.id, source)
    publish_status(hub, outcome.workshop)  # pages reload with the copies, as from the API
    return _back(slug, "construire-depart")


@router.post("/ateliers/{slug}/construire/porte-parole", dependencies=[Depends(require_csrf)])
def speaker_form(
    slug: str, session: DbSession, me: FacilitatorId,
    participant: Annotated[int, Form(ge=1, le=MAX_ID)], actor: Annotated[str, Form()] = "",
) -> Response:
    """Designate who speaks for an actor (empty ``actor``: for none; facilitator only)."""
    if me is None:
        return _login(slug)
    workshop = access.own_workshop(session, slug, me, kind=KEY)
    text = actor.strip()
    actor_id = int(text) if text.isdigit() and len(text) < 10 else None
    if text and actor_id is None:
        raise InvalidInputError("construire_not_actor", actor=text[:20])
    set_speaker(session, me, workshop.id, participant, actor_id)
    return _back(slug, "construire-porte-parole")
