"""Enriching a published workshop: the page, the visitor's forms, the e-mail confirmation.

``/archives/{slug}/enrichir`` lists the workshop's contributions with their comments,
votes and « ajouté après l'atelier » marks, and the forms of whoever may write
(:mod:`trajectoires.foresight.enrichment` decides): the visitor's pseudonym (and e-mail
where the workshop asks for one), a comment under each contribution, a vote on the
votable ones, a form per type participants post. The facilitator sees everything and
moderates comments here (contributions: the facilitation's visibility form).

Every form works without JavaScript (POST, then a redirect back, or the page again
with the French message, status of the refusal). Writes are throttled like the
session's (:data:`~trajectoires.web.workshops.throttle.THROTTLED_FORM`).

The confirmation link is built on the ``public_url`` setting only (never the Host
header, which a request could forge to send the link elsewhere).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse, Response

from trajectoires.foresight import enrichment
from trajectoires.foresight.errors import (
    ConflictError,
    ForesightError,
    NotAllowedError,
    NotFoundError,
)
from trajectoires.foresight.publication import archive_url, published_workshop
from trajectoires.foresight.workshops import WorkshopView
from trajectoires.mail import MailError, confirmation_message, send
from trajectoires.web.errors import status_of
from trajectoires.web.security import require_csrf
from trajectoires.web.workshops.contexts import render
from trajectoires.web.workshops.contribution_pages import Submitted
from trajectoires.web.workshops.deps import (
    MAX_ID,
    DbSession,
    FacilitatorId,
    Hub,
    current_participant,
    secure_cookies,
    set_participant_cookie,
)
from trajectoires.web.workshops.events import publish_contribution, publish_vote
from trajectoires.web.workshops.facilitation import login_redirect
from trajectoires.web.workshops.generic import board, form_values
from trajectoires.web.workshops.throttle import THROTTLED_FORM

__all__ = ["router"]

router = APIRouter(include_in_schema=False)
PAGE = "workshops/enrich.html"
FormId = Annotated[int, Form(ge=1, le=MAX_ID)]


def _page(request: Request, session: DbSession, workshop: WorkshopView,
          facilitator: int | None, *, error: ForesightError | None = None,
          where: str | None = None) -> Response:
    owner = facilitator is not None and facilitator == workshop.facilitator_id
    me = current_participant(request, session, workshop)
    b = board(session, workshop, me, facilitator=owner)
    kind = workshop.manifest
    context = {
        "workshop": workshop, "b": b, "me": me, "owner": owner,
        "archive": archive_url(workshop.slug),
        "comments": enrichment.comments_of(session, workshop.id, include_hidden=owner,
                                           viewer_id=me.id if me else None),
        "email_required": enrichment.email_required(workshop),
        "types": [t for t in kind.contribution_types if "participant" in t.posted_by],
        "votable": {t.key for t in kind.contribution_types if t.votable},
        "error": error.message if error else None, "where": where,
        "confirmed": request.query_params.get("confirmee") == "1",
        "sent_to": request.query_params.get("envoye") == "1",
    }
    return render(request, PAGE, context, status_of(error) if error else 200)


def _published(session: DbSession, slug: str) -> WorkshopView:
    return published_workshop(session, slug)


@router.get("/archives/{slug}/enrichir")
def enrich_page(request: Request, slug: str, session: DbSession,
                facilitator: FacilitatorId) -> Response:
    """Show the published workshop's contributions, with the forms to enrich it."""
    return _page(request, session, _published(session, slug), facilitator)


def _send_confirmation(request: Request, workshop: WorkshopView,
                       joined: enrichment.VisitorJoined) -> None:
    settings = request.app.state.settings
    if settings.smtp_host is None or settings.public_url is None:
        raise ConflictError("enrichment_no_smtp")
    link = f"{settings.public_url}/enrichir/confirmer/{joined.confirmation}"
    try:
        send(settings, confirmation_message(settings, joined.email, workshop.title, link))
    except MailError as error:
        raise ConflictError("enrichment_mail_failed", email=joined.email,
                            detail=str(error)) from None


@router.post("/archives/{slug}/enrichir/rejoindre", dependencies=[Depends(require_csrf)])
def join_form(request: Request, slug: str, session: DbSession, facilitator: FacilitatorId, *,
              pseudonym: Annotated[str, Form(max_length=200)] = "",
              email: Annotated[str, Form(max_length=300)] = "",
              organisation: Annotated[str, Form(max_length=300)] = "") -> Response:
    """Become a visitor of the published workshop (and get the confirmation e-mail)."""
    workshop = _published(session, slug)
    try:
        joined = enrichment.join_as_visitor(session, workshop.id, pseudonym, email=email,
                                            organisation=organisation)
        if joined.confirmation is not None:
            try:
                _send_confirmation(request, workshop, joined)
            except ConflictError:
                enrichment.forget_visitor(session, joined.participant.id)  # nothing kept
                raise
    except ForesightError as error:
        return _page(request, session, workshop, facilitator, error=error, where="rejoindre")
    target = f"/archives/{slug}/enrichir" + ("?envoye=1" if joined.email else "")
    response = RedirectResponse(target, status_code=303)
    set_participant_cookie(response, workshop, joined.token, secure=secure_cookies(request))
    return response


