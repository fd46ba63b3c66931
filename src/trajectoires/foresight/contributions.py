"""The generic contribution store: post, edit, list, for every kind of workshop.

A contribution has a type declared by the workshop's kind
(:class:`~trajectoires.foresight.kinds.ContributionType`), a payload of typed fields
that the type cleans and checks, an author (a participant, or the facilitator when
entering a table's paper work), a table, an optional parent and a status.
Moderation (hide, restore, merge, pre-moderation) lives in
:mod:`trajectoires.foresight.moderation`.

Who may do what:

- a participant posts the types the current phase lists, while contributions are not
  locked, and edits their own contributions under the same conditions;
- the workshop's facilitator posts and edits any type in any phase but ``closed``
  (what was written on paper, marked ``on_paper``), and bypasses the lock.

Examples
--------
>>> Author(facilitator_id=3).is_facilitator
True

"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from datetime import date, datetime
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
from trajectoires.foresight.kinds import ContributionType, WorkshopKind, get_kind
from trajectoires.foresight.models import (
    MERGED,
    PENDING,
    VISIBLE,
    Contribution,
    Participant,
    Workshop,
    WorkshopTable,
    utcnow,
)

__all__ = [
    "Author",
    "Baseline",
    "CheckContext",
    "Lookups",
    "ContributionView",
    "contribution_view",
    "edit_contribution",
    "get_contribution",
    "list_contributions",
    "post_contribution",
]

FACILITATOR_AUTHOR = "Animation"


@dataclass(frozen=True)
class Author:
    """Who acts: a participant (id and workshop) or a facilitator (id)."""

    participant_id: int | None = None
    workshop_id: int | None = None
    facilitator_id: int | None = None

    @property
    def is_facilitator(self) -> bool:
        """Whether a facilitator acts (rather than a participant)."""
        return self.facilitator_id is not None


@dataclass(frozen=True)
class ContributionView:
    """A contribution as the services return it; ``author`` is a pseudonym or « Animation »."""

    id: int
    workshop_id: int
    type: str
    text: str
    payload: dict[str, Any]
    participant_id: int | None
    author: str
    table_id: int | None
    parent_id: int | None
    status: str
    reason: str | None
    merged_into_id: int | None
    on_paper: bool
    created_at: datetime
    updated_at: datetime
    after_session: bool = False  # « ajouté après l'atelier » (enrichment after publication)

    @property
    def hidden(self) -> bool:
        """Whether participants no longer see it (hidden, pending or merged)."""
        return self.status != VISIBLE


def contribution_view(row: Contribution, author: str | None) -> ContributionView:
    """Copy a contribution row into a :class:`ContributionView`."""
    return ContributionView(
        row.id, row.workshop_id, row.type, row.text, dict(row.payload or {}),
        row.participant_id, author or FACILITATOR_AUTHOR, row.table_id, row.parent_id,
        row.status, row.reason, row.merged_into_id, bool(row.on_paper), row.created_at,
        row.updated_at, bool(row.after_session),
    )


@dataclass(frozen=True)
class Baseline:
    """The value of an indicator on a territory, as the data give it."""

    value: float
    period: str
    source: str
    unit: str = ""


Authorizer = Callable[[Workshop, WorkshopKind, ContributionType, "Author"], None]
"""``authorize(workshop, kind, type, author)``: raise a domain error to refuse a post."""

BaselineLookup = Callable[[str, str, str], "Baseline | None"]
"""``lookup(territory_kind, territory_code, indicator_id)``: the latest value, or ``None``."""


@dataclass(frozen=True)
class Lookups:
    """What the services may read outside the workshop tables, given by the caller.

    The web application builds them once (from the territory reference and the
    indicator store); without them, baselines are « non disponible ».
    """

    baseline: BaselineLookup | None = None


@dataclass(frozen=True)
class CheckContext:
    """What a contribution type's ``check`` hook may read, in the caller's transaction.

    The hook may also fill the type's computed fields in the payload it is given.
    """

    session: Session
    workshop: Workshop
    kind: WorkshopKind
    contribution_type: ContributionType
    author: Author
    today: date
    editing_id: int | None = None
    lookups: Lookups = Lookups()

    def baseline(self, indicator_id: str) -> Baseline | None:
        """Return the indicator's latest value on the workshop's territory, if known."""
        if self.lookups.baseline is None:
            return None
        workshop = self.workshop
        return self.lookups.baseline(
            workshop.territory_kind, workshop.territory_code, indicator_id
        )

    def setting(self, name: str) -> Any:  # noqa: ANN401 (settings are JSON values)
        """Return the workshop's option ``name``, else the kind's default."""
        return self.kind.setting(self.workshop.settings, name)

    def contributions(self, type_key: str) -> list[Contribution]:
        """Return the visible contributions of ``type_key`` (the one edited left out)."""
        query = select(Contribution).where(
            Contribution.workshop_id == self.workshop.id, Contribution.type == type_key,
            Contribution.status == VISIBLE,
        )
        rows = self.session.scalars(query.order_by(Contribution.id))
        return [row for row in rows if row.id != self.editing_id]

    def contribution(self, contribution_id: int) -> Contribution | None:
        """Return the workshop's contribution ``contribution_id``, if any."""
        row = self.session.get(Contribution, contribution_id)
        return row if row is not None and row.workshop_id == self.workshop.id else None


