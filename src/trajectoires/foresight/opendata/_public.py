"""What of a workshop is public: its carried dump, filtered down to what was published.

Kept: the workshop's public columns, participants by pseudonym only (« Participant·e
anonyme » once they deleted their participation), visible contributions, the votes,
points, versions and visible comments on them, the event and its programme. Dropped:
hidden, pending and merged contributions and every reference to them, moderation
reasons, organisations and roles of people, tokens, e-mails, database ids (everything
is numbered 1, 2, 3… within the workshop by the carry's dump).

Examples
--------
>>> rows = {"contributions": [{"id": 1, "status": "visible", "parent_id": 2},
...                          {"id": 2, "status": "hidden", "parent_id": None}]}
>>> sorted(_visible_ids(rows))
[1]

"""

from __future__ import annotations

from typing import Any

from trajectoires.foresight.carry import TABLES, Dump, table

__all__ = ["ANONYMOUS", "public_dump"]

ANONYMOUS = "Participant·e anonyme"


def _visible_ids(dump: Dump) -> set[int]:
    return {row["id"] for row in dump.get("contributions", []) if row.get("status") == "visible"}


def _keep(name: str, row: dict[str, Any], visible: set[int]) -> bool:
    if name == "contributions":
        return row["id"] in visible
    if name in ("votes", "priority_points"):
        return row["contribution_id"] in visible
    if name == "versions":
        return row["contribution_id"] in visible and row.get("status") == "visible"
    if name == "comments":
        return row["contribution_id"] in visible and row.get("status") == "visible"
    return True


def _clean(name: str, row: dict[str, Any], visible: set[int], kind: str) -> dict[str, Any]:
    """Project ``row`` on the table's public columns; drop references to what is not public."""
    carried = table(name)
    out = {column: row.get(column) for column in carried.public or ()}
    for column, target in carried.refs.items():
        if column in out and target == "contributions" and out[column] not in visible:
            out[column] = None
    if name == "participants" and row.get("erased_at"):
        out["pseudonym"] = ANONYMOUS
    if carried.remap is not None and "payload" in out:
        out = carried.remap({**row, **out}, lambda t, v: v if v in visible else None,
                            kind)
        out = {column: out.get(column) for column in carried.public or ()}
    return out


def public_dump(dump: Dump) -> Dump:
    """Return the public part of a workshop's dump (see the module's docstring).

    Examples
    --------
    >>> dump = {t.name: [] for t in TABLES}
    >>> dump["workshop"] = [{"id": 1, "slug": "a", "kind": "debate", "organisation": "x"}]
    >>> dump["participants"] = [{"id": 1, "pseudonym": "Yann", "erased_at": "2026-12-02",
    ...                          "organisation": "Mairie", "token_hash": "t"}]
    >>> public = public_dump(dump)
    >>> public["participants"]
    [{'id': 1, 'pseudonym': 'Participant·e anonyme', 'table_id': None, 'visitor': None}]
    >>> "organisation" in public["workshop"][0]
    False

    """
    visible = _visible_ids(dump)
    kind = dump["workshop"][0].get("kind", "") if dump.get("workshop") else ""
    out: Dump = {}
    for carried in TABLES:
        if carried.public is None:
            continue
        rows = dump.get(carried.name, [])
        out[carried.name] = [_clean(carried.name, row, visible, kind) for row in rows
                             if _keep(carried.name, row, visible)]
    return out
