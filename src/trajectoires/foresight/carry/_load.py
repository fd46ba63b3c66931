"""Load an archive into this instance: every value checked, everything in one transaction.

Rules (documented in ``docs/workshops.md``):

- the workshop keeps its name (slug) unless ``slug`` is given;
- a workshop with that name which is the same workshop (same kind and creation time,
  to the microsecond) and holds the same content: nothing to do, nothing changes —
  importing twice is harmless;
- the same workshop whose content has diverged since, or another workshop under that
  name: refused, nothing changes; ``slug`` imports a separate copy;
- a join code already used by another workshop: the import draws a new one and says so;
- participants get a fresh random token: nobody can log in as them on this instance.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import bindparam, func, insert, select, text, update
from sqlalchemy.exc import DBAPIError, IntegrityError
from sqlalchemy.orm import Session

from trajectoires.foresight.carry._archive import Archive
from trajectoires.foresight.carry._dump import dump_workshop
from trajectoires.foresight.carry._messages import ArchiveError
from trajectoires.foresight.carry._tables import TABLES, CarriedTable
from trajectoires.foresight.carry._values import checker
from trajectoires.foresight.models import Facilitator, Workshop

__all__ = ["ImportOutcome", "load_archive"]

_SLUG = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")


@dataclass(frozen=True)
class ImportOutcome:
    """What an import did: ``created`` is false when the workshop was already there."""

    slug: str
    title: str
    created: bool
    join_code: str
    join_code_changed: bool
    counts: dict[str, int]


@dataclass
class _Context:
    facilitator_id: int
    ids: dict[str, dict[int, int]]
    created: dict[str, list[int]] = field(default_factory=dict)


def _facilitator(session: Session, email: str | None) -> int:
    if email:
        found = session.scalar(select(Facilitator.id).where(
            func.lower(Facilitator.email) == email.strip().lower()))
        if found is None:
            raise ArchiveError("unknown_facilitator", email=email)
        return found
    ids = session.scalars(select(Facilitator.id).limit(2)).all()
    if not ids:
        raise ArchiveError("no_facilitator")
    if len(ids) > 1:
        raise ArchiveError("many_facilitators")
    return ids[0]


def _checked_rows(carried: CarriedTable, rows: list[dict], known: dict[str, set]) -> list[dict]:
    """Check the rows of one table: known columns, typed values, references to archived rows."""
    name = f"data/{carried.name}.json"
    checks = {c.name: checker(c) for c in carried.table.columns if c.name not in carried.omit}
    targets = {key: known.get(target, set()) for key, target in carried.refs.items()}
    out = []
    for number, row in enumerate(rows, start=1):
        where = {"name": name, "row": number}
        if not row.keys() <= checks.keys():
            raise ArchiveError("archive_bad_value", column=sorted(row.keys() - checks.keys())[0],
                               detail="colonne inconnue de cette version", **where)
        clean = {key: checks[key](value, where) for key, value in row.items()}
        for key, ids in targets.items():
            value = clean.get(key)
            if value is not None and value not in ids:
                raise ArchiveError("archive_bad_ref", column=key, value=value, **where)
        out.append(clean)
    if carried.keyed:
        ids = [row.get("id") for row in out]
        if None in ids or len(set(ids)) != len(ids):
            raise ArchiveError("archive_bad_value", column="id", detail="identifiants manquants "
                               "ou en double", name=name, row="-")
    return out


def _known_ids(archive: Archive) -> dict[str, set]:
    keyed = {t.name for t in TABLES if t.keyed}
    known = {name: {row.get("id") for row in rows} for name, rows in archive.dump.items()
             if name in keyed}
    return {**known, "facilitator": {1}}


def _same_content(session: Session, workshop_id: int, archive: Archive) -> bool:
    """Return whether the workshop here holds what the archive holds.

    The slug, the join code and the ``local`` columns of each table do not count.
    """
    here = dump_workshop(session, workshop_id)
    for carried in TABLES:
        if not carried.compare:
            continue
        theirs = archive.dump.get(carried.name, [])
        ours = here.get(carried.name, [])
        ignored = set(carried.local) | ({"slug", "join_code"} if carried.name == "workshop"
                                        else set())
        keys = [sorted(set(row) - ignored) for row in theirs]
        if len(ours) != len(theirs) or any(
                {k: a.get(k) for k in key} != {k: b.get(k) for k in key}
                for a, b, key in zip(ours, theirs, keys, strict=True)):
            return False
    return True


def _existing(session: Session, slug: str, origin: dict, archive: Archive) -> bool:
    """Return whether the archive is already here; raise if the name is taken otherwise."""
    row = session.scalar(select(Workshop).where(Workshop.slug == slug))
    if row is None:
        return False
    created = checker(Workshop.__table__.c.created_at)(
        origin.get("created_at"), {"name": "data/workshop.json", "row": 1})
    same_origin = row.kind == origin["kind"] and row.created_at == created
    if not same_origin:
        raise ArchiveError("slug_taken", slug=slug)
    if not _same_content(session, row.id, archive):
        raise ArchiveError("already_diverged", slug=slug)
    return True


def _free_join_code(session: Session, code: str) -> tuple[str, bool]:
    from trajectoires.foresight.workshops import generate_join_code

    taken = session.scalar(select(Workshop.id).where(Workshop.join_code == code))
    if taken is None:
        return code, False
    while True:
        fresh = generate_join_code()
        if session.scalar(select(Workshop.id).where(Workshop.join_code == fresh)) is None:
            return fresh, True


def _prepared(carried: CarriedTable, rows: list[dict], ctx: _Context,
              done: set[str]) -> list[dict]:
    """Return the rows as inserted: no archive id, references mapped or left empty, fills."""
    ready = {column: ctx.ids[target] for column, target in carried.refs.items()
             if target in done}
    waiting = [column for column, target in carried.refs.items() if target not in done]
    prepared = []
    for row in rows:
        values = {k: v for k, v in row.items() if not (k == "id" and carried.keyed)}
        for column, mapping in ready.items():
            if values.get(column) is not None:
                values[column] = mapping[values[column]]
        for column in waiting:
            values[column] = None
        for column, make in carried.fill.items():
            values[column] = make(ctx)
        prepared.append(values)
    return prepared


def _insert(session: Session, carried: CarriedTable, rows: list[dict], ctx: _Context,
            done: set[str]) -> None:
    """Insert one table's rows; references to tables not inserted yet wait for ``_finish``."""
    if not rows:
        ctx.ids[carried.name] = {}
        return
    prepared = _prepared(carried, rows, ctx, done)
    table = carried.table
    if carried.identity:
        ctx.ids[carried.name] = {}
        for row, values in zip(rows, prepared, strict=True):
            new_id, created = _reuse_or_insert(session, table, carried, values)
            ctx.ids[carried.name][row["id"]] = new_id
            if created:
                ctx.created.setdefault(carried.name, []).append(new_id)
    elif carried.keyed:
        new_ids = _allocate(session, table, len(prepared))
        for values, new in zip(prepared, new_ids, strict=True):
            values["id"] = new
        session.execute(insert(table), prepared)  # one executemany
        ctx.created[carried.name] = new_ids
        ctx.ids[carried.name] = {row["id"]: new for row, new in zip(rows, new_ids, strict=True)}
    else:
        session.execute(insert(table), prepared)  # one executemany


