"""Write services on SQLite: one writer at a time in this process, retry when locked.

SQLite lets one writer at a time. When many threads of one server write at once,
SQLite's own busy handler makes them poll with growing sleeps (up to 100 ms), which
gives long latency tails and, past ``busy_timeout``, "database is locked" errors. So
write services hold a process-wide lock on SQLite (PostgreSQL needs none), and when
another *process* holds the database, the whole use case runs again: each service
owns its transaction, so retrying it is safe.
"""

from __future__ import annotations

import functools
import random
import threading
import time
from collections.abc import Callable
from typing import Concatenate, ParamSpec, TypeVar

from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

__all__ = ["retry_when_locked"]

P = ParamSpec("P")
R = TypeVar("R")
ATTEMPTS = 50
_SQLITE_WRITER = threading.Lock()


def _locked(error: OperationalError) -> bool:
    return "database is locked" in str(error.orig) or "database is busy" in str(error.orig)


def _attempts(function: Callable[..., R], *args: object, **kwargs: object) -> R:
    for attempt in range(ATTEMPTS):
        try:
            return function(*args, **kwargs)
        except OperationalError as error:
            if not _locked(error) or attempt == ATTEMPTS - 1:
                raise
            time.sleep(random.uniform(0.001, 0.005) * (1 + attempt))  # noqa: S311
    raise AssertionError("unreachable")


def retry_when_locked(
    function: Callable[Concatenate[Session, P], R],
) -> Callable[Concatenate[Session, P], R]:
    """Serialize the write service ``function(session, ...)`` on SQLite; retry when locked."""

    @functools.wraps(function)
    def wrapper(session: Session, *args: P.args, **kwargs: P.kwargs) -> R:
        if session.get_bind().dialect.name != "sqlite":
            return function(session, *args, **kwargs)
        with _SQLITE_WRITER:
            return _attempts(function, session, *args, **kwargs)

    return wrapper
