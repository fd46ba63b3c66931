"""Facilitator accounts in the web: password change, reset by e-mail, invitations.

- ``/compte/mot-de-passe``: change one's password (the current one asked);
- ``/mot-de-passe-oublie``: ask for a reset link, sent by e-mail through the SMTP settings
  (the same answer whether the account exists or not; at most 5 requests per address in
  5 minutes, counted by the login throttle); ``/mot-de-passe/{token}``: choose
  the new password (the link works once, for an hour);
- ``/administration/animateurs``: an administrator invites a facilitator by e-mail — the
  one-time link is shown to copy, and sent when SMTP is set; ``/invitation/{token}``:
  the invited person chooses a name and a password.

The rules (who may, how long links last, why they work once) are in
:mod:`trajectoires.foresight.accounts`. Links sent by e-mail are built on ``public_url``
only, never on the request's Host header.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy import select

from trajectoires.foresight import accounts
from trajectoires.foresight.errors import ForesightError, InvalidInputError
from trajectoires.foresight.messages import MESSAGES
from trajectoires.foresight.models import Facilitator
from trajectoires.mail import MailError, invitation_message, reset_message, send
from trajectoires.web.errors import render_form_error, status_of
from trajectoires.web.security import require_csrf
from trajectoires.web.workshops.deps import DbSession, FacilitatorId
from trajectoires.web.workshops.facilitation import login_redirect
from trajectoires.web.workshops.throttle import THROTTLED_FORM

__all__ = ["router"]

router = APIRouter(include_in_schema=False)
PAGE = "auth/account_form.html"
FIELD = Form(max_length=300)


def _key(request: Request) -> bytes:
    return request.app.state.settings.secret_key.encode()


def _page(request: Request, form: str, status: int = 200, **context: Any) -> Response:  # noqa: ANN401
    templates = request.app.state.templates
    return templates.TemplateResponse(request, PAGE, {"form": form, **context},
                                      status_code=status)


def _mail_ready(request: Request) -> bool:
    settings = request.app.state.settings
    return settings.smtp_host is not None and settings.public_url is not None


# -- change one's password -------------------------------------------------------------------
@router.get("/compte/mot-de-passe")
def password_form(request: Request, me: FacilitatorId) -> Response:
    """Show the form changing one's password."""
    if me is None:
        return login_redirect("/compte/mot-de-passe")
    return _page(request, "change")


@router.post("/compte/mot-de-passe", dependencies=[Depends(require_csrf)])
def password_change(request: Request, session: DbSession, me: FacilitatorId, *,
                    current: Annotated[str, FIELD] = "", new: Annotated[str, FIELD] = "",
                    again: Annotated[str, FIELD] = "") -> Response:
    """Change the password; every login of the account is closed, so sign in again."""
    if me is None:
        return login_redirect("/compte/mot-de-passe")
    try:
        if new != again:
            raise InvalidInputError("passwords_differ")
        accounts.change_password(session, me, current, new)
    except ForesightError as error:
        return _page(request, "change", status_of(error), error=error.message)
    request.session.clear()
    return RedirectResponse("/connexion?motdepasse=change", status_code=303)


# -- forgotten password ----------------------------------------------------------------------
@router.get("/mot-de-passe-oublie")
def forgot_form(request: Request) -> Response:
    """Ask for the address of the account."""
    return _page(request, "forgot", mail_ready=_mail_ready(request))


@router.post("/mot-de-passe-oublie", dependencies=THROTTLED_FORM)
def forgot(request: Request, session: DbSession, *,
           email: Annotated[str, FIELD] = "") -> Response:
    """Send the reset link if the account exists; say the same either way."""
    if not _mail_ready(request):
        return _page(request, "forgot", 409, mail_ready=False)
    settings = request.app.state.settings
    try:
        found = accounts.reset_link_for(session, _key(request), email)
    except InvalidInputError as error:
        return _page(request, "forgot", 422, mail_ready=True, error=error.message, email=email)
    key = [f"reset:{email.strip().lower()}"]  # at most 5 links per address per 5 minutes
    throttle = request.app.state.login_throttle
    wait = throttle.retry_after(key)
    if wait:
        return _page(request, "forgot", 429, mail_ready=True, email=email,
                     error=MESSAGES["reset_throttled"].format(seconds=wait))
    throttle.failed(key)
    if found is not None:
        token, name = found
        link = f"{settings.public_url}/mot-de-passe/{token}"
        try:
            send(settings, reset_message(settings, email.strip(), name, link))
        except MailError as error:
            return _page(request, "forgot", 502, mail_ready=True, email=email,
                         error=MESSAGES["reset_mail_failed"].format(detail=error))
    return _page(request, "forgot", mail_ready=True, done=MESSAGES["reset_requested"])


