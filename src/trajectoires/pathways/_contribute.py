"""Contributions of the actions that open places, all at once from the full scenario.

Removing an action that only opens places changes the nearest place of the
communes whose nearest is one of its places, and nothing else: for them the
nearest becomes the nearer of the listed places still open and the nearest place
of another action. So one pass over the year's openings gives, for every
commune, its nearest place's action (``owner``) and its distance without that
action (``second``); the difference each action makes to the territory's mean
distance and to its inhabitants beyond 10 km is then a weighted count by owner
(``numpy.bincount``). The 2SFCA is linear in the places (each adds its ratio to
the communes within reach), so an action's contribution is the sum of its
places' terms. Exact, and equal to removing the action and projecting again (a
test holds them equal); actions that close places, open them overseas or move the
population are projected again without them instead.

The per-commune state (:class:`Owners`) is kept per state of the network's actions. An
eligible action switched on into a state never seen, when the state without it is
kept, updates it instead of a new pass (:func:`_switched_on`): the communes nearer to
its places than to their kept nearest become its own, with that kept nearest as their
distance without it; elsewhere its places can only bring the kept owner's second
nearer. Each distance is that of one pair, computed alike whatever the other places, so
the result is bit for bit that of a new pass (``tests/pathways/test_toggle.py``).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from trajectoires.pathways._indicators import BEYOND_KM, beyond_key

__all__ = ["eligible", "place_contributions"]

_CANDIDATES = 8


def eligible(engine, action_id: str, kind: str) -> bool:
    """Tell whether the action's effect on ``kind`` can be taken from the full scenario."""
    action = engine.actions[action_id]
    return (kind in action.opened and kind not in action.closed
            and "population" not in action.indicators
            and all(place.metropolitan for place in action.opened[kind]))


def _candidates(network, rows_xy: np.ndarray, overseas: np.ndarray, lonlat: np.ndarray,
                places: list) -> tuple[np.ndarray, np.ndarray]:
    """Distances (km) and positions of the nearest new places of each commune, nearest first."""
    from scipy.spatial import cKDTree

    from trajectoires import analysis

    k = min(_CANDIDATES, len(places))
    n = len(rows_xy)
    distance, index = np.full((n, k), np.inf), np.zeros((n, k), dtype=np.int64)
    metro = ~overseas
    if metro.any():
        tree = cKDTree(np.array([[p.x, p.y] for p in places]))
        d, i = tree.query(rows_xy[metro], k=k)
        distance[metro], index[metro] = d.reshape(-1, k) / 1000.0, i.reshape(-1, k)
    if overseas.any():  # candidates by straight line through the Earth, then geodesic
        from trajectoires.analysis.geodesic import _earth_centred

        where = np.array([[p.lon, p.lat] for p in places])
        origins = lonlat[overseas]
        wide = min(k + _CANDIDATES, len(places))
        _, near = cKDTree(_earth_centred(where)).query(_earth_centred(origins), k=wide)
        near = np.asarray(near).reshape(len(origins), wide)
        km = analysis.geodesic_km(np.repeat(origins, wide, axis=0),
                                  where[near.ravel()]).reshape(len(origins), wide)
        order = np.argsort(km, axis=1)[:, :k]
        distance[overseas] = np.take_along_axis(km, order, axis=1)
        index[overseas] = np.take_along_axis(near, order, axis=1)
    return distance, index


