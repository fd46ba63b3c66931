"""``trajectoires trajectory project TERRITORY --actions FILE.json --output DIR``.

Reads a plan (JSON, format and schema in ``docs/trajectory.md``), checks it
(:func:`trajectoires.pathways.read_plan`, then against the territory), projects
it from the latest data year to its horizon (:func:`trajectoires.pathways.project`,
the same function as the web pages and the API) and writes ``trajectory.json``,
``communes.csv`` and, for a French spreadsheet, ``communes-tableur.csv`` with its
``dictionnaire-tableur.csv``.

Exit codes: 0 success, 1 unknown territory or missing data, 2 bad plan file
(French message with the JSON path of the error) or ambiguous territory.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from trajectoires.commands.server import WorkspaceOption
from trajectoires.settings import Settings

__all__ = ["app", "project"]

EXIT_BAD_FILE = 2

app = typer.Typer(
    help="Trajectoire vers l'horizon d'un plan : actions chiffrées projetées année par année.",
    no_args_is_help=True,
)


@app.command("project")
def project(
    query: Annotated[str, typer.Argument(help="Territoire du plan : 29, dep:29, 200067072…")],
    *,
    actions: Annotated[Path, typer.Option(
        "--actions", "-a", dir_okay=False,
        help="Fichier JSON du plan : territoire, horizon, actions et leurs effets, cibles "
             "(format dans docs/trajectory.md).")],
    output: Annotated[Path, typer.Option(
        "--output", "-o", file_okay=False,
        help="Dossier de sortie (créé au besoin) : trajectory.json, communes.csv, "
             "communes-tableur.csv et dictionnaire-tableur.csv.")] = Path(
        "trajectoire"),
    sans: Annotated[list[str] | None, typer.Option(
        "--sans", help="Identifiant d'une action à désactiver (« et si… ? ») ; répétable.")
    ] = None,
    workspace: Path | None = WorkspaceOption,
) -> None:
    """Projeter les actions d'un plan sur les indicateurs du territoire, année par année."""
    from trajectoires.commands.territory import load_for_cli, resolve_or_exit

    err = Console(stderr=True)
    plan = _read_or_exit(err, actions)
    settings = Settings.from_env(workspace=str(workspace) if workspace else None)
    ref = load_for_cli(settings.workspace, err)
    unit = resolve_or_exit(ref, query, err)
    plan = _same_territory_or_exit(err, ref, unit, plan)
    trajectory = _project_or_exit(err, settings.ensure_workspace(), ref, unit, plan,
                                  without=sans or [], where=actions.name)
    files = write_outputs(trajectory, output)
    _summary(Console(), trajectory, files)


def _refuse(err: Console, where: str, message: str) -> typer.Exit:
    err.print(f"[red]Plan refusé[/red] ({where}) : {message}", highlight=False, soft_wrap=True)
    return typer.Exit(EXIT_BAD_FILE)


def _read_or_exit(err: Console, path: Path):
    """Read and check the plan file; exit 2 with the JSON path of the first error."""
    from trajectoires.pathways import PlanError, read_plan

    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise _refuse(err, str(path), "fichier introuvable") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise _refuse(err, str(path), f"fichier illisible en UTF-8 ({exc.__class__.__name__})"
                      ) from None
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise _refuse(err, f"{path.name}, ligne {exc.lineno}, colonne {exc.colno}",
                      "JSON invalide") from None
    try:
        return read_plan(data)
    except PlanError as exc:
        raise _refuse(err, path.name, str(exc)) from None


def _same_territory_or_exit(err: Console, ref, unit, plan):
    """Return the plan with the territory's code; exit 2 when it names another territory."""
    from dataclasses import replace

    try:
        named = ref.resolve(plan.territory)
    except LookupError:
        raise _refuse(err, "territory", f"territoire « {plan.territory} » introuvable"
                      ) from None
    if (named.kind, named.code) != (unit.kind, unit.code):
        raise _refuse(err, "territory", f"le plan est celui de « {named.name} » "
                      f"({plan.territory}), la commande demande « {unit.name} »")
    return replace(plan, territory=unit.code)


def _project_or_exit(err: Console, settings: Settings, ref, unit, plan, *, without: list[str],
                     where: str):
    """Read the inputs from the store and project; exit 2 on a plan that does not fit.

    ``where`` is the plan file's name, which the refusal names (« Plan refusé (plan.json) »).
    """
    from trajectoires.db import create_database, migrate
    from trajectoires.pathways import PlanError, load_inputs
    from trajectoires.pathways import project as run

    database = create_database(settings.database_url)
    migrate(database)
    try:
        with err.status("Lecture des données du territoire…"), database.session() as session:
            inputs = load_inputs(session, ref, unit, cache_dir=settings.workspace / "analysis")
    finally:
        database.engine.dispose()
    unknown = [a for a in without if a not in plan.action_ids]
    if unknown:
        raise _refuse(err, "--sans", f"action inconnue « {unknown[0]} »")
    try:
        with err.status("Projection année par année…"):
            return run(inputs, plan, enabled=[a for a in plan.action_ids if a not in without])
    except PlanError as exc:
        raise _refuse(err, where, str(exc)) from None


