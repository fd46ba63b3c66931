"""Facilitator logins held on the server: the cookie carries a token, the database its hash.

A login is valid while its row exists and has not expired; logging out deletes the
row, so a copied cookie stops working at once on every server process.

Examples
--------
>>> from trajectoires.db import create_database, migrate
>>> from trajectoires.foresight.facilitators import create_facilitator
>>> db = create_database("sqlite://")
>>> migrate(db)
>>> with db.sessionmaker() as session:
...     who = create_facilitator(session, "a@exemple.fr", "Anna", "motdepasse-long")
...     token = open_login(session, who.id)
...     logged_in = login_facilitator(session, token) == who.id
...     close_login(session, token)
...     after = login_facilitator(session, token)
>>> logged_in, after
(True, None)

"""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from trajectoires.foresight.models import FacilitatorLogin, utcnow

__all__ = ["LOGIN_LIFETIME", "close_login", "login_facilitator", "open_login"]

LOGIN_LIFETIME = timedelta(days=14)
"""How long a login lasts without logging in again (the session cookie's age too)."""


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def open_login(session: Session, facilitator_id: int) -> str:
    """Record a new login of ``facilitator_id``; return the token for its cookie.

    Expired logins of every facilitator are deleted on the way.
    """
    token = secrets.token_urlsafe(32)
    now = utcnow()
    with session.begin():
        session.execute(delete(FacilitatorLogin).where(FacilitatorLogin.expires_at < now))
        session.add(FacilitatorLogin(token_hash=_hash(token), facilitator_id=facilitator_id,
                                     created_at=now, expires_at=now + LOGIN_LIFETIME))
    return token


def login_facilitator(session: Session, token: str | None) -> int | None:
    """Return the facilitator logged in with ``token``, or ``None`` (unknown, closed, expired)."""
    if not token or len(token) > 100:
        return None
    with session.begin():
        row = session.execute(
            select(FacilitatorLogin.facilitator_id, FacilitatorLogin.expires_at)
            .where(FacilitatorLogin.token_hash == _hash(token))
        ).first()
    if row is None or row.expires_at <= utcnow():
        return None
    return row.facilitator_id


def close_login(session: Session, token: str | None) -> None:
    """Forget the login of ``token`` (logging out); nothing happens for an unknown token."""
    if not token:
        return
    with session.begin():
        session.execute(delete(FacilitatorLogin).where(FacilitatorLogin.token_hash == _hash(token)))
