"""Application factory: ``create_app(settings)`` builds a configured FastAPI app.

Nothing is built at import time. ``create_app`` is the composition root of the web
layer: it reads the settings, opens the database (and runs pending migrations), builds
everything the requests share on ``app.state`` in one place (:func:`build_state`),
mounts the routers of each domain and of each workshop kind
(:mod:`trajectoires.web.workshops.kinds`) and registers the error handlers.

The app's lifespan (:func:`lifespan`) starts what needs the running event loop (the
live hub and its bus, the kinds' services) and closes all of it at shutdown, so no
thread of the app outlives it.
"""

from __future__ import annotations

import logging
from collections import OrderedDict
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles

from trajectoires.db import Database, create_database, migrate
from trajectoires.settings import Settings
from trajectoires.web import (
    accounts,
    auth,
    data,
    errors,
    events,
    openapi,
    opendata,
    privacy_pages,
    security,
)
from trajectoires.web.api_docs import install_api_docs
from trajectoires.web.archive import ROUTERS as ARCHIVE_ROUTERS
from trajectoires.web.route_guard import install_route_guard
from trajectoires.web.sessions import SessionMiddleware
from trajectoires.web.templating import make_templates
from trajectoires.web.territory import api as territory_api
from trajectoires.web.territory import diagnosis_api, diagnosis_files, diagnosis_pages, plan_pages
from trajectoires.web.territory import pages as territory_pages
from trajectoires.web.workshops import api as workshop_api
from trajectoires.web.workshops import (
    contributions_api,
    enrichment_pages,
    history_pages,
    kinds_api,
    session_api,
)
from trajectoires.web.workshops import pages as workshop_pages
from trajectoires.web.workshops.contribution_schemas import install_openapi
from trajectoires.web.workshops.events import make_hub
from trajectoires.web.workshops.kinds import discover
from trajectoires.web.workshops.lookups import build_lookups
from trajectoires.web.workshops.throttle import build_write_throttle

__all__ = ["build_state", "create_app", "lifespan", "open_database"]

logger = logging.getLogger(__name__)

STATIC_DIR = Path(__file__).parent / "static"


def open_database(settings: Settings) -> Database:
    """Open the database of ``settings`` with its pool settings (not migrated here)."""
    return create_database(settings.database_url, pool_size=settings.database_pool_size,
                           pool_overflow=settings.database_pool_overflow)


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
    owns_database = database is None
    if database is None:
        database = open_database(settings)
        migrate(database)
    app = FastAPI(
        title="Trajectoires API",
        version="1",
        description="Territoires, indicateurs et ateliers de prospective de Trajectoires.",
        docs_url=None,  # web/api_docs.py serves it without a CDN
        redoc_url=None,
        openapi_url="/api/v1/openapi.json",
        lifespan=lifespan,
        # No OpenTelemetry here: without this, FastAPI asks the global providers on
        # every request whether tracing, metrics or logs were configured (#14).
        telemetry={"tracing": False, "metrics": False, "logs": False},
    )
    build_state(app, settings, database)
    app.state.owns_database = owns_database  # closed with the app (see lifespan)
    _add_middleware(app, settings)
    _include_routers(app)
    install_api_docs(app)
    errors.install(app)
    install_openapi(app)  # the body of POST contributions, per kind and type
    openapi.install(app)  # every error as {"detail": ...}, the shared errors listed
    install_route_guard(app)  # routers that cannot match a path are skipped at once (#14)
    return app


