"""Project a plan: the two scenarios, the territory's series and each action's contribution.

:func:`project` returns a :class:`~trajectoires.pathways.Trajectory`; everything that
does not depend on which actions are enabled is computed once per plan and
territory (:mod:`~trajectoires.pathways._engine`), so switching an action on or
off costs only what it touches.
"""

from __future__ import annotations

from collections.abc import Collection

import numpy as np

from trajectoires.pathways._contribute import place_contributions
from trajectoires.pathways._engine import Engine, Scenario, engine_for
from trajectoires.pathways._indicators import (
    BEYOND_KM,
    CRITERIA,
    NETWORKS,
    PROJECTED,
    beyond_key,
)
from trajectoires.pathways._inputs import ProjectionInputs
from trajectoires.pathways._plan import Plan, PlanError
from trajectoires.pathways._trajectory import Series, Trajectory
from trajectoires.pathways._trend import band, describe
from trajectoires.pathways._values import FullScores

__all__ = ["project"]

_ACCESS_METHOD = (
    "recalculé chaque année par le moteur d'analyse avec les lieux ouverts cette année-là "
    "(liste chargée, moins les fermetures, plus les ouvertures du plan) : {what}"
)
_WHAT = {
    "dist": "distance à vol d'oiseau du centroïde de chaque commune au lieu le plus proche "
            "(Lambert-93 ; géodésique outre-mer), moyenne pondérée par la population",
    "access": "accessibilité 2SFCA (Luo et Wang 2003, rayon de 20 km, populations projetées "
              "de l'année), moyenne pondérée par la population",
    "beyond": f"habitants des communes à plus de {BEYOND_KM:.0f} km du lieu le plus proche",
}


def totals(engine: Engine, scenario: Scenario) -> dict[str, np.ndarray]:
    """Return the territory's value of each indicator, per year."""
    weights = engine.inputs.weights
    population = scenario.population
    out = {}
    for key, values in scenario.values.items():
        spec = PROJECTED.get(key)
        if spec is None or spec.total == "sum":
            out[key] = np.nansum(values, axis=0)
            continue
        weight = (np.repeat(weights[key][engine.rows][:, None], values.shape[1], axis=1)
                  if key in weights else population)
        known = ~np.isnan(values) & ~np.isnan(weight)
        with np.errstate(invalid="ignore", divide="ignore"):
            out[key] = (np.where(known, values * weight, 0).sum(axis=0)
                        / np.where(known, weight, 0).sum(axis=0))
    for kind in NETWORKS:
        distance = scenario.values.get(f"dist_{kind}")
        if distance is not None:
            far = (distance > BEYOND_KM) & ~np.isnan(population)
            out[beyond_key(kind)] = np.where(far, population, 0).sum(axis=0)
    return out


def _history_totals(engine: Engine, key: str) -> np.ndarray:
    """Return the territory's value of ``key`` at each vintage (for the band)."""
    history = engine.inputs.histories[key]
    values = history.values[engine.rows]
    if PROJECTED[key].total == "sum":
        complete = ~np.isnan(values).any(axis=1)  # the same communes in every vintage
        return values[complete].sum(axis=0)
    weight = engine.inputs.weights.get(key, engine.inputs.communes["population"].to_numpy(
        float))[engine.rows][:, None]
    known = ~np.isnan(values) & ~np.isnan(weight)
    with np.errstate(invalid="ignore", divide="ignore"):
        return (np.where(known, values * weight, 0).sum(axis=0)
                / np.where(known, weight, 0).sum(axis=0))


def _method(engine: Engine, key: str) -> tuple[str, str, object]:
    """Source, French method and band (or None) of a series."""
    inputs = engine.inputs
    if key in inputs.histories:
        history = inputs.histories[key]
        found = band(_history_totals(engine, key), history.times, history.method,
                     engine.years)
        text = describe(history.method, history.periods)
        if history.method != "flat":
            text += (" ; bande d'incertitude : intervalle de prévision à 95 % de la même "
                     "régression sur le total du territoire" if found is not None else
                     " ; pas de bande d'incertitude (moins de trois millésimes)")
        return history.source, text, (found, history.method)
    if key == "fragility_index":
        return ("calcul Trajectoires, méthode nationale 2023 (La MedNum, ANSA, CREDOC)",
                "recalculé chaque année : notes de 1 à 10 par déciles nationaux "
                "des critères projetés, moyenne des notes connues", None)
    if key == "reach":
        return ("hypothèses du plan (effets « reach »)", "personnes accompagnées par les "
                "programmes du plan, cumulées depuis leur année de début ; la tendance n'en "
                "compte aucune (pas de donnée sur l'existant) ; les parts du recensement et "
                "l'indice n'en sont pas modifiés", None)
    prefix = "beyond" if key.startswith("population_au") else key.split("_", 1)[0]
    return ("listes de lieux chargées et actions du plan",
            _ACCESS_METHOD.format(what=_WHAT[prefix]), None)


