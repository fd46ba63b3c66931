"""Facilitator login and logout (session cookie), with login throttling.

The session cookie holds a login token whose hash is kept in the database
(:mod:`trajectoires.foresight.logins`); :class:`LoginCheckMiddleware` forgets the
facilitator of a request whose token was closed by logging out or has expired, so a
copied cookie is worthless after ``/deconnexion``.

Failed logins are counted per e-mail and per client address in a sliding window
(:class:`LoginThrottle`, in-process; on PostgreSQL :class:`DatabaseLoginThrottle`, in
the database, so the limit holds across server processes); past the limit, logins are
refused with 429 for the rest of the window, even with the right password.
"""

from __future__ import annotations

import hashlib
import threading
import time
from collections import deque
from typing import Annotated
from urllib.parse import urlsplit

import anyio
from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse, Response
from starlette.types import ASGIApp, Receive, Scope, Send

from trajectoires.db import Database, counters
from trajectoires.foresight.errors import NotAllowedError, TooManyAttemptsError
from trajectoires.foresight.facilitators import authenticate
from trajectoires.foresight.logins import close_login, login_facilitator, open_login
from trajectoires.web.security import require_csrf
from trajectoires.web.workshops.deps import DbSession

__all__ = [
    "DatabaseLoginThrottle",
    "LoginCheckMiddleware",
    "LoginThrottle",
    "build_login_throttle",
    "router",
]

router = APIRouter(include_in_schema=False)


class LoginThrottle:
    """Count failed logins per key (e-mail, address) in a sliding time window.

    Examples
    --------
    >>> throttle = LoginThrottle(limit=2, window=60.0)
    >>> throttle.failed(["a"], now=0.0); throttle.failed(["a"], now=1.0)
    >>> throttle.retry_after(["a"], now=2.0)
    58
    >>> throttle.retry_after(["a"], now=61.0)
    0

    """

    def __init__(self, limit: int = 5, window: float = 300.0) -> None:
        self.limit = limit
        self.window = window
        self._failures: dict[str, deque[float]] = {}
        self._lock = threading.Lock()

    def _recent(self, key: str, now: float) -> deque[float]:
        failures = self._failures.setdefault(key, deque())
        while failures and failures[0] <= now - self.window:
            failures.popleft()
        if not failures:
            del self._failures[key]
        return failures

    def retry_after(self, keys: list[str], now: float | None = None) -> int:
        """Seconds to wait before another attempt with any of ``keys`` (0: allowed)."""
        now = time.monotonic() if now is None else now
        wait = 0.0
        with self._lock:
            for key in keys:
                failures = self._recent(key, now)
                if len(failures) >= self.limit:
                    wait = max(wait, failures[0] + self.window - now)
        return int(wait + 0.999) if wait > 0 else 0

    def failed(self, keys: list[str], now: float | None = None) -> None:
        """Record a failed attempt for each of ``keys``."""
        now = time.monotonic() if now is None else now
        with self._lock:
            for key in keys:
                self._recent(key, now)
                self._failures.setdefault(key, deque()).append(now)

    def succeeded(self, keys: list[str]) -> None:
        """Forget the failures of the e-mail key after a successful login."""
        with self._lock:
            for key in keys:
                if key.startswith("email:"):
                    self._failures.pop(key, None)


class DatabaseLoginThrottle:
    """:class:`LoginThrottle`'s counts kept in the database (:mod:`trajectoires.db.counters`).

    Keys are hashed before they are stored: the table never holds an e-mail address.
    Blocking: the login route is synchronous (it runs in a worker thread).
    """

    def __init__(self, database: Database, limit: int = 5, window: float = 300.0) -> None:
        self.database = database
        self.limit = limit
        self.window = window

    @staticmethod
    def _stored(keys: list[str]) -> list[str]:
        return [f"login:{hashlib.sha256(key.encode()).hexdigest()[:32]}" for key in keys]

    def retry_after(self, keys: list[str], now: float | None = None) -> int:
        """Seconds to wait before another attempt with any of ``keys`` (0: allowed)."""
        now = time.time() if now is None else now
        with self.database.session() as session:
            return counters.waits(session, [(key, self.limit) for key in self._stored(keys)],
                                  now, self.window)

    def failed(self, keys: list[str], now: float | None = None) -> None:
        """Record a failed attempt for each of ``keys``."""
        now = time.time() if now is None else now
        with self.database.session() as session:
            counters.count(session, self._stored(keys), now)
            counters.prune(session, now, self.window, "login:")

    def succeeded(self, keys: list[str]) -> None:
        """Forget the failures of the e-mail key after a successful login."""
        with self.database.session() as session:
            counters.forget(session, self._stored([k for k in keys if k.startswith("email:")]))


