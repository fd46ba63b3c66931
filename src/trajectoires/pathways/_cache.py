"""What a toggle reuses: every value keyed by the enabled actions that can change it.

Switching one action on or off changes only the values its effects touch
(:meth:`Engine.touches <trajectoires.pathways._engine.Engine.touches>`): the
indicators it moves, the fragility index when it moves a criterion, the distances
and the 2SFCA of the networks whose places it opens or closes, the people reached;
an action that moves the population touches everything (the weights of the means,
the demand of the 2SFCA). So each value is computed from, and kept under, the
*relevant* actions only: the enabled actions that can change it. After a toggle,
every value the toggled action cannot change is found again under the same key,
and only the others are computed: the scenario's commune values, the territory's
totals, and each action's contribution (its « without » totals are keyed the same
way, so the contributions of the actions the toggle does not touch are kept).

Each computation is the one a fresh engine runs, on the same inputs: the results
are identical to projecting everything again (a test holds them equal on the
Finistère). Commune arrays are kept in a bounded LRU (a few scenarios of France:
about 2 MB each); the per-year totals are small and kept longer.

Examples
--------
>>> lru = Lru(2)
>>> lru.put("a", 1), lru.put("b", 2), lru.get("a"), lru.put("c", 3)
(1, 2, 1, 3)
>>> lru.get("b") is None, lru.get("a"), lru.get("c")
(True, 1, 3)

"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable
from typing import Any

import numpy as np

__all__ = ["Lru", "Memo"]


class Lru:
    """A small thread-safe least-recently-used mapping."""

    def __init__(self, size: int) -> None:
        self.size = size
        self._items: OrderedDict[Any, Any] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: Any) -> Any:  # noqa: ANN401 - any cached value
        """Return the value kept under ``key`` (``None`` when absent), now the most recent."""
        with self._lock:
            found = self._items.get(key)
            if found is not None:
                self._items.move_to_end(key)
            return found

    def put(self, key: Any, value: Any) -> Any:  # noqa: ANN401
        """Keep ``value`` under ``key`` and return it; the least recent goes beyond the size."""
        with self._lock:
            self._items[key] = value
            self._items.move_to_end(key)
            while len(self._items) > self.size:
                self._items.popitem(last=False)
        return value


class Memo:
    """Values of one engine, each keyed by ``(kind, name, relevant actions)``.

    ``affecting`` maps each name (a catalogue id, ``reach``, a network's
    ``dist_…``) to the actions that can change it; :meth:`relevant` is the part of
    an enabled set that matters for a name.
    """

    def __init__(self, affecting: dict[str, frozenset[str]], *, arrays: int,
                 small: int = 50_000) -> None:
        self.affecting = affecting
        self.arrays = Lru(arrays)  # commune arrays (territory or national × years)
        self.small = Lru(small)  # per-year totals, contributions, fragility « without »

    def relevant(self, name: str, enabled: frozenset[str]) -> frozenset[str]:
        """Return the enabled actions that can change ``name``."""
        return enabled & self.affecting.get(name, frozenset())

    def get(self, store: str, kind: str, name: str, enabled: frozenset[str],
            compute: Callable[[], Any], *, keep: bool = True) -> Any:  # noqa: ANN401
        """Return the value of ``(kind, name)`` for ``enabled``, computed once per key.

        ``store`` is ``"arrays"`` or ``"small"``; with ``keep=False`` a missing
        value is computed and returned without being kept (the « without »
        scenarios of the contributions, which need only their totals).
        """
        lru = self.arrays if store == "arrays" else self.small
        key = (kind, name, self.relevant(name, enabled))
        found = lru.get(key)
        if found is not None:
            return found
        value = compute()
        if isinstance(value, np.ndarray):  # shared by every state that finds it: never written
            value.setflags(write=False)
        return lru.put(key, value) if keep else value
