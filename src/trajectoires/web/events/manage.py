"""The facilitator's pages of an event: create, edit, delete; programme, files, workshops.

Every form posts (with its CSRF token), then goes back to the management page
``/evenements/{slug}/gerer`` at the changed part. Only the event's facilitator acts:
a visitor is sent to the login page, another facilitator gets 403. A refused value
shows the management page again with the French message beside the form, what was
typed kept.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Annotated, Any

from fastapi import APIRouter, Depends, File, Form, Request, UploadFile
from fastapi.responses import RedirectResponse, Response

from trajectoires.foresight.errors import ForesightError, InvalidInputError
from trajectoires.foresight.events import (
    add_talk,
    create_event,
    delete_event,
    get_event,
    link_workshop,
    list_events,
    move_item,
    own_event,
    publish_event,
    remove_item,
    unlink_workshop,
    unpublish_event,
    update_event,
    update_item,
)
from trajectoires.foresight.events.files import attach_file, human_size, remove_file
from trajectoires.foresight.workshops import list_workshops
from trajectoires.web.errors import status_of
from trajectoires.web.events._support import (
    event_fields,
    event_values,
    files_root,
    item_fields,
    item_values,
    render,
)
from trajectoires.web.security import require_csrf
from trajectoires.web.territory.deps import reference_or_503
from trajectoires.web.workshops.contribution_pages import Submitted
from trajectoires.web.workshops.deps import MAX_ID, DbSession, FacilitatorId, Resolver, StatementId
from trajectoires.web.workshops.facilitation import login_redirect

__all__ = ["router"]

router = APIRouter(include_in_schema=False)
CSRF = [Depends(require_csrf)]
NEW_PAGE = "events/new.html"
MANAGE_PAGE = "events/manage.html"


@dataclass(frozen=True)
class Failed:
    """A refused form: which one (``form``), what was typed, the French message."""

    form: str
    values: dict[str, Any] = field(default_factory=dict)
    message: str = ""


def _form(submitted: Submitted) -> dict[str, str]:
    return {key: value for key, value in submitted.items() if isinstance(value, str)}


def _back(slug: str, anchor: str = "") -> Response:
    return RedirectResponse(f"/evenements/{slug}/gerer{'#' + anchor if anchor else ''}",
                            status_code=303)


def _manage(request: Request, session: DbSession, slug: str, me: int, *,
            failed: Failed | None = None, status: int = 200) -> Response:
    detail = get_event(session, slug, me)
    linked = {w.id for w in detail.workshops}
    workshops = [w for w in list_workshops(session, me) if w.id not in linked]
    return render(request, MANAGE_PAGE, {
        "detail": detail, "event": detail.event, "values": event_values(detail.event),
        "item_values": item_values, "workshops": workshops, "failed": failed,
        "max_file": human_size(request.app.state.settings.event_file_max_bytes)}, status)


def _refused(request: Request, session: DbSession, slug: str, me: int, *, form: str,
             values: dict[str, Any], error: ForesightError) -> Response:
    return _manage(request, session, slug, me, failed=Failed(form, values, error.message),
                   status=status_of(error))


@router.get("/evenements/nouveau")
def new_event_form(request: Request, session: DbSession, me: FacilitatorId) -> Response:
    """Show the form creating an event (facilitators only), with their events listed."""
    if me is None:
        return login_redirect("/evenements/nouveau")
    mine = list_events(session, facilitator_id=me)
    return render(request, NEW_PAGE, {"values": {}, "mine": mine})


@router.post("/evenements/nouveau", dependencies=CSRF)
def new_event(request: Request, session: DbSession, me: FacilitatorId, resolve: Resolver,
              submitted: Submitted) -> Response:
    """Create the event, then go to its management page to build the programme."""
    if me is None:
        return login_redirect("/evenements/nouveau")
    form = _form(submitted)
    try:
        event = create_event(session, me, resolve(form.get("territory", "")), event_fields(form),
                             draft=True, reference=reference_or_503(request))
    except ForesightError as error:
        context = {"values": form, "error": error.message,
                   "mine": list_events(session, facilitator_id=me)}
        return render(request, NEW_PAGE, context, status_of(error))
    return _back(event.slug, "programme")


@router.get("/evenements/{slug}/gerer")
def manage_page(request: Request, slug: str, session: DbSession, me: FacilitatorId) -> Response:
    """Show the management page of the event (its facilitator only)."""
    if me is None:
        return login_redirect(f"/evenements/{slug}/gerer")
    own_event(session, slug, me)
    return _manage(request, session, slug, me)


@router.post("/evenements/{slug}/modifier", dependencies=CSRF)
def edit_event(request: Request, slug: str, *, session: DbSession, me: FacilitatorId,
               resolve: Resolver, submitted: Submitted) -> Response:
    """Change the event's fields (and its territory when one is typed)."""
    if me is None:
        return login_redirect(f"/evenements/{slug}/gerer")
    own_event(session, slug, me)
    form = _form(submitted)
    try:
        territory = form.get("territory_change", "").strip()
        update_event(session, me, slug, event_fields(form),
                     resolve(territory) if territory else None,
                     reference=reference_or_503(request))
    except ForesightError as error:
        return _refused(request, session, slug, me, form="event", values=form, error=error)
    return _back(slug, "evenement")


@router.post("/evenements/{slug}/publier", dependencies=CSRF)
def publish(request: Request, slug: str, session: DbSession, me: FacilitatorId) -> Response:
    """Publish the draft event: listed, searchable, its page open to everyone."""
    if me is None:
        return login_redirect(f"/evenements/{slug}/gerer")
    publish_event(session, me, slug, reference=reference_or_503(request))
    return _back(slug, "publication")


