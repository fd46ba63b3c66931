"""``trajectoires diagnose CODE --output DIR``: the diagnosis report of a territory.

Reads what the workspace's indicator store holds, computes the diagnosis
(:func:`trajectoires.diagnosis.diagnose`, the same function as the web pages
and the API) and writes the HTML report with CSV, GeoJSON and GeoPackage
exports, with a progress bar. Missing datasets are listed with the command that
brings each; the report says what could not be computed.

Exit codes: 0 success, 1 unknown territory or missing data, 2 ambiguous name or
invalid option.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from trajectoires.commands.server import WorkspaceOption
from trajectoires.settings import Settings

__all__ = ["diagnose"]


def diagnose(
    query: Annotated[str, typer.Argument(help="Territoire : 29, dep:29, 200067072, Quimper…")],
    *,
    output: Annotated[Path, typer.Option("--output", "-o", file_okay=False,
                                         help="Dossier du rapport (créé au besoin).")] = Path(
        "diagnostic"),
    seed: Annotated[int, typer.Option(min=0, max=2**32 - 1, help=(
        "Graine des permutations (reproductible), de 0 à 4294967295."))] = 12345,
    permutations: Annotated[int, typer.Option(min=0, max=9999,
                                              help="Permutations des tests spatiaux.")] = 999,
    criteres: Annotated[str | None, typer.Option(
        "--criteres", help="Critères de l'indice, séparés par des virgules (par défaut les cinq de "
        "la méthode nationale) : no_thd_coverage, no_4g_coverage, share_65_plus, "
        "share_low_diploma, poverty_rate, share_single_person, share_single_parent, "
        "unemployment_rate.")] = None,
    reference: Annotated[str, typer.Option(
        "--reference", help="Territoire de référence de l'indice relatif (= 100) : epci, "
        "departement, region ou france.")] = "departement",
    distance: Annotated[float, typer.Option(
        "--distance", help="Seuil d'éloignement des lieux d'aide, en km (de 0,5 à 200, "
        "arrondi au dixième).")] = 10.0,
    correction: Annotated[str, typer.Option(
        "--correction", help="Correction des tests multiples des regroupements locaux : "
        "fdr, bonferroni ou none.")] = "fdr",
    workspace: Path | None = WorkspaceOption,
) -> None:
    """Produire le diagnostic numérique d'un territoire : rapport HTML, CSV, GeoJSON, GeoPackage."""
    # imported here, not at start: the command line lists every command without loading them
    from trajectoires.commands.territory import load_for_cli, resolve_or_exit

    err = Console(stderr=True)
    options = _options_or_exit(err, criteres, reference=reference, distance=distance,
                               correction=correction, seed=seed)
    settings = Settings.from_env(workspace=str(workspace) if workspace else None)
    ref = load_for_cli(settings.workspace, err)
    unit = resolve_or_exit(ref, query, err)
    result, files = _compute_and_write(err, settings.ensure_workspace(), ref, unit, output,
                                       seed=seed, permutations=permutations, options=options)
    _summary(Console(), result, files)


def _options_or_exit(err: Console, criteres: str | None, *, reference: str, distance: float,
                     correction: str, seed: int) -> dict:
    """Check the options as diagnose() does, before any work; exit with code 2 when invalid."""
    from trajectoires.diagnosis.options import checked_options

    criteria = None if criteres is None else [c.strip() for c in criteres.split(",") if c.strip()]
    try:
        return checked_options(criteria, reference, distance, correction, seed)
    except ValueError as exc:
        err.print(f"[red]Option invalide :[/red] {exc}", highlight=False)
        raise typer.Exit(2) from None


def _compute_and_write(err: Console, settings: Settings, ref, unit, output: Path, *, seed: int,
                       permutations: int, options: dict):
    """Compute the diagnosis and write the report, with a progress bar on ``err``."""
    from concurrent.futures import ThreadPoolExecutor

    from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

    from trajectoires.db import create_database, migrate
    from trajectoires.diagnosis import diagnose as compute
    from trajectoires.diagnosis.maps import map_outlines
    from trajectoires.diagnosis.report import write_report

    database = create_database(settings.database_url)
    migrate(database)
    columns = (TextColumn("{task.description}"), BarColumn(), TimeElapsedColumn())
    with Progress(*columns, console=err, transient=True) as bar, \
            ThreadPoolExecutor(max_workers=1) as pool:
        task = bar.add_task("Diagnostic", total=1.0)

        def report(message: str, done: float) -> None:
            bar.update(task, completed=done, description=message)

        # the outlines (in the territory's own projection) are read while the diagnosis is computed
        outlines = pool.submit(map_outlines, ref, ref.communes_of(unit).index)
        with database.session() as session:
            result = compute(session, ref, unit, cache_dir=settings.workspace / "analysis",
                             seed=seed, permutations=permutations, progress=report, **options)
        files = write_report(ref, result, output, progress=report, geometries=outlines.result())
    database.engine.dispose()
    return result, files


def _summary(console: Console, result, files) -> None:
    """Print what was written, and what is missing."""
    unit = result.unit
    console.print(f"Diagnostic [bold]{unit.of_name}[/bold] ({unit.kind.label} {unit.code}) : "
                  f"{len(result.communes)} communes.", highlight=False, soft_wrap=True)
    if result.has_index:
        state = "partiel" if result.partial else "complet"
        console.print(f"Indice de fragilité numérique : {state} "
                      f"({len(result.criteria) - len(result.absent_criteria)} critères sur "
                      f"{len(result.criteria)}).", highlight=False)
        for row in result.criteria:
            estimated = result.stand_ins.get(row["key"], [])
            if estimated:
                known = int(result.communes[row["key"]].notna().sum())
                console.print(f"  {row['label']} : valeur publiée pour {known - len(estimated)} "
                              f"communes, estimée pour {len(estimated)} où elle ne l'est pas "
                              "(liste et méthode dans le rapport).", highlight=False)
    else:
        console.print("[yellow]Indice de fragilité non calculé : aucun de ses critères "
                      "n'est chargé.[/yellow]")
    if result.missing:
        console.print("[bold]Jeux de données manquants[/bold] (et la commande qui les apporte) :")
        from trajectoires.indicators.store import loading_page

        for kind, label, command in result.missing:  # the command alone; the file's page beside
            page = loading_page(kind)
            beside = f" (fichier : {page})" if page else ""
            console.print(f"  • {label} ({kind}) : [bold]{command}[/bold]{beside}",
                          highlight=False, soft_wrap=True)
    console.print(f"Rapport : [bold]{files.html}[/bold]", highlight=False, soft_wrap=True)
    console.print(f"Exports : {', '.join(path.name for path in files.exports)}",
                  highlight=False, soft_wrap=True)
