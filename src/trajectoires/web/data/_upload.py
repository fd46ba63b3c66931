r"""Receive an uploaded official file: copied in chunks to a temporary folder, size capped.

The file keeps the name it was sent with (its last path component, cleaned): the
parsers read vintages in names (``liste-fs-20240801.csv``) and formats in extensions
(``.xlsx``, ``.zip``), as ``data import`` reads the file on disk.

Examples
--------
>>> safe_file_name("C:\\Users\\anne\\liste-fs-20240801.csv")
'liste-fs-20240801.csv'
>>> safe_file_name("../../etc/passwd"), safe_file_name("  "), safe_file_name("..")
('passwd', 'fichier', 'fichier')
>>> safe_file_name("a\x00b\nc.csv")
'a_b_c.csv'
>>> import io, tempfile, pathlib
>>> folder = pathlib.Path(tempfile.mkdtemp())
>>> receive(io.BytesIO(b"a,b\n1,2\n"), "petit.csv", folder, max_bytes=100).name
'petit.csv'
>>> try:
...     receive(io.BytesIO(b"x" * 200), "gros.csv", folder, max_bytes=100)
... except UploadRefusedError as refused:
...     print(refused.code, refused.params["name"])
too_large gros.csv

"""

from __future__ import annotations

import re
from pathlib import Path
from typing import BinaryIO

__all__ = ["CHUNK", "UploadRefusedError", "receive", "safe_file_name"]

CHUNK = 1 << 20
"""Bytes copied at a time: memory holds one chunk, never the file."""
_UNSAFE = re.compile(r"[\x00-\x1f\x7f/\\:]")
_NAME_LENGTH = 200


class UploadRefusedError(ValueError):
    """An uploaded file refused before any import: ``code`` names the message (template)."""

    def __init__(self, code: str, **params: object) -> None:
        super().__init__(code)
        self.code = code
        self.params = params


def safe_file_name(sent: str | None) -> str:
    """Return the last component of a sent file name, without separators or controls."""
    last = re.split(r"[/\\]", (sent or "").strip())[-1]
    name = _UNSAFE.sub("_", last).strip()[-_NAME_LENGTH:]
    return name if name.strip(".") else "fichier"


def receive(data: BinaryIO, sent_name: str | None, folder: Path, max_bytes: int) -> Path:
    """Copy ``data`` into ``folder`` under its cleaned name; return the file's path.

    At most ``max_bytes`` + one chunk are read. Raises :class:`UploadRefusedError`
    (``missing``: no file chosen or empty; ``too_large``: over ``max_bytes``); the
    caller removes ``folder``.
    """
    name = safe_file_name(sent_name)
    if not (sent_name or "").strip():
        raise UploadRefusedError("missing")
    target = Path(folder) / name
    size = 0
    with target.open("wb") as out:
        while chunk := data.read(CHUNK):
            size += len(chunk)
            if size > max_bytes:
                raise UploadRefusedError("too_large", name=name, limit=max_bytes)
            out.write(chunk)
    if size == 0:
        raise UploadRefusedError("empty", name=name)
    return target
