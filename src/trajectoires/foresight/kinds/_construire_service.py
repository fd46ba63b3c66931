"""Services of Construire 2030: who speaks for an actor, the starting point, the roadmap.

- :func:`set_speaker`: the facilitator designates the participant who speaks for an
  actor (and so may commit it), or withdraws it;
- :func:`imaginer_sources` and :func:`start_from`: the Imaginer 2030 workshops of the
  same territory, and the copy of one's visible headlines, milestones and targets
  (links between them remapped to the new ids), once per workshop;
- :func:`roadmap`: the actors with their means, actions, milestones, commitments and
  dependencies, as the pages, the SVG and the JSON read them (:mod:`._construire_roadmap`).

Like every service, each function takes a session with no transaction in progress
and owns its transaction.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from trajectoires.foresight._retry import retry_when_locked
from trajectoires.foresight.errors import (
    ConflictError,
    InvalidInputError,
    NotAllowedError,
    NotFoundError,
)
from trajectoires.foresight.history import record_version
from trajectoires.foresight.kinds import get_kind
from trajectoires.foresight.kinds.construire_2030 import KEY, SOURCE_KIND, SOURCE_TYPES
from trajectoires.foresight.models import VISIBLE, Contribution, Participant, Workshop, utcnow
from trajectoires.foresight.workshops import WorkshopView, view

__all__ = [
    "Speaker",
    "StartOutcome",
    "imaginer_sources",
    "set_speaker",
    "speakers",
    "start_from",
]

COPIED_FROM = "copied_from"
"""Key of the workshop's settings recording the copy (not a setting anyone may change)."""


@dataclass(frozen=True)
class Speaker:
    """A participant of the workshop and the actor they speak for (``None``: none)."""

    participant_id: int
    pseudonym: str
    actor_id: int | None


@dataclass(frozen=True)
class StartOutcome:
    """Outcome of :func:`start_from`: the source, and the new id of each copied contribution."""

    workshop: WorkshopView
    source: WorkshopView
    copied: dict[int, int]
    counts: dict[str, int]


def _own(session: Session, facilitator_id: int, workshop_id: int) -> Workshop:
    """Return the Construire 2030 workshop ``workshop_id`` if ``facilitator_id`` runs it."""
    row = session.get(Workshop, workshop_id)
    if row is None or (row.status == "draft" and row.facilitator_id != facilitator_id):
        raise NotFoundError("workshop_not_found")
    if row.facilitator_id != facilitator_id:
        raise NotAllowedError("not_owner")
    if row.kind != KEY:
        raise InvalidInputError("construire_not_construire")
    return row


def _actor(session: Session, workshop: Workshop, actor_id: int) -> Contribution:
    row = session.get(Contribution, actor_id)
    if row is None or row.workshop_id != workshop.id or row.type != "actor" \
            or row.status != VISIBLE:
        raise InvalidInputError("construire_not_actor", actor=actor_id)
    return row


@retry_when_locked
def set_speaker(session: Session, facilitator_id: int, workshop_id: int, participant_id: int,
                actor_id: int | None) -> Speaker:
    """Make a participant speak for an actor (``None``: for none); the facilitator only.

    Raises
    ------
    NotFoundError
        Unknown workshop or participant (a draft of another facilitator is unknown too).
    NotAllowedError
        Not the workshop's facilitator.
    InvalidInputError
        Not a Construire 2030 workshop, or ``actor_id`` is not one of its visible actors.

    """
    with session.begin():
        row = _own(session, facilitator_id, workshop_id)
        participant = session.get(Participant, participant_id)
        if participant is None or participant.workshop_id != row.id:
            raise NotFoundError("participant_not_found")
        if actor_id is not None:
            _actor(session, row, actor_id)
        participant.actor_id = actor_id
        return Speaker(participant.id, participant.pseudonym, actor_id)


def speakers(session: Session, workshop_id: int) -> list[Speaker]:
    """Every participant of the workshop and the actor they speak for, by pseudonym."""
    query = select(Participant).where(Participant.workshop_id == workshop_id)
    with session.begin():
        rows = session.scalars(query.order_by(Participant.pseudonym_key, Participant.id))
        return [Speaker(p.id, p.pseudonym, p.actor_id) for p in rows]


def imaginer_sources(session: Session, workshop: WorkshopView) -> list[WorkshopView]:
    """List the Imaginer 2030 workshops of the same territory one may start from.

    Drafts of other facilitators are left out; newest first.
    """
    query = select(Workshop).where(
        Workshop.kind == SOURCE_KIND, Workshop.territory_kind == workshop.territory_kind,
        Workshop.territory_code == workshop.territory_code,
    ).order_by(Workshop.id.desc())
    with session.begin():
        rows = session.scalars(query)
        return [view(r) for r in rows
                if r.status != "draft" or r.facilitator_id == workshop.facilitator_id]


