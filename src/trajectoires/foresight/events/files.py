r"""Uploaded files of an event: PDF and images only, type read in the content, size capped.

The type of a file is read in its first bytes (its "magic number"), never in its name:
a program renamed ``diaporama.pdf`` is refused, and the message says what it really is.
Accepted: PDF, PNG, JPEG, GIF and WebP (no SVG: it can carry scripts). The name
shown keeps what the facilitator called the file, with the extension of its real type.

The bytes are stored in the workspace folder (``<workspace>/evenements/<event id>/``)
under a random name, not in the database: files of several megabytes would weigh on
every backup and dump of the database, and are served straight from disk. With several
server processes on PostgreSQL, the workspace folder must be shared by all of them.

Examples
--------
>>> sniff(b"%PDF-1.7\n...")
('application/pdf', 'pdf')
>>> sniff(b"\x89PNG\r\n\x1a\n....")
('image/png', 'png')
>>> try:
...     sniff(b"MZ\x90\x00\x03")
... except UnknownTypeError as error:
...     print(error.found)
un programme Windows (.exe)
>>> shown_name("C:\\Users\\anne\\Diapos finales.PDF", "pdf")
'Diapos finales.pdf'
>>> shown_name("photo.pdf", "jpg")
'photo.jpg'

"""

from __future__ import annotations

import hashlib
import os
import secrets
import tempfile
from pathlib import Path
from typing import BinaryIO

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from trajectoires.foresight._retry import retry_when_locked
from trajectoires.foresight.errors import ConflictError, InvalidInputError, NotFoundError
from trajectoires.foresight.events._input import CONTROL_OR_SEPARATOR
from trajectoires.foresight.events.models import EventFile, EventItem
from trajectoires.foresight.events.service import event_folder, owned_row, visible_row
from trajectoires.foresight.events.views import FileView, file_view
from trajectoires.foresight.models import utcnow

__all__ = ["ACCEPTED", "FILES_FOLDER", "UnknownTypeError", "attach_file", "file_for_download",
           "human_size", "remove_file", "shown_name", "sniff"]

FILES_FOLDER = "evenements"
"""Folder of the events' uploaded files in the workspace (``<workspace>/evenements``)."""
ACCEPTED = {"application/pdf": "pdf", "image/png": "png", "image/jpeg": "jpg",
            "image/gif": "gif", "image/webp": "webp"}
MAX_FILES = 100
CHUNK = 64 * 1024
_SIGNATURES = (  # (prefix, type) of the accepted files
    (b"%PDF-", "application/pdf"), (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"\xff\xd8\xff", "image/jpeg"), (b"GIF87a", "image/gif"), (b"GIF89a", "image/gif"),
)
_KNOWN = (  # what a refused file is, for the message
    (b"MZ", "un programme Windows (.exe)"), (b"\x7fELF", "un programme Linux (ELF)"),
    (b"PK\x03\x04", "une archive ZIP (ou un document Office : exportez-le en PDF)"),
    (b"\xd0\xcf\x11\xe0", "un document Office ancien (exportez-le en PDF)"),
    (b"<?xml", "un fichier XML (une image SVG, par exemple)"), (b"<svg", "une image SVG"),
    (b"{\\rtf", "un document RTF"), (b"\x1f\x8b", "une archive gzip"),
    (b"Rar!", "une archive RAR"), (b"7z\xbc\xaf", "une archive 7-Zip"),
)


class UnknownTypeError(ValueError):
    """The first bytes are not those of an accepted file; ``found`` says what they are."""

    def __init__(self, found: str) -> None:
        super().__init__(found)
        self.found = found


def sniff(head: bytes) -> tuple[str, str]:
    """Return the type and extension of the file starting with ``head``.

    Raises :class:`UnknownTypeError`, whose ``found`` says what the file is, otherwise.
    """
    for prefix, content_type in _SIGNATURES:
        if head.startswith(prefix):
            return content_type, ACCEPTED[content_type]
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "image/webp", "webp"
    for prefix, found in _KNOWN:
        if head.lstrip()[:len(prefix)].lower() == prefix.lower():
            raise UnknownTypeError(found)
    printable = head[:512] and all(32 <= b < 127 or b in b"\t\r\n" for b in head[:512])
    raise UnknownTypeError("du texte" if printable else "d'un type inconnu")


def shown_name(name: str, extension: str) -> str:
    """Return the name given to readers: no folder or control character, the real extension."""
    base = CONTROL_OR_SEPARATOR.sub(" ", name.replace("\\", "/").rsplit("/", 1)[-1]).strip()
    stem = base.rsplit(".", 1)[0].strip() if "." in base else base
    return f"{' '.join(stem.split())[:150] or 'document'}.{extension}"


def human_size(size: int) -> str:
    """Write a size in French units.

    >>> human_size(512), human_size(2048), human_size(10 * 1024 * 1024 + 1)
    ('512 octets', '2 Kio', '10,0 Mio')
    """
    if size < 1024:
        return f"{size} octets"
    if size < 1024 * 1024:
        return f"{size // 1024} Kio"
    return f"{size / 1024 / 1024:.1f} Mio".replace(".", ",")


