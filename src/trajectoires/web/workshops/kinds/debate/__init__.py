"""Web module of the open debate: the opinion map on its pages, its API and the Pol.is export.

- :mod:`.service`: :class:`~.service.OpinionService`, the opinion groups recomputed
  in the background after batches of votes (one per application);
- :mod:`.pages`: the "Carte des opinions" section of the participant and facilitation
  pages (templates ``kinds/debate/``) and ``GET /ateliers/{slug}/export/polis.zip``;
- :mod:`.api`: ``GET /api/v1/workshops/{slug}/opinions``;
- :mod:`.seeds`: the facilitator's seed statements
  (``POST /ateliers/{slug}/propositions-de-depart``).

The statements, votes and moderation of the debate are served by the shared workshop
pages and API (:mod:`trajectoires.web.workshops`).
"""

from fastapi import APIRouter, Request
from sqlalchemy.orm import Session

from trajectoires.foresight.workshops import WorkshopView
from trajectoires.web.workshops.kinds import KindPage, KindWeb
from trajectoires.web.workshops.kinds.debate import api, pages, seeds

__all__ = ["WEB_KIND"]

SECTIONS = ("kinds/debate/_opinions.html",)



def archive_opinions(request: Request, _session: Session, workshop: WorkshopView) -> str:
    """Render the opinion groups and consensus of a published debate (no viewer)."""
    service = request.app.state.kind_services[pages.KIND]
    return pages.render_body(request.app.state.templates, service.latest(workshop.id))


router = APIRouter()
router.include_router(pages.router)
router.include_router(api.router)
router.include_router(seeds.router)

WEB_KIND = KindWeb(
    key="debate",
    router=router,
    participant=KindPage(context=pages.participant_context, sections=SECTIONS),
    facilitator=KindPage(context=pages.facilitator_context, sections=SECTIONS),
    projection=KindPage(context=pages.projection_context, sections=SECTIONS),
    service=pages.build_opinions,
    archive_views={"opinions": archive_opinions},
)