def _workshop_row(session: Session, workshop_id: int) -> Workshop:
    row = session.get(Workshop, workshop_id)
    if row is None:
        raise NotFoundError("workshop_not_found")
    return row


def _authorize_post(row: Workshop, kind: WorkshopKind, ctype: ContributionType,
                    author: Author) -> None:
    """Refuse a post the author may not make in the workshop's current state."""
    phase = kind.phase(row.status)
    if row.status == "closed":
        raise ConflictError("workshop_closed_contributions")
    if author.is_facilitator:
        if author.facilitator_id != row.facilitator_id:
            raise NotAllowedError("not_owner")
        if "facilitator" not in ctype.posted_by:
            raise NotAllowedError("type_not_for_facilitator", type=ctype.label)
        return
    if author.workshop_id != row.id:
        raise NotAllowedError("not_participant")
    if "participant" not in ctype.posted_by:
        raise NotAllowedError("type_facilitator_only", type=ctype.label)
    if ctype.key not in phase.contribution_types:
        raise ConflictError("phase_refuses_type", type=ctype.label, phase=phase.label)
    if row.locked:
        raise ConflictError("contributions_locked")


def _check_refs(context: CheckContext, payload: dict[str, Any]) -> None:
    """Every reference points at a visible contribution of an allowed type here."""
    for spec in context.contribution_type.fields:
        if spec.kind not in ("ref", "refs") or payload.get(spec.name) in (None, []):
            continue
        value = payload[spec.name]
        for ref in value if isinstance(value, list) else [value]:
            target = context.contribution(ref)
            if target is None or target.status != VISIBLE or ref == context.editing_id:
                raise spec.fail("field_ref_not_found", value=ref)
            if spec.ref_types and target.type not in spec.ref_types:
                raise spec.fail("field_ref_wrong_type", value=ref)


def _validated(context: CheckContext, raw: Mapping[str, Any]) -> dict[str, Any]:
    ctype = context.contribution_type
    payload = ctype.clean(raw)
    _check_refs(context, payload)
    if ctype.check is not None:
        ctype.check(context, payload)
    if not payload.get(ctype.title_field):
        raise ctype.field(ctype.title_field).fail("field_required")
    return payload


def _table_of(session: Session, row: Workshop, author: Author, table_id: int | None) -> int | None:
    if table_id is not None:
        table = session.get(WorkshopTable, table_id)
        if table is None or table.workshop_id != row.id:
            raise InvalidInputError("unknown_table", table=table_id)
        if not author.is_facilitator:
            participant = session.get(Participant, author.participant_id)
            if participant is None or participant.table_id != table_id:
                raise NotAllowedError("not_your_table")
        return table_id
    if author.is_facilitator:
        return None
    participant = session.get(Participant, author.participant_id)
    return participant.table_id if participant is not None else None


def _author_name(session: Session, participant_id: int | None) -> str | None:
    if participant_id is None:
        return None
    participant = session.get(Participant, participant_id)
    return participant.pseudonym if participant is not None else None


