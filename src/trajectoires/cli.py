"""The ``trajectoires`` command line (Typer + rich).

Each group of commands lives in its own module under ``trajectoires.commands``;
this module only assembles them.
"""

from __future__ import annotations

import typer

from trajectoires.commands import (
    data,
    debate,
    diagnose,
    facilitator,
    server,
    territory,
    workshop,
)

app = typer.Typer(
    name="trajectoires",
    help="Trajectoires : diagnostic numérique des territoires et ateliers de prospective.",
    no_args_is_help=True,
    rich_markup_mode="rich",
)
app.command("serve")(server.serve)
app.command("demo")(server.demo)
app.command("diagnose")(diagnose.diagnose)
app.add_typer(territory.app, name="territory")
app.add_typer(facilitator.app, name="facilitator")
app.add_typer(debate.app, name="debate")
app.add_typer(data.app, name="data")
app.add_typer(workshop.app, name="workshop")


def main() -> None:
    """Entry point of the ``trajectoires`` script.

    A setting that cannot be used (``TRAJECTOIRES_PUBLIC_URL`` that is not an
    address, say) is reported in one line, exit 2, whatever the command.
    """
    from rich.console import Console

    from trajectoires.settings import SettingsError

    try:
        app()
    except SettingsError as exc:
        Console(stderr=True).print(f"[red]Réglage invalide :[/red] {exc}", highlight=False)
        raise SystemExit(2) from None
