"""The trajectories of a territory: its Construire 2030 workshops, for its page.

The territory page (``/territoires/{kind}/{code}``) lists the Construire 2030 workshops
of that very territory that anyone may see (not drafts), each with the address of its
trajectory page (``/ateliers/{slug}/trajectoire``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import select

from trajectoires.foresight.kinds._construire_effects import effects_of
from trajectoires.foresight.kinds.construire_2030 import KEY
from trajectoires.foresight.models import VISIBLE, Contribution, Workshop

__all__ = ["TerritoryTrajectory", "territory_trajectories"]


@dataclass(frozen=True)
class TerritoryTrajectory:
    """A Construire 2030 of the territory: title, address, example or not, effects counted."""

    title: str
    url: str
    example: bool
    actions: int
    effects: int


def territory_trajectories(app: Any, kind: str, code: str) -> list[TerritoryTrajectory]:  # noqa: ANN401
    """Return the visible Construire 2030 workshops of the territory ``kind``/``code``."""
    query = select(Workshop).where(
        Workshop.kind == KEY, Workshop.territory_kind == kind, Workshop.territory_code == code,
        Workshop.status != "draft").order_by(Workshop.id.desc()).limit(50)
    found = []
    with app.state.db.sessionmaker() as session, session.begin():
        for row in session.scalars(query):
            actions = list(session.scalars(select(Contribution.payload).where(
                Contribution.workshop_id == row.id, Contribution.type == "action",
                Contribution.status == VISIBLE)))
            found.append(TerritoryTrajectory(
                row.title, f"/ateliers/{row.slug}/trajectoire", bool(row.example), len(actions),
                sum(len(effects_of(payload)) for payload in actions)))
    return found
