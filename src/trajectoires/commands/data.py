"""``trajectoires data …``: import official files, list what is loaded, fetch datasets.

- ``data import KIND FILE``: validate the whole file, then replace that dataset
  (nothing is written when the file is refused; exit 1 with the file, line and
  column at fault);
- ``data list``: datasets loaded (vintage, licence, coverage) and the command
  that brings each missing one;
- ``data fetch NAME``: download from the official address into
  ``<workspace>/downloads/`` (cached, SHA-256, progress bar), optionally import.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Annotated
from zoneinfo import ZoneInfo

import typer
from rich.console import Console
from rich.table import Table

from trajectoires.commands.server import WorkspaceOption
from trajectoires.indicators.catalogue import DATASETS, KINDS
from trajectoires.settings import Settings

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from trajectoires.db import Database
    from trajectoires.indicators.report import ImportReport

__all__ = ["app", "fetch_command", "import_command", "list_command", "print_missing"]

EXIT_REFUSED = 1

app = typer.Typer(
    help="Importer et consulter les données officielles (ARCEP, INSEE, France Services…).",
    no_args_is_help=True,
)


def _console() -> Console:
    """Return a console for this command (one per call: the width is the current one)."""
    return Console()


KindArgument = typer.Argument(
    ..., help=f"Type de fichier : {', '.join(KINDS)}.", show_default=False
)


def _settings(workspace: Path | None) -> Settings:
    settings = Settings.from_env(workspace=str(workspace) if workspace else None)
    return settings.ensure_workspace()


def _database(settings: Settings) -> Database:
    from trajectoires.db import create_database, migrate

    database = create_database(settings.database_url)
    migrate(database)
    return database


def _check_kind(kind: str) -> None:
    if kind not in KINDS:
        Console(stderr=True).print(
            f"[red]Type inconnu :[/red] « {kind} » ; attendu l'un de : {', '.join(KINDS)}."
        )
        raise typer.Exit(EXIT_REFUSED)


def _import(
    settings: Settings, kind: str, path: Path, name: str | None, vintage: str | None
) -> ImportReport:
    """Import ``path``; print the report, or the refusal, and exit 1 when refused."""
    from trajectoires.commands.territory import load_for_cli
    from trajectoires.indicators.report import FormatError
    from trajectoires.indicators.store import import_file

    console = _console()
    reference = load_for_cli(settings.workspace)
    database = _database(settings)
    try:
        with console.status(f"Validation et import de {path.name}…"), database.session() as s:
            report = import_file(s, kind, path, reference, name=name, vintage=vintage)
    except FormatError as exc:
        errors = Console(stderr=True)
        errors.print(f"[red]Fichier refusé, rien n'a été importé :[/red] {exc}")
        _suggest_kinds(errors, kind, path, reference)
        raise typer.Exit(EXIT_REFUSED) from None
    console.print(report.summary(), highlight=False, soft_wrap=True)
    if not report.unchanged:
        console.print(f"{report.values} valeurs et {report.places} lieux enregistrés "
                      f"(millésime {report.period}).")
    return report


def _suggest_kinds(out: Console, kind: str, path: Path, reference) -> None:  # noqa: ANN001
    """Name the kinds whose format the refused file follows, with the command for each."""
    from trajectoires.indicators.folding import CommuneMatcher
    from trajectoires.indicators.formats import guess_kinds
    from trajectoires.invocation import tool_command

    if not Path(path).is_file():
        return
    for other in guess_kinds(path, CommuneMatcher(reference), exclude=kind):
        out.print(f"Ce fichier se lit comme un fichier « {other} » ({DATASETS[other].label}) : "
                  f"[bold]{tool_command()} data import {other} {path}[/bold]",
                  highlight=False, soft_wrap=True)


def import_command(
    kind: Annotated[str, KindArgument],
    file: Annotated[Path, typer.Argument(help="Fichier à importer (CSV, JSON, XLSX ou ZIP).")],
    name: Annotated[str | None, typer.Option("--nom", help="Nom du jeu (défaut : le type) ; "
                                             "un même nom remplace l'import précédent.")] = None,
    vintage: Annotated[str | None, typer.Option("--millesime", help="Millésime, quand le "
                                                "fichier ne le dit pas (ex. 2019).")] = None,
    workspace: Path | None = WorkspaceOption,
) -> None:
    """Charger un fichier officiel, validé en entier avant toute écriture (tout ou rien)."""
    _check_kind(kind)
    _import(_settings(workspace), kind, file, name, vintage)


def paris_minute(moment: datetime) -> str:
    """Write a stored time (UTC) as the hall's clock reads it, Europe/Paris.

    >>> paris_minute(datetime(2026, 12, 2, 16, 5, tzinfo=UTC))
    '02/12/2026 17:05'
    >>> paris_minute(datetime(2026, 7, 1, 8, 0))  # naive: UTC, as SQLite gives it back
    '01/07/2026 10:00'
    """
    aware = moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)
    return aware.astimezone(ZoneInfo("Europe/Paris")).strftime("%d/%m/%Y %H:%M")


def list_command(workspace: Path | None = WorkspaceOption) -> None:
    """Lister les jeux de données chargés (millésime, licence, couverture) et ceux qui manquent."""
    from trajectoires.indicators.store import list_datasets

    console = _console()
    database = _database(_settings(workspace))
    with database.session() as session:
        loaded = list_datasets(session)
        table = Table(title="Jeux de données chargés", title_justify="left")
        for column in ("Nom (type)", "Millésime", "Licence", "Communes",
                       "Lues / rattachées (repliées) / rejetées", "Importé le"):
            table.add_column(column, overflow="fold")  # wrapped, never cut with « … »
        for row in loaded.itertuples():
            table.add_row(
                f"{row.name} ({row.kind})\n{row.file_name}", row.period, row.licence,
                str(row.communes),
                f"{row.rows_read} / {row.rows_matched} ({row.rows_folded}) / {row.rows_rejected}",
                paris_minute(row.imported_at),
            )
        if len(loaded):
            console.print(table)
        else:
            console.print("Aucun jeu de données chargé.")
        print_missing(session, console)


def print_missing(session: Session, out: Console) -> None:
    """Print the datasets not loaded yet and the one command that brings each."""
    from trajectoires.indicators.store import loading_page, missing_datasets

    missing = missing_datasets(session)
    if not missing:
        return
    out.print("[bold]Jeux de données manquants[/bold] (et la commande qui les apporte) :")
    for kind, label, command in missing:  # the command alone, typeable; the file's page beside
        page = loading_page(kind)
        beside = f" (fichier : {page})" if page else ""
        out.print(f"  • {label} ({kind}) : [bold]{command}[/bold]{beside}", highlight=False,
                  soft_wrap=True)


def fetch_command(
    name: Annotated[str, typer.Argument(help=f"Jeu de données : {', '.join(KINDS)}.")],
    url: Annotated[str | None, typer.Option("--url", help="Autre adresse (miroir).")] = None,
    then_import: Annotated[bool, typer.Option("--import/--no-import",
                                              help="Importer le fichier téléchargé.")] = False,
    workspace: Path | None = WorkspaceOption,
) -> None:
    """Télécharger un jeu de données depuis son adresse officielle (cache, SHA-256)."""
    from rich.progress import BarColumn, DownloadColumn, Progress, TransferSpeedColumn

    from trajectoires.indicators.fetch import FetchError, fetch

    console = _console()
    settings = _settings(workspace)
    columns = ("{task.description}", BarColumn(), DownloadColumn(), TransferSpeedColumn())
    try:
        with Progress(*columns, console=console, transient=True) as bar:
            task = bar.add_task(f"Téléchargement de {name}", total=None)
            fetched = fetch(name, settings.workspace, url=url,
                            progress=lambda done, total: bar.update(task, completed=done,
                                                                    total=total))
    except FetchError as exc:
        Console(stderr=True).print(f"[red]Erreur :[/red] {exc}")
        raise typer.Exit(EXIT_REFUSED) from None
    state = "déjà présent (cache)" if fetched.cached else "téléchargé"
    console.print(f"{fetched.path} {state}, {fetched.size} octets, SHA-256 {fetched.sha256}",
                  highlight=False, soft_wrap=True)
    console.print(f"Licence : {DATASETS[name].licence} ; source : {fetched.url}",
                  highlight=False, soft_wrap=True)
    if then_import:
        _import(settings, name, fetched.path, None, None)


app.command("import")(import_command)
app.command("list")(list_command)
app.command("fetch")(fetch_command)