@retry_when_locked
def post_contribution(  # noqa: PLR0913 (one use case, its keyword options)
    session: Session,
    workshop_id: int,
    author: Author,
    type_key: str,
    payload: Mapping[str, Any],
    *,
    table_id: int | None = None,
    parent_id: int | None = None,
    on_paper: bool = False,
    lookups: Lookups = Lookups(),
    authorize: Authorizer | None = None,
) -> ContributionView:
    """Post a contribution of type ``type_key`` in the workshop ``workshop_id``.

    The payload is cleaned by the type's fields, its references checked, then its
    ``check`` hook run; with pre-moderation on, a participant's contribution waits
    (``pending``) until the facilitator shows it. Its first version is recorded
    (:mod:`~trajectoires.foresight.history`). ``authorize`` replaces the checks of the
    session (phase, lock): the enrichment of a published workshop passes its own, and
    the contribution is then marked ``after_session``.

    Raises
    ------
    InvalidInputError
        Unknown type, a field that does not fit (the message names it), a reference
        to a contribution that is not here.
    ConflictError
        The phase does not take this type, contributions are locked, the workshop is closed.
    NotAllowedError
        Not a participant of this workshop, or not its facilitator.

    """
    with session.begin():
        row = _workshop_row(session, workshop_id)
        kind = get_kind(row.kind)
        ctype = kind.contribution_type(type_key)
        (authorize or _authorize_post)(row, kind, ctype, author)
        if on_paper and not author.is_facilitator:
            raise NotAllowedError("paper_by_facilitator")
        context = CheckContext(session, row, kind, ctype, author, date.today(), lookups=lookups)
        cleaned = _validated(context, payload)
        if parent_id is not None and context.contribution(parent_id) is None:
            raise InvalidInputError("unknown_parent", parent=parent_id)
        premoderated = bool(kind.setting(row.settings, "premoderation"))
        now = utcnow()
        contribution = Contribution(
            workshop_id=row.id, participant_id=author.participant_id, type=ctype.key,
            parent_id=parent_id, table_id=_table_of(session, row, author, table_id),
            text=str(cleaned[ctype.title_field]), payload=cleaned,
            status=PENDING if premoderated and not author.is_facilitator else VISIBLE,
            on_paper=on_paper, created_at=now, updated_at=now,
            after_session=authorize is not None,
        )
        session.add(contribution)
        session.flush()
        record_version(session, contribution, "created", participant_id=author.participant_id,
                       facilitator_id=author.facilitator_id)
        if ctype.after_post is not None:
            ctype.after_post(context, contribution)
        return contribution_view(contribution, _author_name(session, author.participant_id))


@retry_when_locked
def edit_contribution(
    session: Session, contribution_id: int, author: Author, changes: Mapping[str, Any],
    *, lookups: Lookups = Lookups(),
) -> ContributionView:
    """Change some fields of a contribution; its author or the facilitator may.

    ``changes`` holds only the fields to change; the whole payload is checked again.

    Raises
    ------
    NotFoundError, NotAllowedError, ConflictError, InvalidInputError
        As :func:`post_contribution`; also a merged contribution, or another's.

    """
    with session.begin():
        row = session.get(Contribution, contribution_id)
        if row is None:
            raise NotFoundError("contribution_not_found")
        workshop = _workshop_row(session, row.workshop_id)
        kind = get_kind(workshop.kind)
        ctype = kind.contribution_type(row.type)
        _authorize_post(workshop, kind, ctype, author)
        if not author.is_facilitator and row.participant_id != author.participant_id:
            raise NotAllowedError("not_your_contribution")
        if row.status == MERGED:
            raise ConflictError("contribution_merged")
        if not isinstance(changes, Mapping):
            raise InvalidInputError("payload_not_object")
        context = CheckContext(
            session, workshop, kind, ctype, author, date.today(), editing_id=row.id,
            lookups=lookups,
        )
        cleaned = _validated(context, {**(row.payload or {}), **changes})
        if cleaned != (row.payload or {}):
            row.payload, row.text = cleaned, str(cleaned[ctype.title_field])
            row.updated_at = utcnow()
            record_version(session, row, "edited", participant_id=author.participant_id,
                           facilitator_id=author.facilitator_id)
        return contribution_view(row, _author_name(session, row.participant_id))


def get_contribution(session: Session, contribution_id: int) -> ContributionView:
    """Return one contribution, whatever its status; raise :class:`NotFoundError`."""
    with session.begin():
        row = session.get(Contribution, contribution_id)
        if row is None:
            raise NotFoundError("contribution_not_found")
        return contribution_view(row, _author_name(session, row.participant_id))


def list_contributions(
    session: Session,
    workshop_id: int,
    *,
    types: tuple[str, ...] | None = None,
    viewer_id: int | None = None,
    include_hidden: bool = False,
) -> list[ContributionView]:
    """Contributions of a workshop, oldest first.

    Hidden, pending and merged ones are left out unless ``include_hidden`` (the
    facilitator's view); the participant ``viewer_id`` also sees their own pending ones.
    """
    query = (
        select(Contribution, Participant.pseudonym)
        .outerjoin(Participant, Participant.id == Contribution.participant_id)
        .where(Contribution.workshop_id == workshop_id)
        .order_by(Contribution.id)
    )
    if types is not None:
        query = query.where(Contribution.type.in_(types))
    with session.begin():
        views = [contribution_view(row, name) for row, name in session.execute(query)]
    if include_hidden:
        return views
    return [
        v for v in views
        if v.status == VISIBLE or (v.status == PENDING and viewer_id == v.participant_id
                                   and viewer_id is not None)
    ]


def with_author(view: ContributionView, author: str) -> ContributionView:
    """Return ``view`` with another author label (e.g. a table's name on paper)."""
    return replace(view, author=author)
