"""Official data from the web (#13): ``/donnees/importer`` (:mod:`~trajectoires.web.data.pages`).

An administrator uploads an official file; it is validated and imported exactly as
``trajectoires data import`` does, and the pages' caches are warmed for the new
state of the store (:mod:`~trajectoires.web.data._refresh`).
"""

from trajectoires.web.data.pages import IMPORT_PATH, PATH, UPLOAD_SLACK, router

__all__ = ["IMPORT_PATH", "PATH", "UPLOAD_SLACK", "router"]
