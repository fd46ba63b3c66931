"""Facilitator accounts: creation, password check (Argon2), demo account.

Examples
--------
>>> hasher = password_hasher()
>>> verify_password(hasher, hasher.hash("correct horse"), "correct horse")
True
>>> verify_password(hasher, hasher.hash("correct horse"), "wrong")
False

"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from functools import cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from trajectoires.foresight.errors import ConflictError, InvalidInputError, NotAllowedError
from trajectoires.foresight.models import Facilitator

__all__ = [
    "DEMO_EMAIL",
    "DEMO_PASSWORD",
    "FacilitatorView",
    "authenticate",
    "create_facilitator",
    "ensure_demo_facilitator",
    "get_facilitator",
    "password_hasher",
    "verify_password",
]

PASSWORD_MIN_LENGTH = 10
EMAIL_PATTERN = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
DEMO_EMAIL = "animation@demo.trajectoires.invalid"
DEMO_PASSWORD = "demo-trajectoires-2030"  # noqa: S105  (public demo credential, see docstring)


@dataclass(frozen=True)
class FacilitatorView:
    """A facilitator as the services return it (never the password hash)."""

    id: int
    email: str
    display_name: str
    created_at: datetime


@cache
def password_hasher() -> PasswordHasher:
    """Return the Argon2id hasher, with the library's recommended parameters."""
    return PasswordHasher()


def verify_password(hasher: PasswordHasher, password_hash: str, password: str) -> bool:
    """Whether ``password`` matches ``password_hash``."""
    try:
        return hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def _view(row: Facilitator) -> FacilitatorView:
    return FacilitatorView(row.id, row.email, row.display_name, row.created_at)


def normalize_email(email: str) -> str:
    """Strip and lower-case an e-mail address; raise if it does not look like one."""
    cleaned = email.strip().lower()
    if not EMAIL_PATTERN.match(cleaned) or len(cleaned) > 254:
        raise InvalidInputError("invalid_email", email=email.strip())
    return cleaned


def create_facilitator(
    session: Session, email: str, display_name: str, password: str
) -> FacilitatorView:
    """Create a facilitator account.

    Raises
    ------
    InvalidInputError
        Malformed e-mail, empty name or password shorter than 10 characters.
    ConflictError
        An account already uses this e-mail.

    """
    email = normalize_email(email)
    name = display_name.strip()
    if not name:
        raise InvalidInputError("empty_name")
    if len(password) < PASSWORD_MIN_LENGTH:
        raise InvalidInputError("weak_password", limit=PASSWORD_MIN_LENGTH)
    with session.begin():
        if session.scalar(select(Facilitator.id).where(Facilitator.email == email)):
            raise ConflictError("duplicate_email", email=email)
        row = Facilitator(
            email=email, display_name=name[:120], password_hash=password_hasher().hash(password)
        )
        session.add(row)
        session.flush()
        return _view(row)


def authenticate(session: Session, email: str, password: str) -> FacilitatorView:
    """Return the facilitator whose e-mail and password match.

    Raises
    ------
    NotAllowedError
        Unknown e-mail or wrong password (the same message for both).

    """
    hasher = password_hasher()
    with session.begin():
        row = session.scalar(
            select(Facilitator).where(Facilitator.email == email.strip().lower())
        )
        if row is None:
            hasher.hash(password)  # same cost as a real check: no timing oracle on e-mails
            raise NotAllowedError("bad_credentials")
        if not verify_password(hasher, row.password_hash, password):
            raise NotAllowedError("bad_credentials")
        if hasher.check_needs_rehash(row.password_hash):
            row.password_hash = hasher.hash(password)
        return _view(row)


def get_facilitator(session: Session, facilitator_id: int) -> FacilitatorView | None:
    """Return the facilitator with this id, or ``None``."""
    with session.begin():
        row = session.get(Facilitator, facilitator_id)
        return _view(row) if row is not None else None


def ensure_demo_facilitator(session: Session) -> tuple[str, str]:
    """Create the demo facilitator if missing and return its ``(email, password)``.

    Demo only: the password is public (it is printed by ``trajectoires demo``), so
    never call this on an instance reachable by others.
    """
    with session.begin():
        exists = session.scalar(select(Facilitator.id).where(Facilitator.email == DEMO_EMAIL))
    if not exists:
        create_facilitator(session, DEMO_EMAIL, "Animation (démo)", DEMO_PASSWORD)
        with session.begin():  # the demo shows the « Animateurs » page too
            row = session.scalar(select(Facilitator).where(Facilitator.email == DEMO_EMAIL))
            row.is_admin = True
    return DEMO_EMAIL, DEMO_PASSWORD
