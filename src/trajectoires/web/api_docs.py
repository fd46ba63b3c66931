"""The API's interactive documentation (Swagger UI), served from the package: no CDN.

FastAPI's default ``/api/docs`` page loads Swagger UI from a CDN, so it is blank on a
laptop without internet — the case of a workshop in a hall with a poor network. The
assets come from the ``fastapi-offline`` package (only its static files are used) and
are served under ``/api/docs/static``.
"""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles

__all__ = ["DOCS_URL", "install_api_docs", "swagger_assets"]

DOCS_URL = "/api/docs"
ASSETS_URL = f"{DOCS_URL}/static"


def swagger_assets() -> Path:
    """Folder holding ``swagger-ui-bundle.js`` and ``swagger-ui.css``."""
    import fastapi_offline

    return Path(fastapi_offline.__file__).parent / "static"


def install_api_docs(app: FastAPI) -> None:
    """Serve the Swagger UI page of ``app.openapi_url`` and its assets, offline."""
    app.mount(ASSETS_URL, StaticFiles(directory=swagger_assets()), name="api-docs-static")

    @app.get(DOCS_URL, include_in_schema=False)
    def api_docs() -> HTMLResponse:
        """Swagger UI on the app's OpenAPI schema, with local assets."""
        page = get_swagger_ui_html(
            openapi_url=app.openapi_url, title="Trajectoires — documentation de l'API",
            swagger_js_url=f"{ASSETS_URL}/swagger-ui-bundle.js",
            swagger_css_url=f"{ASSETS_URL}/swagger-ui.css",
            swagger_favicon_url=f"{ASSETS_URL}/favicon.png",
        )
        body = page.body.decode().replace('<html>', '<html lang="fr">', 1)
        return HTMLResponse(body)
