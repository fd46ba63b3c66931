r"""Personal data: what a participant or a facilitator may download, and deleting it.

**A participant** downloads everything they gave one workshop (:func:`participant_data`:
pseudonym, organisation, role, e-mail if a visitor gave one, contributions with their
versions, comments, votes, points) and may delete their participation
(:func:`erase_participant`). Deleting keeps what they contributed to the collective
work and removes who they are:

- the participant's row stays, as a **tombstone** with no personal data: its pseudonym
  becomes « Participant·e anonyme » (so every page, export and API that reads the
  pseudonym through it shows that name), organisation, role, actor spoken for and
  e-mail are erased, the cookie's token is replaced by a random one nobody holds (the
  session ends), and ``erased_at`` is set;
- contributions, comments and versions keep pointing at that row: they stay, signed
  « Participant·e anonyme »;
- votes and points keep pointing at it too, so every count, the vote uniqueness
  (one vote per participant and statement, the table's primary key) and the opinion
  groups (one row of the vote matrix per participant, under an opaque id) are exactly
  what they were. Nothing links that row to the person any more.

**A facilitator** downloads their account and workshops (:func:`facilitator_data`) and
may delete their account (:func:`erase_facilitator`), confirmed by their password:

- refused while one of their workshops is running (neither a draft nor closed): the
  participants of a running workshop need its facilitator; close it first;
- their drafts (never opened to anyone) are deleted;
- their closed workshops stay, as the record of a public participation: the account
  row stays as a tombstone (e-mail, name and password erased, every login closed),
  pages show « Animation » as before; nobody can moderate these workshops any more,
  so their enrichment after publication closes (:mod:`trajectoires.foresight.enrichment`);
- their events (public programmes) stay likewise, under the tombstone.

Examples
--------
>>> tombstone_key(12)
'\x01anonyme:12'

"""

from __future__ import annotations

import hashlib
import secrets
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from trajectoires.foresight._retry import retry_when_locked
from trajectoires.foresight.errors import ConflictError, NotAllowedError, NotFoundError
from trajectoires.foresight.events.models import Event
from trajectoires.foresight.facilitators import password_hasher, verify_password
from trajectoires.foresight.history import ANONYMOUS, VersionView, versions_of
from trajectoires.foresight.history_models import Comment, VisitorEmail
from trajectoires.foresight.models import (
    Contribution,
    Facilitator,
    FacilitatorLogin,
    Participant,
    PriorityPoints,
    Vote,
    Workshop,
    WorkshopTable,
    utcnow,
)

__all__ = [
    "ANONYMOUS",
    "erase_facilitator",
    "erase_participant",
    "facilitator_data",
    "participant_data",
    "tombstone_key",
]

ERASED_FACILITATOR = "Compte supprimé"


def tombstone_key(participant_id: int) -> str:
    """Return the ``pseudonym_key`` of an erased participant: unique, and nobody can type it.

    It starts with a control character, which pseudonyms refuse, so a newcomer can
    never collide with it.
    """
    return f"\x01anonyme:{participant_id}"


def _when(moment: Any) -> str | None:  # noqa: ANN401 (a datetime or None)
    return moment.isoformat() if moment is not None else None


def _version_out(version: VersionView) -> dict[str, Any]:
    return {
        "number": version.number, "action": version.action, "by": version.author,
        "at": _when(version.at), "text": version.text, "payload": version.payload,
        "status": version.status, "reason": version.reason,
        "changes": [{"field": c.field, "before": c.before, "after": c.after}
                    for c in version.changes],
    }


def _contributions(session: Session, participant: Participant) -> list[dict[str, Any]]:
    rows = session.scalars(select(Contribution).where(
        Contribution.participant_id == participant.id).order_by(Contribution.id)).all()
    return [
        {"id": r.id, "type": r.type, "text": r.text, "payload": dict(r.payload or {}),
         "status": r.status, "after_session": r.after_session, "created_at": _when(r.created_at),
         "versions": [_version_out(v) for v in versions_of(session, r.id)]}
        for r in rows
    ]


def _votes_and_points(session: Session, participant_id: int) -> dict[str, list]:
    votes = session.execute(
        select(Vote.contribution_id, Contribution.text, Vote.value, Vote.updated_at)
        .join(Contribution, Contribution.id == Vote.contribution_id)
        .where(Vote.participant_id == participant_id).order_by(Vote.contribution_id)).all()
    points = session.execute(
        select(PriorityPoints.contribution_id, Contribution.text, PriorityPoints.points)
        .join(Contribution, Contribution.id == PriorityPoints.contribution_id)
        .where(PriorityPoints.participant_id == participant_id)
        .order_by(PriorityPoints.contribution_id)).all()
    comments = session.execute(
        select(Comment.id, Comment.contribution_id, Comment.text, Comment.status,
               Comment.created_at)
        .where(Comment.participant_id == participant_id).order_by(Comment.id)).all()
    return {
        "votes": [{"contribution_id": c, "text": t, "value": v, "at": _when(at)}
                  for c, t, v, at in votes],
        "points": [{"contribution_id": c, "text": t, "points": p} for c, t, p in points],
        "comments": [{"id": i, "contribution_id": c, "text": t, "status": s,
                      "created_at": _when(at)} for i, c, t, s, at in comments],
    }


