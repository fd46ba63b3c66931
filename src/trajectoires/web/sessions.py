"""Signed session cookie, sent again only when it changed or is a day old (#14).

Starlette's :class:`~starlette.middleware.sessions.SessionMiddleware` sends the cookie
only when the session was modified, so a session's 14 days ran from its last change:
a facilitator using the site every day was logged out 14 days after logging in. This
subclass keeps that (a vote, a page, a live stream: no ``Set-Cookie``, nothing signed)
and also sends the cookie again, re-signed, when its signature is older than
:attr:`SessionMiddleware.refresh_after` (a day): the expiry slides with use, at most one
``Set-Cookie`` a day per browser. The signature's time is the one ``itsdangerous``'s
``TimestampSigner`` puts in every cookie and checks against ``max_age`` (a cookie older
than that is refused whatever its content: the session starts empty).
"""

from __future__ import annotations

import json
import time
from base64 import b64decode, b64encode

from itsdangerous.exc import BadSignature
from starlette.datastructures import MutableHeaders
from starlette.middleware import sessions
from starlette.requests import HTTPConnection
from starlette.types import Message, Receive, Scope, Send

__all__ = ["SessionMiddleware"]

EXPIRED = "expires=Thu, 01 Jan 1970 00:00:00 GMT; "


class SessionMiddleware(sessions.SessionMiddleware):
    """A session in a signed cookie, re-sent when changed or older than ``refresh_after``."""

    refresh_after = 24 * 3600
    """Seconds after which an unchanged session's cookie is signed and sent again."""

    def _load(self, scope: Scope) -> float | None:
        """Put the cookie's session in ``scope``; return when it was signed (None: no valid one)."""
        scope["session"] = sessions.Session()
        cookie = HTTPConnection(scope).cookies.get(self.session_cookie)
        if cookie is None:
            return None
        try:
            data, signed = self.signer.unsign(
                cookie.encode("utf-8"), max_age=self.max_age, return_timestamp=True)
        except BadSignature:  # forged, or older than max_age (SignatureExpired)
            return None
        scope["session"] = sessions.Session(json.loads(b64decode(data)))
        return signed.timestamp()

    def _cookie(self, value: str, lifetime: str) -> str:
        return (f"{self.session_cookie}={value}; path={self.path}; {lifetime}"
                f"{self.security_flags}")

    def _set_cookie(self, session: sessions.Session, signed_at: float | None) -> str | None:
        """Return the ``Set-Cookie`` value this response needs, if any."""
        stale = signed_at is not None and time.time() - signed_at > self.refresh_after
        if session and (session.modified or stale):
            data = self.signer.sign(b64encode(json.dumps(session).encode("utf-8")))
            max_age = f"Max-Age={self.max_age}; " if self.max_age is not None else ""
            return self._cookie(data.decode("utf-8"), max_age)
        if session.modified and signed_at is not None:  # the session was cleared
            return self._cookie("null", EXPIRED)
        return None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Load the session, run the app, add ``Set-Cookie`` only when needed."""
        if scope["type"] not in ("http", "websocket"):
            await self.app(scope, receive, send)
            return
        signed_at = self._load(scope)

        async def send_wrapper(message: Message) -> None:
            if message["type"] == "http.response.start":
                session: sessions.Session = scope["session"]
                message.setdefault("headers", [])
                headers = MutableHeaders(scope=message)
                if session.accessed:
                    headers.add_vary_header("Cookie")
                if (cookie := self._set_cookie(session, signed_at)) is not None:
                    headers.append("Set-Cookie", cookie)
            await send(message)

        await self.app(scope, receive, send_wrapper)
