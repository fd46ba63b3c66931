"""Security basics: Content-Security-Policy and other headers, CSRF tokens for forms.

CSRF uses a per-session synchronizer token: every form carries ``csrf_token``,
checked by :func:`require_csrf` on POST. Pages link to their assets with
:func:`path_url_for` (a path, not an absolute URL), so no ``Host`` header sent by a
client ever appears in a page.
"""

from __future__ import annotations

import hmac
import re
import secrets

from fastapi import Form, HTTPException, Request
from jinja2 import pass_context
from starlette.datastructures import Headers, MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from trajectoires.web.errors import render_error

CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'self'; "
    "form-action 'self'; frame-ancestors 'none'"
)
SECURITY_HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "X-Frame-Options": "DENY",
}
DOCS_PATHS = ("/api/docs",)


class SecurityHeadersMiddleware:
    """Pure ASGI middleware adding the security headers (streaming responses pass through).

    The interactive API docs page keeps its own policy, since it runs inline scripts.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:  # noqa: D102
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        skip_csp = scope["path"].startswith(DOCS_PATHS)

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                for name, value in SECURITY_HEADERS.items():
                    if skip_csp and name == "Content-Security-Policy":
                        continue
                    if name not in headers:
                        headers[name] = value
            await send(message)

        await self.app(scope, receive, send_with_headers)


TOO_LARGE = "La demande est trop volumineuse : elle dépasse la taille maximale acceptée."


class BodyLimitMiddleware:
    """Pure ASGI middleware refusing request bodies larger than ``max_bytes`` with 413.

    A declared ``Content-Length`` over the cap is answered before a byte is read,
    whoever sends it (no login or CSRF check runs first); a body streamed without
    one stops being read as soon as it passes the cap. ``max_bytes=None``: no cap.
    ``larger`` gives other caps to the paths matching a pattern (the file uploads of
    events), in the same way; ``signed_in`` the same, for the requests of a signed-in
    facilitator only (the data import: anybody else keeps ``max_bytes``). The session
    is read as the login check left it (that middleware runs first).
    """

    def __init__(self, app: ASGIApp, max_bytes: int | None,
                 larger: tuple[tuple[re.Pattern, int], ...] = (),
                 signed_in: tuple[tuple[re.Pattern, int], ...] = ()) -> None:
        self.app = app
        self.max_bytes = max_bytes
        self.larger = larger
        self.signed_in = signed_in

    def _cap(self, scope: Scope) -> int | None:
        path = scope.get("path", "")
        rules = self.larger
        if (scope.get("session") or {}).get("facilitator_id") is not None:
            rules = (*rules, *self.signed_in)
        for pattern, cap in rules:
            if pattern.fullmatch(path):
                return cap if self.max_bytes is None else max(cap, self.max_bytes)
        return self.max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:  # noqa: D102
        cap = self._cap(scope) if scope["type"] == "http" else None
        if cap is None:
            await self.app(scope, receive, send)
            return
        declared = Headers(scope=scope).get("content-length", "")
        if declared.strip().isdigit() and int(declared) > cap:
            response = render_error(Request(scope), 413, TOO_LARGE)
            response.headers["Connection"] = "close"  # the unread body is not drained
            await response(scope, receive, send)
            return
        received = 0

        async def receive_capped() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > cap:
                    raise HTTPException(413, TOO_LARGE)
            return message

        await self.app(scope, receive_capped, send)


@pass_context
def path_url_for(context: dict, name: str, /, **path_params: object) -> str:
    """Jinja2 ``url_for`` returning a path (``/static/style.css``), never an absolute URL.

    Starlette's ``url_for`` builds absolute URLs from the request's ``Host`` header,
    which a client chooses; a path needs no host at all.
    """
    request: Request = context["request"]
    root = request.scope.get("root_path", "").rstrip("/")
    return root + str(request.app.url_path_for(name, **path_params))


def csrf_token(request: Request) -> str:
    """Return this session's CSRF token, creating it on first use."""
    token = request.session.get("csrf")
    if not token:
        token = secrets.token_urlsafe(32)
        request.session["csrf"] = token
    return token


def require_csrf(request: Request, csrf_token: str = Form("")) -> None:
    """FastAPI dependency: refuse a form whose CSRF token does not match the session's."""
    expected = request.session.get("csrf", "")
    if not expected or not hmac.compare_digest(expected, csrf_token):
        raise HTTPException(status_code=403, detail="Jeton de sécurité du formulaire invalide.")
