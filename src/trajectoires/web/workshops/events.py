"""Live events of a workshop, published after the service's transaction committed.

The payloads are the JSON the browser receives in the events of
``GET /ateliers/{slug}/flux`` (see docs/workshops.md):

- the open debate's ``statement``, ``hidden`` and ``votes`` (counts, coalesced);
- every kind's ``status`` (the phase changed: pages reload), ``contribution`` (one
  was posted, edited, hidden, shown, merged: pages refresh their lists), ``state``
  (lock, timer, tables) and ``ranking`` (points changed);
- every kind's ``joined`` (someone joined: the facilitation page refreshes how many
  joined and have not voted yet; no pseudonym in the event);
- every kind's ``details`` (the facilitator edited the title or the question: pages
  show the new ones without reloading).

The generic events carry ids and statuses, never text: a page refreshes what it
shows from the server, which applies who may see what.
:func:`make_hub` builds the application's hub on its database.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy

from trajectoires.db import Database
from trajectoires.foresight.contributions import ContributionView
from trajectoires.foresight.facilitation import SessionState
from trajectoires.foresight.participation import BoardStatement, Counts, VoteOutcome
from trajectoires.foresight.voting import vote_counts
from trajectoires.foresight.workshops import WorkshopView
from trajectoires.web.workshops.live import CountsLoader, LiveHub

__all__ = [
    "contribution_payload",
    "counts_loader",
    "counts_payload",
    "make_hub",
    "publish_details",
    "publish_joined",
    "publish_contribution",
    "publish_ranking",
    "publish_state",
    "publish_statement",
    "publish_status",
    "publish_vote",
    "publish_visibility",
    "statement_payload",
]


def counts_payload(counts: Counts) -> dict[str, int]:
    """Return ``{"agree", "disagree", "pass"}`` for ``counts``."""
    return {"agree": counts.agree, "disagree": counts.disagree, "pass": counts.passed}


def counts_loader(database: Database) -> CountsLoader:
    """Return ``load(statement_ids)``: the counts the hub broadcasts in ``votes`` events."""

    def load(ids: list[int]) -> dict[int, dict[str, int]]:
        with database.sessionmaker() as session:
            counts = vote_counts(session, ids)
        return {sid: counts_payload(c) for sid, c in counts.items()}

    return load


LIVE_BATCH = 0.2
"""Seconds the application's hub gathers events before handing them to every stream."""


def make_hub(database: Database) -> LiveHub:
    """Build the live hub of an application on ``database``.

    With PostgreSQL, messages go through ``LISTEN``/``NOTIFY``
    (:class:`~trajectoires.web.workshops.live_pg.PostgresBus`), so several server
    processes share them; with SQLite (one process), through the in-process bus.
    Nothing starts here: the application's lifespan starts and closes the hub.
    """
    bus = None
    if not database.is_sqlite:  # psycopg imported only here (about 0.05 s of the app's import)
        from trajectoires.web.workshops.live_pg import PostgresBus

        bus = PostgresBus(database.engine.url)
    if bus is not None:  # its two connections close with the database's pool
        sqlalchemy.event.listen(database.engine, "engine_disposed", lambda _engine: bus.close())
    return LiveHub(bus, counts=counts_loader(database), batch=LIVE_BATCH)


def statement_payload(statement: BoardStatement) -> dict[str, Any]:
    """Return the public JSON of a statement."""
    return {
        "id": statement.id,
        "participant_id": statement.participant_id,
        "author": statement.author,
        "text": statement.text,
        "created_at": statement.created_at.isoformat(),
        "counts": counts_payload(statement.counts),
    }


def publish_statement(hub: LiveHub, statement: BoardStatement) -> None:
    """Announce a new (or shown again) statement."""
    hub.publish(statement.workshop_id, "statement", statement_payload(statement))


def publish_visibility(hub: LiveHub, statement: BoardStatement) -> None:
    """Announce that the facilitator hid or showed a statement."""
    if statement.hidden:
        hub.publish(statement.workshop_id, "hidden", {"id": statement.id})
    else:
        publish_statement(hub, statement)


def publish_vote(hub: LiveHub, outcome: VoteOutcome) -> None:
    """Note a vote; the counts are broadcast coalesced by the hub."""
    hub.votes_changed(outcome.workshop_id, [outcome.statement_id])


def publish_status(hub: LiveHub, workshop: WorkshopView) -> None:
    """Announce a phase change."""
    hub.publish(workshop.id, "status", {"status": workshop.status, "label": workshop.phase_label})


def publish_details(hub: LiveHub, workshop: WorkshopView) -> None:
    """Announce the workshop's edited title and question (public: pages show them)."""
    hub.publish(workshop.id, "details", {"title": workshop.title, "question": workshop.question})


def publish_joined(hub: LiveHub, workshop_id: int) -> None:
    """Announce that a participant joined (the facilitation page refreshes its count)."""
    hub.publish(workshop_id, "joined", {})


def contribution_payload(contribution: ContributionView) -> dict[str, Any]:
    """Return the ids and status of a contribution (no text: pages fetch what they may see)."""
    return {
        "id": contribution.id,
        "type": contribution.type,
        "status": contribution.status,
        "table_id": contribution.table_id,
        "merged_into_id": contribution.merged_into_id,
        "updated_at": contribution.updated_at.isoformat(),
    }


def publish_contribution(hub: LiveHub, contribution: ContributionView) -> None:
    """Announce that a contribution was posted, edited, hidden, shown or merged.

    Coalesced per type (:meth:`LiveHub.changed`): the event carries the latest change
    and the ``ids`` of all those it stands for.
    """
    hub.changed(contribution.workshop_id, "contribution", contribution.type,
                contribution_payload(contribution))


def publish_state(hub: LiveHub, state: SessionState) -> None:
    """Announce the lock, the timer and the tables of a workshop."""
    ends = state.timer_ends_at.isoformat() if state.timer_ends_at else None
    hub.publish(state.workshop_id, "state", {
        "locked": state.locked, "timer_ends_at": ends, "timer_label": state.timer_label,
        "tables": [{"id": t.id, "name": t.name, "participants": t.participants}
                   for t in state.tables],
    })


def publish_ranking(hub: LiveHub, workshop_id: int) -> None:
    """Announce that priority points changed (pages refresh the ranking); coalesced."""
    hub.changed(workshop_id, "ranking", "", {})
