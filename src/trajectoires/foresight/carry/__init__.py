"""A workshop carried between instances: from the hall's laptop to the public server.

- :func:`export_workshop` writes a whole workshop (tables, participants under their
  pseudonym only, contributions with their moderation, votes, priority points, and
  every table declared in :mod:`._tables`) to a ZIP with a manifest of SHA-256 checksums;
- :func:`import_workshop` checks such a ZIP and loads it in one transaction — SQLite or
  PostgreSQL on either side, the same content on both, importing twice changes nothing;
- :func:`dump_workshop` is the plain-data reading of a workshop that both share, and
  that the public open data (:mod:`trajectoires.foresight.opendata`) filters.

Never written: participants' tokens, facilitators' e-mails, database ids (renumbered
1, 2, 3… per workshop). See ``docs/workshops.md`` for the rules of an import.

Examples
--------
>>> import io, tempfile, pathlib
>>> from trajectoires.db import create_database, migrate
>>> from trajectoires.foresight import facilitators, workshops
>>> def instance():
...     folder = pathlib.Path(tempfile.mkdtemp())
...     db = create_database(f"sqlite:///{folder / 'doc.sqlite'}")
...     migrate(db)
...     with db.sessionmaker() as s:
...         owner = facilitators.create_facilitator(s, "a@example.org", "Anne", "mot-de-passe-1")
...     return db, owner
>>> hall, anne = instance()
>>> class Unit: kind, code, name = "departement", "29", "Finistère"
>>> with hall.sessionmaker() as s:
...     ws = workshops.create_workshop(s, anne.id, Unit(), "Salle des fêtes", "Et en 2030 ?")
>>> buffer = io.BytesIO()
>>> with hall.sessionmaker() as s:
...     _ = export_workshop(s, ws.slug, buffer)
>>> server, _ = instance()
>>> with server.sessionmaker() as s:
...     first = import_workshop(s, buffer, where="atelier.zip")
...     again = import_workshop(s, buffer, where="atelier.zip")
>>> first.created, again.created, first.slug == ws.slug
(True, False, True)

"""

from __future__ import annotations

from pathlib import Path
from typing import IO, Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from trajectoires.foresight.carry._archive import (
    FORMAT,
    FORMAT_VERSION,
    Archive,
    read_archive,
    write_archive,
)
from trajectoires.foresight.carry._dump import Dump, dump_workshop
from trajectoires.foresight.carry._files import read_event_files, receiving_files
from trajectoires.foresight.carry._load import ImportOutcome, load_archive
from trajectoires.foresight.carry._messages import ArchiveError
from trajectoires.foresight.carry._tables import (
    NOT_CARRIED,
    TABLES,
    CarriedTable,
    register,
    table,
)
from trajectoires.foresight.models import Workshop

__all__ = [
    "FORMAT",
    "FORMAT_VERSION",
    "NOT_CARRIED",
    "TABLES",
    "Archive",
    "ArchiveError",
    "CarriedTable",
    "Dump",
    "ImportOutcome",
    "all_workshops",
    "dump_workshop",
    "export_workshop",
    "import_workshop",
    "read_archive",
    "register",
    "table",
]


def all_workshops(session: Session) -> list[Workshop]:
    """Every workshop of this instance, drafts included, oldest first (for the command line)."""
    with session.begin():
        rows = session.scalars(select(Workshop).order_by(Workshop.id)).all()
        session.expunge_all()
    return list(rows)


def export_workshop(session: Session, slug: str, target: str | Path | IO[bytes], *,
                    files_folder: Path | None = None) -> dict[str, Any]:
    """Write the workshop ``slug`` to ``target`` (a path or a binary file); return the manifest.

    ``files_folder`` is where this instance keeps the events' files: the files of the
    workshop's event go into the archive with their checksums (without it, they are
    left out).

    Raises
    ------
    ArchiveError
        No workshop has this slug, or a file of its event is missing or changed.

    """
    with session.begin():
        row = session.scalar(select(Workshop).where(Workshop.slug == slug))
        if row is None:
            raise ArchiveError("workshop_not_found", slug=slug)
        dump = dump_workshop(session, row.id)
        about = {"slug": row.slug, "title": row.title, "kind": row.kind,
                 "territory": f"{row.territory_name} ({row.territory_code})"}
        if files_folder is None:
            dump.pop("event_files", None)
            blobs = {}
        else:
            blobs = read_event_files(session, dump.get("event_files", []), files_folder)
    return write_archive(target, dump, about, blobs)


def import_workshop(session: Session, source: str | Path | IO[bytes], *,
                    facilitator_email: str | None = None, slug: str | None = None,
                    where: str | None = None, files_folder: Path | None = None,
                    ) -> ImportOutcome:
    """Check the archive ``source`` and load it (one transaction; see :mod:`._load`).

    ``facilitator_email`` names the account that will run the workshop here (needed
    when the instance has several); ``slug`` imports it under another name;
    ``where`` names the file in messages; ``files_folder`` is where this instance keeps
    the events' files (the event's files are written there; without it, not imported).

    Raises
    ------
    ArchiveError
        Corrupted, truncated, edited or incompatible archive, or a clash; nothing kept.

    """
    archive = read_archive(source, where)
    with receiving_files(session, archive, files_folder):
        return load_archive(session, archive, facilitator_email=facilitator_email, slug=slug)