def write_outputs(trajectory, output: Path) -> list[Path]:
    """Write ``trajectory.json``, ``communes.csv`` and the spreadsheet pair in ``output``.

    ``communes.csv`` is the machine CSV of the diagnosis exports: UTF-8, comma, decimal
    point, one row per commune, year, scenario and indicator; an empty cell where the
    value is unknown. ``communes-tableur.csv`` holds the same values for a French
    spreadsheet (``;``, BOM, decimal comma, French headers, rounded; one row per
    commune, scenario and year) and ``dictionnaire-tableur.csv`` describes its
    columns. Each file is written whole or not at all.
    """
    output.mkdir(parents=True, exist_ok=True)
    return [_atomic(output / name, lambda path, name=name: _write(trajectory, name, path))
            for name in ("trajectory.json", "communes.csv", *_SPREADSHEET)]


_SPREADSHEET = ("communes-tableur.csv", "dictionnaire-tableur.csv")


def _atomic(target: Path, write) -> Path:
    """Write ``target`` through a partial file renamed at the end (removed on failure)."""
    import os
    import uuid

    partial = target.with_name(f".partiel-{uuid.uuid4().hex}-{target.name}")
    try:
        write(partial)
        os.replace(partial, target)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    return target


def _write(trajectory, name: str, path: Path) -> None:
    import csv

    from trajectoires.pathways import COLUMNS

    if name in _SPREADSHEET:
        from trajectoires.diagnosis.spreadsheet import write_french_csv
        from trajectoires.pathways import spreadsheet_tables

        write_french_csv(spreadsheet_tables(trajectory)[_SPREADSHEET.index(name)], path)
        return
    with path.open("w", encoding="utf-8", newline="") as handle:
        if name.endswith(".json"):
            json.dump(trajectory.to_dict(), handle, ensure_ascii=False, indent=1)
            handle.write("\n")
            return
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(COLUMNS)
        writer.writerows(
            (code, year, scenario, indicator, "" if value is None else repr(round(value, 6)))
            for code, year, scenario, indicator, value in trajectory.commune_rows())


_HEADLINES = ("dist_france-services", "population_au_dela_10km_france_services",
              "fragility_index")
"""Series the summary always prints (when projected): those the web page always shows."""


def _figure(value: float, unit: str, decimals: int, *, sign: bool = False) -> str:
    """« 5,16 km », « 125 823 habitants », « +0,16 km »: French style, with the unit."""
    from trajectoires.render._french import format_number

    text = format_number(float(value), decimals)
    if sign and not text.startswith("-"):
        text = "+" + text
    return f"{text.replace('-', '−')}\u00a0{unit}" if unit else text.replace("-", "−")


def _series_line(series, years) -> str:
    """One series at the first year and the horizon, and its target's gap (French)."""
    described = series.to_dict(years)
    label, unit = described["label"], described["unit"]
    places = 0 if unit in ("habitants", "personnes", "€") else 2  # people and euros: whole
    if unit.startswith("de "):  # a scale (« de 1 à 10 »): said once, after the label
        label, unit = f"{label} ({unit})", ""
    line = (f"  {label} : {_figure(series.tendance[0], unit, places)} en {years[0]} ; "
            f"en {years[-1]}, {_figure(series.tendance[-1], unit, places)} en tendance, "
            f"{_figure(series.actions[-1], unit, places)} avec les actions.")
    gap = described["target"]
    if gap is None:
        return line
    state = "atteinte" if gap["atteinte_actions"] else "non atteinte"
    trend = "atteinte" if gap["atteinte_tendance"] else "non atteinte"
    return (f"{line}\n    Cible {_figure(gap['value'], unit, places)} en {gap['year']} : "
            f"{state} avec les actions (écart "
            f"{_figure(gap['ecart_actions'], unit, places, sign=True)}), {trend} en tendance.")


def _summary(console: Console, trajectory, files: list[Path]) -> None:
    """Print the headline series and those with a target, then the files written."""
    years = trajectory.years
    enabled = len(trajectory.enabled)
    console.print(f"Trajectoire [bold]{trajectory.name}[/bold] ({trajectory.territory}) de "
                  f"{years[0]} à {years[-1]}, {enabled} action{'s' * (enabled > 1)} sur "
                  f"{len(trajectory.plan.actions)}.", highlight=False, soft_wrap=True)
    for series in trajectory.series:
        if series.target is not None or series.key in _HEADLINES:
            console.print(_series_line(series, years), highlight=False, soft_wrap=True)
    console.print("Écrit : " + ", ".join(f"[bold]{path}[/bold]" for path in files),
                  highlight=False, soft_wrap=True)
