"""Web module of Imaginer 2030: the wall, timeline, targets and ranking sections, and their routes.

- :mod:`.views`: what each view shows, read from the workshop (:func:`.views.board`);
- :mod:`.pages`: the sections of the participant, facilitation and projection pages
  (templates ``kinds/imaginer-2030/``), their live fragments and
  ``GET /ateliers/{slug}/frise.svg``;
- :mod:`.api`: ``GET /api/v1/workshops/{slug}/timeline``.

The contribution forms, lists, moderation and dot-voting controls are the shared
workshop pages' (:mod:`trajectoires.web.workshops`), built from the manifest.
"""

from fastapi import APIRouter, Request
from sqlalchemy.orm import Session

from trajectoires.foresight.workshops import WorkshopView
from trajectoires.web.workshops.kinds import KindPage, KindRegions, KindWeb
from trajectoires.web.workshops.kinds.imaginer_2030 import api, pages
from trajectoires.web.workshops.kinds.imaginer_2030.views import board, timeline_image

__all__ = ["WEB_KIND"]

SECTIONS = ("kinds/imaginer-2030/_sections.html",)



def archive_timeline(_request: Request, session: Session, workshop: WorkshopView) -> str:
    """Draw the timeline of a published workshop (its public page and compte rendu)."""
    return timeline_image(board(session, workshop), svg_id="frise-archive")


router = APIRouter()
router.include_router(pages.router)
router.include_router(api.router)

WEB_KIND = KindWeb(
    key="imaginer-2030",
    router=router,
    participant=KindPage(context=pages.participant_context, sections=SECTIONS),
    facilitator=KindPage(context=pages.facilitator_context, sections=SECTIONS),
    projection=KindPage(context=pages.projection_context, sections=SECTIONS),
    regions=KindRegions(names=pages.REGIONS, render=pages.render_regions),
    archive_views={"timeline": archive_timeline},
)
