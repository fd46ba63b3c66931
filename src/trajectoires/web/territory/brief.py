"""The data brief of a territory: its key indicators with source and vintage, for documents.

A short, printable summary of what the data say about a territory, for the
published workshops' pages and compte rendu (and any page that needs one): the
indicators loaded in the store compared with the territories above it (the
territory page's profile), the share of people living far from each kind of help
place and the sources of the diagnosis (:mod:`trajectoires.diagnosis.provenance`),
when the diagnosis can be computed. Without data it says so, and how to load them.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import Any

from fastapi import Request

from trajectoires.territory import SourceError, TerritoryNotFound, UnitKind

__all__ = ["BriefIndicator", "DataBrief", "data_brief"]

logger = logging.getLogger(__name__)
MAX_INDICATORS = 8


@dataclass(frozen=True)
class BriefIndicator:
    """One key indicator: the territory's value and the one above it, with their origin."""

    label: str
    unit: str
    value: float | None
    compared_name: str
    compared_value: float | None
    source: str
    period: str


@dataclass(frozen=True)
class DataBrief:
    """What the data say about a territory, or why nothing can be said.

    ``status`` is ``ok`` (indicators below), ``no_data`` (no dataset loaded) or
    ``no_reference`` (the reference of places is missing, ``message`` says why).
    """

    territory_name: str
    status: str
    message: str = ""
    indicators: tuple[BriefIndicator, ...] = ()
    access: tuple[tuple[str, float, float], ...] = ()  # label, share beyond, mean km
    sources: tuple[Any, ...] = ()  # diagnosis.provenance.SourceLine
    population_vintage: str = ""
    loaded: tuple[str, ...] = field(default_factory=tuple)


def _indicators(rows: list[dict]) -> tuple[BriefIndicator, ...]:
    found = []
    for row in rows[:MAX_INDICATORS]:
        own, *above = row["values"]
        parent = next((v for v in above if v["value"] is not None), above[0] if above else own)
        found.append(BriefIndicator(row["label"], row["unit"], own["value"], parent["name"],
                                    parent["value"], row["source"], str(row["period"])))
    return tuple(found)


def _diagnosis_parts(request: Request, ref: Any, unit: Any) -> tuple[tuple, tuple]:  # noqa: ANN401
    """Access to help places and the diagnosis's sources (nothing if it cannot be computed)."""
    from fastapi import HTTPException

    from trajectoires.diagnosis.provenance import source_lines
    from trajectoires.web.territory.diagnosis_pages import diagnosis_for

    try:
        result, _maps = diagnosis_for(request, ref, unit)
    except HTTPException:  # too large for a page (France): the indicators suffice
        return (), ()
    except Exception:  # a brief never breaks the page that shows it
        logger.warning("diagnosis of %s failed for the data brief", unit.ref, exc_info=True)
        return (), ()
    access = tuple((a.label, a.share_beyond, a.mean_distance_km) for a in result.access)
    lines = source_lines(result)
    keys = ("population", "indice", "acces")
    return access, tuple(lines[k] for k in keys if k in lines)


def data_brief(request: Request, kind: str, code: str, name: str = "") -> DataBrief:
    """Return the data brief of the territory ``kind``/``code`` (``name`` if it is unknown)."""
    from trajectoires.web.territory.deps import current_reference_for_app, indicator_profile

    try:
        ref = current_reference_for_app(request.app)
        unit = ref.get(UnitKind.parse(kind), code)
    except SourceError as error:
        return DataBrief(name, "no_reference",
                         f"Référentiel des territoires indisponible : {error}")
    except (TerritoryNotFound, ValueError):
        return DataBrief(name, "no_reference", "Territoire absent du référentiel des communes.")
    profile = indicator_profile(request.app, ref).rows(unit)
    if not profile:
        return DataBrief(unit.name, "no_data", loaded=tuple(profile.loaded or ()),
                         population_vintage=ref.population_vintage)
    access, sources = _diagnosis_parts(request, ref, unit)
    return DataBrief(unit.name, "ok", indicators=_indicators(list(profile)), access=access,
                     sources=sources, population_vintage=ref.population_vintage)