def _receive(data: BinaryIO, name: str, target: Path, max_bytes: int) -> tuple[str, str, int, str]:
    """Copy ``data`` into ``target`` while checking type and size; return type, ext, size, sha."""
    digest, size = hashlib.sha256(), 0
    head = data.read(CHUNK)
    if not head:
        raise InvalidInputError("event_file_empty", name=name)
    try:
        content_type, extension = sniff(head)
    except UnknownTypeError as error:
        raise InvalidInputError("event_file_bad_type", name=name, found=error.found) from None
    with target.open("wb") as out:
        chunk = head
        while chunk:
            size += len(chunk)
            if size > max_bytes:
                raise InvalidInputError("event_file_too_big", name=name,
                                        size=f"plus de {human_size(max_bytes)}",
                                        limit=human_size(max_bytes))
            digest.update(chunk)
            out.write(chunk)
            chunk = data.read(CHUNK)
    return content_type, extension, size, digest.hexdigest()


@retry_when_locked
def attach_file(session: Session, facilitator_id: int, slug: str, *, name: str,
                data: BinaryIO, folder: Path, max_bytes: int,
                item_id: int | None = None) -> FileView:
    """Store an uploaded file of the event (of the talk ``item_id``, or preparatory material).

    Parameters
    ----------
    session
        A session with no transaction in progress; this function commits.
    facilitator_id, slug
        The caller, who must organise the event ``slug``.
    name
        The file's name as sent (shown, with the extension of its real type).
    data
        The bytes, read in chunks (at most ``max_bytes`` + one chunk are read).
    folder
        Root of the events' files (``<workspace>/evenements``).
    max_bytes
        Largest accepted size (the ``event_file_max_kib`` setting).
    item_id
        The programme entry the file belongs to; ``None``: preparatory material.

    Raises
    ------
    InvalidInputError
        Empty file, over ``max_bytes``, or neither a PDF nor an image by its content
        (the message names the file and what it is). Nothing is kept.
    NotFoundError, NotAllowedError, ConflictError
        Unknown event or entry, not its organiser, too many files.

    """
    name = (name or "").strip()[:200] or "document"
    with session.begin():
        event = owned_row(session, slug, facilitator_id)
        event_id = event.id
    target_folder = event_folder(folder, event_id)
    target_folder.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=target_folder, prefix=".envoi-")
    os.close(handle)
    temporary = Path(temporary)
    try:
        content_type, extension, size, sha = _receive(data, name, temporary, max_bytes)
        return _keep(session, facilitator_id, slug, item_id, temporary=temporary,
                     described=(shown_name(name, extension), content_type, size, sha))
    finally:
        temporary.unlink(missing_ok=True)  # gone already when the file was kept


def _keep(session: Session, facilitator_id: int, slug: str, item_id: int | None, *,
          temporary: Path, described: tuple[str, str, int, str]) -> FileView:
    """Record the received file and move it in place; neither stays if the other fails."""
    name, content_type, size, sha = described
    final = temporary.with_name(f"{secrets.token_hex(16)}.{ACCEPTED[content_type]}")
    try:
        with session.begin():
            event = owned_row(session, slug, facilitator_id)
            if item_id is not None:
                item = session.get(EventItem, item_id)
                if item is None or item.event_id != event.id:
                    raise NotFoundError("event_item_not_found")
            count = session.scalar(select(func.count()).where(EventFile.event_id == event.id))
            if count >= MAX_FILES:
                raise ConflictError("event_too_many_files", limit=MAX_FILES)
            row = EventFile(event_id=event.id, item_id=item_id, name=name,
                            stored_name=final.name, content_type=content_type, size=size,
                            sha256=sha)
            session.add(row)
            event.updated_at = utcnow()
            temporary.replace(final)
            session.flush()
            kept = file_view(row)
    except BaseException:
        final.unlink(missing_ok=True)
        raise
    return kept


@retry_when_locked
def remove_file(session: Session, facilitator_id: int, slug: str, file_id: int,
                folder: Path) -> FileView:
    """Remove an uploaded file of the event (its row, then its bytes)."""
    with session.begin():
        event = owned_row(session, slug, facilitator_id)
        row = session.get(EventFile, file_id)
        if row is None or row.event_id != event.id:
            raise NotFoundError("event_file_not_found")
        gone = file_view(row)
        session.delete(row)
        event.updated_at = utcnow()
    (event_folder(folder, gone.event_id) / gone.stored_name).unlink(missing_ok=True)
    return gone


def file_for_download(session: Session, slug: str, file_id: int, folder: Path,
                      facilitator_id: int | None = None) -> tuple[FileView, Path]:
    """Return a file of the event ``slug`` and the path of its bytes; raise when either is gone.

    A draft event's files are found by its facilitator only.
    """
    with session.begin():
        event = visible_row(session, slug, facilitator_id)
        row = session.get(EventFile, file_id)
        if row is None or row.event_id != event.id:
            raise NotFoundError("event_file_not_found")
        found = file_view(row)
    path = event_folder(folder, found.event_id) / found.stored_name
    if not path.is_file():
        raise NotFoundError("event_file_not_found")
    return found, path
