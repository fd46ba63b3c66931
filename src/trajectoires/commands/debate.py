"""``trajectoires debate …``: analyse an open debate (agree / disagree / pass votes).

``analyse`` reads a Pol.is export folder (``votes.csv`` or ``participants-votes.csv``,
``comments.csv``, ``summary.csv``), computes the opinion groups with
:func:`trajectoires.collective.analyse`, prints the groups, the consensus and the
representative statements, and writes ``result.json`` and ``opinion-map.svg``.

Exit codes: 0 success, 2 unreadable or invalid input.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

__all__ = ["analyse", "app", "main"]

EXIT_BAD_INPUT = 2
DIRECTIONS = {"agree": "d'accord", "disagree": "pas d'accord", "pass": "passe",
              "split": "partagé"}

app = typer.Typer(help="Analyser un débat ouvert (votes d'accord / pas d'accord / passer).",
                  no_args_is_help=True)


@app.callback()
def main() -> None:
    """Analyser un débat ouvert (votes d'accord / pas d'accord / passer)."""


def _group_name(group: int) -> str:
    return f"Groupe {chr(65 + group)}"


def _text(texts: dict, statement: object, width: int = 90) -> str:
    text = " ".join(str(texts.get(statement, "")).split())
    return text if len(text) <= width else text[: width - 1] + "…"


def format_number(value: float, decimals: int = 0) -> str:
    """Write a number the French way (« 1 234,5 »; thin no-break space, decimal comma).

    The territory reference's formatter gives the same text but loading it costs half a
    second that this command does not otherwise pay.
    """
    return f"{value:,.{decimals}f}".replace(",", "\u202f").replace(".", ",")


def _share(votes: dict[str, int], direction: str) -> str:
    """Share of ``direction`` among the votes cast, French style (« 98 % »)."""
    seen = sum(votes.values())
    return f"{round(100 * votes.get(direction, votes['agree']) / seen)} %" if seen else "–"


def _picks_table(title: str, picks: tuple, texts: dict, result, *,
                 group: int | None = None) -> Table:
    """Tabulate picked statements with the votes behind them (overall, or in ``group``)."""
    table = Table(title=title, title_justify="left")
    table.add_column("N°", justify="right")
    table.add_column("Proposition")
    table.add_column("Sens")
    for column in ("Pour", "Contre", "Passe", "Part"):
        table.add_column(column, justify="right")
    if group is not None:
        table.add_column("Écart aux autres (z)", justify="right")
    for pick in picks:
        votes = result.tally(pick.statement, group)
        row = [str(pick.statement), _text(texts, pick.statement), DIRECTIONS[pick.direction],
               *(format_number(votes[k]) for k in ("agree", "disagree", "pass")),
               _share(votes, pick.direction)]
        if group is not None:
            row.append(format_number(pick.rz, 1))
        table.add_row(*row)
    return table


def _print_result(console: Console, result, texts: dict, polis_groups: dict) -> None:
    clustered = int((result.labels >= 0).sum())
    console.print(f"{format_number(len(result.participants))} participants, "
                  f"{format_number(len(result.statements))} propositions, "
                  f"{format_number(clustered)} participants classés en {len(result.groups)} "
                  f"groupes (graine {result.seed}).")
    groups = Table(title="Groupes d'opinion", title_justify="left")
    for column in ("Groupe", "Participants", "Centre (x, y)"):
        groups.add_column(column)
    for g in result.groups:
        groups.add_row(_group_name(g.id), format_number(g.size),
                       f"({format_number(g.center[0], 2)} ; {format_number(g.center[1], 2)})")
    console.print(groups)
    if polis_groups:
        from sklearn.metrics import adjusted_rand_score

        pairs = [(polis_groups[p], result.group_of(p)) for p in polis_groups]
        pairs = [(a, b) for a, b in pairs if b is not None]
        if pairs:
            score = adjusted_rand_score(*zip(*pairs, strict=True))
            console.print(f"Accord avec les groupes de Pol.is (indice de Rand ajusté) : "
                          f"{format_number(score, 3)} sur {format_number(len(pairs))} "
                          "participants.")
    console.print(_picks_table("Consensus", result.consensus, texts, result))
    for g, picks in enumerate(result.representative):
        console.print(_picks_table(f"{_group_name(g)} : propositions représentatives", picks,
                                   texts, result, group=g))
    if result.divisive:
        console.print(_picks_table("Propositions qui divisent", result.divisive, texts, result))
    if result.uncertain:
        console.print(_picks_table("Incertitudes (beaucoup de « passer »)", result.uncertain,
                                   texts, result))


@app.command("analyse")
def analyse(
    directory: Annotated[Path, typer.Argument(help="Dossier d'un export Pol.is.")],
    output: Annotated[Path | None, typer.Option(
        "--output", "-o", help="Dossier des résultats (par défaut DOSSIER/analyse).")] = None,
    seed: Annotated[int | None, typer.Option(help="Graine du calcul (reproductible).")] = None,
    polis: Annotated[bool, typer.Option(
        "--polis", help="Écrire aussi l'export au format Pol.is avec nos groupes.")] = False,
) -> None:
    """Analyser un débat : groupes d'opinion, consensus, propositions représentatives."""
    from trajectoires.collective import (
        VoteError,
        opinion_map_svg,
        read_polis,
        write_polis,
    )
    from trajectoires.collective import analyse as compute

    console, errors = Console(), Console(stderr=True)
    try:
        with console.status("Lecture des votes…"):
            export = read_polis(directory)
        with console.status("Calcul des groupes d'opinion…"):
            result = compute(export.votes, rng=seed, reference_groups=export.groups)
    except VoteError as exc:
        errors.print(f"[red]Erreur :[/red] {exc}")
        raise typer.Exit(EXIT_BAD_INPUT) from None
    texts = {c.id: c.text for c in export.comments}
    _print_result(console, result, texts, export.groups)
    folder = output or directory / "analyse"
    try:
        folder.mkdir(parents=True, exist_ok=True)
        (folder / "result.json").write_text(result.to_json(indent=1), encoding="utf-8")
        title = export.summary.get("topic") or "Carte des opinions"
        (folder / "opinion-map.svg").write_text(opinion_map_svg(result, title=title),
                                                encoding="utf-8")
        if polis:
            write_polis(folder / "polis", export.votes, result=result, comments=export.comments,
                        summary=export.summary)
    except OSError as exc:
        errors.print(f"[red]Erreur d'écriture :[/red] {exc}")
        raise typer.Exit(EXIT_BAD_INPUT) from None
    console.print(f"Résultats écrits dans {folder} (result.json, opinion-map.svg"
                  f"{', polis/' if polis else ''}).")
