"""Planning page of a territory: ``/territoires/{kind}/{code}/plan``, its downloads and API.

A thin layer over :func:`trajectoires.diagnosis.planning.plan_for`, the function
behind ``trajectoires plan``. The choices travel in the query string (a plan
has its own address); a result is kept in a small in-memory cache per choices
and state of the store. An invalid choice shows the form again with the
message; the API answers a French 422.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

from fastapi import APIRouter, Depends, HTTPException, Query, Request
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from starlette.datastructures import UploadFile

from trajectoires.diagnosis.planning import (
    MODEL_LABELS,
    NETWORKS,
    PlanError,
    PlanRequest,
    TerritoryPlan,
    check_request,
)
from trajectoires.invocation import tool_command
from trajectoires.territory import Reference, Unit
from trajectoires.territory.summary import format_number
from trajectoires.web.territory import plan_actions
from trajectoires.web.territory.deps import reference_or_503, store_fingerprint
from trajectoires.web.territory.maps import MAX_MAP_COMMUNES
from trajectoires.web.territory.pages import territory_url, unit_or_404
from trajectoires.web.workshops.deps import DbSession, FacilitatorId

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["api_router", "router"]

router = APIRouter(include_in_schema=False)
router.include_router(plan_actions.router)  # the plan's sites → Construire 2030 actions
api_router = APIRouter(prefix="/api/v1/territories", tags=["Planification"])
Ref = Annotated[Reference, Depends(reference_or_503)]
CANDIDATES = {"communes": "Le centre de chaque commune", "mairies": "Les mairies",
              "bibliotheques": "Les bibliothèques publiques"}
DOWNLOADS = {"plan.json": "application/json", "sites.csv": "text/csv; charset=utf-8",
             "sites-tableur.csv": "text/csv; charset=utf-8",
             "communes.csv": "text/csv; charset=utf-8", "plan.geojson": "application/geo+json"}
WEB_TIME_LIMIT = 30.0
_LOCK = threading.Lock()
_CACHE: OrderedDict = OrderedDict()


@dataclass(frozen=True)
class Form:
    """The form's fields as typed (strings), to be shown again when invalid."""

    reseau: tuple[str, ...] = ("france-services",)
    nouveaux: str = "5"
    rayon: str = "10"
    modele: str = "mclp"
    part: str = "100"
    candidats: str = "communes"

    def request(self) -> PlanRequest:
        """Check the fields; :class:`PlanError` with a French message when one is wrong."""
        new = _number(self.nouveaux, "Nombre de nouveaux lieux", integer=True)
        radius = _number(self.rayon, "Rayon")
        share = _number(self.part, "Part à couvrir") / 100
        if self.candidats not in (*CANDIDATES, "fichier"):  # fichier: sent by POST only
            raise PlanError(f"Candidats inconnus : « {self.candidats} ».")
        return check_request(list(self.reseau) or "aucun", int(new), radius, model=self.modele,
                             candidates=self.candidats, share=share)

    def query(self) -> list[tuple[str, str]]:
        """Query-string fields of these choices."""
        return [*(("reseau", n) for n in self.reseau), ("nouveaux", self.nouveaux),
                ("rayon", self.rayon), ("modele", self.modele), ("part", self.part),
                ("candidats", self.candidats), ("calculer", "1")]


def _number(text: str, name: str, *, integer: bool = False) -> float:
    cleaned = text.strip().replace(",", ".")
    try:
        value = float(cleaned)
    except ValueError:
        raise PlanError(f"{name} : « {text} » n'est pas un nombre.") from None
    if integer and value != int(value):
        raise PlanError(f"{name} : « {text} » n'est pas un nombre entier.")
    return value


def form_from_query(
    *,
    reseau: Annotated[list[str] | None, Query(max_length=40)] = None,
    nouveaux: Annotated[str, Query(max_length=12)] = "5",
    rayon: Annotated[str, Query(max_length=12)] = "10",
    modele: Annotated[str, Query(max_length=20)] = "mclp",
    part: Annotated[str, Query(max_length=12)] = "100",
    candidats: Annotated[str, Query(max_length=20)] = "communes",
    calculer: Annotated[str, Query(max_length=2)] = "",
) -> Form:
    """Read the form from the query string (no network ticked on a sent form: none kept)."""
    networks = tuple(reseau) if reseau is not None else (() if calculer else ("france-services",))
    return Form(networks, nouveaux, rayon, modele, part, candidats)


