"""Application factory: ``create_app(settings)`` builds a configured FastAPI app.

Nothing is built at import time; the web layer reads the settings, opens the
database, runs pending migrations and mounts the routers of each domain.
"""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles
from starlette.middleware.sessions import SessionMiddleware

from trajectoires.db import Database, create_database, migrate
from trajectoires.settings import Settings
from trajectoires.web import auth, errors, security
from trajectoires.web.templating import make_templates
from trajectoires.web.territory import api as territory_api
from trajectoires.web.territory import diagnosis_api, diagnosis_pages
from trajectoires.web.territory import pages as territory_pages
from trajectoires.web.workshops import api as workshop_api
from trajectoires.web.workshops import pages as workshop_pages
from trajectoires.web.workshops.live import LiveHub

__all__ = ["create_app"]

STATIC_DIR = Path(__file__).parent / "static"


def create_app(settings: Settings | None = None, database: Database | None = None) -> FastAPI:
    """Build the Trajectoires web application.

    Parameters
    ----------
    settings
        Resolved settings; default: read from the environment.
    database
        An already opened database (tests pass one); default: opened from
        ``settings.database_url`` and migrated to the latest schema.

    """
    settings = (settings or Settings.from_env()).ensure_workspace()
    if database is None:
        database = create_database(settings.database_url)
        migrate(database)
    app = FastAPI(
        title="Trajectoires API",
        version="1",
        description="Territoires, indicateurs et ateliers de prospective de Trajectoires.",
        docs_url="/api/docs",
        redoc_url=None,
        openapi_url="/api/v1/openapi.json",
    )
    app.state.settings = settings
    app.state.db = database
    app.state.templates = make_templates()
    app.state.templates.env.globals["url_for"] = security.path_url_for  # no Host in pages
    app.state.live = LiveHub()
    app.state.listen_host = None  # set by ``trajectoires serve``, with the addresses below
    app.state.lan_urls = None
    app.add_middleware(security.SecurityHeadersMiddleware)
    app.add_middleware(
        SessionMiddleware,
        secret_key=settings.secret_key,
        session_cookie="trajectoires_session",
        same_site="lax",
        https_only=settings.secure_cookies,
        max_age=14 * 24 * 3600,
    )
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")
    for module in (territory_pages, territory_api, diagnosis_pages, diagnosis_api, auth,
                   workshop_pages, workshop_api):
        app.include_router(module.router)
    errors.install(app)
    return app
