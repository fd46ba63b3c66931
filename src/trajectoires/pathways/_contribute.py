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
    if overseas.any():
        where = np.array([[p.lon, p.lat] for p in places])
        origins = lonlat[overseas]
        km = analysis.geodesic_km(np.repeat(origins, len(places), axis=0),
                                  np.tile(where, (len(origins), 1))).reshape(len(origins), -1)
        order = np.argsort(km, axis=1)[:, :k]
        distance[overseas] = np.take_along_axis(km, order, axis=1)
        index[overseas] = order
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
    communes = engine.inputs.communes
    rows = engine.rows
    population = national[rows]
    rows_xy = communes[["x", "y"]].to_numpy(float)[rows]
    lonlat = communes[["lon", "lat"]].to_numpy(float)[rows]
    overseas = ~communes["metropolitan"].to_numpy(bool)[rows]
    ncols = len(engine.years)
    out = {key: np.zeros((len(ids), ncols)) for key in
           (f"dist_{kind}", beyond_key(kind), f"access_{kind}")}
    local_weight = np.zeros(len(network.local))
    inside = np.searchsorted(network.local, network.metro_rows)
    for col in range(ncols):
        year = opened[col]
        if not year:
            continue
        places = [place for _, place in year]
        actions = np.array([position.get(a, -2) for a, _ in year])
        base = network._nearest_listed(closed[col])  # noqa: SLF001
        distance, index = _candidates(network, rows_xy, overseas, lonlat, places)

        def exact(i: int, owner: int, places=places, actions=actions) -> float:
            others = [p for p, a in zip(places, actions, strict=True) if a != owner]
            if not others:
                return np.inf
            d, _ = _candidates(network, rows_xy[i:i + 1], overseas[i:i + 1],
                               lonlat[i:i + 1], others)
            return float(d[0, 0])

        best, owner, second = _owners(base, distance, index, actions, exact)
        weight = population[:, col]
        known = ~np.isnan(weight)
        total = weight[known].sum()
        mine = (owner >= 0) & known
        if total > 0 and mine.any():
            gain = np.bincount(owner[mine], weights=(weight * (best - second))[mine],
                               minlength=len(ids))
            out[f"dist_{kind}"][:, col] = gain / total
        far = np.bincount(owner[mine], weights=(weight * ((best > BEYOND_KM).astype(float)
                                                          - (second > BEYOND_KM)))[mine],
                          minlength=len(ids))
        out[beyond_key(kind)][:, col] = far
        local_weight[:] = 0.0
        local_weight[inside] = np.nan_to_num(population[np.isin(rows, network.metro_rows), col])
        pop_local = np.nan_to_num(national[network.local, col])
        for (action_id, place) in year:
            if action_id not in position:
                continue
            reached = network.new_pairs(place)
            served = pop_local[reached].sum()
            if served > 0 and total > 0:
                out[f"access_{kind}"][position[action_id], col] += (
                    local_weight[reached].sum() / served * 10_000 / total)
    return {key: {a: values[position[a]] for a in ids} for key, values in out.items()}