@router.post("/evenements/{slug}/depublier", dependencies=CSRF)
def unpublish(slug: str, session: DbSession, me: FacilitatorId) -> Response:
    """Take the event back to a draft (its facilitator only sees it)."""
    if me is None:
        return login_redirect(f"/evenements/{slug}/gerer")
    unpublish_event(session, me, slug)
    return _back(slug, "publication")


@router.post("/evenements/{slug}/supprimer", dependencies=CSRF)
def remove_event(request: Request, slug: str, session: DbSession,
                 me: FacilitatorId) -> Response:
    """Delete the event, its programme and its files (the workshops stay)."""
    if me is None:
        return login_redirect(f"/evenements/{slug}/gerer")
    delete_event(session, me, slug, files_root(request))
    return RedirectResponse("/evenements", status_code=303)


@router.post("/evenements/{slug}/programme", dependencies=CSRF)
def new_item(request: Request, slug: str, session: DbSession, me: FacilitatorId,
             submitted: Submitted) -> Response:
    """Add a talk at the end of the programme."""
    if me is None:
        return login_redirect(f"/evenements/{slug}/gerer")
    own_event(session, slug, me)
    form = _form(submitted)
    try:
        item = add_talk(session, me, slug, item_fields(form))
    except ForesightError as error:
        return _refused(request, session, slug, me, form="new-item", values=form, error=error)
    return _back(slug, f"element-{item.id}")


@router.post("/evenements/{slug}/programme/{item_id}/modifier", dependencies=CSRF)
def edit_item(request: Request, slug: str, item_id: StatementId, *, session: DbSession,
              me: FacilitatorId, submitted: Submitted) -> Response:
    """Change an entry of the programme."""
    if me is None:
        return login_redirect(f"/evenements/{slug}/gerer")
    own_event(session, slug, me)
    form = _form(submitted)
    try:
        update_item(session, me, slug, item_id, item_fields(form))
    except ForesightError as error:
        return _refused(request, session, slug, me, form=f"item-{item_id}", values=form,
                        error=error)
    return _back(slug, f"element-{item_id}")


@router.post("/evenements/{slug}/programme/{item_id}/supprimer", dependencies=CSRF)
def delete_item(request: Request, slug: str, item_id: StatementId, session: DbSession,
                me: FacilitatorId) -> Response:
    """Remove an entry of the programme and its files."""
    if me is None:
        return login_redirect(f"/evenements/{slug}/gerer")
    remove_item(session, me, slug, item_id, files_root(request))
    return _back(slug, "programme")


@router.post("/evenements/{slug}/programme/{item_id}/deplacer", dependencies=CSRF)
def reorder_item(slug: str, item_id: StatementId, session: DbSession, me: FacilitatorId,
                 direction: Annotated[str, Form()] = "") -> Response:
    """Move an entry one place up (``haut``) or down (``bas``)."""
    if me is None:
        return login_redirect(f"/evenements/{slug}/gerer")
    move_item(session, me, slug, item_id, direction)
    return _back(slug, f"element-{item_id}")


@router.post("/evenements/{slug}/fichiers", dependencies=CSRF)
def upload(request: Request, slug: str, session: DbSession, me: FacilitatorId, *,
           file: Annotated[UploadFile | None, File()] = None,
           item_id: Annotated[str, Form()] = "") -> Response:
    """Receive a PDF or an image: material of a talk (``item_id``) or preparatory material."""
    if me is None:
        return login_redirect(f"/evenements/{slug}/gerer")
    own_event(session, slug, me)
    item = int(item_id) if item_id.strip().isdigit() and int(item_id) <= MAX_ID else None
    form_id = f"files-{item}" if item else "files"
    try:
        if file is None or not file.filename:
            raise InvalidInputError("event_file_missing")
        attach_file(session, me, slug, name=file.filename, data=file.file,
                    folder=files_root(request), item_id=item,
                    max_bytes=request.app.state.settings.event_file_max_bytes)
    except ForesightError as error:
        return _refused(request, session, slug, me, form=form_id, values={}, error=error)
    return _back(slug, f"element-{item}" if item else "documents")


@router.post("/evenements/{slug}/fichiers/{file_id}/supprimer", dependencies=CSRF)
def delete_file(request: Request, slug: str, file_id: StatementId, session: DbSession,
                me: FacilitatorId) -> Response:
    """Remove an uploaded file."""
    if me is None:
        return login_redirect(f"/evenements/{slug}/gerer")
    gone = remove_file(session, me, slug, file_id, files_root(request))
    return _back(slug, f"element-{gone.item_id}" if gone.item_id else "documents")


@router.post("/evenements/{slug}/ateliers", dependencies=CSRF)
def add_workshop(request: Request, slug: str, *, session: DbSession, me: FacilitatorId,
                 submitted: Submitted) -> Response:
    """Put a workshop of the product in the programme (optionally with its times)."""
    if me is None:
        return login_redirect(f"/evenements/{slug}/gerer")
    own_event(session, slug, me)
    form = _form(submitted)
    try:
        item = link_workshop(session, me, slug, form.get("workshop", ""),
                             starts_at=form.get("starts_at", ""), ends_at=form.get("ends_at", ""))
    except ForesightError as error:
        return _refused(request, session, slug, me, form="workshop", values=form, error=error)
    return _back(slug, f"element-{item.id}")


@router.post("/evenements/{slug}/ateliers/retirer", dependencies=CSRF)
def remove_workshop(slug: str, session: DbSession, me: FacilitatorId,
                    workshop: Annotated[str, Form()] = "") -> Response:
    """Take a workshop out of the programme (the workshop itself stays)."""
    if me is None:
        return login_redirect(f"/evenements/{slug}/gerer")
    unlink_workshop(session, me, slug, workshop)
    return _back(slug, "programme")
