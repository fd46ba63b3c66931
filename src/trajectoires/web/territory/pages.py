"""Territory pages: home with search, search results, territory and commune pages.

Handlers stay short: resolve the unit, collect its summary (shared with the CLI
and the API), render a template. User-facing text lives in the templates.
"""

from __future__ import annotations

import math
from typing import Annotated
from urllib.parse import urlencode

import pandas as pd
from fastapi import APIRouter, Depends, HTTPException, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from trajectoires.indicators.available import Availability
from trajectoires.indicators.catalogue import INDICATORS, REFERENCE, source_line
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
from trajectoires.web.events.listing import territory_events
from trajectoires.web.territory.commune_table import csv_bytes, filter_rows, parse_filter
from trajectoires.web.territory.deps import (
    get_map_cache,
    indicator_profile,
    reference_or_503,
    store_fingerprint,
)
from trajectoires.web.territory.maps import LEGACY_NAMES, MAX_MAP_COMMUNES, MapCache, Shown

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


def _population_vintage(request: Request) -> str:
    """Vintage of the populations shown: the latest imported legal populations, or 2017."""
    from trajectoires.territory import SourceError
    from trajectoires.web.territory.deps import current_reference_for_app

    try:
        return current_reference_for_app(request.app).population_vintage
    except SourceError:
        return POPULATION_VINTAGE


def _render(request: Request, template: str, context: dict, status: int = 200) -> Response:
    templates = request.app.state.templates
    templates.env.filters["num_fr"] = format_number
    context = {
        "population_vintage": _population_vintage(request),
        "geometry_source": GEOMETRY_SOURCE,
        "territory_url": territory_url,
        **context,
    }
    return templates.TemplateResponse(request, template, context, status_code=status)


def _commune_rows(ref: Reference, unit: Unit, shown: Shown) -> list[dict]:
    """Rows of the communes table, by name (missing values as None).

    ``value`` is the shown indicator's (None for population and density, which
    have their own columns).
    """
    table = ref.communes_of(unit)
    own = shown.key in ("population", "density")
    if own:
        chosen = [None] * len(table)
    elif shown.values is None:
        chosen = table[shown.key].to_list()
    else:
        chosen = shown.values.reindex(table.index).to_list()
    rows = [
        {
            "code": code,
            "name": name,
            "key": normalize(name),
            "population": None if population is pd.NA else int(population),
            "density": None if math.isnan(density) else float(density),
            "value": None if value is None or pd.isna(value) else float(value),
        }
        for code, name, population, density, value in zip(
            table.index, table["name"], table["population"], table["density"], chosen,
            strict=True,
        )
    ]
    rows.sort(key=lambda row: row["key"])
    return rows


def _store_values(app: object, key: str) -> tuple[pd.Series, str | None]:
    """Latest commune values of the stored indicator ``key`` and their period."""
    from trajectoires.indicators.store import commune_values

    with app.state.db.session() as session:
        wide = commune_values(session, [key])
    return wide[key].dropna(), wide.attrs["periods"].get(key)


def _choices(request: Request, ref: Reference, maps: MapCache, unit: Unit,
             state: str) -> list[str]:
    """Keys of the indicators loaded for ``unit`` (the reference's, then the store's)."""
    from trajectoires.indicators.available import load_availability

    def load():  # noqa: ANN202
        app_state = request.app.state
        with app_state.db.session() as session:
            return load_availability(session, state=state,
                                     cache_dir=app_state.settings.workspace / "analysis")

    return maps.availability(state, load).keys(ref, unit)


def _digits(rows: list[dict]) -> int:
    """Decimals of the chosen indicator in the table: none for whole numbers, else one."""
    values = [row["value"] for row in rows if row["value"] is not None]
    return 0 if all(float(v).is_integer() for v in values) else 1


