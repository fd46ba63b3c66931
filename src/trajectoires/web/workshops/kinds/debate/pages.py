"""The "Carte des opinions" section of the debate's pages, and the Pol.is export.

The section's body is one template (``kinds/debate/_opinions_body.html``) rendered in
two ways: in the page, for its viewer (their dot marked "Vous", their group named), and
without a viewer for the live ``opinions`` event, where ``static/workshop.js`` marks
the viewer's dot itself (it knows its opaque id from ``data-opinion-id``).
"""

from __future__ import annotations

import io
import tempfile
import zipfile
from functools import partial
from pathlib import Path
from typing import Any

from fastapi import APIRouter, FastAPI, Request
from fastapi.responses import RedirectResponse, Response
from fastapi.templating import Jinja2Templates

from trajectoires.collective import opinion_map_svg
from trajectoires.foresight import access
from trajectoires.foresight.kinds.debate.opinions import OpinionSnapshot, export_polis
from trajectoires.foresight.participation import ParticipantView
from trajectoires.foresight.workshops import WorkshopView
from trajectoires.web.workshops.deps import DbSession, FacilitatorId
from trajectoires.web.workshops.kinds.debate.service import OpinionService, opinion_key

__all__ = [
    "build_opinions",
    "facilitator_context",
    "opinions_context",
    "participant_context",
    "projection_context",
    "render_body",
    "router",
]

router = APIRouter(include_in_schema=False)

KIND = "debate"
SHAPE_NAMES = ("rond", "carré", "triangle", "losange", "croix", "étoile")
COLOUR_NAMES = ("bleu", "vermillon", "vert", "rose", "orange", "bleu ciel")


def build_opinions(app: FastAPI) -> OpinionService:
    """Build the app's :class:`OpinionService` on its database, hub, secret and templates."""
    state = app.state
    return OpinionService(
        state.db, state.live, opinion_key(state.settings.secret_key),
        partial(render_body, state.templates),
    )


def _svg(snapshot: OpinionSnapshot, viewer_pid: int | None) -> str:
    if snapshot.result is None:
        return ""
    title = "Carte des opinions : chaque point est un participant"
    return opinion_map_svg(snapshot.result, title=title, point_ids=snapshot.point_ids,
                           highlight=viewer_pid, id_prefix="opinion-map",
                           show_groups=snapshot.ready)


def body_context(
    snapshot: OpinionSnapshot, viewer_pid: int | None = None, viewer_oid: str | None = None
) -> dict[str, Any]:
    """Template context of the section's body (``viewer_*``: the participant viewing it)."""
    data = snapshot.data
    groups = data["groups"]
    ungrouped = sum(1 for p in data["participants"] if p["group"] is None)
    my_group = None
    if viewer_oid is not None:
        mine = next((p for p in data["participants"] if p["id"] == viewer_oid), None)
        my_group = mine["group"] if mine and snapshot.ready else None
    return {"snap": snapshot, "data": data, "groups": groups, "ungrouped": ungrouped,
            "svg": _svg(snapshot, viewer_pid), "viewer": viewer_oid is not None,
            "my_group": my_group, "shapes": SHAPE_NAMES, "colours": COLOUR_NAMES,
            "min_votes": snapshot.params.min_votes}


def render_body(templates: Jinja2Templates, snapshot: OpinionSnapshot,
                viewer_pid: int | None = None, viewer_oid: str | None = None) -> str:
    """HTML of the section's body (thread-safe: usable from the worker thread)."""
    template = templates.env.get_template("kinds/debate/_opinions_body.html")
    return template.render(**body_context(snapshot, viewer_pid, viewer_oid))


def opinions_context(
    app: FastAPI, workshop: WorkshopView, viewer_pid: int | None = None
) -> dict[str, Any]:
    """Context of the section in a page (blocking: call it from a worker thread)."""
    service: OpinionService = app.state.kind_services[KIND]
    snapshot = service.latest(workshop.id)
    viewer_oid = service.viewer_id(workshop.id, viewer_pid) if viewer_pid is not None else None
    html = render_body(app.state.templates, snapshot, viewer_pid, viewer_oid)
    return {"opinions": snapshot, "opinions_html": html, "opinion_viewer": viewer_oid or ""}


def participant_context(
    request: Request, workshop: WorkshopView, participant: ParticipantView | None
) -> dict[str, Any]:
    """Context of the section on the participant page (the viewer's own dot and group)."""
    viewer = participant.id if participant is not None else None
    return {**opinions_context(request.app, workshop, viewer), "facilitator_view": False}


def facilitator_context(
    request: Request, workshop: WorkshopView, _participant: ParticipantView | None
) -> dict[str, Any]:
    """Context of the section on the facilitation page (computation details, export)."""
    return {**opinions_context(request.app, workshop), "facilitator_view": True}


def projection_context(
    request: Request, workshop: WorkshopView, _participant: ParticipantView | None
) -> dict[str, Any]:
    """Context of the section on the projection view (the room's map, no viewer, no export)."""
    return {**opinions_context(request.app, workshop), "facilitator_view": False}


@router.get("/ateliers/{slug}/export/polis.zip")
def export_polis_zip(slug: str, request: Request, session: DbSession,
                     me: FacilitatorId) -> Response:
    """Download the debate as a Pol.is export (four CSV files in a zip; facilitator only)."""
    if me is None:
        return RedirectResponse(f"/connexion?suivant=/ateliers/{slug}/animer", status_code=303)
    workshop = access.own_workshop(session, slug, me, kind=KIND)
    buffer = io.BytesIO()
    with tempfile.TemporaryDirectory() as folder:
        service = request.app.state.kind_services[KIND]
        export_polis(session, workshop.id, Path(folder),
                     shown=lambda: service.latest(workshop.id))
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
            for path in sorted(Path(folder).iterdir()):
                archive.write(path, path.name)
    headers = {"Content-Disposition": f'attachment; filename="{slug}-polis.zip"'}
    return Response(buffer.getvalue(), media_type="application/zip", headers=headers)
