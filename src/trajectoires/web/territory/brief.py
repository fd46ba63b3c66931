"""The data brief of a territory in a page: its diagnosis summed up (``diagnosis.brief``).

:func:`brief_for_code` and :func:`brief_for_unit` return the
:class:`~trajectoires.diagnosis.brief.TerritoryBrief` that the template
``territory/_brief.html`` shows (events, published workshops and their compte rendu):
computed from the territory's diagnosis, cached by the diagnosis pages
(:func:`~trajectoires.web.territory.diagnosis_pages.diagnosis_for`). A territory too
large for a page, unknown to the reference, or a diagnosis that fails, gives a brief
that says so: a brief never breaks the page that shows it.
"""

from __future__ import annotations

import logging

from fastapi import HTTPException, Request

from trajectoires.diagnosis.brief import NO_DATA, TOO_LARGE, TerritoryBrief, no_data_brief
from trajectoires.territory import Reference, TerritoryNotFound, Unit, UnitKind

__all__ = ["brief_for_code", "brief_for_unit"]

logger = logging.getLogger(__name__)


def brief_for_unit(request: Request, ref: Reference, unit: Unit) -> TerritoryBrief:
    """Return the data brief of ``unit`` (from its cached diagnosis)."""
    from trajectoires.diagnosis.brief import territory_brief
    from trajectoires.web.territory.deps import store_fingerprint
    from trajectoires.web.territory.diagnosis_pages import diagnosis_for

    if not store_fingerprint(request.app):  # nothing loaded: no diagnosis to compute
        return no_data_brief(unit, NO_DATA)
    try:
        result, maps = diagnosis_for(request, ref, unit)
    except HTTPException:  # too many communes for a page (France)
        return no_data_brief(unit, TOO_LARGE)
    except Exception:  # noqa: BLE001 (logged; the page still shows, saying no figures)
        logger.warning("the diagnosis of %s failed for its data brief", unit.ref, exc_info=True)
        return no_data_brief(unit, NO_DATA)
    return territory_brief(result, maps)


def brief_for_code(request: Request, ref: Reference, kind: str, code: str) -> TerritoryBrief:
    """Return the data brief of the territory ``kind``/``code`` (unknown: without figures)."""
    try:
        unit = ref.get(UnitKind.parse(kind), code)
    except (TerritoryNotFound, ValueError):
        return TerritoryBrief(code, f"{kind}/{code}", reason=NO_DATA)
    return brief_for_unit(request, ref, unit)
