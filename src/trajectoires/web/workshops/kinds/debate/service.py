"""Opinion groups of the live debate, recomputed after batches of votes, off the event loop.

:class:`OpinionService` keeps, per workshop, the latest
:class:`~trajectoires.foresight.kinds.debate.opinions.OpinionSnapshot` (with the engine's
:class:`~trajectoires.collective.Result` and vote table) and recomputes it when votes,
statements or moderation change:

- it hears of changes from the :class:`~trajectoires.web.workshops.live.LiveHub`
  (:meth:`LiveHub.add_listener`): every process receives every process's ``votes``,
  ``statement`` and ``hidden`` messages, so each process computes for itself from the
  database, which is shared;
- computations are coalesced: one in flight per workshop, at most one every
  ``interval`` seconds (2 s), and never more than a tenth of the time (after a
  computation of 0.5 s the next one waits 5 s), and the events sent stay within
  ``FANOUT_BYTES_PER_SECOND`` (the section × the streams: 500 phones and a 100 kB map,
  one every 10 s); votes that arrive meanwhile make the next one;
- the work (reading the votes, ``analyse`` warm-started from the previous result,
  rendering the section) runs in the service's own worker threads (two at most):
  voting and the other requests are served meanwhile. The vote table is kept and only the votes
  changed since the last read (minus a 10 s margin) are read and merged in; every
  ``FULL_READ_EVERY`` computations, and when a hidden statement is shown again, all
  the votes are read again;
- the new section is sent to this process's subscribers as an ``opinions`` event
  (:meth:`LiveHub.broadcast_local`), never through PostgreSQL ``NOTIFY``.

Proactive computations only happen for workshops with a live subscriber in this
process; otherwise the next reader (page or API) computes, in its worker thread. After
a restart the state is empty and the first reader rebuilds it from the database.

**Several processes (PostgreSQL).** A computation is done once per change for all the
processes: it runs inside a transaction holding the workshop's advisory lock
(``pg_try_advisory_xact_lock``; a reader waits for it instead), stores the snapshot
(the engine's result included, :mod:`trajectoires.foresight.kinds.debate._stored`) and
its HTML in ``opinion_snapshot``, and announces it with an internal ``opinions_ready``
message through the bus. The other processes load that row and send it to their own
subscribers; a process whose computation finds the lock taken waits for that message.
Whichever process computes next starts warm from the stored result, so the groups keep
their numbers. A process considers itself up to date when the stored snapshot read the
votes after the first change it had heard of. On SQLite (one process) nothing is stored.

``create_app`` builds the service (it listens to the hub from then on); the
application's lifespan calls :meth:`OpinionService.close` at shutdown, which cancels
the pending computations and stops the worker threads.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Annotated, Any

from fastapi import Depends, Request
from sqlalchemy import Connection, text
from sqlalchemy.orm import Session

from trajectoires.collective import Params
from trajectoires.db import Database
from trajectoires.foresight.kinds.debate import _stored
from trajectoires.foresight.kinds.debate.models import StoredOpinions
from trajectoires.foresight.kinds.debate.opinions import (
    OpinionSnapshot,
    analyse_debate,
    load_votes,
    opaque_id,
)
from trajectoires.web.workshops.live import LiveHub

__all__ = ["OpinionService", "Opinions", "opinion_key", "opinion_service"]

logger = logging.getLogger(__name__)

TRIGGERS = frozenset({"votes", "statement", "hidden"})
READY = "opinions_ready"  # internal: another process stored a new snapshot
_LOCK_NAMESPACE = 0x4F50  # "OP": the advisory locks of the opinion computations
FULL_READ_EVERY = 30  # computations reading only the new votes between two full reads
BUSY_SHARE = 10  # the next computation starts ≥ 10 × the last one's duration after it
FANOUT_BYTES_PER_SECOND = 5_000_000
"""Budget of ``opinions`` events sent by one process: the section (about 100 kB with 500
participants on the map) goes to every stream, so 500 phones wait 10 s between two maps
(a hall's Wi-Fi, and the server, would otherwise carry 25 MB a second)."""
Renderer = Callable[[OpinionSnapshot], str]


def opinion_key(secret_key: str) -> bytes:
    """Key of the opaque participant ids of the opinion maps, derived from the app secret.

    >>> len(opinion_key("secret"))
    32
    """
    return hashlib.sha256(f"trajectoires-opinions:{secret_key}".encode()).digest()


@dataclass(eq=False)
class _Debate:
    """State of one workshop's opinions in this process."""

    workshop_id: int
    current: tuple[OpinionSnapshot, str] | None = None  # snapshot and rendered section
    dirty: bool = True
    dirty_since: float = 0.0  # wall-clock time of the first change not yet computed
    read_at: float = 0.0  # wall-clock time the current snapshot's votes were read
    running: bool = False
    timer: asyncio.TimerHandle | None = None
    last_start: float = float("-inf")
    last_duration: float = 0.0
    incremental: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)


