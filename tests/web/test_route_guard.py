"""The route guard (web/route_guard.py): routers that cannot match a path are skipped.

Skipping must never change which route answers: for a path built from every route of
the app (and a few that match none), each guarded router answers exactly what FastAPI's
own matching answers, for GET and POST.
"""

from __future__ import annotations

import re

import pytest
from fastapi import FastAPI
from fastapi.routing import _IncludedRouter
from starlette.routing import Match

from trajectoires.web.route_guard import path_expressions

PARAM = re.compile(r"{(\w+)(?::(\w+))?}")


def included(app: FastAPI) -> list[_IncludedRouter]:
    return [r for r in app.router.routes if isinstance(r, _IncludedRouter)]


def scope(path: str, method: str = "GET") -> dict:
    return {"type": "http", "path": path, "root_path": "", "method": method,
            "headers": [], "query_string": b""}


def sample_paths(app: FastAPI) -> set[str]:
    """A path for every route of the app (parameters filled in), and some matching none."""
    paths = {"/", "/nulle-part", "/api/v1/workshops", "/api/v1/workshops/", "/ateliers/x/y/z/w"}
    for route in app.routes:
        format_ = getattr(route, "path", None)
        if format_:
            for value in ("1", "abc"):
                paths.add(PARAM.sub(value, format_))
                paths.add(PARAM.sub(value, format_) + "/")
    for router in included(app):
        for candidate in router.effective_candidates():
            path = getattr(candidate, "path", "") or ""
            if path:
                paths.add(PARAM.sub("1", path))
    return paths


def test_every_included_router_is_guarded(app: FastAPI) -> None:
    routers = included(app)
    assert routers
    assert all("matches" in vars(r) for r in routers)  # fails before: no guard
    assert all(path_expressions(r) is not None for r in routers)


def test_a_router_that_cannot_match_is_not_asked(app: FastAPI, monkeypatch) -> None:
    """The vote's path never reaches the routers of the territory pages."""
    vote = scope("/api/v1/workshops/atelier/statements/1/vote", "POST")
    territory = next(r for r in included(app) if any(
        getattr(c, "path", "") == "/recherche" for c in r.effective_candidates()))

    def asked(_scope):
        raise AssertionError("the territory pages' routes were tried")

    monkeypatch.setattr(territory.original_router, "matches", asked)
    assert territory.matches(vote)[0] == Match.NONE


@pytest.mark.parametrize("method", ["GET", "POST"])
def test_guard_answers_what_fastapi_answers(app: FastAPI, method: str) -> None:
    for path in sorted(sample_paths(app)):
        for router in included(app):
            guarded = router.matches(scope(path, method))
            unguarded = _IncludedRouter.matches(router, scope(path, method))
            assert guarded[0] == unguarded[0], (path, method, router)


def test_requests_still_reach_their_routes(app: FastAPI) -> None:
    from fastapi.testclient import TestClient

    client = TestClient(app)
    assert client.get("/api/v1/workshops/inconnu").status_code == 404
    assert client.get("/api/v1/workshop-kinds").status_code == 200
    assert client.put("/api/v1/workshop-kinds").status_code == 405  # a path match only
    assert client.get("/connexion").status_code == 200
