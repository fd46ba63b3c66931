"""Quantified effects of Construire 2030 actions, the « what if » switches, and the plan.

An action may carry effects (issue #11) that the trajectory projects onto the territory's
indicators: ``open-place``, ``close-place``, ``ftth``, ``reach`` and ``indicator``, each
with its year and a written assumption. They live in the action's payload under
``effects`` (a list of JSON objects, each with a ``key`` unique in the action), kept
across the generic edits of the action (:func:`keep_effects`) and changed only here:

- :func:`add_effect`, :func:`replace_effect`, :func:`remove_effect`: the workshop's
  facilitator, or the participant who speaks for the action's owner (the actor), while
  the workshop is not closed. Each effect is checked by the projection engine's own
  reader (:func:`trajectoires.pathways.read_plan`), never by a second validator here;
  each change is a version of the action in its history (``effect_added``,
  ``effect_changed``, ``effect_removed``, with the effect's key and type: who, when,
  what changed; :mod:`trajectoires.foresight.history`);
- :func:`set_enabled`: the facilitator switches actions on and off (« et si… ? »); an
  action switched off says so in its payload (``trajectory_off``), so the switch travels
  with the action (a workshop exported and imported elsewhere renumbers its ids);
- :func:`build_plan`: the plan of the workshop in the JSON format of the
  ``trajectory project`` command: its actions with effects, and its targets (copied from
  the Imaginer 2030 it started from, or read there).

Like every service, each writing function takes a session with no transaction in
progress and owns its transaction.

Examples
--------
>>> horizon_year({"horizon": "2031-06"})
2031
>>> plan_effect({"key": 2, "type": "ftth", "share": 80, "communes": ["29019"], "year": 2028})
{'type': 'ftth', 'share': 80, 'communes': ['29019'], 'year': 2028}

"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from trajectoires.foresight._retry import retry_when_locked
from trajectoires.foresight.contributions import Author
from trajectoires.foresight.errors import (
    ConflictError,
    InvalidInputError,
    NotAllowedError,
    NotFoundError,
)
from trajectoires.foresight.history import record_version
from trajectoires.foresight.kinds._construire_checks import DEFAULT_HORIZON
from trajectoires.foresight.kinds.construire_2030 import KEY
from trajectoires.foresight.models import VISIBLE, Contribution, Participant, Workshop
from trajectoires.foresight.workshops import WorkshopView

if TYPE_CHECKING:
    from trajectoires.pathways import Plan

TerritoryCheck = Callable[["Plan"], None]
"""Checks a plan against the workshop's territory (raises the engine's ``PlanError``)."""

__all__ = [
    "EFFECTS",
    "EFFECT_LABELS",
    "FIELD_LABELS",
    "OFF",
    "EffectsOutcome",
    "add_effect",
    "any_effect",
    "build_plan",
    "can_edit_effects",
    "disabled_actions",
    "effects_of",
    "field_of",
    "horizon_year",
    "is_off",
    "keep_effects",
    "plan_effect",
    "remove_effect",
    "replace_effect",
    "set_enabled",
    "unprojected_targets",
]

EFFECTS = "effects"
"""Key of an action's payload holding its effects."""
OFF = "trajectory_off"
"""Key of an action's payload: ``True`` when the action is switched off (« et si… ? »)."""
MAX_EFFECTS = 20
"""Effects one action may carry."""
LOCAL_KEYS = ("key",)
"""Keys of a stored effect that are not part of the plan format."""
EFFECT_LABELS = {
    "open-place": "Ouvrir un lieu", "close-place": "Fermer un lieu",
    "ftth": "Fibre pour une part des locaux", "reach": "Programme qui accompagne des personnes",
    "indicator": "Autre changement d'un indicateur",
}
"""French names of the effect types, in the engine's order."""
FIELD_LABELS = {
    "type": "Type d'effet", "year": "Année", "assumption": "Hypothèse", "network": "Réseau",
    "commune": "Commune", "lat": "Latitude", "lon": "Longitude", "name": "Nom du lieu",
    "address": "Adresse", "place": "Identifiant du lieu", "communes": "Communes",
    "share": "Part des locaux (%)", "people": "Personnes par an", "epci": "EPCI",
    "indicator": "Indicateur", "change": "Changement", "mode": "Mode",
}
"""French label of each field of an effect (the form's, and the errors')."""


