"""The open archive on the web: published workshops, their compte rendu, the search.

- :mod:`.pages`: ``/archives`` (search), ``/archives/{slug}`` and its compte rendu
  (HTML that prints on A4, and PDF);
- :mod:`.publication`: the facilitator publishes or unpublishes a closed workshop
  (form of the facilitation page, ``PUT``/``DELETE /api/v1/workshops/{slug}/publication``);
- :mod:`.api`: ``GET /api/v1/search`` and ``GET /api/v1/archives/{slug}``;
- :mod:`.filters`, :mod:`.context`: the search's filters, the pages' content.
"""

from trajectoires.web.archive import api, pages, publication

__all__ = ["ROUTERS"]

ROUTERS = (pages.router, publication.router, publication.api_router, api.router)
"""Every router of the archive, for ``create_app``."""
