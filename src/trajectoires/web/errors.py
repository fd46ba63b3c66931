"""Error pages: a clear French message, never a stack trace.

Requests under ``/api/`` get JSON ``{"detail": ...}``; pages get an HTML page
with the same message and a way back.

Domain errors (:class:`~trajectoires.foresight.errors.ForesightError`) reach one
handler, which answers with the status of the error's class (:data:`STATUS_OF`) and
the domain's French message: routes let them through. Only forms that show the
message next to their fields catch them, and re-render with :func:`render_form_error`.
"""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from sqlalchemy.exc import DataError
from starlette.exceptions import HTTPException as StarletteHTTPException

from trajectoires.foresight.errors import (
    ConflictError,
    ForesightError,
    InvalidInputError,
    NotAllowedError,
    NotFoundError,
    TooManyAttemptsError,
)

__all__ = ["GENERIC_MESSAGES", "STATUS_OF", "install", "render_error", "render_form_error",
           "status_of", "wants_json"]

logger = logging.getLogger(__name__)

GENERIC_MESSAGES = {
    400: "La demande est invalide.",
    403: "Accès refusé.",
    404: "Page introuvable.",
    405: "Méthode non autorisée.",
    422: "Les données envoyées sont invalides.",
    500: "Une erreur interne est survenue. Elle a été consignée.",
}
STATUS_OF: dict[type[ForesightError], int] = {
    NotFoundError: 404,
    InvalidInputError: 422,
    ConflictError: 409,
    NotAllowedError: 403,
    TooManyAttemptsError: 429,
}
"""HTTP status of each class of domain error (a subclass gets its nearest parent's)."""


def status_of(error: ForesightError) -> int:
    """Return the HTTP status of the domain error ``error`` (400 for an unmapped class).

    >>> status_of(NotFoundError("workshop_not_found")), status_of(ConflictError("own_statement"))
    (404, 409)
    """
    for cls in type(error).__mro__:
        if cls in STATUS_OF:
            return STATUS_OF[cls]
    return 400


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


def render_form_error(
    request: Request, template: str, context: dict[str, Any], error: ForesightError,
    status: int | None = None,
) -> Response:
    """Render the form page ``template`` again, with ``error``'s message as ``error``.

    For forms that show the message next to their fields (join, new workshop, posting):
    the page keeps what was typed (in ``context``) and answers with the error's status,
    or ``status`` when the form's own reading differs (a code typed wrong is bad input).
    """
    templates = request.app.state.templates
    return templates.TemplateResponse(
        request, template, {**context, "error": error.message},
        status_code=status or status_of(error),
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
        response = render_error(request, exc.status_code, message)
        response.headers.update(exc.headers or {})  # Retry-After of a throttled write
        return response

    @app.exception_handler(ForesightError)
    async def domain_error(request: Request, exc: ForesightError) -> Response:
        # An expected refusal (unknown workshop, closed phase…): its French message, no trace.
        return render_error(request, status_of(exc), exc.message)

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
