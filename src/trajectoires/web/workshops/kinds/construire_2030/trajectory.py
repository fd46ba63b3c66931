"""The trajectory of a Construire 2030 workshop, projected for the web pages and the API.

The projection is the engine's (:mod:`trajectoires.pathways`): this module only keeps
what it reads. A :class:`TrajectoryService` (the kind's long-lived service,
``app.state.kind_services["construire-2030"]``) holds

- the inputs of each territory (:func:`trajectoires.pathways.load_inputs`: communes,
  histories, places), read once per state of the indicator store and kept for the
  last :data:`INPUTS_KEPT` territories, so that switching an action on or off only
  projects again;
- the last :data:`RESULTS_KEPT` projections, keyed by the plan and the actions switched
  on, so that the many viewers of one workshop refreshing a page cost one projection.

Concurrent requests for the same inputs or projection wait for the one in flight.
"""

from __future__ import annotations

import json
import re
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from concurrent.futures import Future
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from trajectoires.foresight.kinds._construire_effects import (
    build_plan,
    disabled_actions,
    unprojected_targets,
)
from trajectoires.web.territory.deps import reference_for_app, store_fingerprint

if TYPE_CHECKING:
    from fastapi import FastAPI
    from sqlalchemy.orm import Session

    from trajectoires.foresight.workshops import WorkshopView
    from trajectoires.pathways import Plan, ProjectionInputs

__all__ = ["INPUTS_KEPT", "RESULTS_KEPT", "Projection", "TrajectoryService", "service_of"]

INPUTS_KEPT = 4
RESULTS_KEPT = 64


@dataclass(frozen=True)
class Projection:
    """A workshop's plan, the actions switched on, and the engine's trajectory."""

    plan: dict[str, Any]
    enabled: frozenset[str]
    trajectory: Any = None
    """The engine's :class:`~trajectoires.pathways.Trajectory` (``None`` on error)."""
    skipped_targets: tuple[dict[str, Any], ...] = ()
    error: str | None = None
    """A French message when the plan could not be projected (nothing else is then set)."""
    left_out: tuple[tuple[str, str], ...] = ()
    """Actions and targets left out of the projection: (title or indicator, why)."""
    missing: dict[str, str] = field(default_factory=dict)
    """Indicator → what the store lacks to project it, with the command that loads it."""


class _Memo:
    """A small LRU of computed values; one computation per key at a time."""

    def __init__(self, size: int) -> None:
        self._size = size
        self._lock = threading.Lock()
        self._done: OrderedDict[Hashable, Any] = OrderedDict()
        self._running: dict[Hashable, Future] = {}

    def get(self, key: Hashable, compute: Callable[[], Any]) -> Any:  # noqa: ANN401
        with self._lock:
            if key in self._done:
                self._done.move_to_end(key)
                return self._done[key]
            pending = self._running.get(key)
            owner = pending is None
            if owner:
                pending = self._running[key] = Future()
        if not owner:
            return pending.result()
        try:
            value = compute()
        except BaseException as exc:
            with self._lock:
                del self._running[key]
            pending.set_exception(exc)
            raise
        with self._lock:
            self._done[key] = value
            while len(self._done) > self._size:
                self._done.popitem(last=False)
            del self._running[key]
        pending.set_result(value)
        return value

    def clear(self) -> None:
        with self._lock:
            self._done.clear()


