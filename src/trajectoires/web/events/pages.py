"""Public pages of the events: the list, an event's page, its iCalendar and its files.

Everyone reads an event: its programme, material, linked workshops (with their join
link while they take participants) and the data brief of its territory. A workshop
of the programme still in preparation is shown to its facilitator only.
"""

from __future__ import annotations

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import FileResponse, Response

from trajectoires.diagnosis.brief import NO_DATA, TerritoryBrief
from trajectoires.foresight import access
from trajectoires.foresight.errors import NotFoundError
from trajectoires.foresight.events import get_event, list_events
from trajectoires.foresight.events.files import file_for_download
from trajectoires.web.events._support import files_root, public_url, render
from trajectoires.web.territory.brief import brief_for_code
from trajectoires.web.territory.deps import reference_or_503
from trajectoires.web.workshops.deps import DbSession, FacilitatorId, StatementId

__all__ = ["router"]

router = APIRouter(include_in_schema=False)
CALENDAR = "text/calendar; charset=utf-8"


@router.get("/evenements")
def event_list(request: Request, session: DbSession, me: FacilitatorId) -> Response:
    """List every event, soonest first (and, for a facilitator, a link to create one)."""
    return render(request, "events/list.html",
                  {"events": list_events(session), "facilitator_id": me})


def _workshop_links(detail, me: int | None) -> dict[int, str | None]:  # noqa: ANN001
    """Join code shown for each workshop of the programme (None: not joinable now)."""
    return {w.id: access.shown_join_code(w, me) for w in detail.workshops}


@router.get("/evenements/{slug}")
def event_page(request: Request, slug: str, session: DbSession, me: FacilitatorId) -> Response:
    """Show an event: when, where, who, the programme, the material and the data brief."""
    detail = get_event(session, slug, me)
    event = detail.event
    try:
        reference = reference_or_503(request)
    except HTTPException:  # no reference of places: the page without figures, saying so
        brief = TerritoryBrief(event.territory_name, f"{event.territory_kind}/"
                               f"{event.territory_code}", reason=NO_DATA)
    else:
        brief = brief_for_code(request, reference, event.territory_kind, event.territory_code)
    return render(request, "events/page.html", {
        "detail": detail, "event": event, "brief": brief, "codes": _workshop_links(detail, me),
        "is_owner": me is not None and me == event.facilitator_id})


def _ics(body: bytes, name: str) -> Response:
    return Response(body, media_type=CALENDAR,
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})


@router.get("/evenements/{slug}/calendrier.ics")
def event_ics(request: Request, slug: str, session: DbSession, me: FacilitatorId) -> Response:
    """Download the event and its timed programme entries as an iCalendar file."""
    from trajectoires.foresight.events.ical import event_calendar  # icalendar: per download

    detail = get_event(session, slug, me)
    url = public_url(request, detail.event.path)
    return _ics(event_calendar(detail, url), f"{detail.event.slug}.ics")


@router.get("/evenements/{slug}/programme/{item_id}/calendrier.ics")
def item_ics(request: Request, slug: str, item_id: StatementId, session: DbSession,
             me: FacilitatorId) -> Response:
    """Download one timed entry of the programme as an iCalendar file."""
    from trajectoires.foresight.events.ical import item_calendar

    detail = get_event(session, slug, me)
    item = next((i for i in detail.items if i.id == item_id and i.starts_at), None)
    if item is None:
        raise NotFoundError("event_item_not_found")
    url = public_url(request, detail.event.path)
    return _ics(item_calendar(detail, item, url), f"{detail.event.slug}-{item.id}.ics")


@router.get("/evenements/{slug}/fichiers/{file_id}")
def event_file(request: Request, slug: str, file_id: StatementId,
               session: DbSession, me: FacilitatorId) -> Response:
    """Serve an uploaded file with its type; images are shown, PDF files downloaded.

    The type is the one found in the file's content at upload; the policy forbids any
    script or plug-in in what is served (``sandbox``).
    """
    found, path = file_for_download(session, slug, file_id, files_root(request), me)
    disposition = "inline" if found.is_image else "attachment"
    response = FileResponse(path, media_type=found.content_type, filename=found.name,
                            content_disposition_type=disposition)
    response.headers["Content-Security-Policy"] = "default-src 'none'; sandbox"
    # a draft's file is its facilitator's alone: no shared cache keeps it
    response.headers["Cache-Control"] = "private, no-store" if me else "public, max-age=3600"
    return response
