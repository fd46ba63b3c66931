"""The parts of live updates: an event, the bus between processes, a stream's subscription.

:class:`~trajectoires.web.workshops.live.LiveHub` fans events out; see its module.
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any, Protocol

__all__ = ["CONNECTED", "KEEPALIVE", "PING", "Bus", "LiveEvent", "LocalBus", "Message",
           "Subscription"]

logger = logging.getLogger("trajectoires.web.workshops.live")

Message = dict[str, Any]
CONNECTED = b"retry: 3000\n: connected\n\n"
KEEPALIVE = b": keep-alive\n\n"


@dataclass(frozen=True)
class LiveEvent:
    """One event of a workshop's stream."""

    id: int
    kind: str
    data: dict[str, Any]
    epoch: str = ""

    def encode(self) -> str:
        """Return the event in the ``text/event-stream`` format.

        >>> LiveEvent(3, "votes", {"counts": {}}, "9f2c").encode().splitlines()
        ['id: 9f2c-3', 'event: votes', 'data: {"counts": {}}', '']
        """
        return self.frame.decode()

    @cached_property
    def frame(self) -> bytes:
        r"""The event as UTF-8 bytes, built once and shared by every stream that sends it.

        >>> LiveEvent(1, "hidden", {"id": 7}, "9f2c").frame
        b'id: 9f2c-1\nevent: hidden\ndata: {"id": 7}\n\n'
        """
        payload = json.dumps(self.data, ensure_ascii=False, separators=(", ", ": "))
        return f"id: {self.epoch}-{self.id}\nevent: {self.kind}\ndata: {payload}\n\n".encode()


class Bus(Protocol):
    """Carries messages between server processes (or within one)."""

    def start(self, deliver: Callable[[Message], None], loop: asyncio.AbstractEventLoop) -> None:
        """Begin delivering received messages with ``deliver`` on ``loop``."""

    def send(self, message: Message) -> None:
        """Send ``message`` to every process; may block, call it from a worker thread."""

    def close(self) -> None:
        """Stop receiving and release resources."""


class LocalBus:
    """In-process bus: messages are delivered to this process's subscribers only."""

    def __init__(self) -> None:
        self._deliver: Callable[[Message], None] | None = None
        self._loop: asyncio.AbstractEventLoop | None = None

    def start(self, deliver: Callable[[Message], None], loop: asyncio.AbstractEventLoop) -> None:
        """Deliver messages with ``deliver`` on ``loop``."""
        self._deliver, self._loop = deliver, loop

    def send(self, message: Message) -> None:
        """Schedule the delivery of ``message`` on the event loop (thread-safe)."""
        if self._deliver is None or self._loop is None or self._loop.is_closed():
            return
        try:
            self._loop.call_soon_threadsafe(self._deliver, message)
        except RuntimeError:  # the loop closed meanwhile (test clients)
            logger.debug("live message dropped: event loop closed")

    def close(self) -> None:
        """Forget the delivery target."""
        self._deliver = None


@dataclass(eq=False)
class Subscription:
    """One SSE connection: a bounded queue of events (``None`` means: dropped).

    ``after``: events up to this id came in the backlog (not queued again); ``active``:
    an event was sent since the last keep-alive round.
    """

    workshop_id: int
    queue: asyncio.Queue[LiveEvent | None]
    backlog: list[LiveEvent] = field(default_factory=list)
    dropped: bool = False
    after: int = 0
    active: bool = False


PING = LiveEvent(0, "", {})
"""Queued by the keep-alive round to a stream that sent nothing since the last round."""
