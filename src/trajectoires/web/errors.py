"""Error pages: a clear French message, never a stack trace.

Requests under ``/api/`` get JSON ``{"detail": ...}``; pages get an HTML page
with the same message and a way back.
"""

from __future__ import annotations

import logging

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from sqlalchemy.exc import DataError
from starlette.exceptions import HTTPException as StarletteHTTPException

logger = logging.getLogger(__name__)

GENERIC_MESSAGES = {
    400: "La demande est invalide.",
    403: "Accès refusé.",
    404: "Page introuvable.",
    405: "Méthode non autorisée.",
    422: "Les données envoyées sont invalides.",
    500: "Une erreur interne est survenue. Elle a été consignée.",
}


def wants_json(request: Request) -> bool:
    """Whether the caller expects JSON (API routes and fetch calls)."""
    accept = request.headers.get("accept", "")
    return request.url.path.startswith("/api/") or (
        "application/json" in accept and "text/html" not in accept
    )


def render_error(request: Request, status: int, message: str) -> Response:
    """Render ``message`` as JSON or as the French error page."""
    if wants_json(request):
        return JSONResponse({"detail": message}, status_code=status)
    templates = request.app.state.templates
    return templates.TemplateResponse(
        request, "error.html", {"status": status, "message": message}, status_code=status
    )


def _describe_validation(exc: RequestValidationError) -> str:
    parts = []
    for error in exc.errors():
        where = ".".join(str(p) for p in error.get("loc", ()) if p not in ("body", "query", "path"))
        parts.append(f"{where or 'requête'} : {error.get('msg', 'valeur invalide')}")
    return "Données invalides — " + " ; ".join(parts)


def install(app: FastAPI) -> None:
    """Register the error handlers on ``app``."""

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> Response:
        message = exc.detail if isinstance(exc.detail, str) else None
        if not message or message in ("Not Found", "Method Not Allowed"):
            message = GENERIC_MESSAGES.get(exc.status_code, "Erreur.")
        return render_error(request, exc.status_code, message)

    @app.exception_handler(RequestValidationError)
    async def validation_error(request: Request, exc: RequestValidationError) -> Response:
        return render_error(request, 422, _describe_validation(exc))

    @app.exception_handler(DataError)
    async def data_error(request: Request, exc: DataError) -> Response:
        # Input the database refuses (a NUL byte in text for PostgreSQL, an id out of range).
        logger.warning("data refused by the database on %s: %s", request.url.path, exc.orig)
        return render_error(request, 422, GENERIC_MESSAGES[422])

    @app.exception_handler(Exception)
    async def unexpected_error(request: Request, exc: Exception) -> Response:
        logger.exception("unexpected error on %s", request.url.path, exc_info=exc)
        return render_error(request, 500, GENERIC_MESSAGES[500])
