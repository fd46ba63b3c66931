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


def place_contributions(engine, enabled: frozenset[str], kind: str,
                        national: np.ndarray) -> dict[str, dict[str, np.ndarray]]:
    """Key → action → contribution per year, for the eligible actions on network ``kind``.

    ``national`` is the population of every commune (communes × years) in the full
    scenario: the weights of the territory's means and the demand of the 2SFCA.
    """
    network = engine.networks[kind]
    ids = sorted(a for a in enabled if eligible(engine, a, kind))
    if not ids:
        return {}
    position = {a: i for i, a in enumerate(ids)}
    closed, opened = engine.openings(kind, enabled)
    communes, rows = engine.inputs.communes, engine.rows
    territory = _Territory(
        communes[["x", "y"]].to_numpy(float)[rows], communes[["lon", "lat"]].to_numpy(float)[rows],
        ~communes["metropolitan"].to_numpy(bool)[rows], national[rows], national,
        np.searchsorted(network.local, network.metro_rows), np.isin(rows, network.metro_rows))
    keys = (f"dist_{kind}", beyond_key(kind), f"access_{kind}")
    out = np.zeros((3, len(ids), len(engine.years)))
    for col, year in enumerate(opened):
        if year:
            out[:, :, col] = _year(network, territory, col, year, closed=closed[col],
                                   position=position)
    return {key: {a: out[k, position[a]] for a in ids} for k, key in enumerate(keys)}


def _year(network, territory: _Territory, col: int, year: list, *, closed: frozenset[int],
          position: dict[str, int]) -> np.ndarray:
    """Contributions of year ``col`` (distance, beyond, 2SFCA) × eligible actions."""
    t = territory
    places = [place for _, place in year]
    actions = np.array([position.get(a, -2) for a, _ in year])  # -2: not eligible
    base = network._nearest_listed(closed)  # noqa: SLF001
    distance, index = _candidates(network, t.rows_xy, t.overseas, t.lonlat, places)

    def exact(i: int, owner: int) -> float:
        others = [p for p, a in zip(places, actions, strict=True) if a != owner]
        if not others:
            return np.inf
        d, _ = _candidates(network, t.rows_xy[i:i + 1], t.overseas[i:i + 1],
                           t.lonlat[i:i + 1], others)
        return float(d[0, 0])

    best, owner, second = _owners(base, distance, index, actions, exact)
    out = np.zeros((3, len(position)))
    weight = t.population[:, col]
    known = ~np.isnan(weight)
    total = weight[known].sum()
    if total <= 0:
        return out
    mine = (owner >= 0) & known
    out[0] = np.bincount(owner[mine], weights=(weight * (best - second))[mine],
                         minlength=len(position)) / total
    out[1] = np.bincount(owner[mine], weights=(weight * ((best > BEYOND_KM).astype(float)
                                                         - (second > BEYOND_KM)))[mine],
                         minlength=len(position))
    local_weight = np.zeros(len(network.local))
    local_weight[t.inside] = np.nan_to_num(weight[t.metro])
    demand = np.nan_to_num(t.national[network.local, col])
    for action_id, place in year:
        if action_id in position:
            reached = network.new_pairs(place)
            served = demand[reached].sum()
            if served > 0:
                out[2, position[action_id]] += local_weight[reached].sum() / served * 10_000 / total
    return out
