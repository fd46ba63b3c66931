"""Workshops: creation by a facilitator, join codes, phases, listing.

Examples
--------
>>> normalize_join_code(" k7m-q2x ")
'K7MQ2X'
>>> len(generate_join_code())
6
>>> slugify("Numérique & territoires : 2030 !")
'numerique-territoires-2030'

"""

from __future__ import annotations

import re
import secrets
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Protocol

from sqlalchemy import Row, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from trajectoires.foresight._retry import retry_when_locked
from trajectoires.foresight._text import refuse_control_characters
from trajectoires.foresight.errors import InvalidInputError, NotAllowedError, NotFoundError
from trajectoires.foresight.kinds import WorkshopKind, get_kind
from trajectoires.foresight.models import (
    DEFAULT_LICENCE,
    QUESTION_MAX_LENGTH,
    TITLE_MAX_LENGTH,
    Workshop,
)

__all__ = [
    "JOIN_CODE_ALPHABET",
    "TerritoryLike",
    "WorkshopView",
    "create_workshop",
    "find_by_join_code",
    "generate_join_code",
    "get_visible_workshop",
    "get_workshop",
    "list_workshops",
    "normalize_join_code",
    "owned_row",
    "set_phase",
    "slugify",
]

JOIN_CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, no 1/I
JOIN_CODE_LENGTH = 6
DRAFT = "draft"
"""Status of a workshop in preparation: seen by its facilitator only, not joinable."""
_CODE_SEPARATORS = re.compile(r"[\s\-_.]")
_CREATE_ATTEMPTS = 5


class TerritoryLike(Protocol):
    """What a workshop needs of a territory unit (``trajectoires.territory`` provides it)."""

    kind: str
    code: str
    name: str


@dataclass(frozen=True)
class WorkshopView:
    """A workshop as the services return it."""

    id: int
    slug: str
    join_code: str
    title: str
    question: str
    territory_kind: str
    territory_code: str
    territory_name: str
    kind: str
    status: str
    facilitator_id: int
    created_at: datetime
    settings: Mapping[str, Any] = field(default_factory=dict)
    example: bool = False
    locked: bool = False
    published_at: datetime | None = None
    licence: str = DEFAULT_LICENCE

    @property
    def manifest(self) -> WorkshopKind:
        """The manifest of this workshop's kind."""
        return get_kind(self.kind)

    @property
    def is_private(self) -> bool:
        """Whether only the facilitator may see the join code (the ``private`` option)."""
        return bool(self.manifest.setting(self.settings, "private"))

    @property
    def is_draft(self) -> bool:
        """Whether the workshop is still in preparation (hidden from all but its facilitator)."""
        return self.status == DRAFT

    @property
    def phase_label(self) -> str:
        """The French label of the current phase."""
        return self.manifest.phase(self.status).label

    def setting(self, name: str) -> Any:  # noqa: ANN401 (settings are JSON values)
        """Return this workshop's option ``name``, else its kind's default."""
        return self.manifest.setting(self.settings, name)


def view(row: Workshop | Row) -> WorkshopView:
    """Copy a workshop (ORM object or Core row of its columns) into a :class:`WorkshopView`."""
    return WorkshopView(
        row.id, row.slug, row.join_code, row.title, row.question, row.territory_kind,
        row.territory_code, row.territory_name, row.kind, row.status, row.facilitator_id,
        row.created_at, dict(getattr(row, "settings", None) or {}),
        bool(getattr(row, "example", False)), bool(getattr(row, "locked", False)),
        getattr(row, "published_at", None), getattr(row, "licence", None) or DEFAULT_LICENCE,
    )


def generate_join_code() -> str:
    """Draw a random 6-character join code from the unambiguous alphabet."""
    return "".join(secrets.choice(JOIN_CODE_ALPHABET) for _ in range(JOIN_CODE_LENGTH))


def normalize_join_code(text: str) -> str:
    """Upper-case ``text``, drop spaces and dashes; raise if it cannot be a join code."""
    code = _CODE_SEPARATORS.sub("", text).upper()
    if len(code) != JOIN_CODE_LENGTH or any(c not in JOIN_CODE_ALPHABET for c in code):
        raise InvalidInputError("invalid_join_code", code=text.strip()[:20])
    return code


