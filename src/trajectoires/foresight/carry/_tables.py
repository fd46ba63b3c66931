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

import functools
import secrets
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Table, and_, or_, select

from trajectoires.foresight.events.models import TALK, Event, EventFile, EventItem
from trajectoires.foresight.history_models import Comment, ContributionVersion
from trajectoires.foresight.models import (
    Contribution,
    Participant,
    PriorityPoints,
    Vote,
    Workshop,
    WorkshopTable,
)

__all__ = ["NOT_CARRIED", "TABLES", "CarriedTable", "Lookup", "register", "table"]

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

    A table whose rows live beyond the workshop (an event and its programme) gives
    ``where`` (the condition selecting them from a workshop id), ``identity`` (the
    columns by which a row already on the importing instance is recognised and
    reused, not inserted again) and ``compare=False`` (it may change on its own
    without the workshop diverging). ``on_import(session, new_ids)`` runs after the
    rows an import inserted (to index a new event for the search, say). The
    pseudo-table ``facilitator`` stands for the workshop's facilitator: id 1 in the
    archive, the importing account on import.
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
    where: Callable[[int], Any] | None = None
    identity: tuple[str, ...] = ()
    compare: bool = True
    on_import: Callable[[Any, list[int]], None] | None = None

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

NOT_CARRIED: dict[str, str] = {
    "facilitator": "accounts: the workshop is given to an account of the importing instance",
    "facilitator_login": "logged-in browsers of facilitators",
    "visitor_email": "visitors' e-mails: personal data, never exported",
    "opinion_snapshot": "a cache of the debate's opinion groups, recomputed from the votes",
    "search_document": "the search index, rebuilt by the instance that publishes",
    "search_document_territory": "the search index, rebuilt by the instance that publishes",
}
"""Tables that point at a workshop's rows but are deliberately not carried, and why.

``tests/foresight/test_carry.py`` fails when a table pointing at a workshop, a
participant, a contribution or an event is neither carried nor listed here.
"""


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
    if (carried.where is None and carried.scope not in ("id", "workshop_id")
            and scope_target not in names):
        raise ValueError(f"{carried.name}: scope {carried.scope!r} is no reference to a table")
    TABLES.append(carried)
    return carried


def table(name: str) -> CarriedTable:
    """Return the declaration named ``name``."""
    for carried in TABLES:
        if carried.name == name:
            return carried
    raise KeyError(name)


@functools.cache
def _ref_fields(kind: str, ctype: str | None) -> dict[str, str]:
    """Payload fields holding contribution ids: name -> ``ref`` or ``refs``.

    Without ``ctype`` (a version, which does not repeat its type), those of every type.
    """
    from trajectoires.foresight.errors import ForesightError
    from trajectoires.foresight.kinds import get_kind

    try:
        types = get_kind(kind).contribution_types
    except ForesightError:
        return {}
    return {f.name: f.kind for t in types if ctype is None or t.key == ctype
            for f in t.fields if f.kind in ("ref", "refs")}


def _map_refs(payload: Any, fields: dict[str, str], lookup: Lookup) -> Any:  # noqa: ANN401
    if not isinstance(payload, dict):
        return payload
    changed = dict(payload)
    for name, kind in fields.items():
        value = payload.get(name)
        if kind == "refs" and isinstance(value, list):
            mapped = (lookup("contributions", v) for v in value)
            changed[name] = sorted(v for v in mapped if v is not None)
        elif kind == "ref" and value is not None and not isinstance(value, list):
            changed[name] = lookup("contributions", value)
    return changed


def _payload_refs(row: dict[str, Any], lookup: Lookup, kind: str) -> dict[str, Any]:
    """Rewrite the ``ref`` / ``refs`` fields of a contribution's payload with ``lookup``."""
    fields = _ref_fields(kind, str(row.get("type")))
    return {**row, "payload": _map_refs(row.get("payload"), fields, lookup)}


def _version_refs(row: dict[str, Any], lookup: Lookup, kind: str) -> dict[str, Any]:
    """Rewrite the ids in a version's payload snapshot and in its ``detail``.

    ``detail["from"]``, a contribution of another workshop, is not carried.
    """
    detail = dict(row.get("detail") or {}) if isinstance(row.get("detail"), dict) else {}
    if "into" in detail:
        detail["into"] = lookup("contributions", detail["into"])
    if isinstance(detail.get("merged"), list):
        detail["merged"] = sorted(v for v in (lookup("contributions", m)
                                              for m in detail["merged"]) if v is not None)
    detail.pop("from", None)
    payload = _map_refs(row.get("payload"), _ref_fields(kind, None), lookup)
    return {**row, "payload": payload, "detail": detail}


