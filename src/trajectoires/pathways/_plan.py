"""The plan a trajectory projects: actions with quantified effects, and targets.

:func:`read_plan` checks the JSON document of ``docs/trajectory.md`` (schema in
``plan.schema.json`` next to this module) and returns a frozen :class:`Plan`;
every refusal is a :class:`PlanError` naming the JSON path of the wrong value
(``actions[3].effects[0].commune``) with a French message. What depends on the
territory (its communes, the first year of the data, the networks loaded) is
checked by :func:`~trajectoires.pathways.check_plan` against the inputs of a projection.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from trajectoires.pathways._indicators import NETWORKS, PROJECTED

__all__ = ["EFFECT_TYPES", "MODES", "Action", "Effect", "Plan", "PlanError", "Target",
           "read_plan"]

EFFECT_TYPES = ("open-place", "close-place", "ftth", "reach", "indicator")
"""Types of the quantified effects of an action."""
MODES = ("absolute", "relative")
"""How an ``indicator`` effect changes its values: add ``change``, or add ``change`` %."""
FIRST_YEAR, LAST_YEAR = 2000, 2100
_COMMON = {"type", "year", "assumption"}
_FIELDS = {
    "open-place": _COMMON | {"network", "commune", "lat", "lon", "name", "address"},
    "close-place": _COMMON | {"network", "place", "commune"},
    "ftth": _COMMON | {"communes", "share"},
    "reach": _COMMON | {"communes", "epci", "people"},
    "indicator": _COMMON | {"indicator", "change", "mode", "communes"},
}


class PlanError(ValueError):
    """A plan refused: ``path`` is the JSON path of the wrong value, ``message`` says why.

    Examples
    --------
    >>> error = PlanError("actions[0].id", "identifiant déjà utilisé")
    >>> str(error), error.path
    ('actions[0].id : identifiant déjà utilisé', 'actions[0].id')

    """

    def __init__(self, path: str, message: str) -> None:
        super().__init__(f"{path} : {message}" if path else message)
        self.path = path
        self.message = message


@dataclass(frozen=True)
class Effect:
    """One quantified effect: its type, year, assumption and the fields of its type.

    ``path`` is where it stands in the plan (``actions[0].effects[1]``), for the errors
    found against the territory.
    """

    type: str
    year: int
    assumption: str
    path: str
    network: str | None = None
    commune: str | None = None
    communes: tuple[str, ...] = ()
    lat: float | None = None
    lon: float | None = None
    name: str = ""
    address: str = ""
    place: str | None = None
    share: float | None = None
    people: float | None = None
    epci: str | None = None
    indicator: str | None = None
    change: float | None = None
    mode: str = "absolute"


@dataclass(frozen=True)
class Action:
    """An action of the pathway: its id, title and effects."""

    id: str
    title: str
    effects: tuple[Effect, ...]
    owner: str = ""


@dataclass(frozen=True)
class Target:
    """A target of the vision: an indicator's value for the territory in a year."""

    indicator: str
    value: float
    year: int
    path: str = ""


@dataclass(frozen=True)
class Plan:
    """A checked plan: territory code, horizon year, actions and targets."""

    territory: str
    horizon: int
    actions: tuple[Action, ...]
    targets: tuple[Target, ...] = field(default=())

    @property
    def action_ids(self) -> tuple[str, ...]:
        """Ids of the actions, in the plan's order."""
        return tuple(action.id for action in self.actions)


def _type_name(value: object) -> str:
    return {dict: "un objet", list: "une liste", str: "un texte", bool: "un booléen",
            type(None): "null"}.get(type(value), "un nombre")


def _object(value: object, path: str) -> Mapping:
    if not isinstance(value, Mapping):
        raise PlanError(path, f"un objet JSON est attendu, reçu {_type_name(value)}")
    return value


def _text(data: Mapping, key: str, path: str, *, required: bool = True) -> str:
    where = f"{path}.{key}" if path else key
    if key not in data:
        if required:
            raise PlanError(where, "champ obligatoire absent")
        return ""
    value = data[key]
    if not isinstance(value, str) or not value.strip():
        raise PlanError(where, f"un texte non vide est attendu, reçu {_type_name(value)}")
    return value.strip()


def _number(data: Mapping, key: str, path: str, *, low: float | None = None,
            high: float | None = None, required: bool = True) -> float | None:
    where = f"{path}.{key}"
    if key not in data:
        if required:
            raise PlanError(where, "champ obligatoire absent")
        return None
    value = data[key]
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise PlanError(where, f"un nombre est attendu, reçu {_type_name(value)}")
    if (low is not None and value < low) or (high is not None and value > high):
        raise PlanError(where, f"{value:g} hors de l'intervalle attendu "
                        f"({'−∞' if low is None else f'{low:g}'} à "
                        f"{'+∞' if high is None else f'{high:g}'})")
    return float(value)