def slugify(text: str) -> str:
    """ASCII, lower-case, dash-separated version of ``text`` (at most 50 characters)."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    words = re.findall(r"[a-z0-9]+", ascii_text.lower())
    return "-".join(words)[:50].strip("-") or "atelier"


def _clean(text: str, limit: int, field: str) -> str:
    refuse_control_characters(text, {"title": "Titre", "question": "Question"}[field])
    cleaned = " ".join(text.split())
    if not cleaned:
        raise InvalidInputError(f"empty_{field}")
    if len(cleaned) > limit:
        raise InvalidInputError(f"{field}_too_long", limit=limit, length=len(cleaned))
    return cleaned


@retry_when_locked
def create_workshop(
    session: Session,
    facilitator_id: int,
    territory: TerritoryLike,
    title: str,
    question: str,
    *,
    kind: str = "debate",
    settings: Mapping[str, Any] | None = None,
    example: bool = False,
) -> WorkshopView:
    """Create a workshop in the first phase of its kind, with a fresh slug and join code.

    Parameters
    ----------
    session
        A session with no transaction in progress; this function commits.
    facilitator_id
        The facilitator who will run the workshop.
    territory
        A resolved territory unit (``kind``, ``code``, ``name``).
    title, question
        Shown to participants; at most 120 and 500 characters.
    kind
        Key of a registered :class:`~trajectoires.foresight.kinds.WorkshopKind`.
    settings
        Options of the kind (horizon, points…), checked by the kind; others keep
        the kind's defaults.
    example
        Marks demo content, said so wherever the workshop is shown.

    Raises
    ------
    InvalidInputError
        Empty or over-long title or question, unknown kind or setting.

    """
    manifest = get_kind(kind)
    options = manifest.check_settings(dict(settings or {}))
    title = _clean(title, TITLE_MAX_LENGTH, "title")
    question = _clean(question, QUESTION_MAX_LENGTH, "question")
    for attempt in range(_CREATE_ATTEMPTS):
        row = Workshop(
            slug=f"{slugify(title)}-{secrets.token_hex(3)}",
            join_code=generate_join_code(),
            title=title,
            question=question,
            territory_kind=str(territory.kind),
            territory_code=territory.code,
            territory_name=territory.name,
            kind=manifest.key,
            status=manifest.initial_phase.key,
            facilitator_id=facilitator_id,
            settings=options,
            example=example,
        )
        try:
            with session.begin():
                session.add(row)
            return view(row)
        except IntegrityError:  # a join code or slug collision: draw again
            if attempt == _CREATE_ATTEMPTS - 1:
                raise
    raise AssertionError("unreachable")


def get_workshop(session: Session, slug: str) -> WorkshopView:
    """Return the workshop with this public slug; raise :class:`NotFoundError`."""
    with session.begin():
        row = session.scalar(select(Workshop).where(Workshop.slug == slug))
        if row is None:
            raise NotFoundError("workshop_not_found")
        return view(row)


def get_visible_workshop(
    session: Session, slug: str, facilitator_id: int | None
) -> WorkshopView:
    """Return the workshop ``slug`` if the caller may see it.

    A draft is visible to its facilitator only; to anyone else it does not exist,
    so that drafts cannot be discovered by their slug.

    Raises
    ------
    NotFoundError
        No workshop has this slug, or it is a draft of another facilitator.

    """
    workshop = get_workshop(session, slug)
    if workshop.is_draft and workshop.facilitator_id != facilitator_id:
        raise NotFoundError("workshop_not_found")
    return workshop


def find_by_join_code(session: Session, text: str) -> WorkshopView:
    """Return the workshop whose join code is ``text`` (normalized).

    Raises
    ------
    InvalidInputError
        ``text`` cannot be a join code.
    NotFoundError
        No workshop has this code.

    """
    code = normalize_join_code(text)
    with session.begin():
        row = session.scalar(select(Workshop).where(Workshop.join_code == code))
        if row is None:
            raise NotFoundError("unknown_join_code", code=code)
        return view(row)


@retry_when_locked
def set_phase(session: Session, facilitator_id: int, slug: str, status: str) -> WorkshopView:
    """Move the workshop to the phase ``status``; only its facilitator may.

    Raises
    ------
    NotFoundError, NotAllowedError, InvalidInputError
        Unknown workshop, not its facilitator, unknown phase.

    """
    with session.begin():
        row = session.scalar(select(Workshop).where(Workshop.slug == slug))
        if row is None:
            raise NotFoundError("workshop_not_found")
        if row.facilitator_id != facilitator_id:
            raise NotAllowedError("not_owner")
        before, row.status = row.status, get_kind(row.kind).phase(status).key
        if DRAFT in (before, row.status) and before != row.status:  # on event pages or off
            from trajectoires.foresight.events._search import events_of, reindex_events

            reindex_events(session, events_of(session, row.id))
        if row.published_at is not None:  # reopened: off the archive until closed again
            from trajectoires.foresight.publication import reindex_workshop  # (import cycle)

            session.flush()
            reindex_workshop(session, row)
        return view(row)


def list_workshops(session: Session, facilitator_id: int | None = None) -> list[WorkshopView]:
    """Workshops visible to the caller, newest first: every non-draft one, plus own drafts."""
    visible = Workshop.status != DRAFT
    if facilitator_id is not None:
        visible = or_(visible, Workshop.facilitator_id == facilitator_id)
    with session.begin():
        rows = session.scalars(select(Workshop).where(visible).order_by(Workshop.id.desc()))
        return [view(row) for row in rows]


def owned_row(session: Session, slug: str, facilitator_id: int) -> Workshop:
    """Return the row of workshop ``slug`` for a service that changes it.

    The rules of :func:`~trajectoires.foresight.access.own_workshop`, on the row.

    Raises
    ------
    NotFoundError
        No workshop has this slug, or it is a draft of another facilitator.
    NotAllowedError
        An open or closed workshop of another facilitator (``not_owner``).

    """
    row = session.scalar(select(Workshop).where(Workshop.slug == slug))
    if row is None or (row.status == "draft" and row.facilitator_id != facilitator_id):
        raise NotFoundError("workshop_not_found")
    if row.facilitator_id != facilitator_id:
        raise NotAllowedError("not_owner")
    return row
