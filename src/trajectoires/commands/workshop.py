"""``trajectoires workshop …``: list workshops, carry one from an instance to another.

``export`` writes a workshop to a ZIP (see :mod:`trajectoires.foresight.carry`);
``import`` loads such a ZIP in one transaction, or refuses it whole.

Exit codes: 0 success (or already imported), 2 bad input (unknown workshop,
corrupted, truncated, edited or incompatible archive, name clash).
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from trajectoires.settings import Settings

__all__ = ["app", "export", "list_", "load"]

EXIT_BAD_INPUT = 2
app = typer.Typer(help="Lister les ateliers, les emporter d'une instance à une autre.",
                  no_args_is_help=True)
console = Console()
errors = Console(stderr=True)
WorkspaceOption = Annotated[Path | None, typer.Option(
    "--workspace", "-w", help="Dossier de travail (base SQLite ; voir aussi "
    "TRAJECTOIRES_DATABASE_URL).")]


@app.callback()
def workshop() -> None:
    """Lister les ateliers, les emporter d'une instance à une autre (salle sans internet)."""


def _database(workspace: Path | None):  # noqa: ANN202
    from trajectoires.db import create_database, migrate

    settings = Settings.from_env(workspace=str(workspace) if workspace else None)
    database = create_database(settings.ensure_workspace().database_url)
    migrate(database)
    return database


def _files_folder(workspace: Path | None) -> Path:
    """Where the instance keeps the events' files (the web app serves them from there)."""
    from trajectoires.foresight.events.files import FILES_FOLDER

    settings = Settings.from_env(workspace=str(workspace) if workspace else None)
    return Path(settings.workspace) / FILES_FOLDER


def _fail(message: str) -> typer.Exit:
    errors.print(f"[red]Erreur :[/red] {message}", highlight=False)
    return typer.Exit(EXIT_BAD_INPUT)


@app.command("list")
def list_(workspace: WorkspaceOption = None) -> None:
    """Lister tous les ateliers de l'instance (nom, type, territoire, phase)."""
    from trajectoires.foresight.carry import all_workshops
    from trajectoires.foresight.kinds import get_kind

    database = _database(workspace)
    try:
        with database.sessionmaker() as session:
            rows = all_workshops(session)
    finally:
        database.engine.dispose()
    if not rows:
        console.print("Aucun atelier sur cette instance.")
        return
    lines = [(f"{row.title} ({row.slug})", get_kind(row.kind).label,
              f"{row.territory_name} ({row.territory_code})",
              get_kind(row.kind).phase(row.status).label) for row in rows]
    header = ("NOM (SLUG)", "TYPE", "TERRITOIRE", "PHASE")
    widths = [max(len(line[i]) for line in [header, *lines]) for i in range(3)]
    for line in [header, *lines]:  # one line per workshop, never wrapped: slugs are copied
        text = "  ".join(cell.ljust(width) for cell, width in zip(line, widths, strict=False))
        console.print(f"{text}  {line[3]}", soft_wrap=True, highlight=False, markup=False)


@app.command("export")
def export(
    slug: Annotated[str, typer.Argument(help="Nom de l'atelier (voir « workshop list »).")],
    output: Annotated[Path, typer.Option("--output", "-o", help="Fichier ZIP à écrire.")],
    workspace: WorkspaceOption = None,
) -> None:
    """Écrire tout un atelier dans un fichier ZIP (participants sous pseudonyme seulement)."""
    from trajectoires.foresight.carry import ArchiveError, export_workshop

    database = _database(workspace)
    partial = output.with_name(output.name + ".partiel")
    try:
        with database.sessionmaker() as session:
            manifest = export_workshop(session, slug, partial,
                                       files_folder=_files_folder(workspace))
        partial.replace(output)
    except ArchiveError as exc:
        raise _fail(exc.message) from None
    except OSError as exc:
        partial.unlink(missing_ok=True)
        raise _fail(f"écriture impossible de {output} : {exc.strerror or exc}") from None
    finally:
        database.engine.dispose()
    rows = sum(1 for _ in manifest["files"])
    console.print(f"Atelier « {manifest['workshop']['title']} » écrit dans {output} "
                  f"({rows} fichiers de données, sommes SHA-256 dans manifest.json).")


@app.command("import")
def load(
    archive: Annotated[Path, typer.Argument(help="Fichier ZIP écrit par « workshop export ».")],
    facilitator: Annotated[str | None, typer.Option(
        "--facilitator", help="Adresse du compte animateur à qui confier l'atelier "
        "(obligatoire s'il y en a plusieurs).")] = None,
    slug: Annotated[str | None, typer.Option(
        "--slug", help="Importer sous un autre nom (si le nom est déjà pris).")] = None,
    workspace: WorkspaceOption = None,
) -> None:
    """Charger un atelier exporté : tout ou rien, et l'importer deux fois ne change rien."""
    from trajectoires.foresight.carry import ArchiveError, import_workshop

    if not archive.is_file():
        raise _fail(f"fichier introuvable : {archive}")
    database = _database(workspace)
    try:
        with database.sessionmaker() as session:
            outcome = import_workshop(session, archive, facilitator_email=facilitator,
                                      slug=slug, where=str(archive),
                                      files_folder=_files_folder(workspace))
    except ArchiveError as exc:
        raise _fail(exc.message) from None
    finally:
        database.engine.dispose()
    if not outcome.created:
        console.print(f"L'atelier « {outcome.title} » ({outcome.slug}) est déjà sur cette "
                      "instance, identique : rien n'a changé.")
        return
    counts = outcome.counts
    console.print(f"Atelier « {outcome.title} » importé sous le nom {outcome.slug} : "
                  f"{counts.get('participants', 0)} participants, "
                  f"{counts.get('contributions', 0)} contributions, "
                  f"{counts.get('votes', 0)} votes.")
    if outcome.join_code_changed:
        console.print(f"Son code {outcome.join_code} remplace l'ancien, déjà pris ici.")
