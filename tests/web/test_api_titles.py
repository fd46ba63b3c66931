"""Every API operation has a French title in the OpenAPI document (/api/docs), not the
English one FastAPI makes from its function's name (« Create Vote »)."""

from __future__ import annotations

from fastapi import FastAPI
from fastapi.routing import APIRoute

from trajectoires.web.api_titles import TITLES


def _operations(app: FastAPI) -> dict[str, dict]:
    doc = app.openapi()
    return {f"{method.upper()} {path}": operation
            for path, operations in doc["paths"].items()
            for method, operation in operations.items()}


def test_every_operation_has_a_french_title(app: FastAPI) -> None:
    operations = _operations(app)
    english = []
    for route in app.routes:
        if not isinstance(route, APIRoute) or not route.include_in_schema or route.summary:
            continue
        generated = route.name.replace("_", " ").title()
        for method in route.methods:
            summary = operations[f"{method} {route.path}"]["summary"]
            if summary == generated:
                english.append(f"{method} {route.path}: {summary}")
    assert not english, f"operations titled in English (add them to api_titles.TITLES): {english}"
    assert operations["POST /api/v1/workshops/{slug}/statements/{statement_id}/vote"][
        "summary"] == "Voter sur une proposition"


def test_no_title_names_an_operation_that_is_gone(app: FastAPI) -> None:
    assert not set(TITLES) - set(_operations(app))