def _year(data: Mapping, key: str, path: str) -> int:
    where = f"{path}.{key}" if path else key
    if key not in data:
        raise PlanError(where, "champ obligatoire absent")
    value = data[key]
    if isinstance(value, bool) or not isinstance(value, int):
        raise PlanError(where, f"une année (nombre entier) est attendue, reçu {value!r}")
    if not FIRST_YEAR <= value <= LAST_YEAR:
        raise PlanError(where, f"année {value} invalide (de {FIRST_YEAR} à {LAST_YEAR})")
    return value


def _codes(data: Mapping, key: str, path: str, *, required: bool) -> tuple[str, ...]:
    where = f"{path}.{key}"
    if key not in data:
        if required:
            raise PlanError(where, "champ obligatoire absent (liste de codes de communes)")
        return ()
    value = data[key]
    if not isinstance(value, list) or not value:
        raise PlanError(where, "une liste non vide de codes de communes est attendue")
    for i, code in enumerate(value):
        if not isinstance(code, str) or not code.strip():
            raise PlanError(f"{where}[{i}]", "un code de commune (texte) est attendu")
    return tuple(code.strip() for code in value)


def _effect(data: object, path: str) -> Effect:
    data = _object(data, path)
    kind = _text(data, "type", path)
    if kind not in EFFECT_TYPES:
        raise PlanError(f"{path}.type", f"type d'effet inconnu « {kind} » (types connus : "
                        f"{', '.join(EFFECT_TYPES)})")
    unknown = sorted(set(data) - _FIELDS[kind])
    if unknown:
        raise PlanError(f"{path}.{unknown[0]}", f"champ inconnu pour un effet « {kind} » "
                        f"(champs permis : {', '.join(sorted(_FIELDS[kind]))})")
    common = {"type": kind, "year": _year(data, "year", path),
              "assumption": _text(data, "assumption", path), "path": path}
    return _READERS[kind](data, path, common)


def _network(data: Mapping, path: str) -> str:
    network = _text(data, "network", path)
    if network not in NETWORKS:
        raise PlanError(f"{path}.network", f"réseau inconnu « {network} » (réseaux connus : "
                        f"{', '.join(NETWORKS)})")
    return network


def _open_place(data: Mapping, path: str, common: dict) -> Effect:
    lat = _number(data, "lat", path, low=-90, high=90, required=False)
    lon = _number(data, "lon", path, low=-180, high=180, required=False)
    if (lat is None) != (lon is None):
        raise PlanError(f"{path}.{'lon' if lon is None else 'lat'}",
                        "la latitude et la longitude vont ensemble")
    commune = _text(data, "commune", path, required=False) or None
    if commune is None and lat is None:
        raise PlanError(f"{path}.commune", "une commune ou des coordonnées (lat, lon) sont "
                        "nécessaires pour situer le lieu")
    return Effect(**common, network=_network(data, path), commune=commune, lat=lat, lon=lon,
                  name=_text(data, "name", path, required=False),
                  address=_text(data, "address", path, required=False))


def _close_place(data: Mapping, path: str, common: dict) -> Effect:
    place = _text(data, "place", path, required=False) or None
    commune = _text(data, "commune", path, required=False) or None
    if place is None and commune is None:
        raise PlanError(f"{path}.place", "l'identifiant du lieu (place) ou sa commune "
                        "(commune : tous les lieux du réseau dans la commune) est nécessaire")
    return Effect(**common, network=_network(data, path), place=place, commune=commune)


def _ftth(data: Mapping, path: str, common: dict) -> Effect:
    return Effect(**common, communes=_codes(data, "communes", path, required=True),
                  share=_number(data, "share", path, low=0, high=100))


def _reach(data: Mapping, path: str, common: dict) -> Effect:
    communes = _codes(data, "communes", path, required=False)
    epci = _text(data, "epci", path, required=False) or None
    if not communes and epci is None:
        raise PlanError(f"{path}.communes", "des communes (communes) ou un EPCI (epci) sont "
                        "nécessaires")
    if communes and epci is not None:
        raise PlanError(f"{path}.epci", "des communes ou un EPCI, pas les deux")
    return Effect(**common, communes=communes, epci=epci,
                  people=_number(data, "people", path, low=0))