def build_login_throttle(database: Database) -> LoginThrottle | DatabaseLoginThrottle:
    """In memory on SQLite (one process), in the database on PostgreSQL (several)."""
    return LoginThrottle() if database.is_sqlite else DatabaseLoginThrottle(database)


async def login_throttle(request: Request) -> LoginThrottle:
    """Return the application's throttle (built by ``create_app``)."""
    return request.app.state.login_throttle


def safe_next(target: str | None) -> str:
    """Return ``target`` if it is a local path, else the workshop list (no open redirect)."""
    if not target:
        return "/ateliers"
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return "/ateliers"
    return target


def _login_page(request: Request, status: int = 200, **context: object) -> Response:
    templates = request.app.state.templates
    return templates.TemplateResponse(request, "auth/login.html", context, status_code=status)


@router.get("/connexion")
def login_form(request: Request, suivant: str = "") -> Response:
    """Show the facilitator login form."""
    return _login_page(request, suivant=safe_next(suivant), email="")


@router.post("/connexion", dependencies=[Depends(require_csrf)])
def login(
    request: Request,
    session: DbSession,
    throttle: Annotated[LoginThrottle, Depends(login_throttle)],
    *,
    email: Annotated[str, Form()] = "",
    password: Annotated[str, Form()] = "",
    suivant: Annotated[str, Form()] = "",
) -> Response:
    """Check the credentials; on success remember the facilitator in the session."""
    client = request.client.host if request.client else "?"
    keys = [f"email:{email.strip().lower()}", f"ip:{client}"]
    context = {"suivant": safe_next(suivant), "email": email.strip()}
    wait = throttle.retry_after(keys)
    if wait:
        error = TooManyAttemptsError("too_many_attempts", seconds=wait)
        return _login_page(request, 429, error=error.message, **context)
    try:
        facilitator = authenticate(session, email, password)
    except NotAllowedError as error:
        throttle.failed(keys)
        return _login_page(request, 401, error=error.message, **context)
    throttle.succeeded(keys)
    csrf = request.session.get("csrf")
    request.session.clear()  # a fresh session at login (no fixation)
    if csrf:
        request.session["csrf"] = csrf
    request.session[LOGIN_KEY] = open_login(session, facilitator.id)
    request.session["facilitator_id"] = facilitator.id
    request.session["facilitator_name"] = facilitator.display_name
    return RedirectResponse(context["suivant"], status_code=303)


@router.post("/deconnexion", dependencies=[Depends(require_csrf)])
def logout(request: Request, session: DbSession) -> Response:
    """Close the login on the server, forget the facilitator, go back to the home page."""
    close_login(session, request.session.get(LOGIN_KEY))
    _forget_facilitator(request.session)
    return RedirectResponse("/", status_code=303)


LOGIN_KEY = "facilitator_login"
FACILITATOR_KEYS = (LOGIN_KEY, "facilitator_id", "facilitator_name")


def _forget_facilitator(cookie_session: dict) -> None:
    for key in FACILITATOR_KEYS:
        cookie_session.pop(key, None)


class LoginCheckMiddleware:
    """Pure ASGI middleware, inside the session one: keep a facilitator only while logged in.

    A session naming a facilitator whose login token is unknown to the database
    (logged out, expired, or a cookie from before logins were kept) loses its
    facilitator keys before any route or page reads them.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:  # noqa: D102
        cookie_session = scope.get("session")
        if scope["type"] in ("http", "websocket") and cookie_session and any(
                key in cookie_session for key in FACILITATOR_KEYS):
            token = cookie_session.get(LOGIN_KEY)
            database = scope["app"].state.db
            who = await anyio.to_thread.run_sync(self._check, database, token)
            if who is None or who != cookie_session.get("facilitator_id"):
                _forget_facilitator(cookie_session)
        await self.app(scope, receive, send)

    @staticmethod
    def _check(database, token: str | None) -> int | None:
        with database.sessionmaker() as session:
            return login_facilitator(session, token)
