"""PostgreSQL ``LISTEN``/``NOTIFY`` bus: live events shared by several server processes.

Every process runs one listener thread on a dedicated connection (``LISTEN``) and
hands each notification to its :class:`~trajectoires.web.workshops.live.LiveHub`
on the event loop. Sending is a ``SELECT pg_notify(channel, payload)`` on a second
connection, after the service's transaction has committed. The sender receives
its own notifications too, so every process delivers through the same path.

The channel is derived from the database URL (search path included), so
instances on different databases or schemas never hear each other.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import logging
import threading
from collections.abc import Callable
from typing import Any

import psycopg
from sqlalchemy.engine import URL, make_url

__all__ = ["PostgresBus", "channel_for", "libpq_url"]

logger = logging.getLogger(__name__)

Message = dict[str, Any]
RECONNECT_DELAY = 1.0


def libpq_url(url: str | URL) -> str:
    """Return the libpq connection URI of a SQLAlchemy URL.

    >>> libpq_url("postgresql+psycopg://postgres@127.0.0.1:5432/test")
    'postgresql://postgres@127.0.0.1:5432/test'
    """
    parsed = make_url(url).set(drivername="postgresql")
    return parsed.render_as_string(hide_password=False)


def channel_for(url: str | URL) -> str:
    """Return the notification channel of a database URL.

    >>> channel_for("postgresql://h/db").startswith("trajectoires_live_")
    True
    """
    digest = hashlib.sha256(libpq_url(url).encode()).hexdigest()[:16]
    return f"trajectoires_live_{digest}"


class PostgresBus:
    """Bus over PostgreSQL notifications (see the module docstring)."""

    def __init__(self, url: str | URL, channel: str | None = None) -> None:
        self.conninfo = libpq_url(url)
        self.channel = channel or channel_for(url)
        self._deliver: Callable[[Message], None] | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._sender: psycopg.Connection | None = None
        self._send_lock = threading.Lock()
        self._stop = threading.Event()
        self._listening = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self, deliver: Callable[[Message], None], loop: asyncio.AbstractEventLoop) -> None:
        """Deliver notifications with ``deliver`` on ``loop``; start listening if not yet."""
        self._deliver, self._loop = deliver, loop
        if self._thread is None or not self._thread.is_alive():
            self._stop.clear()
            self._listening.clear()
            self._thread = threading.Thread(
                target=self._listen, name="trajectoires-live-listen", daemon=True
            )
            self._thread.start()
            self._listening.wait(5)

    def send(self, message: Message) -> None:
        """Notify every process (blocking: call it from a worker thread)."""
        payload = json.dumps(message, ensure_ascii=False, separators=(",", ":"))
        with self._send_lock:
            if self._sender is None or self._sender.closed:
                self._sender = psycopg.connect(self.conninfo, autocommit=True)
            try:
                self._sender.execute("SELECT pg_notify(%s, %s)", (self.channel, payload))
            except psycopg.OperationalError:
                self._sender.close()
                raise

    def close(self) -> None:
        """Stop listening and close both connections; ``start`` may listen again later."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join(5)
            self._thread = None
        with self._send_lock:
            if self._sender is not None:
                self._sender.close()
                self._sender = None

    def _listen(self) -> None:
        while not self._stop.is_set():
            try:
                with psycopg.connect(self.conninfo, autocommit=True) as conn:
                    conn.execute(f'LISTEN "{self.channel}"')
                    self._listening.set()
                    while not self._stop.is_set():
                        for notification in conn.notifies(timeout=0.5):
                            self._hand_over(notification.payload)
            except psycopg.Error:
                logger.exception("live listener lost its connection; reconnecting")
                self._stop.wait(RECONNECT_DELAY)

    def _hand_over(self, payload: str) -> None:
        loop, deliver = self._loop, self._deliver
        if loop is None or deliver is None or loop.is_closed():
            return
        try:
            loop.call_soon_threadsafe(deliver, json.loads(payload))
        except RuntimeError:  # the loop closed meanwhile
            logger.debug("live notification dropped: event loop closed")
