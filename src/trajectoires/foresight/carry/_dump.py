"""A workshop as plain data: one list of rows per carried table, ids renumbered.

:func:`dump_workshop` is the one reading of a workshop that the export, the check
that an import is already there and the public open data share. Rows are JSON
values only (timestamps as ISO 8601 text in UTC), keyed ids are renumbered 1, 2, 3…
in the order of the source's ids, references follow, and rows without their own id
are sorted by their key: two instances holding the same workshop give the same dump.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import ColumnElement, select
from sqlalchemy.orm import Session

from trajectoires.foresight.carry._tables import TABLES, CarriedTable, table

__all__ = ["Dump", "dump_workshop", "encode", "scope_clause"]

Dump = dict[str, list[dict[str, Any]]]


def encode(value: Any) -> Any:  # noqa: ANN401 (column values)
    """Return a column value as JSON: timestamps in UTC ISO 8601, dates ISO, others as they are.

    >>> encode(datetime(2026, 12, 2, 9, 30))
    '2026-12-02T09:30:00+00:00'
    >>> encode(date(2030, 10, 1)), encode(3), encode(None)
    ('2030-10-01', 3, None)
    """
    if isinstance(value, datetime):
        aware = value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)
        return aware.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return value


def scope_clause(carried: CarriedTable, workshop_id: int) -> ColumnElement[bool]:
    """Return the condition selecting the rows of ``carried`` that belong to the workshop."""
    columns = carried.table.c
    if carried.where is not None:
        return carried.where(workshop_id)
    if carried.scope == "id":
        return columns.id == workshop_id
    if carried.scope == "workshop_id":
        return columns.workshop_id == workshop_id
    parent = table(carried.refs[carried.scope])
    inner = select(parent.table.c.id).where(scope_clause(parent, workshop_id))
    return columns[carried.scope].in_(inner)


def _fetch(session: Session, carried: CarriedTable, workshop_id: int) -> list[dict[str, Any]]:
    query = select(carried.table).where(scope_clause(carried, workshop_id))
    if carried.keyed:
        query = query.order_by(carried.table.c.id)
    result = session.execute(query)
    keys = list(result.keys())
    return [dict(zip(keys, row, strict=True)) for row in result]


def dump_workshop(session: Session, workshop_id: int) -> Dump:
    """Read every carried row of a workshop (in the caller's transaction).

    Returns
    -------
    dict
        Table name → rows (dicts of the carried columns), ids renumbered from 1.

    """
    raw = {t.name: _fetch(session, t, workshop_id) for t in TABLES}
    numbers = {
        t.name: {row["id"]: rank for rank, row in enumerate(raw[t.name], start=1)}
        for t in TABLES if t.keyed
    }
    numbers["facilitator"] = {row["facilitator_id"]: 1 for row in raw["workshop"]}

    def lookup(name: str, old: Any) -> Any:  # noqa: ANN401
        return numbers.get(name, {}).get(old)

    kind = raw["workshop"][0]["kind"] if raw["workshop"] else ""
    dump: Dump = {}
    for carried in TABLES:
        columns = carried.columns
        rows = [_renumber(carried, columns, row, lookup, kind) for row in raw[carried.name]]
        if not carried.keyed:
            keys = [c.name for c in carried.table.primary_key.columns]
            rows.sort(key=lambda row: tuple(row[k] for k in keys))
        dump[carried.name] = rows
    return dump


def _renumber(carried: CarriedTable, columns: list[str], row: dict[str, Any],
              lookup: Any, kind: str) -> dict:  # noqa: ANN401
    out: dict[str, Any] = {}
    refs = carried.refs
    for name in columns:
        value = row[name]
        if name == "id" and carried.keyed:
            value = lookup(carried.name, value)
        elif value is not None and name in refs:
            value = lookup(refs[name], value)
        out[name] = encode(value) if isinstance(value, date) else value
    if carried.remap is not None:
        out = carried.remap(out, lookup, kind)
    return out