def _band(key: str, tendance: np.ndarray, found: tuple | None) -> dict | None:
    """Return the band around the territory's trend, within the indicator's bounds."""
    if found is None or found[0] is None:
        return None
    offsets, method = found
    spec = PROJECTED[key]
    if method == "log-linear":
        low, high = tendance * offsets.low, tendance * offsets.high
    else:
        low, high = tendance + offsets.low, tendance + offsets.high
    return {"low": np.clip(low, spec.low, spec.high), "high": np.clip(high, spec.low, spec.high)}


def territory_total(engine: Engine, key: str, enabled: frozenset[str], *,
                    keep: bool = True) -> np.ndarray:
    """Return the territory's value of ``key`` per year, kept under its relevant actions.

    ``keep=False`` keeps the total but not the commune values it was computed from.
    """
    def compute() -> np.ndarray:
        name = next((f"dist_{kind}" for kind in engine.networks if beyond_key(kind) == key), key)
        scenario = Scenario({name: engine.commune(name, enabled, keep=keep)},
                            engine.commune("population", enabled, keep=keep))
        return totals(engine, scenario)[key]

    return engine.memo.get("small", "total", key, enabled, compute)


def total_keys(engine: Engine, keys: set[str] | None = None) -> list[str]:
    """Keys of :func:`totals` of the scenario of ``keys`` (its values, and beyond 10 km)."""
    out = engine.scenario_keys(keys)
    return out + [beyond_key(kind) for kind in engine.networks if f"dist_{kind}" in out]


def _contributions(engine: Engine, enabled: frozenset[str],
                   full: dict[str, np.ndarray]) -> dict[str, dict[str, np.ndarray]]:
    """Key → action → the difference the action makes when removed (enabled actions).

    Openings of places are taken from the full scenario at once
    (:mod:`~trajectoires.pathways._contribute`); the rest is projected again
    without the action, only for the values it touches. Every part is kept under
    the actions that can change it (:mod:`~trajectoires.pathways._cache`): after a
    toggle only the contributions the toggled action can change are computed.
    """
    result: dict[str, dict[str, np.ndarray]] = {}
    fast: dict[str, set[str]] = {}
    for kind in engine.networks:
        found = engine.memo.get("small", "places", f"dist_{kind}", enabled, lambda kind=kind:
                                place_contributions(engine, enabled, kind,
                                                    engine.national("population", enabled)))
        for key, by_action in found.items():
            for action_id, values in by_action.items():
                result.setdefault(key, {})[action_id] = values
                fast.setdefault(action_id, set()).add(key)
    for action_id in sorted(enabled, key=engine.plan.action_ids.index):
        done = fast.get(action_id, set())
        touched = {key for key in engine.touches(action_id) if key not in done}
        if not touched:
            continue
        criteria = engine.actions[action_id].indicators & set(CRITERIA)
        if "fragility_index" in touched and "population" not in touched and criteria:
            result.setdefault("fragility_index", {})[action_id] = engine.memo.get(
                "small", f"fragility without {action_id}", "fragility_index", enabled,
                lambda a=action_id, c=criteria: _fragility_contribution(engine, enabled, a, c))
            touched.discard("fragility_index")
        without = enabled - {action_id}
        for key in total_keys(engine, touched):
            if key not in full or key in done:
                continue
            if _at_its_communes(engine, key, touched):
                result.setdefault(key, {})[action_id] = engine.memo.get(
                    "small", f"without {action_id}", key, enabled,
                    lambda a=action_id, k=key: _value_contribution(engine, enabled, a, k))
            else:
                result.setdefault(key, {})[action_id] = full[key] - territory_total(
                    engine, key, without, keep=False)
    order = {a: i for i, a in enumerate(engine.plan.action_ids)}
    return {key: dict(sorted(by.items(), key=lambda item: order[item[0]]))
            for key, by in result.items()}


def _fragility_contribution(engine: Engine, enabled: frozenset[str], action_id: str,
                            criteria: set[str]) -> np.ndarray:
    """Return what an action that moves criteria (not the population) changes in the index.

    Without the action only its communes' criteria move back, and the scores of the
    communes near a decile boundary (:meth:`FullScores.changes`): the territory's
    mean index moves by their population-weighted change over the same weights as
    :func:`totals` — the difference of the two means, summed where it is not zero.
    """
    scores = engine.memo.get("arrays", "full scores", "fragility_index", enabled, lambda:
                             FullScores({k: engine.national(k, enabled) for k in CRITERIA
                                         if k in engine.trends}, engine.rows))
    moved = {}
    for key in criteria:
        rows = _rows(engine, action_id, key)
        moved[key] = (rows, engine.values_at(key, enabled - {action_id}, rows))
    weight = engine.commune("population", enabled)

    def weights() -> tuple[np.ndarray, np.ndarray]:
        known = (scores.known > 0) & ~np.isnan(weight)
        return known, np.where(known, weight, 0).sum(axis=0)

    known, total = engine.memo.get("small", "index weights", "fragility_index", enabled,
                                   weights)
    with np.errstate(invalid="ignore", divide="ignore"):
        contribution = np.zeros(len(engine.years))
        for col, where, change in scores.changes(moved):
            ok = known[where, col]
            contribution[col] -= (weight[where[ok], col] * change[ok]
                                  / scores.known[where[ok], col]).sum()
        return contribution / total


