"""Live updates: fan-out of workshop events to Server-Sent Events subscribers.

Route handlers call :meth:`LiveHub.publish` (a new statement, a phase change, a
hidden statement) or :meth:`LiveHub.votes_changed` *after* their transaction has
committed. Messages travel through a :class:`Bus`:

- :class:`LocalBus` (default, in :mod:`~trajectoires.web.workshops.live_events`) delivers
  them within this process;
- :class:`~trajectoires.web.workshops.live_pg.PostgresBus` sends them with PostgreSQL
  ``NOTIFY`` and every server process listens, so subscribers connected to any
  process get them.

Each process delivers a message to its own subscribers: one bounded
:class:`asyncio.Queue` per SSE connection. A subscriber whose queue is full is
dropped (its stream ends and the browser reconnects), never the server.

Votes are coalesced: the hub collects the ids of statements whose votes changed
and sends at most one ``votes`` message per workshop every ``vote_interval``
seconds (200 ms); on delivery, the counts are loaded once from the database
and broadcast. So 200 participants voting cause five count queries per second,
not 200 broadcasts.

Under load (#14: 500 phones each holding a stream), what costs is the number of writes to
streams, not the number of events: each event's bytes are built once and shared
(:attr:`LiveEvent.frame`); with ``batch`` the events of a workshop wait up to that long and
are handed to every stream together (one wake-up and one write per stream per batch);
idle streams get their keep-alive comment from one round for all of them, not from a
timer per stream and per wait; vote counts are read and ``NOTIFY`` sent in the hub's own
thread, never queued behind requests waiting for the database.

Event ids are ``<epoch>-<n>``: ``n`` increases within one hub, ``epoch`` is drawn
at random when the hub is built, so ids are unique across restarts and across
server processes. A reconnecting browser sends ``Last-Event-ID`` and gets the
events it missed from a small replay buffer, or a ``reset`` event (reload the
board) when they are no longer there — or when its id comes from another epoch
(the server restarted, or another process served it before).

The subscribers' side (streams, replays, keep-alives) is in
:mod:`~trajectoires.web.workshops.live_streams`.

The application builds one hub in ``create_app``; its lifespan calls
:meth:`LiveHub.start` on the running loop (the bus starts listening) and
:meth:`LiveHub.close` at shutdown (the bus stops, its thread ends).
"""

from __future__ import annotations

import asyncio
import logging
import secrets
import threading
from collections import deque
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from trajectoires.web.workshops.live_events import (
    Bus,
    LiveEvent,
    LocalBus,
    Message,
    Subscription,
)
from trajectoires.web.workshops.live_streams import StreamsMixin

__all__ = ["Bus", "CountsLoader", "LiveEvent", "LiveHub", "LocalBus", "Subscription"]

logger = logging.getLogger(__name__)

INTERNAL = frozenset({"opinions_ready"})
"""Message kinds for the processes' listeners only, never sent to a browser."""
CountsLoader = Callable[[list[int]], dict[int, dict[str, int]]]


