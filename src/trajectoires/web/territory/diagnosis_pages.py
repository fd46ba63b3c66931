"""Diagnosis page of a territory: ``/territoires/{kind}/{code}/diagnostic``.

A thin layer over :mod:`trajectoires.diagnosis`: the page and the API read the
same :class:`~trajectoires.diagnosis.Diagnosis`, computed once per territory,
choices and state of the indicator store, and kept in a small in-memory cache.
Concurrent requests for the same diagnosis wait for the one in flight; different
diagnoses are computed in parallel.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from concurrent.futures import Future
from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from trajectoires.diagnosis import Diagnosis, compare_units, diagnose
from trajectoires.diagnosis.maps import DiagnosisMaps, picked_map
from trajectoires.diagnosis.options import CORRECTIONS, REFERENCES
from trajectoires.diagnosis.provenance import column_sources, source_lines
from trajectoires.diagnosis.report import build_maps, french_number, render_body
from trajectoires.diagnosis.tables import map_choices
from trajectoires.invocation import tool_command
from trajectoires.territory import AmbiguousTerritory, Reference, TerritoryNotFound, Unit
from trajectoires.territory.summary import format_number
from trajectoires.web.territory.deps import reference_or_503, store_fingerprint
from trajectoires.web.territory.diagnosis_options import (
    DiagnosisOptions,
    criterion_choices,
    options_for_page,
)
from trajectoires.web.territory.maps import MAX_MAP_COMMUNES
from trajectoires.web.territory.pages import territory_url, unit_or_404

__all__ = ["diagnosis_for", "drop_stale_diagnoses", "router"]

router = APIRouter(include_in_schema=False)
Ref = Annotated[Reference, Depends(reference_or_503)]
PageOptions = Annotated[tuple[DiagnosisOptions, str | None], Depends(options_for_page)]
_DEFAULT = DiagnosisOptions()
REFERENCE_LABELS = {key: f"{words[0].upper()}{words[1:]}" for key, words in REFERENCES.items()}
_LOCK = threading.Lock()
_CACHE_SIZE = 8
IMPORT_PAGE = "/donnees/importer"  # web/data: where the missing datasets can be imported
_PARALLEL = threading.BoundedSemaphore(4)  # diagnoses computed at once (CPU, memory, sessions)


def diagnosis_for(request: Request, ref: Reference, unit: Unit,
                  options: DiagnosisOptions = _DEFAULT) -> tuple[Diagnosis, DiagnosisMaps]:
    """Return the diagnosis of ``unit`` and its maps (cached per choices and state of the store).

    Raises a French 422 for territories too large for a web page (all of France).
    """
    if unit.commune_count > MAX_MAP_COMMUNES:
        query = "FR" if unit.kind.value == "pays" else unit.ref
        raise HTTPException(status_code=422, detail=(
            f"{unit.name} compte {format_number(unit.commune_count)} communes : trop pour une "
            "page web. "
            f"Produisez son diagnostic avec « {tool_command()} diagnose {query} »."))
    state = request.app.state
    key = (unit.ref, options, store_fingerprint(request.app))
    with _LOCK:
        cache: OrderedDict = state.diagnoses  # built by create_app
        if key in cache:
            cache.move_to_end(key)
            return cache[key]
        running: dict[tuple, Future] = state.diagnoses_running
        pending = running.get(key)
        if pending is None:  # this request computes it; the same ones meanwhile wait
            pending = running[key] = Future()
            owner = True
        else:
            owner = False
    if not owner:
        return pending.result()  # the computing request's result, or its exception
    try:
        entry = _compute(state, ref, unit, options)
    except BaseException as exc:  # not cached: the next request tries again
        with _LOCK:
            del running[key]
        pending.set_exception(exc)
        raise
    with _LOCK:
        cache[key] = entry
        while len(cache) > _CACHE_SIZE:
            cache.popitem(last=False)
        del running[key]
    pending.set_result(entry)
    return entry


def drop_stale_diagnoses(app) -> int:  # noqa: ANN001 (a FastAPI app)
    """Forget the cached diagnoses of an older state of the store; return how many.

    Called after an import from the web (``web/data``): they would never be served
    again (the key holds the store's fingerprint) and only held memory.
    """
    current = store_fingerprint(app)
    with _LOCK:
        cache: OrderedDict = app.state.diagnoses
        stale = [key for key in cache if key[2] != current]
        for key in stale:
            del cache[key]
    return len(stale)


def _compute(state, ref: Reference, unit: Unit,  # noqa: ANN001 (starlette State)
             options: DiagnosisOptions) -> tuple[Diagnosis, DiagnosisMaps]:
    with _PARALLEL:
        with state.db.session() as session:
            result = diagnose(session, ref, unit, cache_dir=state.settings.workspace / "analysis",
                              **options.keywords())
        return result, build_maps(ref, result)


def _commune_url(code: str) -> str:
    """Address of a commune's page (the ranking's names link to it)."""
    return f"/territoires/commune/{code}"


def resolve_other(ref: Reference, query: str) -> tuple[Unit | None, str | None]:
    """Resolve the « compare with… » query: the unit, or a French message."""
    query = query.strip()
    if not query:
        return None, None
    try:
        return ref.resolve(query), None
    except AmbiguousTerritory as exc:
        names = " ; ".join(f"{c.name} ({c.ref})" for c in exc.candidates[:5])
        return None, f"« {query} » désigne plusieurs territoires : {names}."
    except TerritoryNotFound as exc:
        return None, exc.message


@router.get("/territoires/{kind}/{code}/diagnostic", response_class=HTMLResponse,
            name="territory_diagnosis")
def diagnosis_page(
    request: Request,
    *,
    kind: str,
    code: str,
    ref: Ref,
    indicateur: Annotated[str, Query(max_length=80)] = "fragility_index",
    comparer: Annotated[str, Query(max_length=200)] = "",
    chosen: PageOptions,
) -> Response:
    """Diagnosis of a territory: picker, maps, clusters, access, rankings, comparison.

    Invalid choices answer 422 with the whole page: the form, what was wrong, and the
    diagnosis with the default choices.
    """
    options, options_error = chosen
    unit = unit_or_404(ref, kind, code)
    if unit.path != f"{kind}/{code}":
        return RedirectResponse(f"{territory_url(unit)}/diagnostic", status_code=308)
    result, maps = diagnosis_for(request, ref, unit, options)
    choices = map_choices(result)
    if indicateur not in choices:
        indicateur = "fragility_index" if "fragility_index" in choices else "density"
    other, message = resolve_other(ref, comparer)
    compared = (compare_units(ref, result.national, [unit, other], result.national_population)
                if other else [])
    label, _ = choices.get(indicateur, ("Densité de population", "hab./km²"))
    picked = None
    if len(result.communes) > 1:
        picked = picked_map(ref, result.communes, indicateur, label=label,
                            title=f"{label} — {unit.name}", svg_id="carte-choisie")
    context = {
        "unit": unit, "d": result,
        "body": render_body(result, maps, _commune_url, import_url=IMPORT_PAGE),
        "choices": choices,
        "indicator": indicateur, "picked_map": picked, "comparer": comparer,
        "compared": compared, "compare_message": message, "territory_url": territory_url,
        "options": options, "criterion_choices": criterion_choices(),
        "references": REFERENCE_LABELS, "corrections": CORRECTIONS,
        "population_source": source_lines(result)["population"],
        "picked_source": column_sources(result).get(indicateur), "fr": french_number,
        "options_error": options_error,
    }
    templates = request.app.state.templates
    return templates.TemplateResponse(request, "territory/diagnosis.html", context,
                                      status_code=422 if options_error else 200)
