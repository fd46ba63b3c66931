"""The OpenAPI document says what the API really answers, errors included.

FastAPI documents a 422 as its ``HTTPValidationError`` (a list of located errors), but
:mod:`trajectoires.web.errors` answers every error of the API — 422 included — as
``{"detail": "<message en français>"}``; and the errors raised by the shared
dependencies (CSRF 403, unknown workshop 404, body cap 413, throttle 429) appear in no
route's declaration. :func:`install` rewrites the generated document once: one
``Error`` schema, used by every error response, and the errors any operation of its
method may answer added where missing. Schemathesis checks the result in
``tests/web/test_openapi_fuzz.py``.
"""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI

from trajectoires.web.api_titles import TITLES

__all__ = ["ERROR_SCHEMA", "document_errors", "install", "title_operations"]

ERROR_SCHEMA = {
    "title": "Error",
    "type": "object",
    "properties": {"detail": {"type": "string", "title": "Message (en français)"}},
    "required": ["detail"],
}
_ERRORS = {
    "400": "Requête illisible",
    "403": "Jeton de sécurité (CSRF) absent ou invalide, ou action non permise",
    "404": "Introuvable",
    "409": "Conflit avec l'état de l'atelier (phase, verrou, doublon)",
    "413": "Corps de requête trop grand",
    "422": "Données invalides",
    "429": "Trop de requêtes : réessayer après Retry-After secondes",
}
_READ = ("400", "404", "422")
_WRITE = ("400", "403", "404", "409", "413", "422", "429")
_REF = {"$ref": "#/components/schemas/Error"}


def _error_response(code: str) -> dict[str, Any]:
    return {"description": _ERRORS[code], "content": {"application/json": {"schema": _REF}}}


def document_errors(schema: dict[str, Any]) -> dict[str, Any]:
    """Point every error response at ``Error`` and add the shared dependencies' errors.

    >>> doc = {"paths": {"/a": {"post": {"responses": {"200": {}, "422": {}}}}}}
    >>> sorted(document_errors(doc)["paths"]["/a"]["post"]["responses"])
    ['200', '400', '403', '404', '409', '413', '422', '429']
    >>> doc["paths"]["/a"]["post"]["responses"]["422"]["content"]["application/json"]
    {'schema': {'$ref': '#/components/schemas/Error'}}
    """
    for operations in schema.get("paths", {}).values():
        for method, operation in operations.items():
            responses = operation.setdefault("responses", {})
            for code in _READ if method in ("get", "head") else _WRITE:
                responses.setdefault(code, {})
            for code, response in responses.items():
                if code in _ERRORS:
                    description = response.get("description") or _ERRORS[code]
                    responses[code] = {**_error_response(code), "description": description}
    components = schema.setdefault("components", {}).setdefault("schemas", {})
    components["Error"] = ERROR_SCHEMA
    for unused in ("HTTPValidationError", "ValidationError"):
        components.pop(unused, None)
    return schema


def title_operations(schema: dict[str, Any]) -> dict[str, Any]:
    """Give operations their French title from :data:`~trajectoires.web.api_titles.TITLES`.

    >>> doc = {"paths": {"/api/v1/events": {"get": {"summary": "Events"}}}}
    >>> title_operations(doc)["paths"]["/api/v1/events"]["get"]["summary"]
    'Événements'
    """
    for path, operations in schema.get("paths", {}).items():
        for method, operation in operations.items():
            title = TITLES.get(f"{method.upper()} {path}")
            if title is not None:
                operation["summary"] = title
    return schema


def install(app: FastAPI) -> None:
    """Rewrite the app's OpenAPI document once it is generated (see the module)."""
    generate = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema:
            return app.openapi_schema
        app.openapi_schema = title_operations(document_errors(generate()))
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]
