"""The workshop archive on disk: a ZIP of JSON files and a manifest of SHA-256 checksums.

Layout::

    manifest.json          format, version, the workshop's name, one SHA-256 per file
    data/workshop.json     one file per carried table: a JSON list, one row per line
    data/participants.json …
    files/<sha256>         the bytes of each file attached to the event (named by checksum)

Reading trusts nothing: member names must be exactly those the manifest lists (no
absolute path, no ``..``), sizes are capped before and while reading (ZIP bombs), every
file must match its checksum, and the format version must be one this code reads.
The checksums catch a corrupted or edited file; they cannot stop someone who rewrites
the manifest too, so the import checks every value as well.

Examples
--------
>>> import io
>>> buffer = io.BytesIO()
>>> manifest = write_archive(buffer, {"workshop": [{"id": 1}]}, {"slug": "a"})
>>> read_archive(buffer, "atelier.zip").dump
{'workshop': [{'id': 1}]}
>>> safe_member_name("../etc/passwd"), safe_member_name("data/votes.json")
(False, True)

"""

from __future__ import annotations

import hashlib
import json
import re
import zipfile
import zlib
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Any

from trajectoires import __version__
from trajectoires.foresight.carry._messages import ArchiveError

__all__ = [
    "FORMAT",
    "FORMAT_VERSION",
    "Archive",
    "read_archive",
    "rows_json",
    "safe_member_name",
    "write_archive",
]

FORMAT = "trajectoires-atelier"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
MAX_MEMBER_BYTES = 64 * 1024 * 1024
MAX_TOTAL_BYTES = 256 * 1024 * 1024
MAX_MANIFEST_BYTES = 1024 * 1024
MAX_MEMBERS = 200
_SAFE_NAME = re.compile(r"[A-Za-z0-9_\-]+(/[A-Za-z0-9_\-]+)*\.json")
_BLOB_NAME = re.compile(r"files/([0-9a-f]{64})")
_EPOCH = (1980, 1, 1, 0, 0, 0)


@dataclass(frozen=True)
class Archive:
    """What an archive holds: its manifest, the rows of each table, the attached files.

    ``blobs`` maps the SHA-256 of each attached file (an event's material) to its bytes.
    """

    manifest: dict[str, Any]
    dump: dict[str, list[dict[str, Any]]]
    blobs: dict[str, bytes] = field(default_factory=dict)


def safe_member_name(name: str) -> bool:
    """Whether ``name`` is a relative path of plain names ending in ``.json``, or a file's.

    >>> safe_member_name("files/" + "0" * 64), safe_member_name("files/x.pdf")
    (True, False)
    """
    if _BLOB_NAME.fullmatch(name):
        return True
    return bool(_SAFE_NAME.fullmatch(name)) and ".." not in name