def _source(session: Session, row: Workshop, slug: str) -> Workshop:
    source = session.scalar(select(Workshop).where(Workshop.slug == str(slug).strip()))
    if source is None or (source.status == "draft"
                          and source.facilitator_id != row.facilitator_id):
        raise NotFoundError("construire_source_not_found", slug=str(slug)[:80])
    if source.kind != SOURCE_KIND:
        raise InvalidInputError("construire_source_wrong_kind", title=source.title)
    same = (source.territory_kind, source.territory_code) == (row.territory_kind,
                                                              row.territory_code)
    if not same:
        raise InvalidInputError("construire_source_other_territory", title=source.title,
                                source=source.territory_name, here=row.territory_name)
    return source


def _copied_payload(ctype: Any, payload: dict[str, Any]) -> dict[str, Any]:  # noqa: ANN401
    """Keep the fields of ``payload`` declared for the type here, references as they are.

    A value that does not fit the field here (another choice list) is left out.
    """
    copied: dict[str, Any] = {}
    for spec in ctype.fields:
        value = payload.get(spec.name)
        if spec.computed or spec.kind in ("ref", "refs"):
            copied[spec.name] = value
            continue
        try:
            copied[spec.name] = spec.clean(value)
        except InvalidInputError:
            copied[spec.name] = [] if spec.kind == "choices" else None
    return copied


def _remap(ctype: Any, payload: dict[str, Any], new_ids: dict[int, int]) -> dict[str, Any]:  # noqa: ANN401
    """Point references at the copies; drop those to contributions not copied."""
    remapped = dict(payload)
    for spec in ctype.fields:
        value = payload.get(spec.name)
        if spec.kind == "refs":
            remapped[spec.name] = sorted(new_ids[v] for v in value or [] if v in new_ids)
        elif spec.kind == "ref":
            remapped[spec.name] = new_ids.get(value) if value is not None else None
    return remapped


def _copy(session: Session, row: Workshop, source: Workshop) -> tuple[dict[int, int], dict]:
    kind = get_kind(KEY)
    query = select(Contribution).where(
        Contribution.workshop_id == source.id, Contribution.type.in_(SOURCE_TYPES),
        Contribution.status == VISIBLE,
    )
    originals = sorted(session.scalars(query),
                       key=lambda c: (SOURCE_TYPES.index(c.type), c.id))
    now, copies = utcnow(), []
    for original in originals:
        ctype = kind.contribution_type(original.type)
        payload = _copied_payload(ctype, dict(original.payload or {}))
        payload[ctype.title_field] = payload.get(ctype.title_field) or original.text
        copies.append(Contribution(
            workshop_id=row.id, participant_id=None, type=original.type, text=original.text,
            payload=payload, status=VISIBLE, on_paper=False, created_at=now, updated_at=now,
        ))
    session.add_all(copies)
    session.flush()
    new_ids = {o.id: c.id for o, c in zip(originals, copies, strict=True)}
    for original, copy in zip(originals, copies, strict=True):
        copy.payload = _remap(kind.contribution_type(copy.type), copy.payload, new_ids)
        copy.text = str(copy.payload[kind.contribution_type(copy.type).title_field])
        record_version(session, copy, "copied", facilitator_id=row.facilitator_id,
                       detail={"from_workshop": source.slug, "from": original.id})
    counts = {key: sum(1 for c in copies if c.type == key) for key in SOURCE_TYPES}
    return new_ids, counts


@retry_when_locked
def start_from(session: Session, facilitator_id: int, workshop_id: int,
               source_slug: str) -> StartOutcome:
    """Copy the visible headlines, milestones and targets of an Imaginer 2030, once.

    The copies are the facilitator's (« Animation »), visible, at no table; their links
    (a milestone's ``leads_to``…) point at the copies. The workshop's ``source_workshop``
    setting records the source.

    Raises
    ------
    NotFoundError
        Unknown workshop or source (another facilitator's draft is unknown too).
    NotAllowedError
        Not the workshop's facilitator.
    InvalidInputError
        The source is not an Imaginer 2030, or not of the same territory.
    ConflictError
        The workshop is closed, or already started from a workshop.

    """
    with session.begin():
        row = _own(session, facilitator_id, workshop_id)
        if row.status == "closed":
            raise ConflictError("workshop_closed_contributions")
        settings = dict(row.settings or {})
        if settings.get(COPIED_FROM):
            done = session.scalar(select(Workshop).where(Workshop.slug == settings[COPIED_FROM]))
            raise ConflictError("construire_already_started",
                                title=done.title if done else settings[COPIED_FROM])
        source = _source(session, row, source_slug)
        new_ids, counts = _copy(session, row, source)
        row.settings = {**settings, "source_workshop": source.slug, COPIED_FROM: source.slug}
        return StartOutcome(view(row), view(source), new_ids, counts)