def _allocate(session: Session, table: Any, count: int) -> list[int]:  # noqa: ANN401
    """Draw ``count`` new ids of ``table``, increasing, so rows keep the archive's order.

    PostgreSQL: from the column's sequence (safe with other writers). SQLite: after the
    largest id; after the first insert the transaction holds the write lock, so only the
    workshop's own row could meet another writer's, and then the import is refused whole.
    """
    if session.get_bind().dialect.name == "postgresql":
        query = text("select nextval(pg_get_serial_sequence(:t, 'id')) "
                     "from generate_series(1, :n)")
        return sorted(session.scalars(query, {"t": table.name, "n": count}).all())
    start = session.scalar(select(func.coalesce(func.max(table.c.id), 0)))
    return list(range(start + 1, start + 1 + count))


def _reuse_or_insert(session: Session, table: Any, carried: CarriedTable,  # noqa: ANN401
                     values: dict) -> tuple[int, bool]:
    """Return the id of the row with the same ``identity`` here, else insert ``values``.

    The flag says whether the row was inserted.
    """
    match = [table.c[k].is_(None) if values.get(k) is None else table.c[k] == values[k]
             for k in carried.identity]
    found = session.scalar(select(table.c.id).where(*match))
    if found is not None:
        return found, False
    for column in (c for c in table.columns if c.unique and values.get(c.name) is not None):
        if session.scalar(select(table.c.id).where(column == values[column.name])) is not None:
            raise ArchiveError("row_name_taken", label=carried.label.lower(),
                               value=values[column.name])
    return session.execute(insert(table).returning(table.c.id), values).scalar_one(), True