@router.get("/mot-de-passe/{token}")
def reset_form(request: Request, token: str, session: DbSession) -> Response:
    """Show the form choosing a new password (or why the link no longer works)."""
    try:
        accounts.check_reset_link(session, _key(request), token)
    except ForesightError as error:
        return _page(request, "link_dead", status_of(error), error=error.message)
    return _page(request, "reset", token=token)


@router.post("/mot-de-passe/{token}", dependencies=THROTTLED_FORM)
def reset(request: Request, token: str, session: DbSession, *,
          new: Annotated[str, FIELD] = "", again: Annotated[str, FIELD] = "") -> Response:
    """Set the new password (the link then stops working), then sign in."""
    try:
        if new != again:
            raise InvalidInputError("passwords_differ")
        accounts.reset_password(session, _key(request), token, new)
    except ForesightError as error:
        return _page(request, "reset", status_of(error), token=token, error=error.message)
    return RedirectResponse("/connexion?motdepasse=change", status_code=303)


# -- invitations -----------------------------------------------------------------------------
def _admin_context(session: DbSession) -> dict[str, Any]:
    with session.begin():
        rows = session.scalars(select(Facilitator).where(Facilitator.erased_at.is_(None))
                               .order_by(Facilitator.display_name)).all()
        people = [(r.display_name, r.email, r.is_admin) for r in rows]
    return {"people": people}


@router.get("/administration/animateurs")
def admin_page(request: Request, session: DbSession, me: FacilitatorId) -> Response:
    """List the facilitators and the invitation form (administrators only)."""
    if me is None:
        return login_redirect("/administration/animateurs")
    if not accounts.is_admin(session, me):
        return _page(request, "not_admin", 403)
    return _page(request, "invite", **_admin_context(session), mail_ready=_mail_ready(request))


@router.post("/administration/animateurs", dependencies=[Depends(require_csrf)])
def invite(request: Request, session: DbSession, me: FacilitatorId, *,
           email: Annotated[str, FIELD] = "") -> Response:
    """Make a one-time invitation link for ``email``; show it, and e-mail it when possible."""
    if me is None:
        return login_redirect("/administration/animateurs")
    context = {**_admin_context(session), "mail_ready": _mail_ready(request), "email": email}
    try:
        token = accounts.invitation(session, _key(request), me, email)
    except ForesightError as error:
        if not accounts.is_admin(session, me):
            return _page(request, "not_admin", 403)
        return _page(request, "invite", status_of(error), error=error.message, **context)
    settings = request.app.state.settings
    base = settings.public_url or str(request.base_url).rstrip("/")
    link = f"{base}/invitation/{token}"
    sent = None
    if _mail_ready(request):
        inviter = request.session.get("facilitator_name") or "Un administrateur"
        try:
            send(settings, invitation_message(settings, email.strip(), inviter, link))
            sent = True
        except MailError:
            sent = False
    return _page(request, "invite", 201, link=link, sent=sent, invited=email.strip(), **context)


@router.get("/invitation/{token}")
def invitation_form(request: Request, token: str, session: DbSession) -> Response:
    """Show the form creating the invited account (or why the link no longer works)."""
    try:
        email = accounts.invitation_email(session, _key(request), token)
    except ForesightError as error:
        return _page(request, "link_dead", status_of(error), error=error.message)
    return _page(request, "accept", token=token, email=email)


@router.post("/invitation/{token}", dependencies=THROTTLED_FORM)
def accept(request: Request, token: str, session: DbSession, *,
           name: Annotated[str, FIELD] = "", new: Annotated[str, FIELD] = "",
           again: Annotated[str, FIELD] = "") -> Response:
    """Create the account; then sign in with it."""
    try:
        email = accounts.invitation_email(session, _key(request), token)
    except ForesightError as error:
        return _page(request, "link_dead", status_of(error), error=error.message)
    try:
        if new != again:
            raise InvalidInputError("passwords_differ")
        accounts.accept_invitation(session, _key(request), token, name, new)
    except ForesightError as error:
        return render_form_error(request, PAGE, {"form": "accept", "token": token,
                                                 "email": email, "name": name}, error)
    return RedirectResponse("/connexion?compte=cree", status_code=303)
