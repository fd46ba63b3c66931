"""A workspace with real files imported through the real importers (shared by the tests).

The files come from ``../shared/data/fr`` (present in CI); the tests that need
them skip with the reason when it is absent. The workspace links the session's
warm reference cache and gets its own database: a SQLite file, or a fresh
schema of ``TRAJECTOIRES_TEST_DATABASE_URL`` (PostgreSQL), dropped afterwards. On
SQLite the real files are imported once per test process and the file copied.
"""

from __future__ import annotations

import atexit
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.conftest import SHARED_DATA, fresh_database_url
from trajectoires.db import Database, create_database, migrate

FR = SHARED_DATA / "fr"
FILES = (
    ("france-services", "france_services/liste-fs-20240801.csv", None),
    ("arcep-debit", "arcep/commune-debit-beta.csv", None),
    ("libraries", "bibliotheques/adresses-des-bibliotheques-publiques.csv", "2023"),
    ("insee-census", "dataforgood_mednum_2020/data_scol_menage_demandeurEmplois.csv", None),
    ("insee-poverty", "dataforgood_mednum_2020/taux_pauvrete.csv", None),
    ("mediation-places", "lieux_mediation_numerique/lieux-de-mediation-numerique.cnfs.json",
     None),
)


@dataclass
class Workspace:
    """A workspace folder, its database URL and the opened database."""

    path: Path
    database_url: str
    database: Database

    @property
    def env(self) -> dict[str, str]:
        """Environment of a CLI run on this workspace."""
        return {"TRAJECTOIRES_DATABASE_URL": self.database_url}


def require_shared_data() -> None:
    """Skip with the reason when the shared real files are absent."""
    missing = [path for _, path, _ in FILES if not (FR / path).exists()]
    if missing:
        pytest.skip(f"real data files absent from {FR} (e.g. {missing[0]}); "
                    "they are present in CI")


# SQLite files with the real files imported, one per reference in this test process: the
# import takes about 5 s of CPU, and a copy of the file is the same database.
_LOADED_FILES: dict[Path, Path] = {}


@contextmanager
def workspace(folder: Path, reference, *, load: bool) -> Iterator[Workspace]:
    """Create a workspace linked to the warm reference; import the real files if ``load``."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "reference").symlink_to(reference.folder.parent, target_is_directory=True)
    with fresh_database_url(folder) as url:
        loaded_file = _LOADED_FILES.get(reference.folder) if load else None
        if loaded_file is not None and url.startswith("sqlite:///"):
            shutil.copyfile(loaded_file, url.removeprefix("sqlite:///"))
        else:
            _create(url, reference, load=load)
        database = create_database(url)
        try:
            yield Workspace(folder, url, database)
        finally:
            database.engine.dispose()


def _create(url: str, reference, *, load: bool) -> None:
    """Migrate the database at ``url`` and import the real files if ``load``."""
    from trajectoires.indicators.store import import_file

    database = create_database(url)
    migrate(database)
    if load:
        for kind, path, vintage in FILES:
            with database.session() as session:
                import_file(session, kind, FR / path, reference, vintage=vintage)
    database.engine.dispose()
    if load and url.startswith("sqlite:///"):
        keep_folder = tempfile.mkdtemp(prefix="loaded-workspace-")
        atexit.register(shutil.rmtree, keep_folder, ignore_errors=True)
        keep = Path(keep_folder) / "loaded.sqlite"
        shutil.copyfile(url.removeprefix("sqlite:///"), keep)
        _LOADED_FILES[reference.folder] = keep
