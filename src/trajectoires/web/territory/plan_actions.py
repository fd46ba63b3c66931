"""One click from a plan to Construire 2030 actions (#12 → #11): « ouvrir un lieu à … ».

The plan page offers the facilitator of a Construire 2030 workshop on the same
territory a form: each chosen site becomes an action of the workshop with one
``open-place`` effect (the trajectory's plan format), through the workshop's own
services (:func:`~trajectoires.foresight.contributions.post_contribution`,
:func:`~trajectoires.foresight.kinds._construire_effects.add_effect`, which checks the
effect with the projection engine). Every effect is checked against the workshop's
territory before any action is written, so a refused form keeps nothing.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy import select
from sqlalchemy.orm import Session

from trajectoires.foresight import access
from trajectoires.foresight.contributions import Author, post_contribution
from trajectoires.foresight.errors import InvalidInputError
from trajectoires.foresight.kinds._construire_checks import DEFAULT_HORIZON
from trajectoires.foresight.kinds._construire_effects import _plan_frame as _frame
from trajectoires.foresight.kinds._construire_effects import add_effect, horizon_year
from trajectoires.foresight.kinds.construire_2030 import INSTRUMENTS, KEY
from trajectoires.foresight.models import VISIBLE, Contribution, Workshop
from trajectoires.web.security import require_csrf
from trajectoires.web.workshops.contribution_pages import Submitted, done
from trajectoires.web.workshops.deps import DbSession, FacilitatorId

__all__ = ["INSTRUMENTS", "router", "workshops_for"]

router = APIRouter(include_in_schema=False)
MAX_SITES = 50


def workshops_for(session: Session, me: int | None, kind: str, code: str) -> list[dict]:
    """Construire 2030 workshops of facilitator ``me`` on the territory, with their actors."""
    if me is None:
        return []
    with session.begin():
        rows = session.scalars(select(Workshop).where(
            Workshop.facilitator_id == me, Workshop.kind == KEY,
            Workshop.territory_kind == kind, Workshop.territory_code == code,
            Workshop.status != "closed").order_by(Workshop.id)).all()
        found = []
        for row in rows:
            actors = session.scalars(select(Contribution).where(
                Contribution.workshop_id == row.id, Contribution.type == "actor",
                Contribution.status == VISIBLE).order_by(Contribution.id)).all()
            found.append({"slug": row.slug, "title": row.title,
                          "horizon": horizon_year(row.settings or {}),
                          "actors": [(a.id, str((a.payload or {}).get("name") or a.id))
                                     for a in actors]})
    return found


def _sites(form: Any) -> list[dict]:  # noqa: ANN401 (starlette FormData)
    """Read the ``site`` fields: ``code|lat|lon|name|commune name``."""
    sites = []
    for value in form.getlist("site")[:MAX_SITES]:
        parts = str(value).split("|", 4)
        try:
            code, lat, lon, name, commune = parts
            sites.append({"commune": code, "lat": float(lat), "lon": float(lon),
                          "name": name[:200], "commune_name": commune[:200]})
        except ValueError:
            raise InvalidInputError("trajectory_bad_effect", field="site",
                                    detail=f"site illisible « {str(value)[:80]} »") from None
    if not sites:
        raise InvalidInputError("trajectory_bad_effect", field="site", detail="aucun site")
    return sites


def _effect(site: dict, form: Any, year: int) -> dict:  # noqa: ANN401
    effect = {"type": "open-place", "network": str(form.get("network") or ""),
              "lat": site["lat"], "lon": site["lon"], "name": site["name"], "year": year,
              "assumption": str(form.get("assumption") or "").strip()[:500]
              or "Site choisi par le plan de Trajectoires (planification des lieux)."}
    if site["commune"]:
        effect["commune"] = site["commune"]
    return effect


@router.post("/ateliers/{slug}/trajectoire/depuis-le-plan", dependencies=[Depends(require_csrf)])
def plan_to_actions(request: Request, slug: str, *, session: DbSession, me: FacilitatorId,
                    form: Submitted) -> Response:
    """Turn the plan's sites into actions « Ouvrir un lieu à … » with an ``open-place`` effect."""
    from trajectoires.foresight.kinds._construire_effects import field_of
    from trajectoires.pathways import PlanError, read_plan
    from trajectoires.web.workshops.kinds.construire_2030.trajectory import service_of

    if me is None:
        return RedirectResponse(f"/connexion?suivant=/ateliers/{slug}/trajectoire",
                                status_code=303)
    workshop = access.own_workshop(session, slug, me, kind=KEY)
    author = Author(facilitator_id=me)
    sites = _sites(form)
    year = int(str(form.get("year") or "0")) if str(form.get("year") or "").isdigit() else 0
    effects = [_effect(site, form, year) for site in sites]
    check = service_of(request.app).territory_check(workshop)
    try:  # every effect checked before anything is written: a refused form keeps nothing
        plan = read_plan({**_frame(workshop), "actions": [
            {"id": f"site-{i}", "title": site["name"], "effects": [effect]}
            for i, (site, effect) in enumerate(zip(sites, effects, strict=True))]})
        if check is not None:
            check(plan)
    except PlanError as error:
        raise InvalidInputError("trajectory_bad_effect", field=field_of(error.path),
                                detail=error.message) from error
    owner, instrument = str(form.get("owner") or ""), str(form.get("instrument") or "autre")
    end = str((workshop.settings or {}).get("horizon") or DEFAULT_HORIZON)[:7]
    created = []
    for site, effect in zip(sites, effects, strict=True):
        payload = {"title": f"Ouvrir un lieu à {site['commune_name'] or site['name']}"[:140],
                   "description": f"{site['name']} — site choisi par le plan des lieux d'aide "
                                  "numérique de Trajectoires.",
                   "owner": int(owner) if owner.isdigit() else owner,
                   "start": f"{year}-01", "end": end, "instrument": instrument}
        view = post_contribution(session, workshop.id, author, "action", payload)
        add_effect(session, author, view.id, effect)
        created.append(view.id)
    return done(request, f"/ateliers/{slug}/trajectoire", {"actions": created}, 201)

