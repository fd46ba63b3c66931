"""Territory pages: home with search, search results, territory and commune pages.

Handlers stay short: resolve the unit, collect its summary (shared with the CLI
and the API), render a template. User-facing text lives in the templates.
"""

from __future__ import annotations

import math
from typing import Annotated

import pandas as pd
from fastapi import APIRouter, Depends, HTTPException, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from trajectoires.territory import (
    GEOMETRY_SOURCE,
    POPULATION_VINTAGE,
    AmbiguousTerritory,
    Reference,
    TerritoryNotFound,
    Unit,
    UnitKind,
    normalize,
    summarize,
)
from trajectoires.territory.summary import format_number
from trajectoires.web.territory.deps import get_map_cache, indicator_profile, reference_or_503
from trajectoires.web.territory.maps import INDICATORS, MAX_MAP_COMMUNES, MapCache

__all__ = ["router", "territory_url", "unit_or_404"]

router = APIRouter(include_in_schema=False)
Ref = Annotated[Reference, Depends(reference_or_503)]
Maps = Annotated[MapCache, Depends(get_map_cache)]


def territory_url(unit: Unit) -> str:
    """Address of the page of ``unit``, e.g. ``/territoires/departement/29``."""
    return f"/territoires/{unit.path}"


def unit_or_404(ref: Reference, kind: str, code: str) -> Unit:
    """Return the unit of ``kind`` and ``code``; raise a French 404 when either is unknown."""
    try:
        return ref.get(UnitKind.parse(kind), code)
    except ValueError as exc:
        raise HTTPException(status_code=404, detail=str(exc)) from None
    except TerritoryNotFound as exc:
        raise HTTPException(status_code=404, detail=exc.message) from None


def _render(request: Request, template: str, context: dict, status: int = 200) -> Response:
    templates = request.app.state.templates
    templates.env.filters["num_fr"] = format_number
    context = {
        "population_vintage": POPULATION_VINTAGE,
        "geometry_source": GEOMETRY_SOURCE,
        "territory_url": territory_url,
        **context,
    }
    return templates.TemplateResponse(request, template, context, status_code=status)


def _commune_rows(ref: Reference, unit: Unit) -> list[dict]:
    """Rows of the communes table, by name (missing values as None)."""
    table = ref.communes_of(unit)
    rows = [
        {
            "code": code,
            "name": name,
            "key": normalize(name),
            "population": None if population is pd.NA else int(population),
            "density": None if math.isnan(density) else float(density),
        }
        for code, name, population, density in zip(
            table.index, table["name"], table["population"], table["density"], strict=True
        )
    ]
    rows.sort(key=lambda row: row["key"])
    return rows


@router.get("/", response_class=HTMLResponse, name="home")
def home(request: Request, ref: Ref) -> Response:
    """Home page: presentation, search form, régions of France."""
    france = ref.france
    return _render(request, "home.html", {"france": france, "regions": ref.children(france)})


@router.get("/recherche", response_class=HTMLResponse, name="territory_search")
def search(request: Request, ref: Ref, q: Annotated[str, Query(max_length=200)] = "") -> Response:
    """Search results; a query designating exactly one territory redirects to its page."""
    q = q.strip()
    context: dict = {"q": q, "results": [], "ambiguous": False, "message": None}
    if q:
        try:
            return RedirectResponse(territory_url(ref.resolve(q)), status_code=303)
        except AmbiguousTerritory as exc:
            context.update(results=exc.candidates, ambiguous=True)
        except TerritoryNotFound as exc:
            results = ref.search(q, limit=20)
            if len(results) == 1:
                return RedirectResponse(territory_url(results[0]), status_code=303)
            context.update(results=results or exc.suggestions, message=exc.message)
    return _render(request, "territory/search.html", context)


@router.get("/territoires/{kind}/{code}", response_class=HTMLResponse, name="territory_page")
def territory_page(
    request: Request,
    *,
    kind: str,
    code: str,
    ref: Ref,
    maps: Maps,
    indicateur: Annotated[str, Query()] = "densite",
) -> Response:
    """Page of one territory: key figures, map and table of its communes, links."""
    unit = unit_or_404(ref, kind, code)
    if unit.path != f"{kind}/{code}":
        return RedirectResponse(territory_url(unit), status_code=308)
    if indicateur not in INDICATORS:
        raise HTTPException(status_code=404, detail=f"Indicateur inconnu : « {indicateur} ».")
    summary = summarize(ref, unit)
    profile = indicator_profile(request.app, ref).rows(unit)
    if unit.kind is UnitKind.COMMUNE:
        return _render(request, "territory/commune.html",
                       {"summary": summary, "unit": unit, "profile": profile})
    communes = None
    if unit.commune_count <= MAX_MAP_COMMUNES:
        communes = _commune_rows(ref, unit)
    context = {
        "summary": summary,
        "unit": unit,
        "communes": communes,
        "map_svg": maps.svg(unit, indicateur),
        "indicators": INDICATORS,
        "indicator": INDICATORS[indicateur],
        "max_map_communes": MAX_MAP_COMMUNES,
        "profile": profile,
    }
    return _render(request, "territory/unit.html", context)
