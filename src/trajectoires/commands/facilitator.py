"""``trajectoires facilitator …``: manage facilitator accounts.

Mount it in ``cli.py`` with ``app.add_typer(facilitator.app, name="facilitator")``.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from trajectoires.settings import Settings

__all__ = ["admin", "app", "create", "password"]

app = typer.Typer(help="Gérer les comptes des animateurs d'ateliers.", no_args_is_help=True)
console = Console()
errors = Console(stderr=True)


def _read_password(from_stdin: bool) -> str:
    if from_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    return typer.prompt("Mot de passe", hide_input=True, confirmation_prompt=True)


@app.callback()
def facilitator() -> None:
    """Gérer les comptes des animateurs d'ateliers."""


@app.command("create")
def create(
    email: Annotated[str, typer.Argument(help="Adresse e-mail (identifiant de connexion).")],
    name: Annotated[str, typer.Option("--name", "-n", help="Nom affiché aux participants.")],
    password_stdin: Annotated[
        bool,
        typer.Option("--password-stdin", help="Lire le mot de passe sur l'entrée standard."),
    ] = False,
    workspace: Annotated[
        Path | None,
        typer.Option("--workspace", "-w", help="Dossier de travail (base SQLite)."),
    ] = None,
) -> None:
    """Créer un compte animateur (le mot de passe est demandé deux fois)."""
    from trajectoires.db import create_database, migrate
    from trajectoires.foresight.errors import ForesightError
    from trajectoires.foresight.facilitators import create_facilitator

    settings = Settings.from_env(workspace=str(workspace) if workspace else None)
    settings = settings.ensure_workspace()
    password = _read_password(password_stdin)
    database = create_database(settings.database_url)
    try:
        migrate(database)
        with database.sessionmaker() as session:
            facilitator = create_facilitator(session, email, name, password)
    except ForesightError as error:
        errors.print(f"[red]Erreur :[/red] {error.message}")
        raise typer.Exit(code=1) from error
    finally:
        database.engine.dispose()
    console.print(
        f"Animateur créé : [bold]{facilitator.display_name}[/bold] <{facilitator.email}>"
    )


def _run(workspace: Path | None, action):  # noqa: ANN001, ANN202 (a function of a session)
    """Run ``action(session)`` on the workspace's migrated database.

    A refusal is printed in French; exit 2 for bad input (an unknown account), else 1.
    """
    from trajectoires.db import create_database, migrate
    from trajectoires.foresight.errors import ForesightError, InvalidInputError

    settings = Settings.from_env(workspace=str(workspace) if workspace else None)
    database = create_database(settings.ensure_workspace().database_url)
    try:
        migrate(database)
        with database.sessionmaker() as session:
            return action(session)
    except ForesightError as error:
        errors.print(f"[red]Erreur :[/red] {error.message}")
        raise typer.Exit(code=2 if isinstance(error, InvalidInputError) else 1) from error
    finally:
        database.engine.dispose()


WorkspaceOption = typer.Option("--workspace", "-w", help="Dossier de travail (base SQLite).")


@app.command("admin")
def admin(
    email: Annotated[str, typer.Argument(help="Adresse du compte animateur.")],
    remove: Annotated[bool, typer.Option("--retirer", help="Retirer le rôle.")] = False,
    workspace: Annotated[Path | None, WorkspaceOption] = None,
) -> None:
    """Nommer un administrateur : il invite des animateurs depuis la page « Animateurs »."""
    from trajectoires.foresight.accounts import set_admin

    done = _run(workspace, lambda session: set_admin(session, email, not remove))
    role = "n'est plus administrateur" if remove else "est administrateur"
    console.print(f"[bold]{done.display_name}[/bold] <{done.email}> {role}.")


@app.command("password")
def password(
    email: Annotated[str, typer.Argument(help="Adresse du compte animateur.")],
    password_stdin: Annotated[
        bool,
        typer.Option("--password-stdin", help="Lire le mot de passe sur l'entrée standard."),
    ] = False,
    workspace: Annotated[Path | None, WorkspaceOption] = None,
) -> None:
    """Changer le mot de passe d'un compte (ses sessions ouvertes sont fermées)."""
    from trajectoires.foresight.accounts import set_password

    new = _read_password(password_stdin)
    done = _run(workspace, lambda session: set_password(session, email, new))
    console.print(f"Mot de passe changé pour [bold]{done.display_name}[/bold] <{done.email}>.")
