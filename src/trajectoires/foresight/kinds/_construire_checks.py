"""Rules of the Construire 2030 contribution types, across fields and rows.

The generic store (:mod:`trajectoires.foresight.contributions`) cleans each field and
checks that references point at visible contributions of the right type; these hooks
add what only this kind knows:

- an action ends after it starts and by the workshop's horizon;
- a commitment falls by the horizon (milestones follow the Imaginer 2030 rules);
- only a participant speaking for an actor (``Participant.actor_id``), or the
  facilitator, commits that actor;
- a dependency links two different actions, once, and never closes a cycle: the
  refusal names the actions of the cycle in order (« A → B → C → A »);
- a participant who posts an actor speaks for it, unless they already speak for one.

Examples
--------
>>> find_path({1: {2}, 2: {3}}, 1, 3)
[1, 2, 3]
>>> find_path({1: {2}}, 2, 1) is None
True

"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

from trajectoires.foresight.errors import InvalidInputError, NotAllowedError
from trajectoires.foresight.models import Contribution, Participant

if TYPE_CHECKING:
    from trajectoires.foresight.contributions import CheckContext

__all__ = [
    "check_action",
    "check_commitment",
    "check_dependency",
    "find_path",
    "speak_for_posted_actor",
]

DEFAULT_HORIZON = "2030-10"


def _horizon(context: CheckContext) -> str:
    return str(context.setting("horizon") or DEFAULT_HORIZON)


def _by_horizon(context: CheckContext, payload: Mapping[str, Any], name: str) -> None:
    """Refuse the month field ``name`` when it falls after the workshop's horizon."""
    value, horizon = payload.get(name), _horizon(context)
    if value and value > horizon:  # YYYY-MM strings sort as dates
        label = context.contribution_type.field(name).label
        raise InvalidInputError("construire_after_horizon", field=label, value=value,
                                horizon=horizon)


def check_action(context: CheckContext, payload: dict[str, Any]) -> None:
    """Refuse an action that ends before it starts, or after the horizon; keep its effects."""
    start, end = payload.get("start"), payload.get("end")
    if start and end and end < start:
        raise InvalidInputError("construire_end_before_start", start=start, end=end)
    _by_horizon(context, payload, "start")
    _by_horizon(context, payload, "end")
    from trajectoires.foresight.kinds._construire_effects import keep_effects

    keep_effects(context.session, context.editing_id, payload)


def check_commitment(context: CheckContext, payload: dict[str, Any]) -> None:
    """Only the actor's speaker, or the facilitator, commits it; by the horizon."""
    _by_horizon(context, payload, "by")
    author = context.author
    if author.is_facilitator:
        return
    actor_id = payload.get("actor")
    participant = context.session.get(Participant, author.participant_id)
    if participant is None or participant.actor_id != actor_id:
        actor = context.contribution(actor_id) if actor_id else None
        name = actor.text if actor is not None else str(actor_id)
        raise NotAllowedError("construire_not_speaker", actor=name)


def find_path(edges: Mapping[int, Iterable[int]], origin: int, goal: int) -> list[int] | None:
    """Return the shortest path from ``origin`` to ``goal`` along ``edges``, or ``None``.

    Neighbours are visited in increasing order, so the path found is the same every time.
    """
    previous: dict[int, int | None] = {origin: None}
    queue = deque([origin])
    while queue:
        node = queue.popleft()
        if node == goal:
            path = [node]
            while previous[path[-1]] is not None:
                path.append(previous[path[-1]])  # type: ignore[arg-type]
            return path[::-1]
        for following in sorted(edges.get(node, ())):
            if following not in previous:
                previous[following] = node
                queue.append(following)
    return None


def _title(context: CheckContext, action_id: int) -> str:
    row = context.contribution(action_id)
    return row.text if row is not None else f"n° {action_id}"


def check_dependency(context: CheckContext, payload: dict[str, Any]) -> None:
    """Two different actions, a link not yet made, and no cycle closed by it.

    Fills the computed ``label``: « action before → action after ».
    """
    before, after = payload.get("before"), payload.get("after")
    if before is None or after is None:
        return  # the required fields say so
    if before == after:
        raise InvalidInputError("construire_dependency_self", action=_title(context, before))
    edges: dict[int, set[int]] = {}
    for row in context.contributions("dependency"):
        pair = (row.payload or {}).get("before"), (row.payload or {}).get("after")
        if pair == (before, after):
            raise InvalidInputError("construire_dependency_exists",
                                    before=_title(context, before), after=_title(context, after))
        edges.setdefault(pair[0], set()).add(pair[1])
    path = find_path(edges, after, before)
    if path is not None:
        cycle = " → ".join(_title(context, node) for node in [before, *path])
        raise InvalidInputError("construire_dependency_cycle", cycle=cycle)
    payload["label"] = f"{_title(context, before)} → {_title(context, after)}"


def speak_for_posted_actor(context: CheckContext, row: Contribution) -> None:
    """Make the participant who posted an actor its speaker, if they speak for none yet."""
    if context.author.is_facilitator:
        return
    participant = context.session.get(Participant, context.author.participant_id)
    if participant is not None and participant.actor_id is None:
        participant.actor_id = row.id