def _owners(base: np.ndarray, distance: np.ndarray, index: np.ndarray, actions: np.ndarray,
            exact) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Nearest distance, its action (-1: a listed place) and the distance without that action."""
    act = actions[index]
    new = distance[:, 0] < base
    owner = np.where(new, act[:, 0], -1)
    other = act != owner[:, None]
    first = np.argmax(other, axis=1)
    found = other.any(axis=1)
    rows = np.arange(len(base))
    second = np.minimum(base, np.where(found, distance[rows, first], np.inf))
    unsure = new & ~found & (distance.shape[1] < len(actions))
    for i in np.flatnonzero(unsure):  # every candidate is the owner's: look further
        second[i] = min(base[i], exact(i, owner[i]))
    return np.where(new, distance[:, 0], base), owner, second


@dataclass(frozen=True, eq=False)
class _Territory:
    """The territory's communes as the network sees them, and the year's populations."""

    rows_xy: np.ndarray
    lonlat: np.ndarray
    overseas: np.ndarray
    population: np.ndarray  # territory communes × years
    national: np.ndarray  # every commune × years
    inside: np.ndarray  # positions of the territory's metropolitan communes in network.local
    metro: np.ndarray  # which territory communes are metropolitan


@dataclass(frozen=True, eq=False)
class Owners:
    """Each commune's nearest place per year: distance, its action, the distance without it.

    ``owner`` is the position of the action in the plan's eligible actions of the
    network (-1: a listed place, -2: an action that is not eligible); ``access`` is
    each eligible action's 2SFCA term per year (rows: the same positions). Kept per
    state of the network, so that switching one more action on updates it
    (:func:`_switched_on`) instead of computing it again.
    """

    best: np.ndarray  # territory communes × years
    owner: np.ndarray
    second: np.ndarray
    access: np.ndarray  # eligible actions of the plan × years


def _territory(engine, network, national: np.ndarray) -> _Territory:
    communes, rows = engine.inputs.communes, engine.rows
    return _Territory(
        communes[["x", "y"]].to_numpy(float)[rows], communes[["lon", "lat"]].to_numpy(float)[rows],
        ~communes["metropolitan"].to_numpy(bool)[rows], national[rows], national,
        np.searchsorted(network.local, network.metro_rows), np.isin(rows, network.metro_rows))


def place_contributions(engine, enabled: frozenset[str], kind: str,
                        national: np.ndarray) -> dict[str, dict[str, np.ndarray]]:
    """Key → action → contribution per year, for the eligible actions on network ``kind``.

    ``national`` is the population of every commune (communes × years) in the full
    scenario: the weights of the territory's means and the demand of the 2SFCA.
    """
    ids = sorted(a for a in enabled if eligible(engine, a, kind))
    if not ids:
        return {}
    plan_ids = sorted(a for a in engine.actions if eligible(engine, a, kind))
    position = {a: i for i, a in enumerate(plan_ids)}
    territory = _territory(engine, engine.networks[kind], national)
    name = f"dist_{kind}"
    relevant = engine.memo.relevant(name, enabled)

    def compute() -> Owners:
        for action_id in ids:  # a kept state with one action fewer: add that one
            kept = engine.memo.arrays.get(("owners", name, relevant - {action_id}))
            if kept is not None:
                return _switched_on(engine, kind, territory, kept, action_id=action_id,
                                    position=position)
        return _owners_of(engine, enabled, kind, territory, position)

    owners = engine.memo.get("arrays", "owners", name, enabled, compute)
    out = np.zeros((3, len(plan_ids), len(engine.years)))
    for col in range(len(engine.years)):
        out[:2, :, col] = _sums(territory, col, owners, len(plan_ids))
    out[2] = owners.access
    keys = (name, beyond_key(kind), f"access_{kind}")
    return {key: {a: out[k, position[a]] for a in ids} for k, key in enumerate(keys)}


def _owners_of(engine, enabled: frozenset[str], kind: str, territory: _Territory,
               position: dict[str, int]) -> Owners:
    """Nearest places of every year, from all the places open (one pass per year)."""
    network, t = engine.networks[kind], territory
    closed, opened = engine.openings(kind, enabled)
    shape = (len(t.rows_xy), len(engine.years))
    best, second = np.empty(shape), np.empty(shape)
    owner = np.full(shape, -1, dtype=np.int64)
    access = np.zeros((len(position), len(engine.years)))
    for col, year in enumerate(opened):
        base = network._nearest_listed(closed[col])  # noqa: SLF001
        if not year:
            best[:, col] = second[:, col] = base
            continue
        places = [place for _, place in year]
        actions = np.array([position.get(a, -2) for a, _ in year])
        distance, index = _candidates(network, t.rows_xy, t.overseas, t.lonlat, places)

        def exact(i: int, mine: int, places: list = places, actions: np.ndarray = actions
                  ) -> float:
            others = [p for p, a in zip(places, actions, strict=True) if a != mine]
            if not others:
                return np.inf
            d, _ = _candidates(network, t.rows_xy[i:i + 1], t.overseas[i:i + 1],
                               t.lonlat[i:i + 1], others)
            return float(d[0, 0])

        best[:, col], owner[:, col], second[:, col] = _owners(base, distance, index, actions,
                                                              exact)
        for action_id, place in year:
            if action_id in position:
                access[position[action_id], col] += _access_term(network, t, col, place)
    return Owners(best, owner, second, access)


def _switched_on(engine, kind: str, territory: _Territory, kept: Owners, *, action_id: str,
                 position: dict[str, int]) -> Owners:
    """Return the state ``kept`` with the eligible action ``action_id`` switched on as well.

    Its places (metropolitan, it closes none, it does not move the population) become
    the nearest of the communes nearer to them than to anything kept, whose distance
    without the new action is then their kept nearest; elsewhere they can only bring
    the kept owner's second place nearer. The distances are those of the same pass
    (k-d tree, then kilometres), so the result is the one :func:`_owners_of` computes.
    """
    network, t = engine.networks[kind], territory
    mine = position[action_id]
    best, owner, second = kept.best.copy(), kept.owner.copy(), kept.second.copy()
    access = kept.access.copy()
    places = engine.actions[action_id].opened[kind]
    for col in range(len(engine.years)):
        open_now = [place for place in places if place.start <= col]
        if not open_now:
            continue
        near = engine.near_action(kind, action_id)[:, col]
        new = near < best[:, col]
        closer = ~new & (owner[:, col] >= 0) & (near < second[:, col])
        second[new, col] = best[new, col]
        second[closer, col] = near[closer]
        best[new, col] = near[new]
        owner[new, col] = mine
        for place in open_now:
            access[mine, col] += _access_term(network, t, col, place)
    return Owners(best, owner, second, access)


def _access_term(network, t: _Territory, col: int, place) -> float:
    """Return what a new place adds to the territory's mean 2SFCA in year ``col``."""
    weight = t.population[:, col]
    known = ~np.isnan(weight)
    total = weight[known].sum()
    reached = network.new_pairs(place)
    demand = np.nan_to_num(t.national[network.local, col])
    served = demand[reached].sum()
    if total <= 0 or served <= 0:
        return 0.0
    local_weight = np.zeros(len(network.local))
    local_weight[t.inside] = np.nan_to_num(weight[t.metro])
    return local_weight[reached].sum() / served * 10_000 / total


def _sums(t: _Territory, col: int, owners: Owners, count: int) -> np.ndarray:
    """Contributions of year ``col`` to the mean distance and to the inhabitants beyond."""
    out = np.zeros((2, count))
    weight = t.population[:, col]
    known = ~np.isnan(weight)
    total = weight[known].sum()
    if total <= 0:
        return out
    best, owner, second = owners.best[:, col], owners.owner[:, col], owners.second[:, col]
    mine = (owner >= 0) & known
    out[0] = np.bincount(owner[mine], weights=(weight * (best - second))[mine],
                         minlength=count) / total
    out[1] = np.bincount(owner[mine], weights=(weight * ((best > BEYOND_KM).astype(float)
                                                         - (second > BEYOND_KM)))[mine],
                         minlength=count)
    return out