def rows_json(rows: list[dict[str, Any]]) -> bytes:
    """Return the JSON text of a table: a list, one row per line, keys sorted (stable bytes)."""
    encode = json.JSONEncoder(ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode
    lines = [encode(row) for row in rows]
    return ("[\n" + ",\n".join(lines) + "\n]\n").encode("utf-8")


def _member(archive: zipfile.ZipFile, name: str, data: bytes) -> None:
    info = zipfile.ZipInfo(name, date_time=_EPOCH)
    info.compress_type = zipfile.ZIP_DEFLATED
    info.external_attr = 0o644 << 16
    archive.writestr(info, data)


def write_archive(target: str | Path | IO[bytes], dump: dict[str, list[dict[str, Any]]],
                  workshop: dict[str, Any], blobs: dict[str, bytes] | None = None,
                  ) -> dict[str, Any]:
    """Write ``dump`` as an archive to ``target`` (a path or a binary file); return the manifest.

    ``blobs`` (SHA-256 → bytes) are the attached files, written as ``files/<sha256>``.
    The data files are byte-identical for identical dumps; only the manifest's
    ``created_at`` tells two exports apart.
    """
    files = {f"data/{name}.json": rows_json(rows) for name, rows in dump.items()}
    files.update({f"files/{sha}": data for sha, data in sorted((blobs or {}).items())})
    manifest = {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "generator": f"trajectoires {__version__}",
        "created_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "workshop": workshop,
        "tables": list(dump),
        "files": {name: {"sha256": hashlib.sha256(data).hexdigest(), "bytes": len(data)}
                  for name, data in files.items()},
    }
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as archive:
        _member(archive, MANIFEST, json.dumps(manifest, ensure_ascii=False, indent=1).encode())
        for name, data in files.items():
            _member(archive, name, data)
    return manifest


def _read_capped(archive: zipfile.ZipFile, info: zipfile.ZipInfo, limit: int) -> bytes:
    """Read a member, refusing it once more than ``limit`` bytes come out (whatever it claims)."""
    if info.file_size > limit:
        raise ArchiveError("archive_too_large", name=info.filename, size=info.file_size,
                           limit=limit)
    with archive.open(info) as stream:
        data = stream.read(limit + 1)
    if len(data) > limit:
        raise ArchiveError("archive_too_large", name=info.filename, size=f"plus de {limit}",
                           limit=limit)
    return data


def _check_names(archive: zipfile.ZipFile) -> dict[str, zipfile.ZipInfo]:
    infos = archive.infolist()
    if len(infos) > MAX_MEMBERS:
        raise ArchiveError("archive_too_many", count=len(infos), limit=MAX_MEMBERS)
    members: dict[str, zipfile.ZipInfo] = {}
    for info in infos:
        name = info.filename
        if not safe_member_name(name) or name in members:
            raise ArchiveError("archive_unsafe_name", name=name[:200])
        if info.file_size > MAX_MEMBER_BYTES:
            raise ArchiveError("archive_too_large", name=name, size=info.file_size,
                               limit=MAX_MEMBER_BYTES)
        members[name] = info
    if sum(info.file_size for info in infos) > MAX_TOTAL_BYTES:
        raise ArchiveError("archive_too_large", name="(ensemble)",
                           size=sum(info.file_size for info in infos), limit=MAX_TOTAL_BYTES)
    return members


def _manifest(archive: zipfile.ZipFile, members: dict, where: str) -> dict[str, Any]:
    if MANIFEST not in members:
        raise ArchiveError("archive_no_manifest", path=where)
    try:
        manifest = json.loads(_read_capped(archive, members[MANIFEST], MAX_MANIFEST_BYTES))
    except (ValueError, UnicodeDecodeError, RecursionError) as exc:
        raise ArchiveError("archive_bad_manifest", path=where, detail=str(exc)[:200]) from None
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise ArchiveError("archive_no_manifest", path=where)
    if manifest.get("format_version") != FORMAT_VERSION:
        raise ArchiveError("archive_version", found=manifest.get("format_version"),
                           supported=FORMAT_VERSION)
    files = manifest.get("files")
    if not isinstance(files, dict) or not isinstance(manifest.get("tables"), list):
        raise ArchiveError("archive_bad_manifest", path=where, detail="liste des fichiers absente")
    return manifest


def _table_rows(name: str, data: bytes) -> list[dict[str, Any]]:
    try:
        rows = json.loads(data.decode("utf-8"))
    except (ValueError, UnicodeDecodeError, RecursionError) as exc:
        raise ArchiveError("archive_bad_data", name=name, detail=str(exc)[:200]) from None
    if not isinstance(rows, list) or not all(isinstance(row, dict) for row in rows):
        raise ArchiveError("archive_bad_data", name=name, detail="une liste d'objets est attendue")
    return rows


def _read(archive: zipfile.ZipFile, where: str) -> Archive:
    members = _check_names(archive)
    manifest = _manifest(archive, members, where)
    files = manifest["files"]
    for name in members:
        if name != MANIFEST and name not in files:
            raise ArchiveError("archive_unlisted_member", name=name)
    dump: dict[str, list[dict[str, Any]]] = {}
    blobs = _blobs(archive, members, files)
    for table in manifest["tables"]:
        name = f"data/{table}.json"
        if not isinstance(table, str) or name not in files or name not in members:
            raise ArchiveError("archive_missing_member", name=name)
        data = _read_capped(archive, members[name], MAX_MEMBER_BYTES)
        expected = files[name].get("sha256") if isinstance(files[name], dict) else None
        if hashlib.sha256(data).hexdigest() != expected:
            raise ArchiveError("archive_checksum", name=name)
        dump[table] = _table_rows(name, data)
    return Archive(manifest, dump, blobs)


def _blobs(archive: zipfile.ZipFile, members: dict, files: dict) -> dict[str, bytes]:
    """Read the attached files: each must be there, and hold the bytes its name sums."""
    blobs = {}
    for name, about in files.items():
        found = _BLOB_NAME.fullmatch(str(name))
        if found is None:
            continue
        if name not in members:
            raise ArchiveError("archive_missing_member", name=name)
        data = _read_capped(archive, members[name], MAX_MEMBER_BYTES)
        expected = about.get("sha256") if isinstance(about, dict) else None
        if not hashlib.sha256(data).hexdigest() == expected == found.group(1):
            raise ArchiveError("archive_checksum", name=name)
        blobs[found.group(1)] = data
    return blobs


def read_archive(source: str | Path | IO[bytes], where: str | None = None) -> Archive:
    """Read and check an archive; raise :class:`ArchiveError` naming what is wrong.

    ``where`` names the file in messages (default: ``source`` itself).
    """
    where = where or str(source)
    try:
        with zipfile.ZipFile(source) as archive:
            return _read(archive, where)
    except (zipfile.BadZipFile, EOFError, ValueError):
        raise ArchiveError("archive_unreadable", path=where,
                           detail="structure ZIP absente ou incomplète") from None
    except zlib.error:
        raise ArchiveError("archive_unreadable", path=where,
                           detail="données compressées abîmées") from None
    except NotImplementedError:
        raise ArchiveError("archive_unreadable", path=where,
                           detail="méthode de compression inconnue") from None
    except OSError as exc:
        raise ArchiveError("archive_unreadable", path=where,
                           detail=f"lecture impossible ({exc.strerror or exc})") from None