FormQuery = Annotated[Form, Depends(form_from_query)]


def plan_of(request: Request, ref: Reference, unit: Unit, wanted: PlanRequest, *,
            candidate_file: pd.DataFrame | None = None) -> TerritoryPlan:
    """Return the plan (cached per territory, choices and state of the store); PlanError.

    With ``candidate_file`` (a user's sites, ``wanted.candidates == "fichier"``) the
    plan is computed and returned, never cached: nothing of the file is kept.
    """
    from trajectoires.diagnosis.planning import plan_for

    if unit.commune_count > MAX_MAP_COMMUNES:
        raise PlanError(f"{unit.name} compte {format_number(unit.commune_count)} communes : trop "
                        f"pour une page web. Calculez son plan avec « {tool_command()} plan "
                        f"{unit.ref} ».")
    state = request.app.state
    key = (unit.ref, wanted, store_fingerprint(request.app))
    with _LOCK:
        if candidate_file is None and key in _CACHE:
            _CACHE.move_to_end(key)
            return _CACHE[key]
    with state.db.session() as session:
        result = plan_for(session, ref, unit, wanted, time_limit=WEB_TIME_LIMIT,
                          cache_dir=state.settings.workspace / "analysis",
                          candidate_file=candidate_file)
    if candidate_file is not None:
        return result
    with _LOCK:
        _CACHE[key] = result
        while len(_CACHE) > 8:
            _CACHE.popitem(last=False)
    return result


@router.get("/territoires/{kind}/{code}/plan", response_class=HTMLResponse,
            name="territory_plan")
def plan_page(request: Request, *, kind: str, code: str, ref: Ref, form: FormQuery,
              session: DbSession, me: FacilitatorId,
              calculer: Annotated[str, Query(max_length=2)] = "") -> Response:
    """Form of a plan and, once sent, the chosen sites: map, table, figures, downloads."""
    unit = unit_or_404(ref, kind, code)
    if unit.path != f"{kind}/{code}":
        return RedirectResponse(f"{territory_url(unit)}/plan", status_code=308)
    result = message = None
    if calculer:
        try:
            result = plan_of(request, ref, unit, form.request())
        except PlanError as exc:
            message = str(exc)
    return _render(request, ref, unit, form, session=session, me=me, result=result, message=message)


@router.post("/territoires/{kind}/{code}/plan", response_class=HTMLResponse,
             name="territory_plan_file")
async def plan_with_file(request: Request, *, kind: str, code: str, ref: Ref,
                         session: DbSession, me: FacilitatorId) -> Response:
    """Compute the same plan with the user's own candidate sites, a CSV sent with the form.

    The file is read in memory and dropped: nothing is written, stored or cached
    (the request body is capped by the application's ``max_request_kib``). Like a
    search, this POST changes nothing, so it carries no CSRF token: the form also
    sends the GET choices, whose address must never hold a token. A file that
    cannot be read is refused with its line and column (422), no plan shown.
    The downloads of such a plan travel inside the page (``data:`` links).
    """
    from starlette.concurrency import run_in_threadpool

    from trajectoires.diagnosis._plan_candidates import CandidateError, read_candidate_file

    unit = unit_or_404(ref, kind, code)
    fields = await request.form()
    text = {name: str(fields.get(name, ""))[:40] for name in
            ("nouveaux", "rayon", "modele", "part")}
    networks = tuple(str(n)[:40] for n in fields.getlist("reseau"))
    form = Form(networks, *(text[n] for n in ("nouveaux", "rayon", "modele", "part")),
                candidats="fichier")
    upload = fields.get("fichier")
    result = message = None
    try:
        wanted = form.request()
        if not isinstance(upload, UploadFile) or not upload.filename:
            raise PlanError("Fichier de sites candidats : choisissez un fichier CSV (colonnes "
                            "lat et lon, en degrés ; nom facultatif).")
        name = Path(upload.filename).name[:80] or "fichier"
        sites = read_candidate_file(await upload.read(), name)
        result = await run_in_threadpool(plan_of, request, ref, unit, wanted,
                                         candidate_file=sites)
    except (PlanError, CandidateError) as exc:
        message = str(exc)
    finally:
        await fields.close()
    return _render(request, ref, unit, form, session=session, me=me, result=result, message=message)


