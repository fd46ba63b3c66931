"""The projection engine of one plan on one territory: what does not depend on the toggles.

An :class:`Engine` holds the trends, the compiled effects of every action and the
place lists' trees; :meth:`Engine.scenario` computes the commune values of any
set of enabled actions. It is kept (a few per process) so that switching an
action on or off recomputes only what that action touches.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import dataclass, field, replace
from functools import lru_cache

import numpy as np

from trajectoires.invocation import tool_command
from trajectoires.pathways._access import RADIUS_KM, Network, NewPlace
from trajectoires.pathways._cache import Lru, Memo
from trajectoires.pathways._check import check_plan
from trajectoires.pathways._contribute import eligible
from trajectoires.pathways._indicators import CRITERIA, PROJECTED, beyond_key
from trajectoires.pathways._inputs import ProjectionInputs
from trajectoires.pathways._plan import Action, Effect, Plan, PlanError
from trajectoires.pathways._trend import commune_trend
from trajectoires.pathways._values import (
    Compiled,
    Deciles,
    apply_effects,
    compile_effect,
    reach_people,
)

__all__ = ["Engine", "Scenario", "engine_for"]


@dataclass
class Compiled_Action:  # noqa: N801 - private record
    """What one action does: value effects, places opened and closed, people reached."""

    values: list[Compiled] = field(default_factory=list)
    opened: dict[str, list[NewPlace]] = field(default_factory=dict)
    closed: dict[str, list[tuple[int, int]]] = field(default_factory=dict)  # (place, column)
    reach: list[tuple[np.ndarray, np.ndarray, int]] = field(default_factory=list)

    @property
    def indicators(self) -> set[str]:
        """Catalogue ids of the indicators its value effects move."""
        return {effect.indicator for effect in self.values}

    @property
    def networks(self) -> set[str]:
        """Networks whose places it opens or closes."""
        return set(self.opened) | set(self.closed)


@dataclass(frozen=True, eq=False)
class Scenario:
    """Commune values of one scenario: catalogue id → territory communes × years."""

    values: dict[str, np.ndarray]
    population: np.ndarray  # territory communes × years (the weights of the means)


class Engine:
    """Trends, compiled effects and place trees of a plan on a territory."""

    def __init__(self, inputs: ProjectionInputs, plan: Plan) -> None:
        check_plan(plan, territory=inputs.territory, communes=set(inputs.codes),
                   epcis=inputs.epcis, first_year=inputs.start_year,
                   networks=set(inputs.places), places=self._place_ids(inputs))
        self.inputs, self.plan = inputs, plan
        self.years = np.arange(inputs.start_year, plan.horizon + 1)
        self.position = {code: i for i, code in enumerate(inputs.communes.index)}
        self.rows = np.flatnonzero(inputs.communes["in_territory"].to_numpy())
        self.trends = {key: np.clip(commune_trend(h.values, h.times, h.method, self.years),
                                    PROJECTED[key].low, PROJECTED[key].high)
                       for key, h in inputs.histories.items()}
        self.actions = {action.id: self._compile(action) for action in plan.actions}
        self.deciles = Deciles({k: self.trends[k] for k in CRITERIA if k in self.trends},
                               self.rows)
        self.networks = {kind: Network(frame, inputs.communes, self.rows)
                         for kind, frame in inputs.places.items()}
        # about three scenarios of commune arrays (national and territory values of each key)
        self.memo = Memo(self._affecting(),
                         arrays=3 * (2 * len(self.trends) + 3 * len(self.networks) + 4))
        self._near = Lru(8)  # an opening's distances per year (near_action)

    @staticmethod
    def _place_ids(inputs: ProjectionInputs) -> dict[str, set[str]]:
        inside = set(inputs.codes)
        return {kind: set(frame.loc[frame["commune_code"].isin(inside), "id"])
                for kind, frame in inputs.places.items()}

    # --- compiling the effects ------------------------------------------------------
    def _rows_of(self, codes: tuple[str, ...]) -> np.ndarray:
        return np.array([self.position[c] for c in codes], dtype=np.int64) if codes \
            else self.rows

    def _compile(self, action: Action) -> Compiled_Action:
        compiled = Compiled_Action()
        for effect in action.effects:
            if effect.type == "open-place":
                compiled.opened.setdefault(effect.network, []).append(self._new_place(effect))
            elif effect.type == "close-place":
                compiled.closed.setdefault(effect.network, []).extend(self._closed(effect))
            elif effect.type == "reach":
                compiled.reach.append(self._reach(effect))
            else:
                rows = self._rows_of(effect.communes)
                changes = [c for c in compile_effect(effect, rows, self.years)
                           if c.indicator in self.trends]
                if not changes:
                    key = effect.indicator or "ftth_taux"
                    why = self.inputs.missing.get(key)
                    raise PlanError(
                        f"{effect.path}.{'indicator' if effect.indicator else 'type'}",
                        f"aucune donnée chargée pour « {key} » dans ce territoire : "
                        + (f"{why}, avant de projeter cet effet" if why else
                           f"importez-la (« {tool_command()} data import TYPE FICHIER ») "
                           "avant de projeter cet effet"))
                compiled.values.extend(changes)
        return compiled

    def _column(self, year: int) -> int:
        return int(np.searchsorted(self.years, year))

    def _new_place(self, effect: Effect) -> NewPlace:
        from trajectoires import analysis

        communes = self.inputs.communes
        if effect.lat is None:  # the commune's reference point, in both systems
            row = communes.loc[effect.commune]
            x, y, lon, lat = (float(row[c]) for c in ("x", "y", "lon", "lat"))
            if bool(row["metropolitan"]):
                lon, lat = _to_wgs84(x, y)
            else:
                x, y = analysis.to_lambert93([lon], [lat])[0]
            return NewPlace(float(x), float(y), lon, lat, self._column(effect.year),
                            bool(row["metropolitan"]))
        x, y = analysis.to_lambert93([effect.lon], [effect.lat])[0]
        inside = communes.iloc[self.rows]
        metro = inside[inside["metropolitan"]]
        if len(metro):
            gap = np.hypot(metro["x"] - x, metro["y"] - y).min() / 1000
            if gap <= RADIUS_KM:
                return NewPlace(float(x), float(y), effect.lon, effect.lat,
                                self._column(effect.year), True)
        overseas = inside[~inside["metropolitan"]]
        if len(overseas):
            gap = analysis.geodesic_km(overseas[["lon", "lat"]].to_numpy(),
                                       np.repeat([[effect.lon, effect.lat]], len(overseas),
                                                 axis=0)).min()
            if gap <= RADIUS_KM:
                return NewPlace(float(x), float(y), effect.lon, effect.lat,
                                self._column(effect.year), False)
        raise PlanError(f"{effect.path}.lat", f"le point ({effect.lat:g}, {effect.lon:g}) est "
                        f"à plus de {RADIUS_KM:.0f} km des communes du territoire")

    def _closed(self, effect: Effect) -> list[tuple[int, int]]:
        frame = self.inputs.places[effect.network]
        if effect.place is not None:
            picked = np.flatnonzero(frame["id"].to_numpy() == effect.place)
        else:
            picked = np.flatnonzero(frame["commune_code"].to_numpy() == effect.commune)
            if not len(picked):
                raise PlanError(f"{effect.path}.commune", f"aucun lieu du réseau "
                                f"« {effect.network} » dans la commune « {effect.commune} »")
        column = self._column(effect.year)
        return [(int(i), column) for i in picked]

    def _reach(self, effect: Effect) -> tuple[np.ndarray, np.ndarray, int]:
        communes = self.inputs.communes
        if effect.epci is not None:
            inside = communes.iloc[self.rows]
            codes = tuple(inside.index[inside["epci_code"] == effect.epci])
        else:
            codes = effect.communes
        rows = self._rows_of(codes)
        population = np.nan_to_num(communes["population"].to_numpy(float)[rows])
        total = population.sum()
        shares = population / total if total > 0 else np.full(len(rows), 1 / len(rows))
        return rows, shares * float(effect.people), self._column(effect.year)

    # --- one scenario -------------------------------------------------------------
    def values(self, key: str, enabled: frozenset[str]) -> np.ndarray:
        """National values of editable indicator ``key`` (communes × years)."""
        effects = [e for a in sorted(enabled) for e in self.actions[a].values
                   if e.indicator == key]
        return apply_effects(self.trends[key], effects, key)

    def values_at(self, key: str, enabled: frozenset[str], rows: np.ndarray) -> np.ndarray:
        """Values of ``key`` at the national ``rows`` only (sorted, unique): as :meth:`values`.

        Every effect changes each of its communes on its own, so the effects restricted
        to ``rows`` give those rows exactly what the whole array would.
        """
        effects = []
        for action_id in sorted(enabled):
            for effect in self.actions[action_id].values:
                if effect.indicator != key:
                    continue
                inside = np.isin(effect.rows, rows)
                if inside.any():
                    effects.append(replace(effect, rows=np.searchsorted(
                        rows, effect.rows[inside])))
        return apply_effects(self.trends[key][rows], effects, key)

    def places(self, kind: str, enabled: frozenset[str]) -> tuple[list, list]:
        """Places closed and opened in each year by the enabled actions, for a network."""
        closed, opened = self.openings(kind, enabled)
        return closed, [[place for _, place in year] for year in opened]

    def openings(self, kind: str, enabled: frozenset[str]) -> tuple[list, list]:
        """As :meth:`places`, each opened place with the id of its action."""
        closed: list[set[int]] = [set() for _ in self.years]
        opened: list[list[tuple[str, NewPlace]]] = [[] for _ in self.years]
        for action_id in sorted(enabled):
            action = self.actions[action_id]
            for place, start in action.closed.get(kind, []):
                for col in range(start, len(self.years)):
                    closed[col].add(place)
            for place in action.opened.get(kind, []):
                for col in range(place.start, len(self.years)):
                    opened[col].append((action_id, place))
        return [frozenset(c) for c in closed], opened

    def scenario(self, enabled: frozenset[str], keys: set[str] | None = None, *,
                 keep: bool = True) -> Scenario:
        """Commune values of the territory with the actions ``enabled`` (only ``keys``).

        Each value is kept under the enabled actions that can change it
        (:mod:`~trajectoires.pathways._cache`); ``keep=False`` computes what is
        missing without keeping it.
        """
        out = {key: self.commune(key, enabled, keep=keep) for key in self.scenario_keys(keys)}
        return Scenario(out, self.commune("population", enabled, keep=keep))

    def scenario_keys(self, keys: set[str] | None = None) -> list[str]:
        """Keys of the commune values :meth:`scenario` returns for ``keys`` (all: ``None``)."""
        wanted = (lambda key: True) if keys is None else keys.__contains__  # noqa: E731
        out = [key for key in self.trends if wanted(key)]
        if wanted("fragility_index") and any(key in self.trends for key in CRITERIA):
            out.append("fragility_index")
        for kind in self.networks:
            if wanted(f"dist_{kind}") or wanted(f"access_{kind}"):
                out.append(f"dist_{kind}")
            if wanted(f"access_{kind}"):
                out.append(f"access_{kind}")
        if wanted("reach"):
            out.append("reach")
        return out

    def national(self, key: str, enabled: frozenset[str], *, keep: bool = True) -> np.ndarray:
        """National values of editable indicator ``key``, kept under its relevant actions."""
        return self.memo.get("arrays", "national", key, enabled,
                             lambda: self.values(key, self.memo.relevant(key, enabled)),
                             keep=keep)

    def commune(self, key: str, enabled: frozenset[str], *, keep: bool = True) -> np.ndarray:
        """Values of ``key`` (territory communes × years) with the actions ``enabled``."""
        return self.memo.get("arrays", "commune", key, enabled,
                             lambda: self._commune(key, self.memo.relevant(key, enabled), keep),
                             keep=keep)

    def _commune(self, key: str, enabled: frozenset[str], keep: bool) -> np.ndarray:
        if key in self.trends:
            return self.national(key, enabled, keep=keep)[self.rows]
        if key == "fragility_index":
            return self.deciles.index({k: self.national(k, enabled, keep=keep)
                                       for k in CRITERIA if k in self.trends})
        if key == "reach":
            reached = [r for a in sorted(enabled) for r in self.actions[a].reach]
            return reach_people(reached, len(self.inputs.communes), len(self.years))[self.rows]
        prefix, kind = key.split("_", 1)
        if prefix == "dist":
            for action_id in sorted(enabled):  # a kept state with one opening fewer: add it
                if not eligible(self, action_id, kind):
                    continue
                kept = self.memo.arrays.get(("commune", key, enabled - {action_id}))
                if kept is not None:
                    return np.minimum(kept, self.near_action(kind, action_id))
        closed, opened = self.places(kind, enabled)
        if prefix == "dist":
            return self.networks[kind].distances(closed, opened)
        return self.networks[kind].accessibility(self.national("population", enabled, keep=keep),
                                                 closed, opened)

    def near_action(self, kind: str, action_id: str) -> np.ndarray:
        """Distance (km, communes × years) to the action's places open each year (inf before).

        The same for every state of the toggles: kept for the last few actions.
        """
        found = self._near.get((kind, action_id))
        if found is None:
            places = self.actions[action_id].opened[kind]
            network = self.networks[kind]
            columns, done = [], {}
            for col in range(len(self.years)):
                open_now = tuple(p for p in places if p.start <= col)
                if open_now not in done:
                    done[open_now] = network.nearest_new(list(open_now))
                columns.append(done[open_now])
            found = np.column_stack(columns)
            found.setflags(write=False)
            self._near.put((kind, action_id), found)
        return found

    def base(self) -> Scenario:
        """Return the scenario without action (``tendance``), kept with the engine."""
        return self.scenario(frozenset())

    def _affecting(self) -> dict[str, frozenset[str]]:
        """Each value's name → the actions that can change it (beyond: as the distance)."""
        found: dict[str, set[str]] = {}
        for action_id in self.actions:
            for key in self.touches(action_id):
                found.setdefault(key, set()).add(action_id)
        for kind in self.networks:
            found[beyond_key(kind)] = found.get(f"dist_{kind}", set())
        return {key: frozenset(ids) for key, ids in found.items()}

    def touches(self, action_id: str) -> set[str]:
        """Keys of the scenario values that action ``action_id`` can change."""
        action = self.actions[action_id]
        keys = set(action.indicators)
        if "population" in keys:  # the weights of every mean, the demand of the 2SFCA
            return {*PROJECTED, "reach"}
        if keys & set(CRITERIA):
            keys.add("fragility_index")
        keys |= {f"{p}_{kind}" for kind in action.networks for p in ("dist", "access")}
        if action.reach:
            keys.add("reach")
        return keys & {*PROJECTED, "reach"}


@lru_cache(maxsize=1)
def _lambert93_to_wgs84():
    from pyproj import Transformer

    return Transformer.from_crs("EPSG:2154", "EPSG:4326", always_xy=True)


def _to_wgs84(x: float, y: float) -> tuple[float, float]:
    """Return the longitude and latitude of a Lambert-93 point."""
    lon, lat = _lambert93_to_wgs84().transform(x, y)
    return float(lon), float(lat)


_ENGINES: OrderedDict[tuple[int, Plan], tuple[ProjectionInputs, Engine]] = OrderedDict()
_LOCK = threading.Lock()


def engine_for(inputs: ProjectionInputs, plan: Plan) -> Engine:
    """Return the engine of ``plan`` on ``inputs``, kept for the next toggle (a few per process)."""
    key = (id(inputs), plan)
    with _LOCK:
        found = _ENGINES.get(key)
        if found is not None and found[0] is inputs:
            _ENGINES.move_to_end(key)
            return found[1]
    engine = Engine(inputs, plan)
    with _LOCK:
        _ENGINES[key] = (inputs, engine)
        while len(_ENGINES) > 4:
            _ENGINES.popitem(last=False)
    return engine