def _finish(session: Session, carried: CarriedTable, rows: list[dict], ctx: _Context, *,
            kind: str, inserted_before: set[str]) -> None:
    """Set the references that had to wait (to later tables, to the same table, in payloads)."""
    late = [c for c, target in carried.refs.items() if target not in inserted_before]
    if not carried.keyed or not (late or carried.remap):
        return
    def lookup(name: str, old: Any) -> Any:  # noqa: ANN401
        return ctx.ids.get(name, {}).get(old)

    table = carried.table
    batches: dict[tuple[str, ...], list[dict]] = {}
    for row in rows:
        changes = {c: lookup(carried.refs[c], row[c]) for c in late if row.get(c) is not None}
        if carried.remap is not None:
            remapped = carried.remap(row, lookup, kind)
            changes.update({k: v for k, v in remapped.items() if v != row.get(k)})
        if changes:
            batches.setdefault(tuple(sorted(changes)), []).append(
                {"row_id": ctx.ids[carried.name][row["id"]],
                 **{f"new_{k}": v for k, v in changes.items()}})
    for columns, params in batches.items():  # one executemany per set of changed columns
        statement = (update(table).where(table.c.id == bindparam("row_id"))
                     .values({c: bindparam(f"new_{c}", type_=table.c[c].type) for c in columns}))
        session.connection().execute(statement, params)


def load_archive(session: Session, archive: Archive, *, facilitator_email: str | None = None,
                 slug: str | None = None) -> ImportOutcome:
    """Import ``archive`` in one transaction (``session`` must have none in progress).

    Raises
    ------
    ArchiveError
        Anything wrong with the archive or a clash with this instance; nothing is kept.

    """
    known = {t.name for t in TABLES}
    for name in archive.dump:
        if name not in known:
            raise ArchiveError("archive_unknown_table", name=str(name)[:80])
    if len(archive.dump.get("workshop", [])) != 1:
        raise ArchiveError("archive_bad_data", name="data/workshop.json",
                           detail="un atelier et un seul est attendu")
    try:
        with session.begin():
            return _load(session, archive, facilitator_email, slug)
    except (IntegrityError, DBAPIError) as exc:
        detail = str(exc.orig).splitlines()[0][:200] if exc.orig else str(exc)[:200]
        raise ArchiveError("archive_bad_data", name="(base de données)", detail=detail) from None


def _check_kind(origin: dict, contributions: list[dict]) -> None:
    """Refuse a kind, a phase or a contribution type this version does not know."""
    from trajectoires.foresight.errors import ForesightError
    from trajectoires.foresight.kinds import get_kind

    try:
        kind = get_kind(origin.get("kind", ""))
    except ForesightError:
        raise ArchiveError("archive_unknown_kind", kind=origin.get("kind")) from None
    try:
        kind.phase(origin.get("status", ""))
    except ForesightError as error:
        raise ArchiveError("archive_bad_value", name="data/workshop.json", row=1,
                           column="status", detail=error.message) from None
    types = {t.key for t in kind.contribution_types}
    for number, row in enumerate(contributions, start=1):
        if row.get("type") not in types:
            raise ArchiveError("archive_bad_value", name="data/contributions.json", row=number,
                               column="type", detail=f"type « {row.get('type')} » inconnu de "
                               f"l'atelier {kind.label}")


def _load(session: Session, archive: Archive, email: str | None,
          slug: str | None) -> ImportOutcome:
    known = _known_ids(archive)
    checked = {t.name: _checked_rows(t, archive.dump.get(t.name, []), known) for t in TABLES}
    origin = checked["workshop"][0]
    _check_kind(origin, checked["contributions"])
    target = slug or origin["slug"]
    if not _SLUG.match(target) or len(target) > 80:
        raise ArchiveError("bad_slug", slug=target)
    counts = {name: len(rows) for name, rows in checked.items()}
    if _existing(session, target, archive.dump["workshop"][0], archive):
        return ImportOutcome(target, origin["title"], False, "", False, counts)
    owner = _facilitator(session, email)
    ctx = _Context(owner, {"facilitator": {1: owner}})
    code, changed = _free_join_code(session, origin["join_code"])
    checked["workshop"][0] = {**origin, "slug": target, "join_code": code}
    done: set[str] = {"facilitator"}
    order: list[tuple[CarriedTable, set[str]]] = []
    for carried in TABLES:
        _insert(session, carried, checked[carried.name], ctx, done)
        order.append((carried, set(done)))
        done.add(carried.name)
    for carried, before in order:
        _finish(session, carried, checked[carried.name], ctx, kind=origin["kind"],
                inserted_before=before)
    for carried in TABLES:
        if carried.on_import is not None and ctx.created.get(carried.name):
            carried.on_import(session, ctx.created[carried.name])
    return ImportOutcome(target, origin["title"], True, code, changed, counts)