def _at_its_communes(engine: Engine, key: str, touched: set[str]) -> bool:
    """Whether an action's contribution to ``key`` comes from its own communes only.

    True for a population-weighted (or premises-weighted) mean of an editable
    indicator when the action does not move the population (the weights).
    """
    return (key in engine.trends and key != "population" and "population" not in touched
            and PROJECTED[key].total == "mean")


def _value_contribution(engine: Engine, enabled: frozenset[str], action_id: str,
                        key: str) -> np.ndarray:
    """Return what the action changes in the mean of ``key``, from its communes only.

    Only its communes' values differ without it (:meth:`Engine.values_at`), over the
    same weights as :func:`totals`: the difference of the two means is their weighted
    difference over the same denominator.
    """
    rows = _rows(engine, action_id, key)
    full = engine.national(key, enabled)[rows]
    without = engine.values_at(key, enabled - {action_id}, rows)
    weights = engine.inputs.weights
    if key in weights:
        weight = np.repeat(weights[key][rows][:, None], full.shape[1], axis=1)
    else:
        weight = engine.national("population", enabled)[rows]

    def denominator() -> np.ndarray:
        values = engine.commune(key, enabled)
        every = (np.repeat(weights[key][engine.rows][:, None], values.shape[1], axis=1)
                 if key in weights else engine.commune("population", enabled))
        known = ~np.isnan(values) & ~np.isnan(every)
        return np.where(known, every, 0).sum(axis=0)

    total = engine.memo.get("small", "denominator", key, enabled, denominator)
    known = ~np.isnan(full) & ~np.isnan(without) & ~np.isnan(weight)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(known, weight * (full - without), 0).sum(axis=0) / total


def _rows(engine: Engine, action_id: str, key: str) -> np.ndarray:
    """National rows whose value of ``key`` the action's effects change."""
    rows = [e.rows for e in engine.actions[action_id].values if e.indicator == key]
    return np.unique(np.concatenate(rows)) if rows else np.zeros(0, dtype=np.int64)


def project(inputs: ProjectionInputs, plan: Plan, *,
            enabled: Collection[str] | None = None) -> Trajectory:
    """Project ``plan`` on the territory of ``inputs``, year by year to the horizon.

    Parameters
    ----------
    inputs : ProjectionInputs
        What the store holds for the territory (:func:`load_inputs`).
    plan : Plan
        The checked plan (:func:`read_plan`).
    enabled : collection of str, optional
        Ids of the actions switched on (all by default).

    Returns
    -------
    Trajectory
        Years, the commune values of both scenarios, the territory's series with
        targets and contributions.

    Raises
    ------
    PlanError
        The plan does not fit the territory (a commune outside it, a year before
        the data, an unknown place, an unknown action id in ``enabled``).

    """
    enabled_set = frozenset(plan.action_ids if enabled is None else enabled)
    unknown = sorted(enabled_set - set(plan.action_ids))
    if unknown:
        raise PlanError("enabled", f"action inconnue « {unknown[0]} »")
    engine = engine_for(inputs, plan)
    base, acted = engine.base(), engine.scenario(enabled_set)
    keys = total_keys(engine)
    tendance = {key: territory_total(engine, key, frozenset()) for key in keys}
    actions = {key: territory_total(engine, key, enabled_set) for key in keys}
    contributions = _contributions(engine, enabled_set, actions)
    targets = {t.indicator: t for t in plan.targets}
    series = []
    for key in _order(actions):
        source, method, found = _method(engine, key)
        series.append(Series(key, tendance[key], actions[key], _band(key, tendance[key], found),
                             targets.get(key), contributions.get(key, {}), source, method))
    return Trajectory(inputs.territory, inputs.name, plan, engine.years, enabled_set,
                      series, base, acted, inputs.communes.iloc[engine.rows])


def _order(keys: Collection[str]) -> list[str]:
    """Headline series first: population, access to France Services, the index."""
    first = ["population", "dist_france-services", beyond_key("france-services"),
             "access_france-services", "fragility_index"]
    rest = [k for k in PROJECTED if k not in first]
    rest += [beyond_key(kind) for kind in NETWORKS if beyond_key(kind) not in first]
    rest.append("reach")
    return [k for k in [*first, *rest] if k in keys]
