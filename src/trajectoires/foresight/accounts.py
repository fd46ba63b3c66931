"""Facilitator accounts from the web: invitations, password change and reset.

Links are signed, not stored: a link carries its purpose, whom it is for and its expiry,
signed with HMAC-SHA-256 under the application's secret key. Each works **once**:

- an invitation (administrators only, valid 7 days) names an e-mail; once an account
  uses that e-mail, the link is refused;
- a reset link (valid 1 hour) is signed over the account's current password hash too,
  so it stops working as soon as the password changes — by this link or otherwise.

Setting a password closes every open login of the account (a stolen session ends).

Examples
--------
>>> key = b"k" * 32
>>> token = sign(key, "invite", {"e": "anne@example.org"}, now=0.0, ttl=60)
>>> read(key, "invite", token, now=30.0)["e"]
'anne@example.org'
>>> read(key, "invite", token, now=61.0) is None
True
>>> read(key, "reset", token, now=30.0) is None
True

"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from trajectoires.foresight.errors import ConflictError, InvalidInputError, NotAllowedError
from trajectoires.foresight.facilitators import (
    PASSWORD_MIN_LENGTH,
    FacilitatorView,
    _view,
    create_facilitator,
    normalize_email,
    password_hasher,
    verify_password,
)
from trajectoires.foresight.models import Facilitator, FacilitatorLogin

__all__ = [
    "INVITE_TTL",
    "RESET_TTL",
    "accept_invitation",
    "change_password",
    "check_reset_link",
    "invitation",
    "invitation_email",
    "is_admin",
    "read",
    "reset_link_for",
    "reset_password",
    "set_admin",
    "set_password",
    "sign",
]

INVITE_TTL = 7 * 24 * 3600
RESET_TTL = 3600


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode().rstrip("=")


def _mac(key: bytes, purpose: str, body: str, extra: str = "") -> str:
    message = f"{purpose}:{body}:{extra}".encode()
    return _b64(hmac.new(key, message, hashlib.sha256).digest()[:24])


def sign(key: bytes, purpose: str, data: dict[str, Any], *, now: float | None = None,
         ttl: int, extra: str = "") -> str:
    """Return a link token for ``purpose`` carrying ``data``, valid ``ttl`` seconds."""
    expiry = int((time.time() if now is None else now) + ttl)
    body = _b64(json.dumps({**data, "x": expiry}, separators=(",", ":")).encode())
    return f"{body}.{_mac(key, purpose, body, extra)}"


def read(key: bytes, purpose: str, token: str, *, now: float | None = None,
         extra: str = "") -> dict[str, Any] | None:
    """Return the data of a valid, unexpired token for ``purpose``, else ``None``."""
    body, _, mac = token.partition(".")
    if not body or not hmac.compare_digest(mac, _mac(key, purpose, body, extra)):
        return None
    try:
        data = json.loads(base64.urlsafe_b64decode(body + "=" * (-len(body) % 4)))
    except ValueError:
        return None
    if not isinstance(data, dict) or data.get("x", 0) < (time.time() if now is None else now):
        return None
    return data


def is_admin(session: Session, facilitator_id: int) -> bool:
    """Whether the facilitator may invite others."""
    with session.begin():
        row = session.get(Facilitator, facilitator_id)
        return bool(row is not None and row.is_admin and row.erased_at is None)


def set_admin(session: Session, email: str, admin: bool = True) -> FacilitatorView:
    """Make the account ``email`` an administrator (or not); the command line does it."""
    with session.begin():
        row = session.scalar(select(Facilitator).where(Facilitator.email == normalize_email(email)))
        if row is None:
            raise InvalidInputError("unknown_facilitator", email=email)
        row.is_admin = admin
        return _view(row)


def invitation(session: Session, key: bytes, admin_id: int, email: str) -> str:
    """Return the token inviting ``email`` (administrators only; not for an existing account)."""
    if not is_admin(session, admin_id):
        raise NotAllowedError("admin_only")
    email = normalize_email(email)
    with session.begin():
        if session.scalar(select(Facilitator.id).where(Facilitator.email == email)):
            raise ConflictError("duplicate_email", email=email)
    return sign(key, "invite", {"e": email, "by": admin_id}, ttl=INVITE_TTL)


def invitation_email(session: Session, key: bytes, token: str) -> str:
    """Return the e-mail a still-valid, unused invitation is for."""
    data = read(key, "invite", token)
    if data is None:
        raise NotAllowedError("link_invalid")
    with session.begin():
        if session.scalar(select(Facilitator.id).where(Facilitator.email == data["e"])):
            raise NotAllowedError("link_used")
    return str(data["e"])


def accept_invitation(session: Session, key: bytes, token: str, name: str,
                      password: str) -> FacilitatorView:
    """Create the invited account with its name and password (once)."""
    email = invitation_email(session, key, token)
    try:
        return create_facilitator(session, email, name, password)
    except ConflictError:  # accepted at the same moment in another tab
        raise NotAllowedError("link_used") from None


def _set_password(session: Session, row: Facilitator, password: str) -> None:
    if len(password) < PASSWORD_MIN_LENGTH:
        raise InvalidInputError("weak_password", limit=PASSWORD_MIN_LENGTH)
    row.password_hash = password_hasher().hash(password)
    session.execute(delete(FacilitatorLogin).where(FacilitatorLogin.facilitator_id == row.id))


def set_password(session: Session, email: str, password: str) -> FacilitatorView:
    """Set the password of the account ``email`` (the command line, an administrator's act)."""
    with session.begin():
        row = session.scalar(select(Facilitator).where(Facilitator.email == normalize_email(email)))
        if row is None:
            raise InvalidInputError("unknown_facilitator", email=email)
        _set_password(session, row, password)
        return _view(row)


def change_password(session: Session, facilitator_id: int, current: str, new: str) -> None:
    """Change one's password, the current one given; every open login is closed."""
    with session.begin():
        row = session.get(Facilitator, facilitator_id)
        if row is None or not verify_password(password_hasher(), row.password_hash, current):
            raise NotAllowedError("wrong_password")
        _set_password(session, row, new)


def reset_link_for(session: Session, key: bytes, email: str) -> tuple[str, str] | None:
    """Return ``(token, display name)`` to reset the account ``email``, or ``None`` if none."""
    with session.begin():
        row = session.scalar(select(Facilitator).where(
            Facilitator.email == normalize_email(email), Facilitator.erased_at.is_(None)))
        if row is None:
            return None
        token = sign(key, "reset", {"f": row.id}, ttl=RESET_TTL, extra=row.password_hash)
        return token, row.display_name


def _reset_row(session: Session, key: bytes, token: str) -> Facilitator:
    """Return the account a valid reset link is for (inside the caller's transaction)."""
    body = token.partition(".")[0]
    try:
        claimed = json.loads(base64.urlsafe_b64decode(body + "=" * (-len(body) % 4)))
        facilitator_id = int(claimed["f"])
    except (ValueError, KeyError, TypeError):
        raise NotAllowedError("link_invalid") from None
    row = session.get(Facilitator, facilitator_id)
    if row is None or read(key, "reset", token, extra=row.password_hash) is None:
        raise NotAllowedError("link_invalid")
    return row


def check_reset_link(session: Session, key: bytes, token: str) -> None:
    """Raise :class:`NotAllowedError` unless ``token`` is a valid, unused reset link."""
    with session.begin():
        _reset_row(session, key, token)


def reset_password(session: Session, key: bytes, token: str, password: str) -> FacilitatorView:
    """Set a new password with a reset link; the link then stops working."""
    with session.begin():
        row = _reset_row(session, key, token)
        _set_password(session, row, password)
        return _view(row)
