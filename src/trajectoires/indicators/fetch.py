"""Download an official dataset into ``<workspace>/downloads/``, with a cache and a checksum.

The file is streamed with httpx into a temporary ``.part`` file, renamed when
complete, and its SHA-256 written beside it (``<file>.sha256``). A file already
there whose checksum matches its ``.sha256`` is not downloaded again. No
network is used anywhere else in Trajectoires.

Examples
--------
>>> import tempfile, pathlib
>>> workspace = pathlib.Path(tempfile.mkdtemp())
>>> cached_file("france-services", workspace) is None
True
>>> try:
...     fetch("arcep-ftth", workspace)
... except FetchError as exc:
...     print(str(exc)[:63])
Pas d'adresse de téléchargement stable pour « arcep-ftth » : té

"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlparse

from trajectoires.indicators.catalogue import DATASETS, KINDS
from trajectoires.invocation import tool_command

__all__ = ["FetchError", "Fetched", "cached_file", "fetch"]

Progress = Callable[[int, int | None], None]
"""Called with (bytes received so far, total bytes or None)."""


class FetchError(RuntimeError):
    """A download failed (offline, unknown dataset, HTTP error); the message is French.

    ``offline``: the server could not be reached at all (no network, DNS, timeout).
    """

    def __init__(self, message: str, *, offline: bool = False) -> None:
        super().__init__(message)
        self.offline = offline


@dataclass(frozen=True)
class Fetched:
    """A downloaded (or cached) file and its SHA-256."""

    kind: str
    path: Path
    sha256: str
    url: str
    cached: bool
    size: int


def _file_name(kind: str, url: str) -> str:
    info = DATASETS[kind]
    return info.file_name or Path(urlparse(url).path).name or f"{kind}.dat"


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as stream:
        for chunk in iter(lambda: stream.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def cached_file(kind: str, workspace: Path, url: str | None = None) -> Fetched | None:
    """Return the downloaded file of ``kind`` if present and intact, else None."""
    url = url or DATASETS[kind].download_url or ""
    path = Path(workspace) / "downloads" / _file_name(kind, url)
    sidecar = path.with_name(path.name + ".sha256")
    if not (path.is_file() and sidecar.is_file()):
        return None
    checksum = _sha256(path)
    if sidecar.read_text().split()[0] != checksum:
        return None
    return Fetched(kind, path, checksum, url, True, path.stat().st_size)


def fetch(
    kind: str,
    workspace: Path,
    url: str | None = None,
    progress: Progress | None = None,
    timeout: float = 30.0,
) -> Fetched:
    """Download the dataset ``kind`` (from ``url``, default: its official address).

    Raises
    ------
    FetchError
        Unknown dataset, no stable address, network unreachable, or HTTP error.

    """
    if kind not in KINDS:
        raise FetchError(f"Jeu de données inconnu « {kind} » : attendu l'un de "
                         f"{', '.join(KINDS)}.")
    info = DATASETS[kind]
    url = url or info.download_url
    if not url:
        raise FetchError(f"Pas d'adresse de téléchargement stable pour « {kind} » : téléchargez "
                         f"le fichier depuis {info.page_url} puis « {tool_command()} data import "
                         f"{kind} FICHIER ».")
    cached = cached_file(kind, workspace, url)
    if cached is not None:
        return cached
    target = Path(workspace) / "downloads" / _file_name(kind, url)
    target.parent.mkdir(parents=True, exist_ok=True)
    try:
        checksum, size = _download(url, target, progress, timeout)
    except FetchError as error:
        if error.offline:
            raise FetchError(f"{error} Réessayez une fois connecté, ou téléchargez le fichier "
                             f"depuis {info.page_url} et importez-le avec « {tool_command()} "
                             f"data import {kind} FICHIER ».") from None
        raise
    target.with_name(target.name + ".sha256").write_text(f"{checksum}  {target.name}\n")
    return Fetched(kind, target, checksum, url, False, size)


def _download(url: str, target: Path, progress: Progress | None, timeout: float) -> tuple[str, int]:
    import httpx

    part = target.with_name(target.name + ".part")
    digest = hashlib.sha256()
    received = 0
    try:
        with httpx.stream("GET", url, follow_redirects=True, timeout=timeout) as response:
            if response.status_code >= 400:
                raise FetchError(f"Le serveur a répondu {response.status_code} pour {url}.")
            total = int(response.headers.get("content-length", 0)) or None
            with part.open("wb") as stream:
                for chunk in response.iter_bytes(1 << 16):
                    stream.write(chunk)
                    digest.update(chunk)
                    received += len(chunk)
                    if progress is not None:
                        progress(received, total)
    except httpx.HTTPError as exc:
        part.unlink(missing_ok=True)
        host = urlparse(url).netloc
        raise FetchError(f"Téléchargement impossible depuis {host} ({type(exc).__name__}) : "
                         "êtes-vous hors ligne ?", offline=True) from None
    except FetchError:
        part.unlink(missing_ok=True)
        raise
    part.replace(target)
    return digest.hexdigest(), received