def _indicator(data: Mapping, path: str, common: dict) -> Effect:
    from trajectoires.indicators.catalogue import INDICATORS

    indicator = _text(data, "indicator", path)
    if indicator not in INDICATORS:
        raise PlanError(f"{path}.indicator", f"indicateur inconnu du catalogue « {indicator} »")
    if indicator not in PROJECTED or not PROJECTED[indicator].editable:
        editable = [key for key, spec in PROJECTED.items() if spec.editable]
        raise PlanError(f"{path}.indicator", f"l'indicateur « {indicator} » n'est pas "
                        f"projeté commune par commune (indicateurs possibles : "
                        f"{', '.join(editable)})")
    mode = data.get("mode", "absolute")
    if mode not in MODES:
        raise PlanError(f"{path}.mode", f"mode inconnu {mode!r} (absolute : ajouter la "
                        "valeur ; relative : ajouter ce pourcentage)")
    low = -100 if mode == "relative" else None
    return Effect(**common, indicator=indicator, mode=mode,
                  change=_number(data, "change", path, low=low),
                  communes=_codes(data, "communes", path, required=False))


_READERS = {"open-place": _open_place, "close-place": _close_place, "ftth": _ftth,
            "reach": _reach, "indicator": _indicator}


def _action(data: object, path: str) -> Action:
    data = _object(data, path)
    unknown = sorted(set(data) - {"id", "title", "effects", "owner", "description"})
    if unknown:
        raise PlanError(f"{path}.{unknown[0]}", "champ inconnu (champs permis : id, title, "
                        "owner, description, effects)")
    effects = data.get("effects", [])
    if not isinstance(effects, list):
        raise PlanError(f"{path}.effects", "une liste d'effets est attendue")
    return Action(_text(data, "id", path), _text(data, "title", path),
                  tuple(_effect(e, f"{path}.effects[{i}]") for i, e in enumerate(effects)),
                  _text(data, "owner", path, required=False))


def _target(data: object, path: str, horizon: int) -> Target:
    from trajectoires.indicators.catalogue import INDICATORS

    data = _object(data, path)
    indicator = _text(data, "indicator", path)
    if indicator not in INDICATORS:
        raise PlanError(f"{path}.indicator", f"indicateur inconnu du catalogue « {indicator} »")
    if indicator not in PROJECTED:
        raise PlanError(f"{path}.indicator", f"l'indicateur « {indicator} » n'est pas projeté "
                        f"(indicateurs projetés : {', '.join(PROJECTED)})")
    year = _year(data, "year", path)
    if year > horizon:
        raise PlanError(f"{path}.year", f"année {year} après l'horizon {horizon}")
    return Target(indicator, float(_number(data, "value", path)), year, path)


def read_plan(data: Mapping[str, Any]) -> Plan:
    """Check a plan document (parsed JSON) and return it as a :class:`Plan`.

    Parameters
    ----------
    data : mapping
        The JSON document of ``docs/trajectory.md``.

    Raises
    ------
    PlanError
        The first wrong value, with its JSON path and a French message.

    Examples
    --------
    >>> plan = read_plan({"territory": "29", "horizon": 2030, "actions": [
    ...     {"id": "fs", "title": "France Services à Pleyben", "effects": [
    ...         {"type": "open-place", "network": "france-services", "commune": "29162",
    ...          "year": 2027, "assumption": "ouverture votée en 2026"}]}]})
    >>> plan.actions[0].effects[0].commune, plan.horizon
    ('29162', 2030)
    >>> read_plan({"territory": "29", "horizon": 2030, "actions": [
    ...     {"id": "a", "title": "A", "effects": [{"type": "teleport", "year": 2027}]}]})
    Traceback (most recent call last):
    ...
    trajectoires.pathways._plan.PlanError: actions[0].effects[0].type : type d'effet inconnu « teleport » (types connus : open-place, close-place, ftth, reach, indicator)

    """  # noqa: E501
    data = _object(data, "")
    unknown = sorted(set(data) - {"territory", "horizon", "actions", "targets", "title",
                                  "$schema"})
    if unknown:
        raise PlanError(unknown[0], "champ inconnu (champs permis : territory, horizon, "
                        "actions, targets, title)")
    territory = _text(data, "territory", "")
    horizon = _year(data, "horizon", "")
    actions_data = data.get("actions", [])
    if not isinstance(actions_data, list):
        raise PlanError("actions", "une liste d'actions est attendue")
    actions, seen = [], {}
    for i, item in enumerate(actions_data):
        action = _action(item, f"actions[{i}]")
        if action.id in seen:
            raise PlanError(f"actions[{i}].id", f"identifiant « {action.id} » déjà utilisé "
                            f"par actions[{seen[action.id]}]")
        seen[action.id] = i
        for effect in action.effects:
            if effect.year > horizon:
                raise PlanError(f"{effect.path}.year", f"année {effect.year} après "
                                f"l'horizon {horizon}")
        actions.append(action)
    targets_data = data.get("targets", [])
    if not isinstance(targets_data, list):
        raise PlanError("targets", "une liste de cibles est attendue")
    targets = tuple(_target(t, f"targets[{i}]", horizon) for i, t in enumerate(targets_data))
    return Plan(territory, horizon, tuple(actions), targets)