def _inline_downloads(result: TerritoryPlan, code: str) -> list[tuple[str, str, str]]:
    """(name, ``data:`` address, file name) of each download of a plan that has no address."""
    import base64

    return [(name, f"data:{DOWNLOADS[name].split(';')[0]};base64,"
             f"{base64.b64encode(_download(result, name)).decode()}", f"plan-{code}-{name}")
            for name in DOWNLOADS]


def _render(request: Request, ref: Reference, unit: Unit, form: Form, *, session, me,
            result: TerritoryPlan | None, message: str | None) -> Response:
    from trajectoires.diagnosis.plan_exports import method_text
    from trajectoires.diagnosis.plan_map import plan_map
    from trajectoires.diagnosis.report import french_number

    svg = plan_map(ref, result) if result is not None else None
    from_file = form.candidats == "fichier"
    context = {"unit": unit, "form": form, "result": result, "message": message, "svg": svg,
               "crumb_parents": ref.parents(unit),
               "networks": NETWORKS, "models": MODEL_LABELS, "candidates": CANDIDATES,
               "downloads": DOWNLOADS, "territory_url": territory_url, "fr": french_number,
               "method": method_text(result) if result else None,
               "query": form.query(), "from_file": from_file,
               "inline": _inline_downloads(result, unit.code) if result and from_file else [],
               "workshops": plan_actions.workshops_for(session, me, unit.kind.value, unit.code)
               if result is not None and len(result.sites) else [],
               "instruments": plan_actions.INSTRUMENTS}
    templates = request.app.state.templates
    return templates.TemplateResponse(request, "territory/plan.html", context,
                                      status_code=422 if message else 200)


def _download(result: TerritoryPlan, name: str) -> bytes:
    import json

    from trajectoires.diagnosis.plan_exports import plan_csv, plan_geojson, plan_json

    return {
        "plan.json": lambda: json.dumps(plan_json(result), ensure_ascii=False).encode(),
        "sites.csv": lambda: plan_csv(result.sites),
        "sites-tableur.csv": lambda: plan_csv(result.sites, spreadsheet=True),
        "communes.csv": lambda: plan_csv(result.communes),
        "plan.geojson": lambda: json.dumps(plan_geojson(result), ensure_ascii=False).encode(),
    }[name]()


@router.get("/territoires/{kind}/{code}/plan/{name}", name="territory_plan_download")
def plan_download(request: Request, *, kind: str, code: str, name: str, ref: Ref,
                  form: FormQuery) -> Response:
    """One file of the plan: plan.json, sites.csv, sites-tableur.csv, communes.csv, plan.geojson."""
    if name not in DOWNLOADS:
        raise HTTPException(status_code=404, detail=f"Fichier inconnu : « {name} ».")
    unit = unit_or_404(ref, kind, code)
    try:
        result = plan_of(request, ref, unit, form.request())
    except PlanError as exc:
        raise HTTPException(status_code=422, detail=str(exc)) from None
    content = _download(result, name)
    disposition = f'attachment; filename="plan-{unit.code}-{name}"'
    return Response(content, media_type=DOWNLOADS[name],
                    headers={"Content-Disposition": disposition})


@api_router.get("/{kind}/{code}/plan", summary="Où ouvrir de nouveaux lieux d'aide numérique")
def plan_api(request: Request, *, kind: str, code: str, ref: Ref,
             network: Annotated[list[str] | None, Query(max_length=40)] = None,
             new: Annotated[str, Query(max_length=12)] = "5",
             radius: Annotated[str, Query(max_length=12)] = "10",
             model: Annotated[str, Query(max_length=20)] = "mclp",
             share: Annotated[str, Query(max_length=12)] = "100",
             candidates: Annotated[str, Query(max_length=20)] = "communes") -> JSONResponse:
    """Return the plan as ``plan.json`` (``trajectoires plan``'s fields); 422: French detail.

    ``network``: repeated, or ``aucun``; ``share``: set covering's percentage.
    """
    from trajectoires.diagnosis.plan_exports import plan_json

    unit = unit_or_404(ref, kind, code)
    form = Form(tuple(network or ("france-services",)), new, radius, model, share, candidates)
    try:
        result = plan_of(request, ref, unit, form.request())
    except PlanError as exc:
        raise HTTPException(status_code=422, detail=str(exc)) from None
    return JSONResponse(plan_json(result))