class LiveHub(StreamsMixin):
    """Fan-out of workshop events to the SSE subscribers of this process.

    Parameters
    ----------
    bus
        How messages reach every process; default: :class:`LocalBus`.
    counts
        ``counts(statement_ids)`` returns ``{id: {"agree", "disagree", "pass"}}``; it
        runs in a worker thread when a ``votes`` message is delivered. Without it,
        ``votes`` messages reach the listeners only.
    queue_size
        Events buffered per subscriber before it is dropped.
    vote_interval
        Seconds between two ``votes`` messages of one workshop.
    keepalive
        Seconds between keep-alive comments on idle streams.
    replay
        Events kept per workshop for ``Last-Event-ID`` replays.
    batch
        Seconds an event waits for others before going out (0: at once). Events of a
        workshop are then handed to every stream together, so each stream wakes up and
        writes once per batch instead of once per event (500 phones: 500 writes per
        batch rather than per event).

    """

    def __init__(
        self,
        bus: Bus | None = None,
        *,
        counts: CountsLoader | None = None,
        queue_size: int = 64,
        vote_interval: float = 0.2,
        keepalive: float = 15.0,
        replay: int = 256,
        batch: float = 0.0,
    ) -> None:
        self.bus: Bus = bus or LocalBus()
        self.queue_size = queue_size
        self.vote_interval = vote_interval
        self.keepalive = keepalive
        self._replay_size = replay
        self.batch = batch
        self._outbox: dict[int, list[LiveEvent]] = {}
        self._outbox_scheduled = False
        self._ticker: asyncio.Task[None] | None = None
        self._counts_pool: ThreadPoolExecutor | None = None
        self._counts_waiting: dict[int, set[int]] = {}
        self._loop: asyncio.AbstractEventLoop | None = None
        self._counts_loader = counts
        self._subscribers: dict[int, set[Subscription]] = {}
        self._replay: dict[int, deque[LiveEvent]] = {}
        self._next_id = 0
        self.epoch = secrets.token_hex(6)
        """Drawn once per hub: ids of an earlier run or another process never match."""
        self._pending_votes: dict[int, set[int]] = {}
        self._flush_scheduled = False
        self._pending_changes: dict[tuple[int, str, str], dict[str, Any]] = {}
        self._changes_scheduled = False
        self._lock = threading.Lock()
        self._tasks: set[asyncio.Task[None]] = set()
        self._listeners: list[Callable[[int, str], None]] = []

    # -- wiring -------------------------------------------------------------------------
    def start(self) -> None:
        """Bind the hub to the running event loop and start the bus (idempotent).

        The application's lifespan calls it at startup. Publishing from worker threads
        needs the loop: before ``start``, messages are dropped (nobody can listen).
        """
        loop = asyncio.get_running_loop()
        if loop is self._loop:
            return
        self._loop = loop
        self._flush_scheduled = self._outbox_scheduled = False
        self.bus.start(self._deliver, loop)
        self._start_keepalives()

    def close(self) -> None:
        """Stop the bus (its listener thread ends) and forget the loop (at shutdown)."""
        self._loop = None
        self.bus.close()
        if self._ticker is not None:
            self._ticker.cancel()
            self._ticker = None
        if self._counts_pool is not None:
            self._counts_pool.shutdown(wait=False, cancel_futures=True)
            self._counts_pool = None

    @property
    def subscriber_count(self) -> int:
        """Number of open SSE connections in this process."""
        return sum(len(subs) for subs in self._subscribers.values())

    def has_subscribers(self, workshop_id: int) -> bool:
        """Whether this process has an open SSE connection on the workshop."""
        return bool(self._subscribers.get(workshop_id))

    def subscribers_of(self, workshop_id: int) -> int:
        """Return the number of open SSE connections on the workshop in this process."""
        return len(self._subscribers.get(workshop_id, ()))

    def add_listener(self, listener: Callable[[int, str], None]) -> None:
        """Call ``listener(workshop_id, kind)`` on the loop for every delivered message.

        Messages from every process arrive here (through the bus), so a listener sees
        the votes, statements and moderation of the whole workshop.
        """
        if listener not in self._listeners:
            self._listeners.append(listener)

    def broadcast_local(self, workshop_id: int, kind: str, data: dict[str, Any]) -> None:
        """Send an event to this process's subscribers only (call on the event loop).

        For events every process computes for itself (``opinions``), and that are too
        large for a PostgreSQL notification (8,000 bytes).
        """
        self._broadcast(workshop_id, kind, data)

    # -- publishing (any thread, after the commit) ---------------------------------------
    def publish(self, workshop_id: int, kind: str, data: dict[str, Any]) -> None:
        """Send event ``kind`` with ``data`` to every subscriber of the workshop."""
        self._send({"w": workshop_id, "k": kind, "d": data})

    def votes_changed(self, workshop_id: int, statement_ids: list[int]) -> None:
        """Note that votes changed; counts are broadcast at most every ``vote_interval``."""
        loop = self._loop
        with self._lock:
            self._pending_votes.setdefault(workshop_id, set()).update(statement_ids)
            if self._flush_scheduled or loop is None or loop.is_closed():
                return
            self._flush_scheduled = True
        try:
            loop.call_soon_threadsafe(loop.call_later, self.vote_interval, self._flush_votes)
        except RuntimeError:
            self._flush_scheduled = False

    def changed(self, workshop_id: int, kind: str, key: str, data: dict[str, Any]) -> None:
        """Send event ``kind`` coalesced: at most one per (workshop, kind, key) every interval.

        For events that only tell pages to refresh (``contribution`` by type,
        ``ranking``): 300 participants posting within 200 ms make one event per type,
        not 300 for every listener. The event carries the latest ``data`` and the
        ``ids`` of every change it stands for.
        """
        loop = self._loop
        with self._lock:
            pending = self._pending_changes.setdefault((workshop_id, kind, key), {"ids": []})
            ids = pending["ids"]
            pending.update(data)
            if "id" in data and data["id"] not in ids:
                ids.append(data["id"])
            pending["ids"] = ids
            if self._changes_scheduled or loop is None or loop.is_closed():
                return
            self._changes_scheduled = True
        try:
            loop.call_soon_threadsafe(loop.call_later, self.vote_interval, self._flush_changes)
        except RuntimeError:
            self._changes_scheduled = False

    def _flush_changes(self) -> None:
        with self._lock:
            pending, self._pending_changes = self._pending_changes, {}
            self._changes_scheduled = False
        for (workshop_id, kind, _key), data in pending.items():
            message = {"w": workshop_id, "k": kind, "d": data}
            if isinstance(self.bus, LocalBus):
                self._deliver(message)
            else:
                self._spawn(self._off_loop(self._send, message))

    def _send(self, message: Message) -> None:
        try:
            self.bus.send(message)
        except Exception:  # the bus failing must not fail the request that already committed
            logger.exception("live bus failed; delivering locally only")
            if self._loop is not None and not self._loop.is_closed():
                self._loop.call_soon_threadsafe(self._deliver, message)

    def _flush_votes(self) -> None:
        with self._lock:
            pending, self._pending_votes = self._pending_votes, {}
            self._flush_scheduled = False
        for workshop_id, ids in pending.items():
            message = {"w": workshop_id, "k": "votes", "d": {"ids": sorted(ids)}}
            if isinstance(self.bus, LocalBus):
                self._deliver(message)
            else:
                self._spawn(self._off_loop(self._send, message))

    # -- delivery (event loop) ----------------------------------------------------------
    def _deliver(self, message: Message) -> None:
        workshop_id, kind, data = int(message["w"]), str(message["k"]), message["d"]
        for listener in self._listeners:
            try:
                listener(workshop_id, kind)
            except Exception:  # a listener must not stop the delivery
                logger.exception("live listener failed")
        if kind in INTERNAL:
            return  # between processes only (their listeners heard it above)
        if kind != "votes":
            self._broadcast(workshop_id, kind, data)
        elif self._subscribers.get(workshop_id) and self._counts_loader is not None:
            waiting = self._counts_waiting.get(workshop_id)
            self._counts_waiting[workshop_id] = (waiting or set()) | {int(i) for i in data["ids"]}
            if waiting is None:  # no read in flight for this workshop: start one
                self._spawn(self._broadcast_counts(workshop_id))

    async def _broadcast_counts(self, workshop_id: int) -> None:
        """Read and send the counts of the statements voted on, until none is waiting.

        One read at a time per workshop: ids that arrive during a read wait for the next
        one (a slow database delays the counts by one read, never by a queue of them).
        """
        loader = self._counts_loader
        assert loader is not None
        try:
            while ids := self._counts_waiting.get(workshop_id):
                self._counts_waiting[workshop_id] = set()
                counts = await self._off_loop(loader, sorted(ids))
                self._broadcast(workshop_id, "votes",
                                {"counts": {str(k): v for k, v in counts.items()}})
        finally:
            self._counts_waiting.pop(workshop_id, None)

    async def _off_loop(self, function: Callable[..., Any], *args: Any) -> Any:
        """Run ``function(*args)`` in the hub's own thread, off the event loop.

        Counts and notifications are not queued behind the requests' worker threads (on
        SQLite, writers waiting their turn).
        """
        if self._counts_pool is None:
            self._counts_pool = ThreadPoolExecutor(1, "trajectoires-live")
        return await asyncio.get_running_loop().run_in_executor(self._counts_pool, function, *args)

    def _spawn(self, coroutine: Any) -> None:
        task = asyncio.ensure_future(coroutine)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    def _broadcast(self, workshop_id: int, kind: str, data: dict[str, Any]) -> None:
        self._next_id += 1
        event = LiveEvent(self._next_id, kind, data, self.epoch)
        buffer = self._replay.setdefault(workshop_id, deque(maxlen=self._replay_size))
        buffer.append(event)
        if self.batch <= 0:
            self._hand_out(workshop_id, [event])
            return
        self._outbox.setdefault(workshop_id, []).append(event)
        if not self._outbox_scheduled:
            self._outbox_scheduled = True
            asyncio.get_running_loop().call_later(self.batch, self._flush_outbox)

    def _flush_outbox(self) -> None:
        outbox, self._outbox = self._outbox, {}
        self._outbox_scheduled = False
        for workshop_id, events in outbox.items():
            self._hand_out(workshop_id, events)

    def _hand_out(self, workshop_id: int, events: list[LiveEvent]) -> None:
        """Queue ``events`` to every stream of the workshop (dropping those that are full)."""
        for subscription in list(self._subscribers.get(workshop_id, ())):
            try:
                for event in events:
                    if event.id > subscription.after:
                        subscription.queue.put_nowait(event)
            except asyncio.QueueFull:
                self._drop(subscription)

    def _drop(self, subscription: Subscription) -> None:
        logger.info("dropping a slow live subscriber of workshop %s", subscription.workshop_id)
        subscription.dropped = True
        self._subscribers.get(subscription.workshop_id, set()).discard(subscription)
        while not subscription.queue.empty():
            subscription.queue.get_nowait()
        subscription.queue.put_nowait(None)