@router.get("/enrichir/confirmer/{token}")
def confirm(token: str, session: DbSession) -> Response:
    """Follow the link of the confirmation e-mail."""
    slug, _participant = enrichment.confirm_email(session, token)  # unknown: the 404 page
    return RedirectResponse(f"/archives/{slug}/enrichir?confirmee=1", status_code=303)


def _acting(request: Request, session: DbSession, slug: str):  # noqa: ANN202
    workshop = _published(session, slug)
    return workshop, current_participant(request, session, workshop)


def _refused_or_done(request: Request, session: DbSession, workshop: WorkshopView,  # noqa: PLR0913
                     facilitator: int | None, *, action: Callable[[], None], where: str,
                     anchor: str) -> Response:
    try:
        action()
    except ForesightError as error:
        return _page(request, session, workshop, facilitator, error=error, where=where)
    return RedirectResponse(f"/archives/{workshop.slug}/enrichir#{anchor}", status_code=303)


def _not_visitor(me: object) -> None:
    if me is None:
        raise NotAllowedError("enrichment_not_visitor")


@router.post("/archives/{slug}/enrichir/contributions/{type_key}", dependencies=THROTTLED_FORM)
def add_form(request: Request, slug: str, *, type_key: str, session: DbSession,  # noqa: PLR0913
             facilitator: FacilitatorId, form: Submitted, hub: Hub) -> Response:
    """Add a contribution « ajouté après l'atelier » of the type ``type_key``."""
    workshop, me = _acting(request, session, slug)
    ctype = workshop.manifest.contribution_type(type_key)
    values = form_values(ctype, form)

    def act() -> None:
        _not_visitor(me)
        added = enrichment.add_contribution(session, me, ctype.key, values,
                                            lookups=request.app.state.lookups,
                                            reference=request.app.state.territory_reference)
        publish_contribution(hub, added)  # the live pages and the kinds' services follow

    return _refused_or_done(request, session, workshop, facilitator, action=act,
                            where=f"ajout-{ctype.key}", anchor="contributions")


@router.post("/archives/{slug}/enrichir/commentaires", dependencies=THROTTLED_FORM)
def comment_form(request: Request, slug: str, *, session: DbSession,
                 facilitator: FacilitatorId, contribution_id: FormId,
                 text: Annotated[str, Form(max_length=5000)] = "") -> Response:
    """Comment a contribution of the published workshop."""
    workshop, me = _acting(request, session, slug)

    def act() -> None:
        _not_visitor(me)
        enrichment.add_comment(session, me, contribution_id, text)

    return _refused_or_done(request, session, workshop, facilitator, action=act,
                            where=f"commentaire-{contribution_id}",
                            anchor=f"contribution-{contribution_id}")


@router.post("/archives/{slug}/enrichir/votes", dependencies=THROTTLED_FORM)
def vote_form(request: Request, slug: str, *, session: DbSession, facilitator: FacilitatorId,  # noqa: PLR0913
              hub: Hub, contribution_id: FormId,
              value: Annotated[str, Form(max_length=5)] = "") -> Response:
    """Vote agree / disagree / pass on a votable contribution of the published workshop."""
    workshop, me = _acting(request, session, slug)

    def act() -> None:
        _not_visitor(me)
        publish_vote(hub, enrichment.vote_after(session, me, contribution_id, value))

    return _refused_or_done(request, session, workshop, facilitator, action=act,
                            where=f"vote-{contribution_id}",
                            anchor=f"contribution-{contribution_id}")


@router.post("/ateliers/{slug}/animer/commentaires/{comment_id}/visibilite",
             dependencies=[Depends(require_csrf)])
def moderate_comment_form(request: Request, slug: str, comment_id: int, *, session: DbSession,
                          facilitator: FacilitatorId,
                          hidden: Annotated[str, Form(max_length=5)] = "",
                          reason: Annotated[str, Form(max_length=1000)] = "") -> Response:
    """Hide a comment (with a reason) or show it again / approve it; the facilitator only."""
    if facilitator is None:
        return login_redirect(f"/archives/{slug}/enrichir")
    workshop = _published(session, slug)
    comments = enrichment.comments_of(session, workshop.id, include_hidden=True)
    if not any(c.id == comment_id for found in comments.values() for c in found):
        raise NotFoundError("comment_not_found")
    enrichment.moderate_comment(session, facilitator, comment_id, hidden=hidden == "1",
                                reason=reason)
    return RedirectResponse(f"/archives/{slug}/enrichir#commentaire-{comment_id}",
                            status_code=303)
