"""The content of a published workshop: who took part (counts), and its productions.

:func:`workshop_archive` reads what the archive page and the compte rendu show: the
participants counted by role (never a name), and each production of the kind's
manifest (:attr:`~trajectoires.foresight.kinds.WorkshopKind.published_productions`)
with its visible contributions, their fields written in French (choices by label,
months in words, references by the title they point to), votes and points. Authors
are not shown.

Examples
--------
>>> field_value(Field("date", "Date", "month"), "2030-10", {})
'octobre 2030'
>>> field_value(Field("n", "Nombre", "number"), 1234.5, {}).replace("\u202f", " ")
'1 234,5'
>>> field_value(Field("refs", "Mène à", "refs"), [3, 9], {3: "Un tiers-lieu"})
'Un tiers-lieu'

"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from trajectoires.foresight.kinds import Field, get_kind
from trajectoires.foresight.kinds._imaginer_checks import french_month, french_number
from trajectoires.foresight.models import VISIBLE, Contribution, Participant, PriorityPoints, Vote
from trajectoires.foresight.participation import ROLES
from trajectoires.foresight.workshops import WorkshopView

__all__ = [
    "ArchiveItem",
    "ArchiveSection",
    "WorkshopArchive",
    "archive_text",
    "field_value",
    "participation_by_role",
    "read_archive",
    "workshop_archive",
]

NO_ROLE = "Rôle non précisé"


@dataclass(frozen=True)
class ArchiveItem:
    """One contribution as published: its title, its other fields, votes and points."""

    id: int
    type_label: str
    title: str
    details: tuple[tuple[str, str], ...]
    votes: tuple[int, int, int] | None = None  # agree, disagree, pass
    points: int | None = None
    on_paper: bool = False
    after_session: bool = False  # « ajouté après l'atelier » (enrichment)


@dataclass(frozen=True)
class ArchiveSection:
    """One production: its label, the view its kind draws (if any), its items."""

    key: str
    label: str
    view: str
    items: tuple[ArchiveItem, ...]


@dataclass(frozen=True)
class WorkshopArchive:
    """What a published workshop shows: participation by role and its productions."""

    workshop: WorkshopView
    kind_label: str
    participants: int
    roles: tuple[tuple[str, int], ...]
    contributions: int
    sections: tuple[ArchiveSection, ...]


def field_value(spec: Field, value: Any, titles: dict[int, str]) -> str:  # noqa: ANN401, PLR0911
    """Write a payload value of the field ``spec`` in French ('' for nothing to show)."""
    if value is None or value in ("", []):
        return ""
    if spec.kind in ("integer", "number"):
        return french_number(float(value))
    if spec.kind == "month":
        return french_month(str(value))
    if spec.kind == "choice":
        return spec.choice_label(str(value))
    if spec.kind == "choices":
        return ", ".join(spec.choice_label(str(v)) for v in value)
    if spec.kind in ("ref", "refs"):
        ids = value if isinstance(value, list) else [value]
        return " ; ".join(titles[i] for i in ids if i in titles)
    return str(value)


def participation_by_role(session: Session, workshop_id: int) -> tuple[tuple[str, int], ...]:
    """Participants of a workshop counted by role (French labels; never a name).

    Visitors who enriched it after its publication did not take part: they are not counted.
    """
    rows = session.execute(
        select(Participant.role, func.count())
        .where(Participant.workshop_id == workshop_id, Participant.visitor.is_(False))
        .group_by(Participant.role)
    ).all()
    counts = Counter({role: int(n) for role, n in rows})
    labelled = [(label, counts[key]) for key, label in ROLES if counts[key]]
    if counts[None]:
        labelled.append((NO_ROLE, counts[None]))
    return tuple(labelled)


def _tallies(session: Session, workshop_id: int) -> tuple[dict, dict]:
    votes = session.execute(
        select(Vote.contribution_id, Vote.value, func.count())
        .join(Contribution, Contribution.id == Vote.contribution_id)
        .where(Contribution.workshop_id == workshop_id).group_by(Vote.contribution_id, Vote.value)
    ).all()
    tally: dict[int, list[int]] = {}
    for contribution_id, value, n in votes:
        tally.setdefault(contribution_id, [0, 0, 0])[{1: 0, -1: 1, 0: 2}[value]] += int(n)
    points = dict(session.execute(
        select(PriorityPoints.contribution_id, func.sum(PriorityPoints.points))
        .join(Contribution, Contribution.id == PriorityPoints.contribution_id)
        .where(Contribution.workshop_id == workshop_id)
        .group_by(PriorityPoints.contribution_id)
    ).all())
    return tally, points


def _item(row: Contribution, titles: dict[int, str], tally: dict, points: dict,
          kind_key: str) -> ArchiveItem:
    ctype = get_kind(kind_key).contribution_type(row.type)
    details = tuple(
        (spec.label, text) for spec in ctype.fields
        if spec.name != ctype.title_field
        and (text := field_value(spec, (row.payload or {}).get(spec.name), titles))
    )
    votes = tuple(tally.get(row.id, (0, 0, 0))) if ctype.votable else None
    shown_points = int(points.get(row.id) or 0) if ctype.prioritizable else None
    return ArchiveItem(row.id, ctype.label, row.text, details, votes, shown_points,
                       bool(row.on_paper), bool(getattr(row, "after_session", False)))


def workshop_archive(session: Session, workshop: WorkshopView) -> WorkshopArchive:
    """Read the published content of ``workshop`` (visible contributions only)."""
    with session.begin():
        return read_archive(session, workshop)


def read_archive(session: Session, workshop: WorkshopView) -> WorkshopArchive:
    """Read the content of ``workshop`` in the caller's transaction."""
    kind = get_kind(workshop.kind)
    rows = session.scalars(
        select(Contribution).where(Contribution.workshop_id == workshop.id,
                                   Contribution.status == VISIBLE).order_by(Contribution.id)
    ).all()
    roles = participation_by_role(session, workshop.id)
    tally, points = _tallies(session, workshop.id)
    titles = {row.id: row.text for row in rows}
    by_type: dict[str, list[Contribution]] = {}
    for row in rows:
        by_type.setdefault(row.type, []).append(row)
    sections = tuple(
        ArchiveSection(p.key, p.label, p.view, tuple(
            _item(row, titles, tally, points, kind.key)
            for type_key in p.types for row in by_type.get(type_key, ())
        ))
        for p in kind.published_productions
    )
    return WorkshopArchive(workshop, kind.label, sum(n for _label, n in roles), roles,
                           len(rows), sections)


def archive_text(archive: WorkshopArchive) -> str:
    """Return the text of a workshop's productions for the search: question, titles, fields."""
    lines = [archive.workshop.question]
    for section in archive.sections:
        for item in section.items:
            lines.append(item.title)
            lines.extend(value for _label, value in item.details)
    return "\n".join(lines)
