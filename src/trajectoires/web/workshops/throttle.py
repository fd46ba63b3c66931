"""Throttling of participants' writes: contributions, edits, votes and points.

Every write of a workshop (the JSON API and the form routes) passes
:func:`throttle_writes`, which counts it in a sliding window of 60 seconds twice: for
the participant who sends it (the participant cookie of the workshop, or the
facilitator's session) and for the client address. The address is the request's
client: behind a reverse proxy listed in ``forwarded_allow_ips``, the server puts the
real client's address there (as for the login throttle, :mod:`trajectoires.web.auth`).

The limits are settings (``throttle_writes_per_minute``,
``throttle_writes_per_address_per_minute``; 0 disables one): the address limit is
the higher one, since the phones of a hall share one address behind its Wi-Fi. Past
either limit the write is refused, before anything runs, with 429, a French message
naming the wait and a ``Retry-After`` header; refused writes are not counted.

Where the counts live depends on the database. On PostgreSQL, where several server
processes serve one workshop (``trajectoires serve --workers N``), they are kept in the
database (:class:`DatabaseWriteThrottle`, over :mod:`trajectoires.db.counters`), so a
participant's limit holds across every process. On SQLite the server is one process
(``serve`` refuses ``--workers`` there) and the counts stay in its memory
(:class:`WriteThrottle`): a database throttle would add a write, under SQLite's single
writer lock, to every vote.
"""

from __future__ import annotations

import hashlib
import threading
import time
from collections import deque

import anyio.to_thread
from fastapi import Depends, HTTPException, Request

from trajectoires.db import Database, counters
from trajectoires.settings import Settings
from trajectoires.web.security import require_csrf
from trajectoires.web.workshops.deps import participant_tokens

__all__ = [
    "THROTTLED_FORM",
    "DatabaseWriteThrottle",
    "WINDOW_SECONDS",
    "WriteThrottle",
    "build_write_throttle",
    "throttle_writes",
]

WINDOW_SECONDS = 60.0
TOO_MANY_WRITES = (
    "Trop de contributions ou de votes en peu de temps. Réessayez dans {seconds} secondes."
)
_SWEEP_EVERY = 5000


class WriteThrottle:
    """Count writes per participant and per address in a sliding window; admit or refuse.

    Examples
    --------
    >>> throttle = WriteThrottle(per_participant=2, per_address=3, window=60.0)
    >>> [throttle.admit(["p:a"], "10.0.0.1", now=t) for t in (0.0, 1.0, 2.0)]
    [0, 0, 58]
    >>> throttle.admit(["p:b"], "10.0.0.1", now=3.0), throttle.admit(["p:c"], "10.0.0.1", now=4.0)
    (0, 56)
    >>> throttle.admit(["p:a"], "10.0.0.1", now=61.0)
    0

    """

    blocking = False
    """Whether :meth:`admit` waits on the database (then it runs in a worker thread)."""

    def __init__(self, per_participant: int, per_address: int,
                 window: float = WINDOW_SECONDS) -> None:
        self.per_participant = per_participant
        self.per_address = per_address
        self.window = window
        self._writes: dict[str, deque[float]] = {}
        self._lock = threading.Lock()
        self._admitted = 0

    @property
    def enabled(self) -> bool:
        """Whether any limit is on."""
        return bool(self.per_participant or self.per_address)

    def _wait(self, key: str, limit: int, now: float) -> float:
        writes = self._writes.get(key)
        if writes is None:
            return 0.0
        while writes and writes[0] <= now - self.window:
            writes.popleft()
        if len(writes) < limit:
            return 0.0
        return writes[-limit] + self.window - now

    def _limited(self, participant_keys: list[str], address: str) -> list[tuple[str, int]]:
        keyed = [(key, self.per_participant) for key in participant_keys]
        keyed.append((f"address:{address}", self.per_address))
        return [(key, limit) for key, limit in keyed if limit > 0]

    def admit(self, participant_keys: list[str], address: str, now: float | None = None) -> int:
        """Record a write if every limit allows it (return 0), else return seconds to wait."""
        now = time.monotonic() if now is None else now
        limited = self._limited(participant_keys, address)
        with self._lock:
            wait = max((self._wait(key, limit, now) for key, limit in limited), default=0.0)
            if wait > 0:
                return max(1, int(wait + 0.999))
            for key, _limit in limited:
                self._writes.setdefault(key, deque()).append(now)
            self._admitted += 1
            if self._admitted % _SWEEP_EVERY == 0:
                self._sweep(now)
        return 0

    def _sweep(self, now: float) -> None:
        """Forget the keys with no write in the window (participants who left)."""
        stale = [key for key, writes in self._writes.items()
                 if not writes or writes[-1] <= now - self.window]
        for key in stale:
            del self._writes[key]