@dataclass(frozen=True)
class EffectsOutcome:
    """The effects of one action after a change, and the workshop they belong to."""

    workshop_id: int
    action_id: int
    effects: tuple[dict[str, Any], ...]


def effects_of(payload: Mapping[str, Any] | None) -> list[dict[str, Any]]:
    """Return the effects stored in an action's payload (a copy; ``[]`` when none)."""
    effects = (payload or {}).get(EFFECTS) or []
    return [dict(effect) for effect in effects if isinstance(effect, Mapping)]


def plan_effect(effect: Mapping[str, Any]) -> dict[str, Any]:
    """Return a stored effect as the plan format writes it (local keys left out)."""
    return {name: value for name, value in effect.items() if name not in LOCAL_KEYS}


def horizon_year(settings: Mapping[str, Any]) -> int:
    """Return the year of the workshop's horizon (``YYYY-MM``; 2030 by default)."""
    return int(str(settings.get("horizon") or DEFAULT_HORIZON)[:4])


def is_off(payload: Mapping[str, Any] | None) -> bool:
    """Whether an action's payload says it is switched off (« et si… ? »)."""
    return (payload or {}).get(OFF) is True


def keep_effects(session: Session, editing_id: int | None, payload: dict[str, Any]) -> None:
    """Keep an action's effects and switch through a generic post or edit (never set there).

    The generic store cleans the declared fields only; this puts back the effects and the
    switch the action had (none for a new one), whatever the request carried.
    """
    payload.pop(EFFECTS, None)
    payload.pop(OFF, None)
    if editing_id is None:
        return
    row = session.get(Contribution, editing_id)
    stored = row.payload if row is not None else None
    if effects_of(stored):
        payload[EFFECTS] = effects_of(stored)
    if is_off(stored):
        payload[OFF] = True


def any_effect(session: Session, workshop_id: int) -> bool:
    """Whether one of the workshop's visible actions carries a quantified effect."""
    with session.begin():
        return any(effects_of(row.payload) for row in _action_rows(session, workshop_id))


def disabled_actions(session: Session, workshop_id: int) -> frozenset[int]:
    """Return the ids of the workshop's visible actions switched off."""
    with session.begin():
        return frozenset(row.id for row in _action_rows(session, workshop_id)
                         if is_off(row.payload))


def _action(session: Session, action_id: int) -> tuple[Workshop, Contribution]:
    row = session.get(Contribution, action_id)
    if row is None or row.type != "action" or row.status != VISIBLE:
        raise NotFoundError("trajectory_action_not_found", action=action_id)
    workshop = session.get(Workshop, row.workshop_id)
    if workshop is None or workshop.kind != KEY:
        raise NotFoundError("trajectory_action_not_found", action=action_id)
    return workshop, row


def can_edit_effects(session: Session, workshop: Workshop | WorkshopView,
                     action_payload: Mapping[str, Any], author: Author) -> bool:
    """Whether ``author`` may change the action's effects: facilitator or owner's speaker."""
    if author.is_facilitator:
        return author.facilitator_id == workshop.facilitator_id
    if author.participant_id is None:
        return False
    participant = session.get(Participant, author.participant_id)
    return (participant is not None and participant.workshop_id == workshop.id
            and participant.actor_id is not None
            and participant.actor_id == action_payload.get("owner"))


def _editable(session: Session, author: Author, action_id: int) -> tuple[Workshop, Contribution]:
    workshop, row = _action(session, action_id)
    if workshop.status == "draft" and author.facilitator_id != workshop.facilitator_id:
        raise NotFoundError("trajectory_action_not_found", action=action_id)
    if not can_edit_effects(session, workshop, row.payload or {}, author):
        raise NotAllowedError("trajectory_not_owner")
    if workshop.status == "closed":
        raise ConflictError("workshop_closed_contributions")
    return workshop, row


