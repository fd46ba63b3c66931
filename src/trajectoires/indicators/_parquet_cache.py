"""Tables kept in the workspace between server starts (``<workspace>/analysis``).

A file is named after the state of the store it was read from, so an import makes a
new one; writing it removes the files of the same family left by other states.
Writes are atomic (another process may write the same file); a read-only or full
workspace only costs the next start a read of the store.
"""

from __future__ import annotations

import os
import uuid
from pathlib import Path

import pandas as pd

__all__ = ["read_table", "write_table"]


def read_table(path: Path | None) -> pd.DataFrame | None:
    """Return the table kept at ``path``, or None (absent, damaged, or no path)."""
    if path is None or not path.exists():
        return None
    try:
        return pd.read_parquet(path)
    except (OSError, ValueError):  # damaged or half-written by an older version
        return None


def write_table(frame: pd.DataFrame, path: Path, family: str | None = None) -> None:
    """Write ``frame`` at ``path``; then remove the other ``family*.parquet`` files there."""
    partial = path.with_name(f".partiel-{uuid.uuid4().hex}-{path.name}")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        frame.to_parquet(partial)
        os.replace(partial, path)
        if family is not None:
            for old in path.parent.glob(f"{family}*.parquet"):
                if old != path:
                    old.unlink(missing_ok=True)
    except OSError:
        partial.unlink(missing_ok=True)
