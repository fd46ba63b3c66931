"""The roadmap of a Construire 2030 workshop, read from its visible contributions.

One :class:`Roadmap` serves the pages (actors with their means, commitments per actor,
actions per actor with dates and dependencies), the SVG drawing and the JSON API.

Examples
--------
>>> last_day("2030-10")
datetime.date(2030, 10, 31)
>>> Means(people=3, budget_eur=1500.0, places=1) + Means(people=2)
Means(people=5, budget_eur=1500.0, places=1)

"""

from __future__ import annotations

import calendar
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy.orm import Session

from trajectoires.foresight.contributions import ContributionView, list_contributions
from trajectoires.foresight.errors import InvalidInputError
from trajectoires.foresight.kinds._construire_checks import DEFAULT_HORIZON
from trajectoires.foresight.kinds._construire_service import speakers
from trajectoires.foresight.kinds.construire_2030 import ACTION, ACTOR, KEY
from trajectoires.foresight.kinds.manifest import month_date
from trajectoires.foresight.workshops import WorkshopView

__all__ = [
    "ActionItem",
    "ActorItem",
    "CommitmentItem",
    "Means",
    "MilestoneItem",
    "Roadmap",
    "last_day",
    "roadmap",
]

_TYPES = ("actor", "action", "milestone", "target", "headline", "commitment", "dependency")


def last_day(month: str) -> date:
    """Return the last day of the month ``YYYY-MM``."""
    first = month_date(month)
    return first.replace(day=calendar.monthrange(first.year, first.month)[1])


@dataclass(frozen=True)
class Means:
    """What one actor, or all together, bring: people, budget in euros, places."""

    people: int = 0
    budget_eur: float = 0.0
    places: int = 0

    def __add__(self, other: Means) -> Means:
        """Add the means of two actors."""
        return Means(self.people + other.people, self.budget_eur + other.budget_eur,
                     self.places + other.places)


@dataclass(frozen=True)
class ActorItem:
    """An actor, its type (label), what it brings and who speaks for it."""

    id: int
    name: str
    actor_type: str
    type_label: str
    description: str
    means: Means
    data: str
    skills: str
    speakers: tuple[str, ...] = ()


@dataclass(frozen=True)
class ActionItem:
    """An action: its owner and partners (actor ids), dates and instrument."""

    id: int
    title: str
    owner_id: int
    partner_ids: tuple[int, ...]
    start: str
    end: str
    instrument: str
    instrument_label: str
    description: str
    means_used: str
    serves: tuple[int, ...]

    @property
    def start_date(self) -> date:
        """First day of the start month."""
        return month_date(self.start)

    @property
    def end_date(self) -> date:
        """Last day of the end month."""
        return last_day(self.end)


@dataclass(frozen=True)
class MilestoneItem:
    """A dated milestone (from Imaginer 2030 or posted here)."""

    id: int
    title: str
    date: str
    category: str | None


@dataclass(frozen=True)
class CommitmentItem:
    """An actor commits to something for an action, by a month."""

    id: int
    action_id: int
    actor_id: int
    what: str
    by: str
    author: str