class OpinionService:
    """Latest opinion groups per workshop, recomputed in the background (module docstring).

    Parameters
    ----------
    database
        Where the votes are read.
    hub
        The live hub: the service listens to its messages and sends it ``opinions`` events.
    key
        Key of the opaque participant ids (:func:`opinion_key`).
    render
        ``render(snapshot) -> html`` of the "Carte des opinions" section, without a
        viewer (each browser marks its own dot); called in the worker thread.
    interval
        Minimum seconds between two computations of one workshop.
    params
        Parameters of the engine.
    workers
        Threads computing in the background (for different workshops at once).

    """

    def __init__(
        self, database: Database, hub: LiveHub, key: bytes, render: Renderer, *,
        interval: float = 2.0, params: Params | None = None, workers: int = 2,
    ) -> None:
        self.database = database
        self.key = key
        self.render = render
        self.interval = interval
        self.params = params or Params()
        self.workers = workers
        self.computations = 0
        self.shared = not database.is_sqlite  # several processes may serve a workshop
        self._debates: dict[int, _Debate] = {}
        self._registry_lock = threading.Lock()
        self._hub = hub
        self._executor: ThreadPoolExecutor | None = None
        self._tasks: set[asyncio.Task[None]] = set()
        self._closed = False
        hub.add_listener(self.changed)

    # -- lifecycle --------------------------------------------------------------------------
    def _pool(self) -> ThreadPoolExecutor:
        if self._executor is None:
            self._executor = ThreadPoolExecutor(self.workers, "trajectoires-opinions")
        return self._executor

    def start(self) -> None:
        """Compute in the background again after :meth:`close` (a new lifespan)."""
        self._closed = False

    def close(self) -> None:
        """Cancel the scheduled and running computations and stop the worker threads.

        Call it on the event loop at shutdown; it waits for a computation in progress.
        Readers still get snapshots (computed in their own thread) until :meth:`start`.
        """
        self._closed = True
        for debate in list(self._debates.values()):
            if debate.timer is not None:
                debate.timer.cancel()
                debate.timer = None
        for task in list(self._tasks):
            task.cancel()
        executor, self._executor = self._executor, None
        if executor is not None:
            executor.shutdown(wait=True, cancel_futures=True)

    def viewer_id(self, workshop_id: int, participant_id: int) -> str:
        """Opaque id of a participant on the workshop's map (to highlight "Vous")."""
        return opaque_id(self.key, workshop_id, participant_id)

    def _debate(self, workshop_id: int) -> _Debate:
        with self._registry_lock:
            debate = self._debates.get(workshop_id)
            if debate is None:
                debate = self._debates[workshop_id] = _Debate(workshop_id)
            return debate

    # -- scheduling (event loop) --------------------------------------------------------------
    def changed(self, workshop_id: int, kind: str = "votes") -> None:
        """Note a change in the workshop; schedule a computation if someone is listening."""
        if kind == READY and self.shared:
            self._spawn(self._adopt_stored(self._debate(workshop_id)))
        if kind not in TRIGGERS:
            return
        debate = self._debate(workshop_id)
        if not debate.dirty:
            debate.dirty, debate.dirty_since = True, time.time()
        self._schedule(debate)

    def _spawn(self, coroutine: Any) -> None:
        task = asyncio.ensure_future(coroutine)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _adopt_stored(self, debate: _Debate) -> None:
        """Load the snapshot another process stored; send it to this process's subscribers."""
        if self._closed:
            return
        loop = asyncio.get_running_loop()
        if await loop.run_in_executor(self._pool(), self._refresh, debate):
            self._hub.broadcast_local(debate.workshop_id, "opinions", self.event_data(debate))
            # A map was just sent: this process's next computation waits its gap from now,
            # so that two processes do not each send one per gap (twice the byte budget).
            debate.last_start = loop.time()
            if debate.timer is not None:
                debate.timer.cancel()
                debate.timer = None
                self._schedule(debate)

    def _schedule(self, debate: _Debate) -> None:
        if self._closed:
            return
        loop, hub = asyncio.get_running_loop(), self._hub
        if debate.running or debate.timer is not None or not debate.dirty:
            return
        if not hub.has_subscribers(debate.workshop_id):
            return  # the next reader computes
        # At most one computation per interval, the service busy ≤ 1/BUSY_SHARE of the
        # time (a computation that took 1 s waits 10 s before the next one), and the
        # events within their byte budget.
        gap = max(self.interval, BUSY_SHARE * debate.last_duration,
                  self._fanout_bytes(debate) / FANOUT_BYTES_PER_SECOND)
        delay = max(0.0, debate.last_start + gap - loop.time())
        debate.timer = loop.call_later(delay, self._start, debate)

    def _fanout_bytes(self, debate: _Debate) -> int:
        """Bytes the last ``opinions`` event cost this process: its section × its streams."""
        section = len(debate.current[1]) if debate.current is not None else 0
        return section * self._hub.subscribers_of(debate.workshop_id)

    def _start(self, debate: _Debate) -> None:
        debate.timer = None
        debate.running = True
        debate.last_start = asyncio.get_running_loop().time()
        self._spawn(self._run(debate))

    async def _run(self, debate: _Debate) -> None:
        loop = asyncio.get_running_loop()
        try:
            snapshot = await loop.run_in_executor(self._pool(), self._compute, debate)
        except Exception:
            logger.exception("opinion computation failed for workshop %s", debate.workshop_id)
            snapshot = None
        finally:
            debate.running = False
            debate.last_duration = loop.time() - debate.last_start
        if snapshot is not None:
            self._hub.broadcast_local(debate.workshop_id, "opinions", self.event_data(debate))
        self._schedule(debate)

    # -- computing (worker threads) -------------------------------------------------------
    def _compute(self, debate: _Debate, *, wait: bool = False) -> OpinionSnapshot | None:
        """Read the votes, analyse, render; one at a time per workshop.

        With several processes, ``None`` when another process holds the workshop's lock
        (it is computing; its ``opinions_ready`` brings the result), unless ``wait``.
        """
        with debate.lock:
            dirty_since, debate.dirty = debate.dirty_since, False
            try:
                if not self.shared:
                    snapshot, html = self._analyse(debate)
                else:  # the lock is held by ``guard``'s transaction until it commits
                    with self.database.session() as guard:
                        if not self._lock(guard, debate.workshop_id, wait=wait):
                            debate.dirty = True
                            return None
                        if self._adopt(guard, debate) and debate.read_at >= dirty_since:
                            return debate.current[0]  # computed by another process meanwhile
                        # the votes are read on the guard's connection: a computation
                        # holds one connection of the pool, never waits for a second (#14)
                        snapshot, html = self._analyse(debate, guard.connection())
                        self._store(guard, snapshot, html, debate.read_at)
            except BaseException:
                debate.dirty = True  # the next change or reader tries again
                raise
            debate.current = (snapshot, html)
            self.computations += 1
        if self.shared:
            self._hub.publish(debate.workshop_id, READY, {"version": snapshot.version})
        return snapshot

    def _analyse(self, debate: _Debate,
                 connection: Connection | None = None) -> tuple[OpinionSnapshot, str]:
        """Read the votes and analyse them.

        On ``connection`` when given (its transaction is joined, not ended: the guard's),
        else on a connection of the pool.
        """
        previous = debate.current[0] if debate.current is not None else None
        table = previous.votes if previous is not None else None
        if debate.incremental >= FULL_READ_EVERY:
            table, debate.incremental = None, 0
        debate.read_at = time.time()
        bind = {} if connection is None else {"bind": connection}
        with self.database.sessionmaker(**bind) as session:
            votes, table = load_votes(session, debate.workshop_id, table)
        snapshot = analyse_debate(votes, key=self.key, previous=previous,
                                  params=self.params, table=table)
        debate.incremental = debate.incremental + 1 if votes.since is not None else 0
        return snapshot, self.render(snapshot)

    # -- sharing between processes (PostgreSQL) ----------------------------------------------
    @staticmethod
    def _lock(session: Session, workshop_id: int, *, wait: bool) -> bool:
        """Take the workshop's advisory lock until the transaction ends; whether it was."""
        call = "pg_advisory_xact_lock" if wait else "pg_try_advisory_xact_lock"
        got = session.execute(text(f"SELECT {call}(:space, :workshop)"),
                              {"space": _LOCK_NAMESPACE, "workshop": workshop_id}).scalar()
        return got is not False

    def _adopt(self, session: Session, debate: _Debate) -> bool:
        """Take the stored snapshot if newer than this process's (caller holds ``debate.lock``)."""
        current = debate.current[0].version if debate.current is not None else 0
        version = session.query(StoredOpinions.version).filter_by(
            workshop_id=debate.workshop_id).scalar()
        if version is None or version <= current:
            return False
        row = session.get(StoredOpinions, debate.workshop_id)
        debate.current = (_stored.decode(row.snapshot), row.html)
        debate.read_at = row.votes_read_at.timestamp()
        debate.incremental = FULL_READ_EVERY  # its vote table is not stored: read them all
        if debate.dirty and debate.read_at >= debate.dirty_since:
            debate.dirty = False
        return True

    def _refresh(self, debate: _Debate) -> bool:
        """Adopt the stored snapshot if newer (worker thread); whether it was."""
        with debate.lock, self.database.session() as session:
            return self._adopt(session, debate)

    @staticmethod
    def _store(session: Session, snapshot: OpinionSnapshot, html: str, read_at: float) -> None:
        row = session.get(StoredOpinions, snapshot.workshop_id)
        if row is None:
            row = StoredOpinions(workshop_id=snapshot.workshop_id)
            session.add(row)
        row.version, row.snapshot, row.html = snapshot.version, _stored.encode(snapshot), html
        row.votes_read_at = datetime.fromtimestamp(read_at, UTC)

    def latest(self, workshop_id: int) -> OpinionSnapshot:
        """Return the latest snapshot; compute it first when missing or stale and idle.

        Blocking: call it from a worker thread (a sync route), never on the loop. When a
        background computation is scheduled or running, the current snapshot is returned
        and the live event brings the next one.
        """
        debate = self._debate(workshop_id)
        if self.shared:
            self._refresh(debate)
        stale = debate.dirty and not (debate.running or debate.timer is not None)
        if debate.current is None or stale:
            with debate.lock:
                if debate.current is not None and not debate.dirty:
                    return debate.current[0]
            return self._compute(debate, wait=True)
        return debate.current[0]

    def event_data(self, debate_or_id: _Debate | int) -> dict[str, Any]:
        """Payload of the ``opinions`` event: the section's HTML and a summary."""
        debate = (debate_or_id if isinstance(debate_or_id, _Debate)
                  else self._debate(debate_or_id))
        if debate.current is None:
            return {}
        snapshot, html = debate.current
        return {"version": snapshot.version, "ready": snapshot.ready,
                "groups": len(snapshot.data["groups"]), "n_votes": snapshot.n_votes,
                "n_participants": snapshot.n_participants,
                "computed_at": snapshot.computed_at.isoformat(), "html": html}


async def opinion_service(request: Request) -> OpinionService:
    """FastAPI dependency: the application's opinion service (built by ``create_app``)."""
    return request.app.state.kind_services["debate"]


Opinions = Annotated[OpinionService, Depends(opinion_service)]
