"""Moderation by the workshop's facilitator: hide and restore with a reason, merge duplicates.

Every change is recorded as a version of the contributions it touches
(:func:`trajectoires.foresight.history.record_version`), in the same transaction.

Only the facilitator of the contribution's workshop may moderate it. Hiding keeps the
contribution (and its votes) and records why; showing it again approves a contribution
waiting under pre-moderation as well. Merging marks duplicates as ``merged`` into the
contribution kept: their priority points move to it, and every reference to them in
other contributions' payloads now points at it.

Examples
--------
>>> clean_reason("  doublon   de la 12 ")
'doublon de la 12'

"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from trajectoires.foresight._retry import retry_when_locked
from trajectoires.foresight.contributions import ContributionView, contribution_view
from trajectoires.foresight.errors import (
    ConflictError,
    InvalidInputError,
    NotAllowedError,
    NotFoundError,
)
from trajectoires.foresight.history import record_version
from trajectoires.foresight.kinds import get_kind
from trajectoires.foresight.models import (
    HIDDEN,
    MERGED,
    REASON_MAX_LENGTH,
    VISIBLE,
    Contribution,
    Participant,
    PriorityPoints,
    Workshop,
    utcnow,
)
from trajectoires.foresight.publication import is_published, reindex_workshop

__all__ = ["clean_reason", "merge_contributions", "set_visibility"]

_MAX_MERGED = 50


def clean_reason(reason: str | None) -> str | None:
    """Return a moderation reason, spaces collapsed (``None`` if empty); refuse it too long."""
    text = " ".join((reason or "").split())
    if len(text) > REASON_MAX_LENGTH:
        raise InvalidInputError("reason_too_long", limit=REASON_MAX_LENGTH, length=len(text))
    return text or None


def _moderated(session: Session, facilitator_id: int, contribution_id: int) -> Contribution:
    row = session.get(Contribution, contribution_id)
    if row is None:
        raise NotFoundError("contribution_not_found")
    workshop = session.get(Workshop, row.workshop_id)
    if workshop is None or workshop.facilitator_id != facilitator_id:
        if workshop is not None and workshop.status == "draft":
            raise NotFoundError("contribution_not_found")
        raise NotAllowedError("not_owner")
    return row


def _author(session: Session, row: Contribution) -> str | None:
    if row.participant_id is None:
        return None
    participant = session.get(Participant, row.participant_id)
    return participant.pseudonym if participant else None


@retry_when_locked
def set_visibility(
    session: Session,
    facilitator_id: int,
    contribution_id: int,
    *,
    hidden: bool,
    reason: str | None = None,
) -> ContributionView:
    """Hide a contribution (with an optional reason) or show it again.

    Showing a contribution that waits under pre-moderation publishes it.

    Raises
    ------
    NotFoundError, NotAllowedError
        Unknown contribution, or the caller does not run its workshop.
    ConflictError
        The contribution was merged into another.
    InvalidInputError
        A reason longer than 280 characters.

    """
    cleaned = clean_reason(reason)
    with session.begin():
        row = _moderated(session, facilitator_id, contribution_id)
        if row.status == MERGED:
            raise ConflictError("contribution_merged")
        before = (row.status, row.reason)
        row.status = HIDDEN if hidden else VISIBLE
        row.reason = cleaned if hidden else None
        if (row.status, row.reason) != before:
            row.updated_at = utcnow()
            record_version(session, row, "hidden" if hidden else "shown",
                           facilitator_id=facilitator_id)
            _refresh_search(session, row.workshop_id)
        return contribution_view(row, _author(session, row))


def _refresh_search(session: Session, workshop_id: int) -> None:
    """Refresh a published workshop's search entry after moderation (hidden text leaves it)."""
    workshop = session.get(Workshop, workshop_id)
    if is_published(workshop):
        session.flush()
        reindex_workshop(session, workshop)


def _move_points(session: Session, duplicate_ids: list[int], keep_id: int) -> None:
    rows = session.scalars(
        select(PriorityPoints).where(PriorityPoints.contribution_id.in_(duplicate_ids))
    ).all()
    for row in rows:
        kept = session.get(PriorityPoints, (row.participant_id, keep_id))
        if kept is None:
            session.add(PriorityPoints(
                participant_id=row.participant_id, contribution_id=keep_id, points=row.points,
                updated_at=utcnow(),
            ))
        else:
            kept.points += row.points
        session.delete(row)


def _repoint(session: Session, workshop: Workshop, duplicate_ids: set[int], keep_id: int,
             facilitator_id: int) -> None:
    """Make references to the duplicates in other payloads point at the kept one."""
    kind = get_kind(workshop.kind)
    ref_fields = {
        t.key: [f.name for f in t.fields if f.kind in ("ref", "refs")]
        for t in kind.contribution_types
    }
    rows = session.scalars(
        select(Contribution).where(Contribution.workshop_id == workshop.id)
    ).all()
    for row in rows:
        payload, changed = dict(row.payload or {}), False
        for name in ref_fields.get(row.type, ()):
            value = payload.get(name)
            if isinstance(value, list) and duplicate_ids & set(value):
                replaced = {keep_id if v in duplicate_ids else v for v in value} - {row.id}
                payload[name], changed = sorted(replaced), True
            elif not isinstance(value, list) and value in duplicate_ids:
                payload[name], changed = keep_id, True
        if changed:
            row.payload = payload
            record_version(session, row, "repointed", facilitator_id=facilitator_id,
                           detail={"merged": sorted(duplicate_ids), "into": keep_id})


@retry_when_locked
def merge_contributions(
    session: Session, facilitator_id: int, keep_id: int, duplicate_ids: list[int]
) -> tuple[ContributionView, list[int]]:
    """Merge the duplicates into ``keep_id``; return the kept one and the merged ids.

    Raises
    ------
    NotFoundError, NotAllowedError
        Unknown contribution, or the caller does not run its workshop.
    InvalidInputError
        No duplicate, the kept one among them, another type or workshop.
    ConflictError
        A contribution already merged.

    """
    ids = sorted({int(i) for i in duplicate_ids} - {keep_id})
    if not ids or len(ids) > _MAX_MERGED:
        raise InvalidInputError("merge_needs_duplicates", limit=_MAX_MERGED)
    with session.begin():
        keep = _moderated(session, facilitator_id, keep_id)
        if keep.status == MERGED:
            raise ConflictError("contribution_merged")
        for duplicate_id in ids:
            row = _moderated(session, facilitator_id, duplicate_id)
            if row.workshop_id != keep.workshop_id or row.type != keep.type:
                raise InvalidInputError("merge_other_type", id=duplicate_id)
            if row.status == MERGED:
                raise ConflictError("contribution_merged")
            row.status, row.merged_into_id, row.updated_at = MERGED, keep.id, utcnow()
            record_version(session, row, "merged", facilitator_id=facilitator_id,
                           detail={"into": keep.id})
        _move_points(session, ids, keep.id)
        _repoint(session, session.get(Workshop, keep.workshop_id), set(ids), keep.id,
                 facilitator_id)
        keep.updated_at = utcnow()
        record_version(session, keep, "absorbed", facilitator_id=facilitator_id,
                       detail={"merged": ids})
        _refresh_search(session, keep.workshop_id)
        return contribution_view(keep, _author(session, keep)), ids
