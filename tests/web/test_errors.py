"""One handler for the domain errors: the status of the error's class, its French message,
JSON under ``/api/`` and the error page otherwise, never a stack trace."""

from __future__ import annotations

import html
import re

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from tests.foresight import factories as f
from trajectoires.db import Database
from trajectoires.foresight.errors import (
    ConflictError,
    ForesightError,
    InvalidInputError,
    NotAllowedError,
    NotFoundError,
    TooManyAttemptsError,
)
from trajectoires.settings import Settings

MESSAGE = re.compile(r'<p class="error-message" role="alert">(.*?)</p>', re.S)


class _StaleError(ConflictError):
    """A subclass the handler does not list: it gets its parent's status."""


ERRORS: dict[str, tuple[ForesightError, int]] = {
    "not-found": (NotFoundError("workshop_not_found"), 404),
    "invalid": (InvalidInputError("invalid_vote", value="5"), 422),
    "conflict": (ConflictError("own_statement"), 409),
    "not-allowed": (NotAllowedError("not_owner"), 403),
    "too-many": (TooManyAttemptsError("too_many_attempts", seconds=30), 429),
    "subclass": (_StaleError("workshop_closed"), 409),
}


@pytest.fixture
def app(settings: Settings, database: Database) -> FastAPI:
    app = f.make_app(settings, database)

    def fail(name: str) -> None:
        raise ERRORS[name][0]

    app.add_api_route("/api/v1/essai/{name}", fail)
    app.add_api_route("/essai/{name}", fail)
    return app


@pytest.mark.parametrize("name", sorted(ERRORS))
def test_api_gets_json_with_the_status_of_the_class(app: FastAPI, name: str) -> None:
    error, status = ERRORS[name]
    response = TestClient(app).get(f"/api/v1/essai/{name}")
    assert response.status_code == status
    assert response.headers["content-type"].startswith("application/json")
    assert response.json() == {"detail": error.message}


@pytest.mark.parametrize("name", sorted(ERRORS))
def test_pages_get_the_french_error_page(app: FastAPI, name: str) -> None:
    error, status = ERRORS[name]
    response = TestClient(app).get(f"/essai/{name}")
    assert response.status_code == status
    assert response.headers["content-type"].startswith("text/html")
    page = response.text
    assert '<html lang="fr">' in page and f"<h1>Erreur {status}</h1>" in page
    assert html.unescape(MESSAGE.search(page).group(1)) == error.message
    assert "Traceback" not in page and "File " not in page


def test_a_page_fetched_for_json_gets_json(app: FastAPI) -> None:
    response = TestClient(app).get("/essai/conflict", headers={"Accept": "application/json"})
    assert response.status_code == 409
    assert response.json() == {"detail": ERRORS["conflict"][0].message}


def test_real_routes_let_domain_errors_reach_the_handler(
    app: FastAPI, database: Database
) -> None:
    owner = f.facilitator(database)
    workshop = f.workshop(database, owner)
    visitor = TestClient(app)
    api = visitor.get("/api/v1/workshops/inconnu-000000")
    assert (api.status_code, api.json()) == (404, {"detail": "Atelier introuvable."})
    page = visitor.get("/ateliers/inconnu-000000")
    assert page.status_code == 404
    assert MESSAGE.search(page.text).group(1) == "Atelier introuvable."
    assert "Traceback" not in page.text

    f.facilitator(database, "bruno@example.org")
    bruno = TestClient(app)
    assert f.login(bruno, "bruno@example.org").status_code == 303
    refused = bruno.get(f"/ateliers/{workshop.slug}/animer")
    assert refused.status_code == 403
    assert html.unescape(MESSAGE.search(refused.text).group(1)).startswith(
        "Seul l'animateur de cet atelier")
    assert "Traceback" not in refused.text
