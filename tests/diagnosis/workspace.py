"""A workspace with real files imported through the real importers (shared by the tests).

The files come from ``../shared/data/fr`` (present in CI); the tests that need
them skip with the reason when it is absent. The workspace links the session's
warm reference cache and gets its own database: a SQLite file, or a fresh
schema of ``TRAJECTOIRES_TEST_DATABASE_URL`` (PostgreSQL), dropped afterwards.
"""

from __future__ import annotations

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


@contextmanager
def workspace(folder: Path, reference, *, load: bool) -> Iterator[Workspace]:
    """Create a workspace linked to the warm reference; import the real files if ``load``."""
    from trajectoires.indicators.store import import_file

    folder.mkdir(parents=True, exist_ok=True)
    (folder / "reference").symlink_to(reference.folder.parent, target_is_directory=True)
    with fresh_database_url(folder) as url:
        database = create_database(url)
        migrate(database)
        if load:
            for kind, path, vintage in FILES:
                with database.session() as session:
                    import_file(session, kind, FR / path, reference, vintage=vintage)
        try:
            yield Workspace(folder, url, database)
        finally:
            database.engine.dispose()