def field_of(path: str) -> str:
    """Return the French label of the effect field a plan error's JSON path names.

    >>> field_of("actions[0].effects[0].communes[2]")
    'Communes'
    """
    name = str(path).rsplit(".", 1)[-1].split("[")[0]
    return FIELD_LABELS.get(name, name or "effet")


def _check(workshop: Workshop, row: Contribution, effect: Mapping[str, Any],
           territory_check: TerritoryCheck | None) -> dict[str, Any]:
    """Check one effect with the engine's plan reader; refuse it naming the field."""
    from trajectoires.pathways import PlanError, read_plan

    if not isinstance(effect, Mapping):
        raise InvalidInputError("trajectory_effect_not_object")
    cleaned = plan_effect(effect)
    plan = _plan_frame(workshop)
    plan["actions"] = [{"id": str(row.id), "title": row.text, "effects": [cleaned]}]
    try:
        checked = read_plan(plan)
        if territory_check is not None:
            territory_check(checked)
    except PlanError as error:
        raise InvalidInputError("trajectory_bad_effect", field=field_of(error.path),
                                detail=error.message) from error
    return cleaned


def _store(session: Session, author: Author, row: Contribution, effects: list[dict[str, Any]],
           change: tuple[str, dict[str, Any]]) -> EffectsOutcome:
    """Keep the action's new effects and record the version (who, when, which effect)."""
    if len(effects) > MAX_EFFECTS:
        raise InvalidInputError("trajectory_too_many_effects", limit=MAX_EFFECTS)
    row.payload = {**(row.payload or {}), EFFECTS: effects}
    action, effect = change
    record_version(session, row, action, participant_id=author.participant_id,
                   facilitator_id=author.facilitator_id,
                   detail={"effect": effect.get("key"), "type": effect.get("type")})
    return EffectsOutcome(row.workshop_id, row.id, tuple(effects))


@retry_when_locked
def add_effect(session: Session, author: Author, action_id: int, effect: Mapping[str, Any],
               *, territory_check: TerritoryCheck | None = None) -> EffectsOutcome:
    """Add an effect to an action (its key is the next free number).

    Raises
    ------
    NotFoundError
        Unknown action (or not a Construire 2030 action).
    NotAllowedError
        Neither the facilitator nor the participant speaking for the action's owner.
    ConflictError
        The workshop is closed.
    InvalidInputError
        The effect does not fit the plan format, or the territory when ``territory_check``
        is given (an unknown commune…): the message names the field.

    """
    with session.begin():
        workshop, row = _editable(session, author, action_id)
        cleaned = _check(workshop, row, effect, territory_check)
        effects = effects_of(row.payload)
        key = max((int(e.get("key") or 0) for e in effects), default=0) + 1
        added = {"key": key, **cleaned}
        return _store(session, author, row, [*effects, added], ("effect_added", added))


@retry_when_locked
def replace_effect(session: Session, author: Author, action_id: int, key: int,  # noqa: PLR0913
                   effect: Mapping[str, Any], *,
                   territory_check: TerritoryCheck | None = None) -> EffectsOutcome:
    """Replace the effect ``key`` of an action (same rules as :func:`add_effect`)."""
    with session.begin():
        workshop, row = _editable(session, author, action_id)
        effects = effects_of(row.payload)
        index = _index(effects, key)
        effects[index] = {"key": key, **_check(workshop, row, effect, territory_check)}
        return _store(session, author, row, effects, ("effect_changed", effects[index]))


@retry_when_locked
def remove_effect(session: Session, author: Author, action_id: int, key: int) -> EffectsOutcome:
    """Remove the effect ``key`` of an action (same rules as :func:`add_effect`)."""
    with session.begin():
        _workshop, row = _editable(session, author, action_id)
        effects = effects_of(row.payload)
        removed = effects.pop(_index(effects, key))
        return _store(session, author, row, effects, ("effect_removed", removed))


def _index(effects: list[dict[str, Any]], key: int) -> int:
    for index, effect in enumerate(effects):
        if effect.get("key") == key:
            return index
    raise NotFoundError("trajectory_effect_not_found", key=key)


