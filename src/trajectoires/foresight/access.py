"""Who may see, run and join a workshop: the access rules, in one place for every entry point.

The pages, the JSON API and the commands ask these functions instead of checking
identities themselves:

- **drafts are not discoverable**: a workshop in preparation exists for its
  facilitator only; to anyone else (another facilitator included) it raises the
  :class:`NotFoundError` of an unknown workshop (:func:`visible_workshop`,
  :func:`drafts_hidden`);
- **only the workshop's facilitator runs it**: facilitation and projection pages,
  phases, moderation and exports (:func:`own_workshop`); another facilitator gets
  :class:`NotAllowedError` (``not_owner``), or the 404 above for a draft;
- **only participants write in it** (:func:`participant_of`); a workshop still in
  preparation cannot be joined (:func:`join_workshop
  <trajectoires.foresight.participation.join_workshop>` says so), and
  :func:`awaiting_opening` tells the join page to warn early participants.

Each function takes a session with no transaction in progress (like the services)
and raises a :class:`~trajectoires.foresight.errors.ForesightError` with a French
message; the web layer maps the error's class to an HTTP status.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy.orm import Session

from trajectoires.foresight.errors import ForesightError, NotAllowedError, NotFoundError
from trajectoires.foresight.participation import ParticipantView
from trajectoires.foresight.voting import participant_in_workshop
from trajectoires.foresight.workshops import WorkshopView, find_by_join_code, get_workshop

__all__ = [
    "awaiting_opening",
    "drafts_hidden",
    "own_workshop",
    "participant_of",
    "visible_workshop",
]


def _check_kind(workshop: WorkshopView, kind: str | None) -> WorkshopView:
    if kind is not None and workshop.kind != kind:
        raise NotFoundError("workshop_not_found")
    return workshop


def visible_workshop(
    session: Session, slug: str, facilitator_id: int | None, *, kind: str | None = None
) -> WorkshopView:
    """Return the workshop ``slug`` if the caller may see it.

    Parameters
    ----------
    session
        A session with no transaction in progress.
    slug
        The workshop's public slug.
    facilitator_id
        The facilitator signed in on this browser, or ``None`` (participants, visitors).
    kind
        When given, a workshop of another kind is unknown too (the routes of a kind
        serve the workshops of that kind only).

    Raises
    ------
    NotFoundError
        No workshop has this slug, it is a draft of another facilitator, or it is not
        of ``kind``.

    """
    workshop = get_workshop(session, slug)
    if workshop.is_draft and workshop.facilitator_id != facilitator_id:
        raise NotFoundError("workshop_not_found")
    return _check_kind(workshop, kind)


def own_workshop(
    session: Session, slug: str, facilitator_id: int, *, kind: str | None = None
) -> WorkshopView:
    """Return the workshop ``slug`` if ``facilitator_id`` runs it.

    For the facilitation and projection pages, phase changes, moderation and exports.

    Raises
    ------
    NotFoundError
        No workshop has this slug, it is a draft of another facilitator (drafts are
        not discoverable), or it is not of ``kind``.
    NotAllowedError
        An open or closed workshop of another facilitator (``not_owner``).

    """
    workshop = visible_workshop(session, slug, facilitator_id, kind=kind)
    if workshop.facilitator_id != facilitator_id:
        raise NotAllowedError("not_owner")
    return workshop


def shown_join_code(workshop: WorkshopView, facilitator_id: int | None) -> str | None:
    """Return the join code ``workshop``'s viewer may see, or ``None``.

    Its facilitator always sees it; anyone else only while the workshop takes
    participants and is not private. A closed workshop's code is never shown.
    """
    if facilitator_id is not None and workshop.facilitator_id == facilitator_id:
        return workshop.join_code
    if workshop.is_private or not workshop.manifest.phase(workshop.status).accepts_participants:
        return None
    return workshop.join_code


@contextmanager
def drafts_hidden(session: Session, slug: str, facilitator_id: int | None) -> Iterator[None]:
    """Turn a refusal on another facilitator's draft into the 404 of an unknown workshop.

    Wrap a service call that raises :class:`NotAllowedError` when the caller may not act
    (``set_phase``, ``hide_statement``, ``vote_as``): when the workshop ``slug`` is a
    draft the caller may not see, :class:`NotFoundError` is raised instead, so the
    refusal does not reveal that the draft exists. The check only runs on refusal, so
    the hot path (voting) makes no extra query.

    Raises
    ------
    NotFoundError
        The refused workshop is unknown or a draft of another facilitator.
    NotAllowedError
        The refusal itself, for a workshop the caller may see.

    """
    try:
        yield
    except NotAllowedError:
        visible_workshop(session, slug, facilitator_id)
        raise


def participant_of(
    session: Session, slug: str, tokens: list[str], facilitator_id: int | None = None
) -> tuple[WorkshopView, ParticipantView]:
    """Return the workshop ``slug`` and its participant holding one of ``tokens`` (cookies).

    Raises
    ------
    NotFoundError
        No workshop has this slug, or it is a draft of another facilitator.
    NotAllowedError
        None of ``tokens`` belongs to a participant of the workshop (``not_participant``).

    """
    with drafts_hidden(session, slug, facilitator_id):
        workshop, participant = participant_in_workshop(session, slug, tokens)
        if participant is None:
            raise NotAllowedError("not_participant")
    return workshop, participant


def awaiting_opening(session: Session, code: str) -> bool:
    """Whether ``code`` is the join code of a workshop still in preparation.

    The join page shows early participants (who scanned the code before the opening)
    that they must wait. A malformed or unknown code is not awaiting anything:
    :func:`~trajectoires.foresight.participation.join_workshop` explains those.
    """
    try:
        return find_by_join_code(session, code).is_draft
    except ForesightError:
        return False