@dataclass(frozen=True)
class Roadmap:
    """Everything the roadmap shows, from visible contributions only."""

    workshop: WorkshopView
    horizon: str
    actors: tuple[ActorItem, ...]
    actions: tuple[ActionItem, ...]
    milestones: tuple[MilestoneItem, ...]
    commitments: tuple[CommitmentItem, ...]
    dependencies: tuple[tuple[int, int], ...]
    titles: dict[int, str] = field(default_factory=dict)

    @property
    def totals(self) -> Means:
        """The means of every actor together."""
        return sum((actor.means for actor in self.actors), Means())

    def actions_of(self, actor_id: int) -> list[ActionItem]:
        """Return the actions the actor owns, by start month."""
        return sorted((a for a in self.actions if a.owner_id == actor_id),
                      key=lambda a: (a.start, a.id))

    def commitments_of(self, actor_id: int) -> list[CommitmentItem]:
        """Return the commitments of the actor, by month."""
        return sorted((c for c in self.commitments if c.actor_id == actor_id),
                      key=lambda c: (c.by, c.id))

    def before(self, action_id: int) -> list[int]:
        """Return the actions that must come before ``action_id``."""
        return [b for b, a in self.dependencies if a == action_id]

    def after(self, action_id: int) -> list[int]:
        """Return the actions that depend on ``action_id``."""
        return [a for b, a in self.dependencies if b == action_id]

    def title(self, contribution_id: int) -> str:
        """Return the title of a contribution of the roadmap (its number if unknown)."""
        return self.titles.get(contribution_id, f"n° {contribution_id}")

    @property
    def start(self) -> date:
        """Left end of the time axis: the creation month, or the earliest date if before."""
        created = self.workshop.created_at.date().replace(day=1)
        dates = [a.start_date for a in self.actions]
        dates += [month_date(m.date) for m in self.milestones]
        return min([created, *dates])

    @property
    def end(self) -> date:
        """Right end of the time axis: the last day of the horizon month (after ``start``)."""
        end = last_day(self.horizon)
        return end if end > self.start else self.start.replace(year=self.start.year + 1)


def _actor(view: ContributionView, speakers: tuple[str, ...]) -> ActorItem:
    p = view.payload
    return ActorItem(
        view.id, view.text, p.get("actor_type") or "autre",
        ACTOR.field("actor_type").choice_label(p.get("actor_type") or "autre"),
        p.get("description") or "",
        Means(int(p.get("people") or 0), float(p.get("budget_eur") or 0),
              int(p.get("places") or 0)),
        p.get("data") or "", p.get("skills") or "", speakers,
    )


def _action(view: ContributionView) -> ActionItem:
    p = view.payload
    return ActionItem(
        view.id, view.text, int(p["owner"]), tuple(p.get("partners") or ()), p["start"],
        p["end"], p.get("instrument") or "autre",
        ACTION.field("instrument").choice_label(p.get("instrument") or "autre"),
        p.get("description") or "", p.get("means_used") or "", tuple(p.get("serves") or ()),
    )


def roadmap(session: Session, workshop: WorkshopView) -> Roadmap:
    """Read the roadmap of the Construire 2030 ``workshop`` from its visible contributions.

    Each actor comes with the pseudonyms of those speaking for it. Actions
    whose owner is no longer visible, and dependencies or commitments naming an action
    or actor no longer visible, are left out.
    """
    if workshop.kind != KEY:
        raise InvalidInputError("construire_not_construire")
    views = list_contributions(session, workshop.id, types=_TYPES)
    by_type: dict[str, list[ContributionView]] = {key: [] for key in _TYPES}
    for item in views:
        by_type[item.type].append(item)
    voices: dict[int, list[str]] = {}
    for speaker in speakers(session, workshop.id):
        if speaker.actor_id is not None:
            voices.setdefault(speaker.actor_id, []).append(speaker.pseudonym)
    actors = tuple(_actor(v, tuple(voices.get(v.id, ()))) for v in by_type["actor"])
    known = {a.id for a in actors}
    actions = tuple(a for a in map(_action, by_type["action"]) if a.owner_id in known)
    acts = {a.id for a in actions}
    milestones = tuple(
        MilestoneItem(v.id, v.text, v.payload["date"], v.payload.get("category"))
        for v in by_type["milestone"] if v.payload.get("date"))
    commitments = tuple(
        CommitmentItem(v.id, int(v.payload["action"]), int(v.payload["actor"]), v.text,
                       v.payload["by"], v.author)
        for v in by_type["commitment"]
        if v.payload.get("action") in acts and v.payload.get("actor") in known)
    dependencies = tuple(
        (int(v.payload["before"]), int(v.payload["after"])) for v in by_type["dependency"]
        if v.payload.get("before") in acts and v.payload.get("after") in acts)
    horizon = str(workshop.setting("horizon") or DEFAULT_HORIZON)
    titles = {v.id: v.text for v in views}
    return Roadmap(workshop, horizon, actors, actions, milestones, commitments, dependencies,
                   titles)
