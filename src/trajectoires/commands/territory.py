"""``trajectoires territory …`` (to be written)."""

import typer

app = typer.Typer(help="Consulter le référentiel des territoires.", no_args_is_help=True)
