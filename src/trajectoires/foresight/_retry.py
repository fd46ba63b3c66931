"""Retry a whole use case when SQLite refuses a write transaction ("database is locked").

In WAL mode SQLite lets one writer at a time; a transaction that read first and then
writes fails at once (``SQLITE_BUSY``, no busy wait) when another writer committed
meanwhile. Each service owns its transaction, so running it again is safe.
"""

from __future__ import annotations

import functools
import random
import time
from collections.abc import Callable
from typing import ParamSpec, TypeVar

from sqlalchemy.exc import OperationalError

__all__ = ["retry_when_locked"]

P = ParamSpec("P")
R = TypeVar("R")
ATTEMPTS = 50


def _locked(error: OperationalError) -> bool:
    return "database is locked" in str(error.orig) or "database is busy" in str(error.orig)


def retry_when_locked(function: Callable[P, R]) -> Callable[P, R]:
    """Run ``function`` again (up to 50 times, short random pauses) when SQLite is locked."""

    @functools.wraps(function)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        for attempt in range(ATTEMPTS):
            try:
                return function(*args, **kwargs)
            except OperationalError as error:
                if not _locked(error) or attempt == ATTEMPTS - 1:
                    raise
                time.sleep(random.uniform(0.001, 0.005) * (1 + attempt))  # noqa: S311
        raise AssertionError("unreachable")

    return wrapper