@router.get("/", response_class=HTMLResponse, name="home")
def home(request: Request, ref: Ref) -> Response:
    """Home page: presentation, search form, régions of France."""
    france = ref.france
    return _render(request, "home.html", {"france": france, "regions": ref.children(france)})


def _designates(unit: Unit, query: str) -> bool:
    """Whether ``query`` is the unit's code or its whole name (not a loose match).

    « Saint » resolves to « Le Saint » once articles are dropped, but it also begins
    hundreds of names: such a submit lists the matches instead of choosing one.
    """
    key = normalize(query)
    return query.strip().upper() in {unit.code, unit.ref.upper()} or key == normalize(unit.name)


@router.get("/recherche", response_class=HTMLResponse, name="territory_search")
def search(request: Request, ref: Ref, q: Annotated[str, Query(max_length=200)] = "") -> Response:
    """Search results; a query designating exactly one territory redirects to its page."""
    q = q.strip()
    context: dict = {"q": q, "results": [], "ambiguous": False, "message": None}
    if q:
        try:
            unit = ref.resolve(q)
            others = [] if _designates(unit, q) else [
                u for u in ref.search(q, limit=20) if (u.kind, u.code) != (unit.kind, unit.code)]
            if not others:
                return RedirectResponse(territory_url(unit), status_code=303)
            context.update(results=[unit, *others][:20], several=True)
        except AmbiguousTerritory as exc:
            context.update(results=exc.candidates, ambiguous=True)
        except TerritoryNotFound as exc:
            results = ref.search(q, limit=20)
            if len(results) == 1:
                return RedirectResponse(territory_url(results[0]), status_code=303)
            context.update(results=results or exc.suggestions, message=exc.message)
    return _render(request, "territory/search.html", context)


def _trajectories(request: Request, unit: Unit) -> list:
    """Return the trajectories of the territory's Construire 2030 workshops (#11)."""
    from trajectoires.web.workshops.kinds.construire_2030.territory import territory_trajectories

    return territory_trajectories(request.app, str(unit.kind), unit.code)


@router.get("/territoires/{kind}/{code}", response_class=HTMLResponse, name="territory_page")
def territory_page(
    request: Request,
    *,
    kind: str,
    code: str,
    ref: Ref,
    maps: Maps,
    indicateur: Annotated[str, Query(max_length=80)] = "density",
    recherche: Annotated[str, Query(max_length=100)] = "",
    min: Annotated[str, Query(max_length=30)] = "",  # noqa: A002 (the form's field)
    max: Annotated[str, Query(max_length=30)] = "",  # noqa: A002
) -> Response:
    """Page of one territory: key figures, map and table of its communes, links.

    ``indicateur`` picks, among the indicators loaded for the territory, the one
    the map and the table show (a GET form: works without JavaScript);
    ``recherche``, ``min`` and ``max`` filter the table (not the map).
    """
    unit = unit_or_404(ref, kind, code)
    if unit.path != f"{kind}/{code}":
        return RedirectResponse(territory_url(unit), status_code=308)
    indicateur = _indicator_key(indicateur)
    summary = summarize(ref, unit)
    profile = indicator_profile(request.app, ref).rows(unit)
    trajectories = _trajectories(request, unit)
    events = territory_events(request, ref, unit)  # web/events/listing.py
    from trajectoires.web.archive.context import territory_productions  # (import cycle)

    productions = territory_productions(request.app, str(unit.kind), unit.code)  # web/archive
    if unit.kind is UnitKind.COMMUNE:
        return _render(request, "territory/commune.html",
                       {"summary": summary, "unit": unit, "profile": profile, "events": events,
                        "productions": productions, "trajectories": trajectories,
                        "neighbourhood": maps.neighbourhood_svg(unit)})
    chosen, filter_message = parse_filter(recherche, min, max)
    context = {"summary": summary, "unit": unit, "communes": None, "map_svg": None,
               "events": events, "productions": productions, "trajectories": trajectories,
               "choices": [], "indicator": INDICATORS[indicateur], "loaded": False,
               "max_map_communes": MAX_MAP_COMMUNES, "profile": profile,
               "table_filter": chosen, "filter_message": filter_message}
    if unit.commune_count <= MAX_MAP_COMMUNES:
        state = store_fingerprint(request.app)
        keys = _choices(request, ref, maps, unit, state)
        context["choices"] = Availability.groups(keys)
        shown, rows, loaded = _table(request, maps, unit, indicateur, state=state, keys=keys)
        vintage = shown.vintage or (ref.population_vintage
                                    if shown.entry.dataset == REFERENCE else None)
        kept = filter_rows(rows, chosen, _value_column(shown))
        query = urlencode({"indicateur": shown.key, **chosen.fields()})
        context.update(communes=kept, all_communes=len(rows), loaded=loaded, shown=shown,
                       table_query=query,
                       digits=_digits(rows), source=source_line(shown.key, vintage),
                       map_svg=maps.svg(unit, shown, state))
    return _render(request, "territory/unit.html", context)


