"""What a workshop is made of, declared once: one :class:`CarriedTable` per database table.

The export, the import, the comparison of two instances and the public open data
all walk :data:`TABLES`, in this order (a table comes after every table it points
to, except the references marked as deferred below). Adding a table to a workshop
means adding one declaration with :func:`register`, nothing else:

- ``scope`` says how its rows belong to a workshop: a ``workshop_id`` column (the
  default), or a reference column to a table declared before it;
- ``refs`` maps each column holding the id of another carried row to that table's
  name; ids are renumbered 1, 2, 3… in the archive and drawn afresh on import;
- ``omit`` lists the columns never written (secrets, e-mails, the owner's id) and
  ``fill`` how to fill them on import (a new random token, the importing facilitator);
- ``remap`` rewrites ids held inside a JSON column (references between contributions
  in their payload).

Examples
--------
>>> [t.name for t in TABLES][:3]
['workshop', 'tables', 'participants']
>>> table("participants").omit
('token_hash',)

"""

from __future__ import annotations

import secrets
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Table

from trajectoires.foresight.models import (
    Contribution,
    Participant,
    PriorityPoints,
    Vote,
    Workshop,
    WorkshopTable,
)

__all__ = ["TABLES", "CarriedTable", "Lookup", "register", "table"]

Lookup = Callable[[str, Any], Any]
"""``lookup(table_name, id)``: the id of that row on the other side (``None`` if unknown)."""


@dataclass(frozen=True)
class CarriedTable:
    """How one table of a workshop is carried from one instance to another.

    ``name`` names its file in the archive (``data/NAME.json``) and in the open data;
    ``public`` lists the columns published in the open data (``None``: not published);
    ``label`` and ``description`` (French) go to the data dictionary; ``local`` lists
    columns an instance changes on its own after an import (publication): carried, but
    not compared when deciding whether an archive was already imported.
    """

    name: str
    model: type
    label: str
    scope: str = "workshop_id"
    refs: Mapping[str, str] = field(default_factory=dict)
    omit: tuple[str, ...] = ()
    fill: Mapping[str, Callable[[Any], Any]] = field(default_factory=dict)
    remap: Callable[[dict[str, Any], Lookup, str], dict[str, Any]] | None = None
    public: tuple[str, ...] | None = None
    description: str = ""
    local: tuple[str, ...] = ()

    @property
    def table(self) -> Table:
        """The SQLAlchemy table."""
        return self.model.__table__

    @property
    def keyed(self) -> bool:
        """Whether rows have their own integer ``id`` (renumbered in the archive)."""
        keys = [c.name for c in self.table.primary_key.columns]
        return keys == ["id"]

    @property
    def columns(self) -> list[str]:
        """Carried columns, in the table's order."""
        return [c.name for c in self.table.columns if c.name not in self.omit]


TABLES: list[CarriedTable] = []


def register(carried: CarriedTable) -> CarriedTable:
    """Add a table to what a workshop is made of (after those it points to).

    Raises
    ------
    ValueError
        The name is taken, or ``scope`` / ``refs`` name a table not declared before.

    """
    names = {t.name for t in TABLES}
    if carried.name in names:
        raise ValueError(f"carried table {carried.name!r} declared twice")
    scope_target = carried.refs.get(carried.scope)
    if carried.scope not in ("id", "workshop_id") and scope_target not in names:
        raise ValueError(f"{carried.name}: scope {carried.scope!r} is no reference to a table")
    TABLES.append(carried)
    return carried


def table(name: str) -> CarriedTable:
    """Return the declaration named ``name``."""
    for carried in TABLES:
        if carried.name == name:
            return carried
    raise KeyError(name)


def _payload_refs(row: dict[str, Any], lookup: Lookup, kind: str) -> dict[str, Any]:
    """Rewrite the ``ref`` / ``refs`` fields of a contribution's payload with ``lookup``."""
    from trajectoires.foresight.errors import ForesightError
    from trajectoires.foresight.kinds import get_kind

    payload = row.get("payload")
    if not isinstance(payload, dict):
        return row
    try:
        ctype = get_kind(kind).contribution_type(row["type"])
    except ForesightError:
        return row
    changed = dict(payload)
    for spec in ctype.fields:
        value = payload.get(spec.name)
        if spec.kind == "refs" and isinstance(value, list):
            mapped = (lookup("contributions", v) for v in value)
            changed[spec.name] = sorted(v for v in mapped if v is not None)
        elif spec.kind == "ref" and value is not None:
            changed[spec.name] = lookup("contributions", value)
    return {**row, "payload": changed}


def _new_token(_context: Any) -> str:  # noqa: ANN401
    return secrets.token_hex(32)


def _owner(context: Any) -> int:  # noqa: ANN401
    return context.facilitator_id


register(CarriedTable(
    "workshop", Workshop, "Atelier", scope="id", omit=("facilitator_id",),
    fill={"facilitator_id": _owner},
    public=("id", "slug", "title", "question", "territory_kind", "territory_code",
            "territory_name", "kind", "status", "created_at", "example"),
    description="L'atelier : sa question, son territoire, son type et sa phase.",
))
register(CarriedTable(
    "tables", WorkshopTable, "Tables", refs={"workshop_id": "workshop"},
    public=("id", "name"),
    description="Les tables (petits groupes) de l'atelier.",
))
register(CarriedTable(
    "participants", Participant, "Participants",
    refs={"workshop_id": "workshop", "table_id": "tables", "actor_id": "contributions"},
    omit=("token_hash",), fill={"token_hash": _new_token},
    public=("id", "pseudonym", "table_id"),
    description="Les participants, sous leur pseudonyme seulement, numérotés dans l'atelier.",
))
register(CarriedTable(
    "contributions", Contribution, "Contributions",
    refs={"workshop_id": "workshop", "participant_id": "participants", "parent_id":
          "contributions", "table_id": "tables", "merged_into_id": "contributions"},
    remap=_payload_refs,
    public=("id", "type", "text", "payload", "participant_id", "table_id", "parent_id",
            "on_paper", "created_at", "updated_at"),
    description="Les contributions visibles : titres, jalons, facteurs, cibles, actions…",
))
register(CarriedTable(
    "votes", Vote, "Votes", scope="contribution_id",
    refs={"participant_id": "participants", "contribution_id": "contributions"},
    public=("participant_id", "contribution_id", "value", "updated_at"),
    description="Le dernier vote de chaque participant : 1 d'accord, -1 pas d'accord, 0 passe.",
))
register(CarriedTable(
    "priority_points", PriorityPoints, "Points de priorité", scope="contribution_id",
    refs={"participant_id": "participants", "contribution_id": "contributions"},
    public=("participant_id", "contribution_id", "points", "updated_at"),
    description="Les points de priorité répartis par chaque participant.",
))
