"""Skip, on each request, the included routers none of whose routes can match its path.

FastAPI (0.165) keeps every ``include_router`` as one entry of the app's route table
and, for each request, asks the entries in order whether they match: an included
router answers by trying each of its routes' path expressions, saving and restoring
keys of the request's scope around each one. With some thirty routers, a request to
the workshops API spent about a third of the framework's work on the event loop in
this matching, before any middleware or dependency of its own (#14).

:func:`install_route_guard` gives each included router of the app a guard: one
regular expression, the alternation of every path expression the router holds
(nested routers included), tried first; when it does not match the path, the router
answers "no match" at once, which is what it would have answered after trying each
route, since every route's match begins with its path expression. When it matches,
the router's own matching runs unchanged, so the order of the routes, the 405 of a
route matched on its path only and the redirect of a trailing slash stay FastAPI's.
A router holding anything without a path expression (a frontend group, a host
route) is left unguarded. The guard is rebuilt when a router's routes change.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from fastapi import FastAPI
from fastapi.routing import _EffectiveRouteContext, _IncludedRouter
from starlette._utils import get_route_path
from starlette.routing import Match
from starlette.types import Scope

__all__ = ["install_route_guard", "path_expressions"]

NAMED_GROUP = re.compile(r"\(\?P<\w+>")


def path_expressions(router: _IncludedRouter) -> list[str] | None:
    """Every path expression ``router`` tries (prefixes applied), or None if one has none."""
    found: list[str] = []
    for candidate in router.effective_candidates():
        if isinstance(candidate, _IncludedRouter):
            nested = path_expressions(candidate)
            if nested is None:
                return None
            found += nested
            continue
        if not isinstance(candidate, _EffectiveRouteContext):
            return None
        regex = candidate.path_regex or getattr(candidate.starlette_route, "path_regex", None)
        if regex is None:
            return None
        found.append(NAMED_GROUP.sub("(?:", regex.pattern))  # names repeat across routes
    if router.effective_low_priority_routes():  # matched elsewhere, by other rules
        return None
    return found


def _guarded(router: _IncludedRouter) -> Callable[[Scope], tuple[Match, Scope]]:
    """``router.matches`` preceded by the alternation of its path expressions."""
    original = router.matches
    built: dict[str, object] = {"version": None, "regex": None}

    def matches(scope: Scope) -> tuple[Match, Scope]:
        version = router.original_router._get_routes_version()
        if version != built["version"]:
            expressions = path_expressions(router)
            built["regex"] = None if expressions is None else re.compile(
                "|".join(f"(?:{pattern})" for pattern in expressions) or "(?!)")
            built["version"] = version
        regex = built["regex"]
        if regex is not None and not regex.match(get_route_path(scope)):
            return Match.NONE, {}
        return original(scope)

    return matches


def install_route_guard(app: FastAPI) -> None:
    """Guard every router included in ``app`` (call once, after the last ``include_router``)."""
    for route in app.router.routes:
        if isinstance(route, _IncludedRouter):
            route.matches = _guarded(route)