def _add_middleware(app: FastAPI, settings: Settings) -> None:
    """Add the middleware stack, innermost first: body limit, login check, headers, session."""
    # Innermost: the session is known when a 413 page is drawn; nothing is read before it.
    uploads = ((events.UPLOAD_PATH, settings.event_file_max_bytes + events.UPLOAD_SLACK),)
    imports = ((data.IMPORT_PATH, settings.data_import_max_bytes + data.UPLOAD_SLACK),)
    app.add_middleware(security.BodyLimitMiddleware, max_bytes=settings.max_request_bytes,
                       larger=uploads, signed_in=imports)
    app.add_middleware(auth.LoginCheckMiddleware)  # inside the session middleware below
    app.add_middleware(security.SecurityHeadersMiddleware)
    app.add_middleware(  # web/sessions.py: Set-Cookie only when changed or a day old
        SessionMiddleware,
        secret_key=settings.secret_key,
        session_cookie="trajectoires_session",
        same_site="lax",
        https_only=settings.secure_cookies,
        max_age=14 * 24 * 3600,
    )


def _include_routers(app: FastAPI) -> None:
    """Mount the static files, include every page and API router, then each kind's own."""
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")
    for module in (territory_pages, territory_api, diagnosis_pages, diagnosis_files,
                   diagnosis_api, auth,
                   workshop_pages, workshop_api, kinds_api, contributions_api, session_api):
        app.include_router(module.router)
    app.include_router(events.router)  # web/events: events, their programme and files
    for router in ARCHIVE_ROUTERS:  # web/archive: published workshops, compte rendu, search
        app.include_router(router)
    app.include_router(opendata.router)  # open data of published workshops and events (#9)
    app.include_router(opendata.api_router)
    app.include_router(plan_pages.router)  # web/territory/plan_pages.py: new places (#12)
    app.include_router(plan_pages.api_router)
    app.include_router(accounts.router)  # web/accounts.py: passwords, invitations (#13)
    app.include_router(data.router)  # web/data: official files imported from the web (#13)
    for router in (history_pages.router, history_pages.api_router, privacy_pages.router,
                   enrichment_pages.router):  # versions, personal data, enrichment (#9)
        app.include_router(router)
    for kind in app.state.web_kinds.values():
        if kind.router is not None:
            app.include_router(kind.router)


def build_state(app: FastAPI, settings: Settings, database: Database) -> None:
    """Build what the requests share, once, on ``app.state`` (dependencies only read it).

    ``territory_reference`` and the caches derived from it start empty: the reference
    is loaded on first use (or given by ``install_reference``), because its first
    build takes minutes and may fail with a message the pages show.
    """
    state = app.state
    state.settings = settings
    state.db = database
    state.templates = make_templates()
    state.templates.env.globals["url_for"] = security.path_url_for  # no Host in pages
    state.live = make_hub(database)
    state.login_throttle = auth.build_login_throttle(database)
    state.write_throttle = build_write_throttle(settings, database)  # web/workshops/throttle.py
    state.territory_reference = None  # web/territory/deps.py: loaded on first use
    state.territory_maps = None  # the map cache of that reference
    state.indicator_profile = None  # (state of the store, headline indicators)
    state.diagnoses = OrderedDict()  # web/territory/diagnosis_pages.py: recent diagnoses
    state.diagnoses_running = {}  # the diagnoses being computed, by key
    state.data_refresh = None  # web/data: the warm-up thread of the last import
    state.listen_host = None  # set by ``trajectoires serve``, with the addresses below
    state.lan_urls = None
    state.lookups = build_lookups(app)  # what the contribution services read elsewhere
    state.web_kinds = {kind.key: kind for kind in discover()}
    state.kind_services = {
        key: kind.service(app) for key, kind in state.web_kinds.items() if kind.service
    }


@asynccontextmanager
async def lifespan(app: FastAPI) -> AsyncIterator[None]:
    """Start the live hub and the kinds' services on the loop; close them all at shutdown.

    Closing stops the hub's bus (the PostgreSQL listener thread ends) and the kinds'
    services (their worker threads end); it waits for a computation in progress.
    """
    state = app.state
    state.live.start()
    for service in state.kind_services.values():
        service.start()
    try:
        yield
    finally:
        for key, service in state.kind_services.items():
            try:
                service.close()
            except Exception:  # the others and the hub must still close
                logger.exception("the service of workshop kind %s failed to close", key)
        state.live.close()
        if getattr(state, "owns_database", False):
            state.db.engine.dispose()
