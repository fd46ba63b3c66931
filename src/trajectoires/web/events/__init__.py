"""Web pages and read API of the events (:mod:`trajectoires.foresight.events`).

- :mod:`~trajectoires.web.events.manage`: the facilitator's pages (``/evenements/nouveau``,
  ``/evenements/{slug}/gerer`` and its forms);
- :mod:`~trajectoires.web.events.pages`: the public pages (list, event, ``.ics``, files);
- :mod:`~trajectoires.web.events.api`: ``/api/v1/events``.

:data:`router` holds them all, the facilitator's first (``/evenements/nouveau`` before
``/evenements/{slug}``).
"""

from fastapi import APIRouter

from trajectoires.web.events import api, manage, pages
from trajectoires.web.events._support import FILES_FOLDER, UPLOAD_PATH, UPLOAD_SLACK

__all__ = ["FILES_FOLDER", "UPLOAD_PATH", "UPLOAD_SLACK", "router"]

router = APIRouter()
for _module in (manage, pages, api):
    router.include_router(_module.router)