@retry_when_locked
def set_enabled(session: Session, facilitator_id: int, workshop_id: int,
                switches: Mapping[int, bool]) -> frozenset[int]:
    """Switch actions on (``True``) or off; the facilitator only. Returns those off.

    Raises
    ------
    NotFoundError
        Unknown workshop, or an id that is not one of its visible actions.
    NotAllowedError
        Not the workshop's facilitator.

    """
    with session.begin():
        row = session.get(Workshop, workshop_id)
        if row is None or row.kind != KEY or (
                row.status == "draft" and row.facilitator_id != facilitator_id):
            raise NotFoundError("workshop_not_found")
        if row.facilitator_id != facilitator_id:
            raise NotAllowedError("not_owner")
        actions = {action.id: action for action in _action_rows(session, row.id)}
        for action_id in switches:
            if action_id not in actions:
                raise NotFoundError("trajectory_action_not_found", action=action_id)
        for action_id, on in switches.items():
            action = actions[action_id]
            if is_off(action.payload) == (not on):
                continue
            payload = {k: v for k, v in (action.payload or {}).items() if k != OFF}
            action.payload = payload if on else {**payload, OFF: True}
        return frozenset(i for i, action in actions.items() if is_off(action.payload))


def _action_rows(session: Session, workshop_id: int) -> Iterable[Contribution]:
    return session.scalars(select(Contribution).where(
        Contribution.workshop_id == workshop_id, Contribution.type == "action",
        Contribution.status == VISIBLE).order_by(Contribution.id))


def _plan_frame(workshop: Workshop | WorkshopView) -> dict[str, Any]:
    return {"territory": workshop.territory_code,
            "horizon": horizon_year(workshop.settings or {}), "actions": [], "targets": []}


def _targets(session: Session, workshop: WorkshopView, horizon: int) -> list[dict[str, Any]]:
    """Return the workshop's targets, else those of the Imaginer 2030 named as its source."""
    def visible(workshop_id: int) -> list[Contribution]:
        return list(session.scalars(select(Contribution).where(
            Contribution.workshop_id == workshop_id, Contribution.type == "target",
            Contribution.status == VISIBLE).order_by(Contribution.id)))

    rows = visible(workshop.id)
    source = workshop.settings.get("source_workshop")
    if not rows and source:
        other = session.scalar(select(Workshop).where(Workshop.slug == source))
        same = other is not None and other.territory_code == workshop.territory_code
        rows = visible(other.id) if same and other.status != "draft" else []
    targets = []
    for row in rows:
        payload = row.payload or {}
        if payload.get("indicator") is None or payload.get("target_value") is None:
            continue
        year = int(str(payload.get("target_date") or horizon)[:4])
        targets.append({"indicator": payload["indicator"], "value": payload["target_value"],
                        "year": min(year, horizon)})
    return targets


def _projected(indicator: str) -> bool:
    from trajectoires.pathways import PROJECTED

    return indicator in PROJECTED


def unprojected_targets(session: Session, workshop: WorkshopView) -> list[dict[str, Any]]:
    """Return the workshop's targets on indicators the trajectory does not project."""
    with session.begin():
        targets = _targets(session, workshop, horizon_year(workshop.settings))
    return [t for t in targets if not _projected(t["indicator"])]


def build_plan(session: Session, workshop: WorkshopView) -> dict[str, Any]:
    """Return the plan of a Construire 2030 in the JSON format of ``trajectory project``.

    Every visible action is listed (with its effects, possibly none) in the order it
    was posted, its id the contribution's id as text; targets come from the workshop
    (copied from its Imaginer 2030) or else from the Imaginer 2030 of its
    ``source_workshop`` setting, their year at most the horizon; those on an indicator
    the trajectory does not project are left out (:func:`unprojected_targets`).
    """
    plan = _plan_frame(workshop)
    with session.begin():
        rows = session.scalars(select(Contribution).where(
            Contribution.workshop_id == workshop.id, Contribution.type == "action",
            Contribution.status == VISIBLE).order_by(Contribution.id))
        plan["actions"] = [
            {"id": str(row.id), "title": row.text,
             "effects": [plan_effect(e) for e in effects_of(row.payload)]}
            for row in rows
        ]
        plan["targets"] = [t for t in _targets(session, workshop, plan["horizon"])
                           if _projected(t["indicator"])]
    return plan
