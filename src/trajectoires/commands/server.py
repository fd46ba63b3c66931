"""``trajectoires serve`` and ``trajectoires demo``."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.console import Console

from trajectoires.settings import Settings

console = Console()

WorkspaceOption = typer.Option(
    None, "--workspace", "-w", help="Dossier de travail (base SQLite, cache du référentiel)."
)


def serve(
    host: str = typer.Option("127.0.0.1", help="Adresse d'écoute (0.0.0.0 pour le réseau local)."),
    port: int = typer.Option(8000, help="Port d'écoute."),
    workspace: Path | None = WorkspaceOption,
) -> None:
    """Démarrer l'application web."""
    import uvicorn

    from trajectoires.web import create_app

    settings = Settings.from_env(workspace=str(workspace) if workspace else None)
    app = create_app(settings)
    console.print(f"Trajectoires sur [bold]http://{host}:{port}[/bold] (Ctrl+C pour arrêter)")
    uvicorn.run(app, host=host, port=port, log_level="warning")


def demo(
    host: str = typer.Option("127.0.0.1", help="Adresse d'écoute."),
    port: int = typer.Option(8000, help="Port d'écoute."),
    workspace: Path | None = WorkspaceOption,
) -> None:
    """Préparer l'espace de démonstration puis démarrer l'application web."""
    serve(host=host, port=port, workspace=workspace)