class DatabaseWriteThrottle:
    """The same limits, counted in the database: they hold across server processes.

    ``admit`` blocks: the dependency calls it in a worker thread. On PostgreSQL it is one
    call of the database's ``rate_counter_admit`` in autocommit mode
    (:func:`trajectoires.db.counters.admit_at_once`): every write of a hall counts against
    the same address, so the address's lock must be held for the function's run only, not
    across a transaction's round trips (held that way, it halved the writes per second of
    a server under 500 participants, #14). Elsewhere, a short transaction
    (:func:`trajectoires.db.counters.admit`). Seconds older than the window are deleted
    every few thousand admitted writes.
    """

    blocking = True

    def __init__(self, database: Database, per_participant: int, per_address: int,
                 window: float = WINDOW_SECONDS) -> None:
        self.database = database
        self.per_participant = per_participant
        self.per_address = per_address
        self.window = window
        self._admitted = 0

    @property
    def enabled(self) -> bool:
        """Whether any limit is on."""
        return bool(self.per_participant or self.per_address)

    def admit(self, participant_keys: list[str], address: str, now: float | None = None) -> int:
        """Record a write if every limit allows it (return 0), else return seconds to wait."""
        now = time.time() if now is None else now
        limits = [(f"write:{key}", self.per_participant) for key in participant_keys]
        limits.append((f"write:address:{address}", self.per_address))
        if self.database.is_sqlite:
            with self.database.session() as session:
                wait = counters.admit(session, limits, now, self.window)
        else:
            engine = self.database.engine
            with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
                wait = counters.admit_at_once(conn, limits, now, self.window)
        if not wait:
            self._admitted += 1
            if self._admitted % _SWEEP_EVERY == 0:
                with self.database.session() as session:
                    counters.prune(session, now, self.window, "write:")
        return wait


def build_write_throttle(
    settings: Settings, database: Database | None = None
) -> WriteThrottle | DatabaseWriteThrottle:
    """Build the application's throttle (``create_app`` calls it once): see the module."""
    if database is not None and not database.is_sqlite:
        return DatabaseWriteThrottle(database, settings.throttle_writes_per_minute,
                                     settings.throttle_writes_per_address_per_minute)
    return WriteThrottle(settings.throttle_writes_per_minute,
                         settings.throttle_writes_per_address_per_minute)


def _participant_keys(request: Request) -> list[str]:
    """Keys of who writes: each participant cookie (for this workshop's slug), the facilitator."""
    slug = str(request.path_params.get("slug", ""))[:100]
    keys = [f"participant:{slug}:{hashlib.sha256(token.encode()).hexdigest()[:24]}"
            for token in participant_tokens(request)]
    facilitator = request.session.get("facilitator_id")
    if facilitator is not None:
        keys.append(f"facilitator:{facilitator}")
    return keys


async def throttle_writes(request: Request) -> None:
    """FastAPI dependency: refuse a write past the limits with 429 and ``Retry-After``.

    Put it after the CSRF check, so a forged request does not use the quota.
    """
    throttle: WriteThrottle | DatabaseWriteThrottle = request.app.state.write_throttle
    if not throttle.enabled:
        return
    address = request.client.host if request.client else "?"
    keys = _participant_keys(request)
    if throttle.blocking:
        wait = await anyio.to_thread.run_sync(throttle.admit, keys, address)
    else:
        wait = throttle.admit(keys, address)
    if wait:
        raise HTTPException(status_code=429, detail=TOO_MANY_WRITES.format(seconds=wait),
                            headers={"Retry-After": str(wait)})


THROTTLED_FORM = [Depends(require_csrf), Depends(throttle_writes)]
"""Dependencies of a form that writes a contribution, a vote or points: CSRF, then throttle."""
