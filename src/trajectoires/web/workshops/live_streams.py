"""The subscribers' side of the live hub: SSE streams, replays and keep-alives.

:class:`StreamsMixin` is mixed into :class:`~trajectoires.web.workshops.live.LiveHub`;
it holds what runs per open connection on the event loop — registering a stream
(:meth:`~StreamsMixin.subscribe`), replaying what a reconnecting browser missed
(``Last-Event-ID``, or a ``reset`` when it is gone or from another epoch), writing the
queued events as one chunk per wake-up, and the one keep-alive round for every idle
stream. The publishing side (coalescing, the bus, fan-out into the queues) stays in
:mod:`~trajectoires.web.workshops.live`.
"""

from __future__ import annotations

import asyncio
from collections import deque
from collections.abc import AsyncIterator, Iterator
from contextlib import contextmanager

from trajectoires.web.workshops.live_events import (
    CONNECTED,
    KEEPALIVE,
    PING,
    LiveEvent,
    Subscription,
)

__all__ = ["StreamsMixin"]


class StreamsMixin:
    """Per-stream work of the hub; the attributes below are set by ``LiveHub.__init__``."""

    epoch: str
    keepalive: float
    queue_size: int
    _next_id: int
    _replay: dict[int, deque[LiveEvent]]
    _subscribers: dict[int, set[Subscription]]
    _ticker: asyncio.Task[None] | None

    def _start_keepalives(self) -> None:
        """Run the keep-alive rounds on the running loop, once (one task for all streams)."""
        loop = asyncio.get_running_loop()
        if self._ticker is None or self._ticker.done() or self._ticker.get_loop() is not loop:
            self._ticker = loop.create_task(self._keepalives())

    async def _keepalives(self) -> None:
        """Every ``keepalive`` seconds, queue :data:`PING` to each stream that sent nothing.

        One timer for every stream, instead of a timeout around each stream's wait.
        """
        while True:
            await asyncio.sleep(self.keepalive)
            for subscriptions in list(self._subscribers.values()):
                for subscription in list(subscriptions):
                    if not subscription.active and subscription.queue.empty():
                        subscription.queue.put_nowait(PING)
                    subscription.active = False


    # -- subscribing (event loop) ---------------------------------------------------------
    def sequence_of(self, last_event_id: str | None) -> int | None:
        """Return the number ``n`` of an id ``<epoch>-<n>`` of this hub, else -1 (foreign).

        ``None`` (a first connection) stays ``None``; an id of another epoch, or one
        that is not an id of ours at all, is -1: the browser is told to reload.
        """
        if last_event_id is None:
            return None
        epoch, _, number = last_event_id.partition("-")
        if epoch != self.epoch or not (number.isascii() and number.isdigit()) or len(number) > 18:
            return -1
        return int(number)

    def _backlog(self, workshop_id: int, last_event_id: str | None) -> list[LiveEvent]:
        last = self.sequence_of(last_event_id)
        if last is None:
            return []
        buffer = self._replay.get(workshop_id, deque())
        missed = [event for event in buffer if event.id > last]
        complete = 0 <= last <= self._next_id and (not buffer or buffer[0].id <= last + 1)
        if complete:
            return missed
        return [LiveEvent(self._next_id, "reset", {}, self.epoch)]

    @contextmanager
    def subscribe(
        self, workshop_id: int, last_event_id: str | None = None
    ) -> Iterator[Subscription]:
        """Register an SSE connection for the duration of the ``with`` block."""
        backlog = self._backlog(workshop_id, last_event_id)
        subscription = Subscription(workshop_id, asyncio.Queue(self.queue_size), backlog,
                                    after=backlog[-1].id if backlog else 0)
        self._subscribers.setdefault(workshop_id, set()).add(subscription)
        try:
            yield subscription
        finally:
            subscribers = self._subscribers.get(workshop_id, set())
            subscribers.discard(subscription)
            if not subscribers:
                self._subscribers.pop(workshop_id, None)

    async def stream(
        self, workshop_id: int, last_event_id: str | None = None
    ) -> AsyncIterator[bytes]:
        """Yield the ``text/event-stream`` chunks of one SSE connection until dropped.

        Chunks are bytes: each event's frame is encoded once (:attr:`LiveEvent.frame`) and
        the same bytes go to every stream. A stream waits on its queue without a timer of its
        own: the hub's keep-alive rounds queue a :data:`PING` to idle streams.
        """
        self._start_keepalives()
        with self.subscribe(workshop_id, last_event_id) as subscription:
            yield CONNECTED
            for event in subscription.backlog:
                yield event.frame
            while True:
                event = await subscription.queue.get()
                if event is None:
                    return
                if event is PING:
                    yield KEEPALIVE
                    continue
                subscription.active = True
                yield self._with_queued(event, subscription)

    @staticmethod
    def _with_queued(event: LiveEvent, subscription: Subscription) -> bytes:
        """Return ``event`` and every event already queued behind it, as one chunk.

        One write per wake-up rather than one per event: under load a listener
        catches up in a single send.
        """
        if subscription.queue.empty():
            return event.frame
        chunks = [event.frame]
        while not subscription.queue.empty():
            queued = subscription.queue.get_nowait()
            if queued is None:  # dropped meanwhile: send what came before, then stop
                subscription.queue.put_nowait(None)
                break
            if queued is not PING:
                chunks.append(queued.frame)
        return b"".join(chunks)
