"""``trajectoires plan TERRITORY --network … --new 5 --radius 10 --output DIR``: new places.

Chooses new sites for places of digital help in a territory
(:func:`trajectoires.diagnosis.planning.plan_for`, the same function as the
planning page and its API) and writes ``plan.json``, the sites and communes as
CSV (machine and French spreadsheet) and GeoJSON into ``DIR``.

Exit codes: 0 success, 1 unknown territory or missing data, 2 invalid option
(unknown network, a number of sites of 0 or more than the candidates, a radius
of 0, a territory without population, an unreadable candidate file).
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from trajectoires.commands.server import WorkspaceOption
from trajectoires.settings import Settings

__all__ = ["plan"]


def plan(
    query: Annotated[str, typer.Argument(help="Territoire : 29, dep:29, 200067072, Quimper…")],
    *,
    network: Annotated[str, typer.Option(
        "--network", help="Réseau(x) dont les lieux existants restent ouverts et comptent, "
        "séparés par des virgules : france-services, mediation-places, libraries ; « aucun » "
        "pour partir de zéro.")] = "france-services",
    new: Annotated[int, typer.Option(
        "--new", help="Nombre de nouveaux lieux à ouvrir (mclp, p-median).")] = 5,
    radius: Annotated[float, typer.Option(
        "--radius", help="Rayon de couverture en km, à vol d'oiseau (plus de 0, au plus 200).")
    ] = 10.0,
    model: Annotated[str, typer.Option(
        "--model", help="Modèle : mclp (le plus d'habitants couverts), p-median (la plus faible "
        "distance moyenne) ou set-covering (le moins de lieux pour couvrir --share).")] = "mclp",
    candidates: Annotated[str, typer.Option(
        "--candidates", help="Sites candidats : communes (le centre de chaque commune, par "
        "défaut), mairies, bibliotheques, ou un fichier CSV (colonnes lat, lon et nom).")
    ] = "communes",
    share: Annotated[float, typer.Option(
        "--share", help="set-covering : part des habitants à couvrir, en % (100 : tous).")
    ] = 100.0,
    output: Annotated[Path, typer.Option("--output", "-o", file_okay=False,
                                         help="Dossier des résultats (créé au besoin).")] = Path(
        "plan"),
    time_limit: Annotated[float, typer.Option(
        "--time-limit", min=1, max=3600,
        help="Secondes laissées au solveur HiGHS (au-delà : meilleure solution et écart prouvé)."
    )] = 60.0,
    workspace: Path | None = WorkspaceOption,
) -> None:
    """Choisir où ouvrir de nouveaux lieux d'aide numérique : plan.json, CSV, GeoJSON."""
    from trajectoires.commands.territory import load_for_cli, resolve_or_exit
    from trajectoires.diagnosis.planning import CandidateError, PlanError, check_request

    err = Console(stderr=True)
    kind, file = candidates, None
    try:
        if candidates not in ("communes", "mairies", "bibliotheques"):
            kind, file = "fichier", _candidate_file(Path(candidates))
        request = check_request(network, new, radius, model=model, candidates=kind,
                                share=share / 100)
    except (PlanError, CandidateError) as exc:
        err.print(f"[red]Option invalide :[/red] {exc}", highlight=False)
        raise typer.Exit(2) from None
    settings = Settings.from_env(workspace=str(workspace) if workspace else None)
    ref = load_for_cli(settings.workspace, err)
    unit = resolve_or_exit(ref, query, err)
    result = _compute(err, settings.ensure_workspace(), ref, unit, request, file=file,
                      time_limit=time_limit)
    from trajectoires.diagnosis.plan_exports import write_plan

    write_plan(result, output)
    _summary(Console(), result, output)


def _candidate_file(path: Path):
    from trajectoires.diagnosis._plan_candidates import read_candidate_file
    from trajectoires.diagnosis.planning import CandidateError

    if not path.is_file():
        raise CandidateError(f"Candidats : « {path} » n'est ni communes, mairies, bibliotheques "
                             "ni un fichier CSV existant.")
    return read_candidate_file(path.read_bytes(), path.name)


def _compute(err: Console, settings: Settings, ref, unit, request, *, file, time_limit: float):
    from trajectoires.db import create_database, migrate
    from trajectoires.diagnosis.planning import PlanError, plan_for

    database = create_database(settings.database_url)
    migrate(database)
    try:
        with err.status("Calcul du plan…"), database.session() as session:
            return plan_for(session, ref, unit, request, cache_dir=settings.workspace / "analysis",
                            candidate_file=file, time_limit=time_limit)
    except PlanError as exc:
        label = "Option invalide" if exc.exit_code == 2 else "Données manquantes"
        err.print(f"[red]{label} :[/red] {exc}", highlight=False)
        raise typer.Exit(exc.exit_code) from None
    finally:
        database.engine.dispose()


def _percent(value: float) -> str:
    return f"{value * 100:.2f} %".replace(".", ",")


def _summary(console: Console, result, output: Path) -> None:
    from trajectoires.diagnosis.plan_exports import method_text

    plan = result.plan
    places = "nouveaux lieux" if len(plan.sites) > 1 else "nouveau lieu"
    console.print(f"Plan [bold]{result.unit.of_name}[/bold] : {len(plan.sites)} {places}, "
                  f"rayon {result.request.radius_km:g} km.", highlight=False, soft_wrap=True)
    gained = f"{plan.covered_after - plan.covered_before:,.0f}".replace(",", "\u202f")
    console.print(f"Habitants à moins du rayon d'un lieu : {_percent(plan.share_before)} avant, "
                  f"{_percent(plan.share_after)} après ({gained} habitants de plus).",
                  highlight=False, soft_wrap=True)
    for row in result.sites.head(10).itertuples():
        console.print(f"  {row.rang}. {row.site} ({row.commune}) : "
                      f"{row.habitants_nouvellement_couverts:,} habitants nouvellement couverts"
                      .replace(",", "\u202f"), highlight=False, soft_wrap=True)
    console.print(method_text(result), highlight=False, soft_wrap=True)
    console.print(f"Écrit dans {output}/ : plan.json, sites.csv, sites-tableur.csv, communes.csv, "
                  "plan.geojson.", highlight=False, soft_wrap=True)
