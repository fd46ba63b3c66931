"""What the workshop services read outside their tables: a territory's indicator values.

:func:`build_lookups` gives the contribution store
(:func:`~trajectoires.foresight.contributions.post_contribution`) the baseline of a
target — the latest value of an indicator on the workshop's territory — computed as
the territory pages compute it: commune values of the indicator store aggregated by
the catalogue's rule (:class:`~trajectoires.indicators.profile.IndicatorProfile`).

The headline indicators come from the profile the territory pages share (read once
per state of the store); any other indicator of the catalogue is read on demand and
kept per state of the store. Without the territory reference, without data or for an
unknown territory, the baseline is ``None``: « non disponible ».
"""

from __future__ import annotations

import logging
import threading
from collections import OrderedDict
from typing import Any

from trajectoires.foresight.contributions import Baseline, Lookups

__all__ = ["build_lookups", "territory_baseline"]

logger = logging.getLogger(__name__)
_CACHED = 256


class _BaselineCache:
    """Values read for indicators outside the shared profile, per state of the store."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._values: OrderedDict[tuple[str, str, str, str], Baseline | None] = OrderedDict()

    def get(self, key: tuple[str, str, str, str], compute: Any) -> Baseline | None:  # noqa: ANN401
        with self._lock:
            if key in self._values:
                return self._values[key]
        value = compute()
        with self._lock:
            self._values[key] = value
            while len(self._values) > _CACHED:
                self._values.popitem(last=False)
        return value


def _baseline(value: float | None, indicator_id: str, period: str | None) -> Baseline | None:
    from trajectoires.indicators.catalogue import DATASETS, INDICATORS

    if value is None or period is None or value != value:  # noqa: PLR0124 (NaN)
        return None
    indicator = INDICATORS[indicator_id]
    return Baseline(float(value), str(period), DATASETS[indicator.dataset].label, indicator.unit)


def territory_baseline(app: Any, territory_kind: str, territory_code: str,  # noqa: ANN401
                       indicator_id: str, cache: _BaselineCache | None = None) -> Baseline | None:
    """Return the latest value of ``indicator_id`` on the territory, or ``None``.

    Reads the application's territory reference and indicator store (as the
    territory pages do).
    """
    from trajectoires.indicators.catalogue import INDICATORS
    from trajectoires.indicators.store import compare_with_parents
    from trajectoires.web.territory.deps import (
        indicator_profile,
        reference_for_app,
        store_fingerprint,
    )

    if indicator_id not in INDICATORS:
        return None
    reference = reference_for_app(app)
    unit = reference.get(territory_kind, territory_code)
    profile = indicator_profile(app, reference)
    if indicator_id in profile.indicators:
        row = next((r for r in profile.rows(unit) if r["id"] == indicator_id), None)
        return None if row is None else _baseline(row["values"][0]["value"], indicator_id,
                                                  row["period"])

    def compute() -> Baseline | None:
        with app.state.db.session() as session:
            table = compare_with_parents(session, reference, unit, [indicator_id])
        period = table.attrs["periods"].get(indicator_id)
        return _baseline(table[indicator_id].iloc[0], indicator_id, period)

    key = (store_fingerprint(app), territory_kind, territory_code, indicator_id)
    return (cache or _BaselineCache()).get(key, compute)


def build_lookups(app: Any) -> Lookups:  # noqa: ANN401 (a FastAPI application)
    """Return the :class:`Lookups` of ``app``: baselines from its reference and its store.

    A failure to read them (no reference yet, a territory the reference does not
    know) is logged and gives ``None`` — the target is stored with its baseline
    « non disponible » rather than refused.
    """
    cache = _BaselineCache()

    def baseline(territory_kind: str, territory_code: str, indicator_id: str) -> Baseline | None:
        try:
            return territory_baseline(app, territory_kind, territory_code, indicator_id, cache)
        except Exception:  # the data are an aid: a target is never refused for them
            logger.warning("baseline of %s on %s %s unavailable", indicator_id, territory_kind,
                           territory_code, exc_info=True)
            return None

    return Lookups(baseline=baseline)