def participant_data(session: Session, participant_id: int) -> dict[str, Any]:
    """Everything one participant gave their workshop, as JSON-ready data.

    Only their own data: their profile, their contributions (with every version,
    their own changes signed with their pseudonym, the facilitator's « Animation »),
    their comments, votes and points (with the text voted on, never its author).

    Raises
    ------
    NotFoundError
        No such participant.

    """
    with session.begin():
        participant = session.get(Participant, participant_id)
        if participant is None or participant.erased_at is not None:
            raise NotFoundError("participant_not_found")
        workshop = session.get(Workshop, participant.workshop_id)
        table = (session.get(WorkshopTable, participant.table_id)
                 if participant.table_id else None)
        email = session.get(VisitorEmail, participant.id)
        profile = {
            "workshop": {"slug": workshop.slug, "title": workshop.title},
            "pseudonym": participant.pseudonym, "organisation": participant.organisation,
            "role": participant.role, "table": table.name if table else None,
            "joined_at": _when(participant.created_at), "visitor": participant.visitor,
            "email": email.email if email else None,
            "email_confirmed_at": _when(email.confirmed_at) if email else None,
        }
        others = _votes_and_points(session, participant.id)
        contributions = _contributions(session, participant)
    return {"format": "trajectoires-participation/1", **profile,
            "contributions": contributions, **others}


@retry_when_locked
def erase_participant(session: Session, participant_id: int) -> None:
    """Delete a participation: erase the person, keep their contributions and votes.

    See the module's docstring for what is kept and why.

    Raises
    ------
    NotFoundError
        No such participant, or already erased.

    """
    with session.begin():
        row = session.get(Participant, participant_id)
        if row is None or row.erased_at is not None:
            raise NotFoundError("participant_not_found")
        row.pseudonym, row.pseudonym_key = ANONYMOUS, tombstone_key(row.id)
        row.organisation = row.role = row.actor_id = None
        row.token_hash = hashlib.sha256(secrets.token_bytes(32)).hexdigest()
        row.erased_at = utcnow()
        session.execute(delete(VisitorEmail).where(VisitorEmail.participant_id == row.id))


def facilitator_data(session: Session, facilitator_id: int) -> dict[str, Any]:
    """Return a facilitator's account, events and workshops, with what they entered in them.

    Raises
    ------
    NotFoundError
        No such account.

    """
    with session.begin():
        row = session.get(Facilitator, facilitator_id)
        if row is None or row.erased_at is not None:
            raise NotFoundError("facilitator_not_found")
        workshops = session.scalars(select(Workshop).where(
            Workshop.facilitator_id == row.id).order_by(Workshop.id)).all()
        entered = session.execute(
            select(Contribution.workshop_id, Contribution.id, Contribution.type,
                   Contribution.text, Contribution.created_at)
            .where(Contribution.workshop_id.in_([w.id for w in workshops]),
                   Contribution.participant_id.is_(None))
            .order_by(Contribution.id)).all()
        by_workshop: dict[int, list] = {}
        for wid, cid, type_key, text, created in entered:
            by_workshop.setdefault(wid, []).append(
                {"id": cid, "type": type_key, "text": text, "created_at": _when(created)})
        events = session.execute(select(Event.slug, Event.title, Event.starts_at).where(
            Event.facilitator_id == row.id).order_by(Event.id)).all()
        return {
            "format": "trajectoires-compte/1", "email": row.email,
            "events": [{"slug": slug, "title": title, "starts_at": _when(starts)}
                       for slug, title, starts in events],
            "display_name": row.display_name, "created_at": _when(row.created_at),
            "workshops": [
                {"slug": w.slug, "title": w.title, "kind": w.kind, "status": w.status,
                 "created_at": _when(w.created_at),
                 "contributions_entered": by_workshop.get(w.id, [])}
                for w in workshops],
        }


@retry_when_locked
def erase_facilitator(session: Session, facilitator_id: int, password: str) -> list[str]:
    """Delete a facilitator's account (see the module's docstring); return the drafts deleted.

    Raises
    ------
    NotAllowedError
        The password does not match (the deletion is confirmed by it).
    ConflictError
        A workshop of theirs is running (neither a draft nor closed): its title is named.
    NotFoundError
        No such account, or already deleted.

    """
    with session.begin():
        row = session.get(Facilitator, facilitator_id)
        if row is None or row.erased_at is not None:
            raise NotFoundError("facilitator_not_found")
        if not verify_password(password_hasher(), row.password_hash, password):
            raise NotAllowedError("erase_bad_password")
        workshops = session.scalars(
            select(Workshop).where(Workshop.facilitator_id == row.id)).all()
        running = [w.title for w in workshops if w.status not in ("draft", "closed")]
        if running:
            raise ConflictError("erase_running_workshops", titles=" », « ".join(running))
        drafts = [w for w in workshops if w.status == "draft"]
        for draft in drafts:
            session.delete(draft)
        session.execute(delete(FacilitatorLogin).where(FacilitatorLogin.facilitator_id == row.id))
        row.email = f"compte-supprime-{row.id}@trajectoires.invalid"
        row.display_name, row.password_hash = ERASED_FACILITATOR, "!"
        row.erased_at = utcnow()
        return [d.slug for d in drafts]
