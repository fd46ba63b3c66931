"""Web module of Construire 2030: the roadmap, the actors' means, commitments, starting point.

- :mod:`.pages`: the sections of the participant, facilitation and projection pages
  (templates ``kinds/construire-2030/``), ``GET /ateliers/{slug}/feuille-de-route.svg``
  and the facilitator's forms (« Partir d'un atelier Imaginer 2030 », speakers);
- :mod:`.api`: ``GET /api/v1/workshops/{slug}/roadmap``;
- :mod:`.trajectory_pages` and :mod:`.trajectory_api`: the trajectory to the horizon
  (issue #11) — quantified effects of the actions, « et si… ? » switches, charts and
  maps, exports — on the cached projections of :mod:`.trajectory`.

Contribution forms, lists, moderation and the generic JSON API of the actors, actions,
commitments and dependencies are the shared workshop pages' (:mod:`trajectoires.web.workshops`).
"""

from fastapi import APIRouter, Request
from sqlalchemy.orm import Session

from trajectoires.foresight.kinds._construire_roadmap import roadmap
from trajectoires.foresight.kinds.construire_2030 import KEY
from trajectoires.foresight.workshops import WorkshopView
from trajectoires.web.workshops.kinds import KindPage, KindRegions, KindWeb
from trajectoires.web.workshops.kinds.construire_2030 import (
    api,
    pages,
    trajectory_api,
    trajectory_pages,
)
from trajectoires.web.workshops.kinds.construire_2030.trajectory import TrajectoryService

__all__ = ["WEB_KIND"]

TEMPLATES = "kinds/construire-2030"
STYLES = f"{TEMPLATES}/_styles.html"
LINK = f"{TEMPLATES}/_trajectory_link.html"
SECTIONS = (STYLES, f"{TEMPLATES}/_actors.html", f"{TEMPLATES}/_roadmap.html", LINK)



def archive_roadmap(_request: Request, session: Session, workshop: WorkshopView) -> str:
    """Draw the roadmap of a published workshop (its public page and compte rendu)."""
    return pages.roadmap_drawing(roadmap(session, workshop), "feuille-de-route-archive")


router = APIRouter()
router.include_router(pages.router)
router.include_router(api.router)
router.include_router(trajectory_pages.router)
router.include_router(trajectory_api.router)

WEB_KIND = KindWeb(
    key=KEY,
    router=router,
    participant=KindPage(context=pages.participant_context, sections=SECTIONS),
    facilitator=KindPage(context=pages.facilitator_context,
                         sections=(STYLES, f"{TEMPLATES}/_facilitation.html", *SECTIONS[1:])),
    projection=KindPage(context=pages.projection_context,
                        sections=(STYLES, f"{TEMPLATES}/_roadmap.html",
                                  f"{TEMPLATES}/_trajectory_projection.html")),
    regions=KindRegions(names=(*pages.REGIONS, pages.TRAJECTORY_REGION),
                        render=pages.render_regions),
    service=TrajectoryService,
    archive_views={"roadmap": archive_roadmap},
)
