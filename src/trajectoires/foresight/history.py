"""History of a contribution's versions: who changed what, and when.

Every service that changes a contribution (:mod:`~trajectoires.foresight.contributions`,
:mod:`~trajectoires.foresight.moderation`, the kinds' services, the enrichment after
publication) calls :func:`record_version` in its own transaction, right after the
change: the version is kept if and only if the change is. A version is a snapshot of
the contribution after the change (:class:`~trajectoires.foresight.history_models.
ContributionVersion`); :func:`changes` compares two snapshots for display.

Who acted is read at display time: a participant's pseudonym, « Animation » for the
facilitator, « Participant·e anonyme » once the participant deleted their
participation (their row then holds that name, :mod:`trajectoires.foresight.privacy`).

Examples
--------
>>> before = {"text": "Un lieu", "payload": {"title": "Un lieu", "year": 2028},
...           "status": "visible", "reason": None, "merged_into_id": None}
>>> after = {**before, "text": "Deux lieux", "payload": {"title": "Deux lieux", "year": 2028}}
>>> [(c.field, c.before, c.after) for c in changes(before, after)]
[('title', 'Un lieu', 'Deux lieux')]

"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from trajectoires.foresight.errors import NotFoundError
from trajectoires.foresight.history_models import ContributionVersion
from trajectoires.foresight.models import Contribution, Participant, utcnow

__all__ = [
    "ANONYMOUS",
    "FACILITATOR",
    "Change",
    "VersionView",
    "changes",
    "contribution_history",
    "record_version",
    "versions_of",
]

ANONYMOUS = "Participant·e anonyme"
"""The name of a participant who deleted their participation, everywhere."""
FACILITATOR = "Animation"
SYSTEM = "Trajectoires"
_FIRST = ("created", "copied")
UNTRACKED = ("trajectory_off",)
"""Payload keys that are not the contribution's content: the « et si… ? » switch of a
Construire 2030 action (a facilitator's what-if, not a version) is never shown as a
change of the next version."""
_SNAPSHOT = ("text", "payload", "status", "reason", "merged_into_id")


@dataclass(frozen=True)
class Change:
    """One field that changed between two versions (``field``: a payload field or a column)."""

    field: str
    before: Any
    after: Any


@dataclass(frozen=True)
class VersionView:
    """One version as pages and the API show it (``author`` is already a display name)."""

    number: int
    action: str
    author: str
    author_kind: str  # participant, anonymous, facilitator or system
    at: datetime
    text: str
    payload: dict[str, Any]
    status: str
    reason: str | None
    merged_into_id: int | None
    detail: dict[str, Any]
    changes: tuple[Change, ...]


def _snapshot(row: Contribution | ContributionVersion) -> dict[str, Any]:
    return {name: getattr(row, name) for name in _SNAPSHOT}


def changes(before: dict[str, Any] | None, after: dict[str, Any]) -> tuple[Change, ...]:
    """Return what differs from ``before`` to ``after`` (snapshots): payload fields, columns.

    ``text`` repeats the payload's title field, so it is named only when the payload
    does not show the difference. The first version (``before`` is ``None``) has no changes.

    >>> changes(None, {"text": "a", "payload": {}, "status": "visible"})
    ()
    >>> [c.field for c in changes({"text": "a", "payload": {}, "status": "visible"},
    ...                           {"text": "a", "payload": {}, "status": "hidden"})]
    ['status']
    """
    if before is None:
        return ()
    found: list[Change] = []
    old, new = before.get("payload") or {}, after.get("payload") or {}
    for name in [*old, *(k for k in new if k not in old)]:
        if name not in UNTRACKED and old.get(name) != new.get(name):
            found.append(Change(name, old.get(name), new.get(name)))
    for name in ("text", "status", "reason", "merged_into_id"):
        if before.get(name) != after.get(name) and not (name == "text" and found):
            found.append(Change(name, before.get(name), after.get(name)))
    return tuple(found)


def record_version(  # noqa: PLR0913 (who acted is one of two ids)
    session: Session,
    row: Contribution,
    action: str,
    *,
    participant_id: int | None = None,
    facilitator_id: int | None = None,
    detail: dict[str, Any] | None = None,
) -> ContributionVersion:
    """Add the version of ``row`` after ``action`` (run inside the caller's transaction).

    ``row`` must have its id (flushed). The version number follows the contribution's
    latest one (a contribution just created or copied has none: no query).
    """
    latest = 0 if action in _FIRST else session.scalar(
        select(func.max(ContributionVersion.number))
        .where(ContributionVersion.contribution_id == row.id)
    )
    version = ContributionVersion(
        contribution_id=row.id, workshop_id=row.workshop_id, number=(latest or 0) + 1,
        action=action, participant_id=participant_id, facilitator_id=facilitator_id,
        text=row.text, payload=dict(row.payload or {}), status=row.status, reason=row.reason,
        merged_into_id=row.merged_into_id, detail=dict(detail or {}), created_at=utcnow(),
    )
    session.add(version)
    return version


def _author(version: ContributionVersion, participant: Participant | None) -> tuple[str, str]:
    if participant is not None:
        if participant.erased_at is not None:
            return ANONYMOUS, "anonymous"
        return participant.pseudonym, "participant"
    if version.facilitator_id is not None:
        return FACILITATOR, "facilitator"
    return SYSTEM, "system"


def versions_of(session: Session, contribution_id: int) -> list[VersionView]:
    """Versions of a contribution, oldest first, in the caller's transaction."""
    query = (
        select(ContributionVersion, Participant)
        .outerjoin(Participant, Participant.id == ContributionVersion.participant_id)
        .where(ContributionVersion.contribution_id == contribution_id)
        .order_by(ContributionVersion.number)
    )
    views, previous = [], None
    for version, participant in session.execute(query).all():
        snapshot = _snapshot(version)
        author, author_kind = _author(version, participant)
        views.append(VersionView(
            version.number, version.action, author, author_kind, version.created_at,
            version.text, dict(version.payload or {}), version.status, version.reason,
            version.merged_into_id, dict(version.detail or {}), changes(previous, snapshot),
        ))
        previous = snapshot
    return views


def contribution_history(session: Session, contribution_id: int) -> list[VersionView]:
    """Versions of a contribution, oldest first, each with what changed since the previous one.

    Raises
    ------
    NotFoundError
        No such contribution.

    """
    with session.begin():
        if session.get(Contribution, contribution_id) is None:
            raise NotFoundError("contribution_not_found")
        return versions_of(session, contribution_id)
