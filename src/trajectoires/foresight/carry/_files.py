"""The files attached to an event (its material), carried with the workshop.

On export, the bytes of each file of the workshop's event are read from the
instance's files folder and checked against the SHA-256 recorded at upload; they go
into the archive as ``files/<sha256>`` (:mod:`._archive` checks them on reading). On
import, every ``event_files`` row must find its bytes (same checksum, same size) or
the archive is refused whole; the files the import creates are written under the
importing instance's folder, and removed again if the import fails.

Without a files folder (``files_folder=None``: a caller that does not serve events),
the event's files are left out on export and not imported.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from trajectoires.foresight.carry._archive import Archive
from trajectoires.foresight.carry._messages import ArchiveError
from trajectoires.foresight.events.models import EventFile

__all__ = ["check_blobs", "read_event_files", "receiving_files", "write_event_files"]

TABLE = "event_files"
_SESSION_KEY = "carry_event_files"


def _path(folder: Path, event_id: int, stored_name: str) -> Path:
    from trajectoires.foresight.events.service import event_folder

    return event_folder(folder, event_id) / stored_name


def read_event_files(session: Session, rows: list[dict[str, Any]],
                     folder: Path) -> dict[str, bytes]:
    """Return the bytes of the exported ``event_files`` rows, by SHA-256 (checked)."""
    names = [row["stored_name"] for row in rows]
    found = {f.stored_name: f for f in session.scalars(
        select(EventFile).where(EventFile.stored_name.in_(names)))} if names else {}
    blobs = {}
    for row in rows:
        here = found[row["stored_name"]]
        path = _path(folder, here.event_id, here.stored_name)
        try:
            data = path.read_bytes()
        except OSError:
            raise ArchiveError("event_file_missing", name=here.name, path=str(path)) from None
        if hashlib.sha256(data).hexdigest() != here.sha256:
            raise ArchiveError("event_file_changed", name=here.name, path=str(path))
        blobs[here.sha256] = data
    return blobs


def check_blobs(archive: Archive) -> None:
    """Refuse an archive whose ``event_files`` rows lack their bytes."""
    for number, row in enumerate(archive.dump.get(TABLE, []), start=1):
        data = archive.blobs.get(str(row.get("sha256")))
        if data is None or len(data) != row.get("size"):
            raise ArchiveError("archive_bad_value", name=f"data/{TABLE}.json", row=number,
                               column="sha256", detail="contenu du fichier joint absent de "
                               "l'archive ou de taille différente")


@contextmanager
def receiving_files(session: Session, archive: Archive, folder: Path | None) -> Iterator[None]:
    """Let the import write the event's files under ``folder``; remove them if it fails."""
    if folder is None:
        archive.dump.pop(TABLE, None)
        yield
        return
    check_blobs(archive)
    written: list[Path] = []
    session.info[_SESSION_KEY] = (Path(folder), archive.blobs, written)
    try:
        yield
    except BaseException:
        for path in written:
            path.unlink(missing_ok=True)
        raise
    finally:
        session.info.pop(_SESSION_KEY, None)


def write_event_files(session: Session, new_ids: list[int]) -> None:
    """Write the bytes of the ``event_files`` rows an import created (inside its transaction)."""
    folder, blobs, written = session.info[_SESSION_KEY]
    for row in session.scalars(select(EventFile).where(EventFile.id.in_(new_ids))):
        path = _path(folder, row.event_id, row.stored_name)
        if path.exists():
            continue
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(blobs[row.sha256])
        written.append(path)
