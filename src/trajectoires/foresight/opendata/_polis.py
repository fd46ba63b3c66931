"""A published debate in the Pol.is format, from its public tables only.

Reuses the collective engine's Pol.is writer (:func:`trajectoires.collective.write_polis`):
the four files Pol.is users know, participants and statements under their public
numbers, visible statements only, the opinion groups computed on those votes.
"""

from __future__ import annotations

import tempfile
from datetime import datetime
from pathlib import Path
from typing import Any

__all__ = ["polis_files"]


def _millis(text: str | None) -> float | None:
    return datetime.fromisoformat(text).timestamp() * 1000.0 if text else None


def polis_files(tables: dict[str, list[dict[str, Any]]], topic: str) -> dict[str, bytes]:
    """Return ``polis/*.csv`` of a debate's public tables (nothing if nobody voted)."""
    from trajectoires.collective import VoteTable, analyse, write_polis
    from trajectoires.collective._polis import Comment

    statements = [c for c in tables.get("contributions", []) if c.get("type") == "statement"]
    ids = {c["id"] for c in statements}
    votes = [v for v in tables.get("votes", []) if v["contribution_id"] in ids]
    if not votes:
        return {}
    table = VoteTable.from_arrays(
        [v["participant_id"] for v in votes], [v["contribution_id"] for v in votes],
        [v["value"] for v in votes], [_millis(v.get("updated_at")) for v in votes],
        statements=sorted(ids))
    comments = tuple(Comment(c["id"], c["text"], c.get("participant_id"),
                             _millis(c.get("created_at")), 1) for c in statements)
    with tempfile.TemporaryDirectory() as folder:
        write_polis(folder, table, result=analyse(table), comments=comments,
                    summary={"topic": topic})
        return {f"polis/{path.name}": path.read_bytes()
                for path in sorted(Path(folder).iterdir())}