def _indicator_key(indicateur: str) -> str:
    indicateur = LEGACY_NAMES.get(indicateur, indicateur)
    if indicateur not in INDICATORS:
        raise HTTPException(status_code=404, detail=f"Indicateur inconnu : « {indicateur} ».")
    return indicateur


def _value_column(shown: Shown) -> str:
    """Row key of the shown indicator (population and density have their own columns)."""
    return shown.key if shown.key in ("population", "density") else "value"


def _table(request: Request, maps: MapCache, unit: Unit, indicateur: str, *, state: str,
           keys: list[str]) -> tuple[Shown, list[dict], bool]:
    """Return the shown indicator (density when ``indicateur`` is not loaded), rows, loaded."""
    loaded = indicateur in keys
    shown = maps.shown(indicateur if loaded else "density", state,
                       lambda key: _store_values(request.app, key))
    return shown, _commune_rows(maps.reference, unit, shown), loaded


@router.get("/territoires/{kind}/{code}/communes.csv", name="territory_communes_csv")
@router.get("/territoires/{kind}/{code}/communes-tableur.csv", name="territory_communes_french")
def communes_csv(
    request: Request,
    *,
    kind: str,
    code: str,
    ref: Ref,
    maps: Maps,
    indicateur: Annotated[str, Query(max_length=80)] = "density",
    recherche: Annotated[str, Query(max_length=100)] = "",
    min: Annotated[str, Query(max_length=30)] = "",  # noqa: A002 (the form's field)
    max: Annotated[str, Query(max_length=30)] = "",  # noqa: A002
) -> Response:
    """Download the communes table as on the page (same indicator and filter), in CSV.

    ``communes.csv`` for programs, ``communes-tableur.csv`` for a French spreadsheet.
    """
    name = request.url.path.rsplit("/", 1)[-1]
    unit = unit_or_404(ref, kind, code)
    indicateur = _indicator_key(indicateur)
    if unit.kind is UnitKind.COMMUNE or unit.commune_count > MAX_MAP_COMMUNES:
        raise HTTPException(status_code=404, detail="Pas de tableau des communes ici.")
    state = store_fingerprint(request.app)
    keys = _choices(request, ref, maps, unit, state)
    shown, rows, _ = _table(request, maps, unit, indicateur, state=state, keys=keys)
    chosen, message = parse_filter(recherche, min, max)
    if message:
        raise HTTPException(status_code=422, detail=message)
    kept = filter_rows(rows, chosen, _value_column(shown))
    body = csv_bytes(kept, key=shown.key, label=shown.entry.label, unit=shown.entry.unit,
                     digits=_digits(rows), french=name == "communes-tableur.csv")
    return Response(body, media_type="text/csv; charset=utf-8", headers={
        "Content-Disposition": f'attachment; filename="{unit.code}-{name}"'})
