"""Live events of a workshop, published after the service's transaction committed.

The payloads are the JSON the browser receives in the ``statement``, ``hidden``,
``status`` and ``votes`` events of ``GET /ateliers/{slug}/flux`` (see docs/workshops.md).
"""

from __future__ import annotations

from typing import Any

from trajectoires.foresight.participation import BoardStatement, Counts, VoteOutcome
from trajectoires.foresight.workshops import WorkshopView
from trajectoires.web.workshops.live import LiveHub

__all__ = [
    "counts_payload",
    "publish_statement",
    "publish_status",
    "publish_vote",
    "publish_visibility",
    "statement_payload",
]


def counts_payload(counts: Counts) -> dict[str, int]:
    """Return ``{"agree", "disagree", "pass"}`` for ``counts``."""
    return {"agree": counts.agree, "disagree": counts.disagree, "pass": counts.passed}


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
