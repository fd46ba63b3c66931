"""Open data of published workshops and events, as Frictionless Data Packages.

Following the Metagov interoperable-deliberation notes (``FORESIGHT.md`` §4.4): flat
files (CSV and JSON) at a stable address, a licence, a data card and a data
dictionary; debates also in the Pol.is format. Only what is published is exported
(:func:`trajectoires.foresight.publication.is_published`), and of it only the public
part (:mod:`._public`): pseudonyms, never e-mails, tokens or ids that link a person
across workshops.

- :func:`workshop_files` / :func:`workshop_zip`: ``/archives/{slug}/donnees.zip``;
- :func:`event_zip`: ``/evenements/{slug}/donnees.zip`` (the event, its programme and
  the public data of its published workshops, one ``atelier`` column telling them apart);
- :func:`public_workshop_data`: the same tables as JSON, for the read API.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from trajectoires.foresight.carry import ArchiveError, dump_workshop
from trajectoires.foresight.carry._dump import encode
from trajectoires.foresight.opendata._card import data_card, licence_text
from trajectoires.foresight.opendata._package import (
    build_zip,
    datapackage,
    dictionary_csv,
    table_files,
)
from trajectoires.foresight.opendata._polis import polis_files
from trajectoires.foresight.opendata._public import ANONYMOUS, public_dump

__all__ = [
    "ANONYMOUS",
    "PublicWorkshop",
    "event_zip",
    "public_workshop_data",
    "workshop_files",
    "workshop_zip",
]


@dataclass(frozen=True)
class PublicWorkshop:
    """The public tables of a published workshop, and what its data card says."""

    slug: str
    title: str
    question: str
    kind: str
    territory: str
    licence: str
    published_at: str
    tables: dict[str, list[dict[str, Any]]]
    roles: dict[str, int]
    example: bool


def public_workshop_data(session: Session, slug: str) -> PublicWorkshop:
    """Read the public part of the published workshop ``slug`` (its own transaction).

    Raises
    ------
    ArchiveError
        No workshop has this slug, or it is not published (the message names it).

    """
    from trajectoires.foresight.models import Workshop
    from trajectoires.foresight.publication import is_published

    with session.begin():
        row = session.scalar(select(Workshop).where(Workshop.slug == slug))
        if row is None:
            raise ArchiveError("workshop_not_found", slug=slug)
        if not is_published(row):
            raise ArchiveError("not_published", slug=slug)
        dump = _without_draft_events(dump_workshop(session, row.id))
        published = encode(row.published_at)
    tables = public_dump(dump)
    tables["workshop"] = [{**tables["workshop"][0], "published_at": published,
                           "licence": row.licence}]
    roles = Counter((p.get("role") or "sans rôle déclaré") for p in dump["participants"]
                    if not p.get("erased_at"))
    return PublicWorkshop(row.slug, row.title, row.question, row.kind,
                          f"{row.territory_name} ({row.territory_code})", row.licence,
                          published, tables, dict(sorted(roles.items())), bool(row.example))


def _without_draft_events(dump: dict) -> dict:
    """Leave out the workshop's event while it is a draft, and its programme."""
    drafts = {e["id"] for e in dump.get("events", []) if not e.get("published_at")}
    if not drafts:
        return dump
    return {**dump, "events": [e for e in dump["events"] if e["id"] not in drafts],
            "event_items": [i for i in dump.get("event_items", []) if i["event_id"] not in drafts],
            "event_files": []}


def workshop_files(session: Session, slug: str, *, base_url: str = "") -> dict[str, bytes]:
    """Return the files of the open-data package of the published workshop ``slug``."""
    data = public_workshop_data(session, slug)
    url = f"{base_url}/archives/{slug}"
    package = datapackage(
        f"trajectoires-{slug}", data.title, data.licence, data.tables,
        {"id": f"{url}/donnees.zip", "homepage": url, "created": data.published_at,
         "description": data.question, "keywords": ["prospective", "participation", data.kind],
         "sources": [{"title": "Trajectoires", "path": url}]},
    )
    files = {
        "datapackage.json": _json(package),
        "donnees.json": _json({"datapackage": package["name"], **data.tables}, indent=None),
        "dictionnaire.csv": dictionary_csv(data.tables),
        "LISEZMOI.md": data_card(data, url).encode("utf-8"),
        "LICENCE.md": licence_text(data.licence, data.title, url).encode("utf-8"),
        **table_files(data.tables),
    }
    if data.kind == "debate":
        files.update(polis_files(data.tables, data.question))
    return files


def workshop_zip(session: Session, slug: str, *, base_url: str = "") -> bytes:
    """Return ``donnees.zip`` of the published workshop ``slug``."""
    return build_zip(workshop_files(session, slug, base_url=base_url))


def event_zip(session: Session, slug: str, *, base_url: str = "") -> bytes:
    """Return ``donnees.zip`` of the event ``slug`` and its published workshops.

    Raises
    ------
    ArchiveError
        No event has this slug.

    """
    from trajectoires.foresight.events.models import Event
    from trajectoires.foresight.models import Workshop
    from trajectoires.foresight.opendata._event import event_tables

    with session.begin():
        event = session.scalar(select(Event).where(Event.slug == slug))
        if event is None or event.published_at is None:  # a draft is not public
            raise ArchiveError("event_not_found", slug=slug)
        title, licence = event.title, "etalab-2.0"
        slugs = session.scalars(select(Workshop.slug).join_from(
            Workshop, _items(), _items().c.workshop_id == Workshop.id).where(
            _items().c.event_id == event.id).order_by(_items().c.position)).all()
    workshops = []
    for workshop_slug in slugs:
        try:
            workshops.append(public_workshop_data(session, workshop_slug))
        except ArchiveError:
            continue  # not published: nothing of it is public
    tables = event_tables(session, slug, workshops)
    url = f"{base_url}/evenements/{slug}"
    package = datapackage(f"trajectoires-evenement-{slug}", title, licence, tables,
                          {"id": f"{url}/donnees.zip", "homepage": url,
                           "keywords": ["prospective", "événement"]})
    return build_zip({
        "datapackage.json": _json(package),
        "donnees.json": _json({"datapackage": package["name"], **tables}, indent=None),
        "dictionnaire.csv": dictionary_csv(tables),
        "LICENCE.md": licence_text(licence, title, url).encode("utf-8"),
        **table_files(tables),
    })


def _items() -> Any:  # noqa: ANN401
    from trajectoires.foresight.events.models import EventItem

    return EventItem.__table__


def _json(value: Any, indent: int | None = 1) -> bytes:  # noqa: ANN401
    """Return JSON text; ``indent=None`` for the large data file (the C encoder, compact)."""
    separators = (",", ":") if indent is None else None
    return (json.dumps(value, ensure_ascii=False, indent=indent, separators=separators)
            + "\n").encode()
