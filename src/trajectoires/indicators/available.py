"""Which indicators of the catalogue have values in a territory, and their latest values.

The territory pages offer every indicator loaded for the territory: the store's
(ratios included when their counts are loaded) and the reference's own
(``population``, ``area_km2``, ``density``). :class:`Availability` reads, once
per state of the store, which indicators have values in which group of communes
(the first three characters of the commune code: within a département, or an
overseas one), then answers for any territory without reading the store again.

Examples
--------
>>> import tempfile, pathlib
>>> import pandas as pd
>>> from trajectoires.territory import FIXTURE_DIR, load_reference
>>> ref = load_reference(pathlib.Path(tempfile.mkdtemp()), data_dir=FIXTURE_DIR)
>>> counts = pd.DataFrame({"indicator": ["ftth_raccordables", "ftth_locaux"],
...                        "prefix": ["290", "290"], "communes": [2, 2]})
>>> available = Availability(counts)
>>> available.keys(ref, ref.resolve("29"))[:4]
['population', 'area_km2', 'density', 'ftth_locaux']
>>> "ftth_taux" in available.keys(ref, ref.resolve("29")), available.keys(ref, ref.resolve("35"))
(True, ['population', 'area_km2', 'density'])
>>> [(group, [key for key, _ in items]) for group, items in available.groups(["density",
...     "ftth_taux"])]
[('Référentiel des territoires (populations légales, superficies)', ['density']), \
('Déploiements du haut et très haut débit fixe (FttH par commune)', ['ftth_taux'])]

"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

from trajectoires.indicators._parquet_cache import read_table, write_table
from trajectoires.indicators.catalogue import DATASETS, INDICATORS, REFERENCE

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from trajectoires.indicators.catalogue import Indicator
    from trajectoires.territory import Reference, Unit

__all__ = ["REFERENCE_KEYS", "Availability", "load_availability"]

REFERENCE_KEYS: tuple[str, ...] = tuple(
    key for key, entry in INDICATORS.items() if entry.dataset == REFERENCE)
"""Indicators every territory has: those of the reference of places."""


def _prefix(codes: pd.Index) -> set[str]:
    return set(pd.Index(codes).astype(str).str[:3])


class Availability:
    """Indicators with values per group of communes.

    Parameters
    ----------
    counts : pandas.DataFrame
        ``indicator``, ``prefix`` (first three characters of the commune code)
        and ``communes`` (how many communes of that group have a value), for
        the stored indicators.

    """

    def __init__(self, counts: pd.DataFrame) -> None:
        self._by_prefix: dict[str, set[str]] = {}
        for indicator, prefix in zip(counts["indicator"], counts["prefix"], strict=True):
            self._by_prefix.setdefault(str(prefix), set()).add(str(indicator))

    def keys(self, reference: Reference, unit: Unit) -> list[str]:
        """Keys of the indicators with a value in ``unit``, in catalogue order.

        The reference's indicators first; a ratio when its two counts are there.
        """
        codes = reference.communes_of(unit).index
        present: set[str] = set()
        for prefix in _prefix(codes):
            present |= self._by_prefix.get(prefix, set())
        keys = list(REFERENCE_KEYS)
        for key, entry in INDICATORS.items():
            if entry.dataset == REFERENCE or DATASETS[entry.dataset].parser is None:
                continue
            if key in present or (entry.rule == "ratio" and {entry.numerator,
                                                             entry.denominator} <= present):
                keys.append(key)
        return keys

    @staticmethod
    def groups(keys: list[str]) -> list[tuple[str, list[tuple[str, Indicator]]]]:
        """``keys`` grouped by dataset (French label), in order: for a ``<select>``."""
        grouped: dict[str, list[tuple[str, Indicator]]] = {}
        for key in keys:
            entry = INDICATORS[key]
            grouped.setdefault(DATASETS[entry.dataset].label, []).append((key, entry))
        return list(grouped.items())


def load_availability(session: Session, *, cache_dir: Path | None = None,
                      state: str = "") -> Availability:
    """Read which stored indicators have values in which group of communes (one query).

    One grouped scan of the commune values, whatever the size of the store. With a
    ``cache_dir`` and the ``state`` of the store, the counts are kept there
    (``available-….parquet``, the other states' removed), so that a restarted server
    does not scan the store again.
    """
    from sqlalchemy import func, select

    from trajectoires.indicators.models import IndicatorValue

    path = None
    if cache_dir is not None and state:
        digest = hashlib.sha256(state.encode()).hexdigest()[:16]
        path = Path(cache_dir) / f"available-{digest}.parquet"
        counts = read_table(path)
        if counts is not None:
            return Availability(counts)
    prefix = func.substr(IndicatorValue.unit_code, 1, 3)
    query = (select(IndicatorValue.indicator, prefix, func.count())
             .where(IndicatorValue.unit_kind == "commune")
             .group_by(IndicatorValue.indicator, prefix))
    rows = [tuple(row) for row in session.execute(query).all()]
    counts = pd.DataFrame(rows, columns=["indicator", "prefix", "communes"])
    if path is not None:
        write_table(counts, path, "available-")
    return Availability(counts)