_TOMBSTONE = "\x01anonyme:"


def _tombstone(row: dict[str, Any], lookup: Lookup, _kind: str) -> dict[str, Any]:
    """Renumber the key of an erased participant, which holds the participant's own id."""
    key = row.get("pseudonym_key")
    if isinstance(key, str) and key.startswith(_TOMBSTONE) and key[len(_TOMBSTONE):].isdigit():
        number = lookup("participants", int(key[len(_TOMBSTONE):]))
        return {**row, "pseudonym_key": f"{_TOMBSTONE}{number}"}
    return row


def _new_token(_context: Any) -> str:  # noqa: ANN401
    return secrets.token_hex(32)


register(CarriedTable(
    "workshop", Workshop, "Atelier", scope="id", refs={"facilitator_id": "facilitator"},
    omit=("published_at",), local=("licence",),
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
    omit=("token_hash",), fill={"token_hash": _new_token}, remap=_tombstone,
    public=("id", "pseudonym", "table_id", "visitor"),
    description="Les participants, sous leur pseudonyme seulement, numérotés dans l'atelier.",
))
register(CarriedTable(
    "contributions", Contribution, "Contributions",
    refs={"workshop_id": "workshop", "participant_id": "participants", "parent_id":
          "contributions", "table_id": "tables", "merged_into_id": "contributions"},
    remap=_payload_refs,
    public=("id", "type", "text", "payload", "participant_id", "table_id", "parent_id",
            "on_paper", "after_session", "created_at", "updated_at"),
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
register(CarriedTable(
    "versions", ContributionVersion, "Versions des contributions",
    refs={"workshop_id": "workshop", "contribution_id": "contributions",
          "participant_id": "participants", "facilitator_id": "facilitator",
          "merged_into_id": "contributions"},
    remap=_version_refs,
    public=("id", "contribution_id", "number", "action", "participant_id", "text", "payload",
            "created_at"),
    description="L'historique de chaque contribution : qui, quand, ce qui a changé.",
))
register(CarriedTable(
    "comments", Comment, "Commentaires",
    refs={"workshop_id": "workshop", "contribution_id": "contributions",
          "participant_id": "participants"},
    public=("id", "contribution_id", "participant_id", "text", "created_at"),
    description="Les commentaires laissés après la publication.",
))


def _events_of(workshop_id: int) -> Any:  # noqa: ANN401
    return Event.id.in_(select(EventItem.event_id).where(EventItem.workshop_id == workshop_id))


def _programme_of(workshop_id: int) -> Any:  # noqa: ANN401
    return and_(EventItem.event_id.in_(
        select(EventItem.event_id).where(EventItem.workshop_id == workshop_id)),
        or_(EventItem.kind == TALK, EventItem.workshop_id == workshop_id))


def _index_events(session: Any, new_ids: list[int]) -> None:  # noqa: ANN401
    """Put the events an import created in the search index, as their creation does."""
    from trajectoires.foresight.events._search import index_event

    for event_id in new_ids:
        index_event(session, session.get(Event, event_id))


register(CarriedTable(
    "events", Event, "Événement", where=_events_of, refs={"facilitator_id": "facilitator"},
    identity=("slug", "created_at"), compare=False, on_import=_index_events,
    public=("id", "slug", "title", "summary", "territory_kind", "territory_code",
            "territory_name", "starts_at", "ends_at", "place", "organisers", "partners"),
    description="L'événement (journée de prospective) dont l'atelier fait partie.",
))
register(CarriedTable(
    "event_items", EventItem, "Programme", where=_programme_of,
    refs={"event_id": "events", "workshop_id": "workshop"},
    identity=("event_id", "kind", "position", "title", "workshop_id"), compare=False,
    public=("id", "event_id", "position", "kind", "title", "speaker", "organisation",
            "summary", "starts_at", "ends_at", "links", "workshop_id"),
    description="Le programme de l'événement : interventions et cet atelier.",
))


def _files_of(workshop_id: int) -> Any:  # noqa: ANN401
    return EventFile.event_id.in_(
        select(EventItem.event_id).where(EventItem.workshop_id == workshop_id))


def _write_files(session: Any, new_ids: list[int]) -> None:  # noqa: ANN401
    from trajectoires.foresight.carry._files import write_event_files

    write_event_files(session, new_ids)


register(CarriedTable(
    "event_files", EventFile, "Fichiers de l'événement", where=_files_of,
    refs={"event_id": "events", "item_id": "event_items"},
    identity=("event_id", "stored_name"), compare=False, on_import=_write_files,
    description="Les fichiers joints à l'événement et à ses interventions (PDF, images) ; "
                "leur contenu est dans files/<sha256> de l'archive.",
))