class TrajectoryService:
    """Cached inputs and projections of the trajectories of an application's workshops."""

    def __init__(self, app: FastAPI) -> None:
        self._app = app
        self._inputs = _Memo(INPUTS_KEPT)
        self._results = _Memo(RESULTS_KEPT)
        self._outlines = _Memo(INPUTS_KEPT)

    def start(self) -> None:
        """Nothing runs in the background: inputs are read on the first request."""

    def close(self) -> None:
        """Forget the cached inputs and projections."""
        self._inputs.clear()
        self._results.clear()
        self._outlines.clear()

    def outlines(self, workshop: WorkshopView, codes: tuple[str, ...], width: int) -> Any:  # noqa: ANN401
        """Return the communes' outlines prepared for maps ``width`` wide (kept per territory)."""
        from trajectoires.render import prepare_outlines

        def prepare() -> Any:  # noqa: ANN401 (render.Outlines)
            ref = reference_for_app(self._app)
            return prepare_outlines(ref.commune_geometries(list(codes), crs="local"), width)

        return self._outlines.get((workshop.territory_kind, workshop.territory_code, codes,
                                   width), prepare)

    def inputs(self, kind: str, code: str, fingerprint: str | None = None) -> ProjectionInputs:
        """Return the projection inputs of a territory (read once per state of the store)."""
        from trajectoires.pathways import load_inputs

        fingerprint = fingerprint if fingerprint is not None else store_fingerprint(self._app)
        state = self._app.state

        def read() -> ProjectionInputs:
            ref = reference_for_app(self._app)
            unit = ref.get(kind, code)
            with state.db.session() as session:
                return load_inputs(session, ref, unit,
                                   cache_dir=state.settings.workspace / "analysis")

        return self._inputs.get((kind, code, fingerprint), read)

    def territory_check(self, workshop: WorkshopView) -> Callable[[Plan], None]:
        """Return a check of a plan against the workshop's territory (its communes…)."""
        from trajectoires.pathways import check_plan

        def check(plan: Plan) -> None:
            inputs = self.inputs(workshop.territory_kind, workshop.territory_code)
            check_plan(plan, territory=inputs.territory, communes=set(inputs.codes),
                       epcis=inputs.epcis, first_year=inputs.start_year,
                       networks=set(inputs.places),
                       places={k: {str(i) for i in v["id"]} for k, v in inputs.places.items()})

        return check

    def project(self, session: Session, workshop: WorkshopView) -> Projection:
        """Project the workshop's plan with the actions switched on (cached)."""
        plan = build_plan(session, workshop)
        skipped = tuple(unprojected_targets(session, workshop))
        off = {str(i) for i in disabled_actions(session, workshop.id)}
        enabled = frozenset(a["id"] for a in plan["actions"] if a["id"] not in off)
        fingerprint = store_fingerprint(self._app)
        key = (json.dumps(plan, sort_keys=True), tuple(sorted(enabled)), fingerprint,
               workshop.territory_kind)

        def compute() -> Projection:
            inputs = self.inputs(workshop.territory_kind, workshop.territory_code, fingerprint)
            return _project_what_fits(inputs, plan, enabled, skipped)

        return self._results.get(key, compute)


_ITEM = re.compile(r"^(actions|targets)\[(\d+)\]")


def _project_what_fits(inputs: ProjectionInputs, plan: dict[str, Any],
                       enabled: frozenset[str], skipped: tuple) -> Projection:
    """Project ``plan``; an action or target the territory refuses is left out, and said.

    An effect entered before the data changed (a network no longer loaded, a year now
    before the data) must not blank the whole page: the engine's refusal names the action
    or target by its JSON path, which is set aside with the engine's message, and the rest
    is projected. A refusal of the plan as a whole is the projection's error.
    """
    from trajectoires.pathways import PlanError, project, read_plan

    current, left_out = plan, []
    for _ in range(len(plan["actions"]) + len(plan["targets"]) + 1):
        try:
            ids = {a["id"] for a in current["actions"]}
            trajectory = project(inputs, read_plan(current), enabled=set(enabled) & ids)
        except PlanError as error:
            found = _ITEM.match(str(error.path))
            if found is None:
                return Projection(plan, enabled, None, skipped, str(error))
            part, index = found.group(1), int(found.group(2))
            item = current[part][index]
            left_out.append((item.get("title") or item.get("indicator"), error.message))
            current = {**current, part: [x for i, x in enumerate(current[part]) if i != index]}
            continue
        return Projection(plan, enabled, trajectory, skipped, left_out=tuple(left_out),
                          missing=dict(inputs.missing))
    return Projection(plan, enabled, None, skipped, "Trajectoire indisponible.")


def service_of(app: FastAPI) -> TrajectoryService:
    """Return the application's trajectory service (built by ``create_app``)."""
    return app.state.kind_services["construire-2030"]
