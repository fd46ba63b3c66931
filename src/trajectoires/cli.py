"""The ``trajectoires`` command line (Typer + rich).

Each group of commands lives in its own module under ``trajectoires.commands``;
this module only assembles them.
"""

from __future__ import annotations

import gettext
import os
import sys
from pathlib import Path

import typer

from trajectoires.commands import (
    data,
    debate,
    diagnose,
    facilitator,
    plan,
    server,
    territory,
    trajectory,
    workshop,
)

LOCALE_DIR = Path(__file__).parent / "locale"

app = typer.Typer(
    name="trajectoires",
    help="Trajectoires : diagnostic numérique des territoires et ateliers de prospective.",
    no_args_is_help=True,
    rich_markup_mode="rich",
    # Shell completion is a developer's convenience whose help Typer writes in English.
    add_completion=False,
)
app.command("serve")(server.serve)
app.command("demo")(server.demo)
app.command("diagnose")(diagnose.diagnose)
app.command("plan")(plan.plan)
app.add_typer(territory.app, name="territory")
app.add_typer(facilitator.app, name="facilitator")
app.add_typer(debate.app, name="debate")
app.add_typer(data.app, name="data")
app.add_typer(workshop.app, name="workshop")
app.add_typer(trajectory.app, name="trajectory")


def use_french_messages() -> None:
    """Make Click and Typer speak French (help, usage and errors) in this process.

    Both translate through gettext's default domain, ``messages``, which is bound to
    the package's catalogue (``locale/fr/LC_MESSAGES/messages.mo``); the interface
    is French throughout, so French is asked for whatever the user's locale. The usage
    errors Typer's bundled Click writes without gettext are made French by
    :mod:`trajectoires._cli_french`.
    """
    os.environ["LANGUAGE"] = "fr"
    gettext.bindtextdomain("messages", str(LOCALE_DIR))
    _translate_rich_labels()
    from trajectoires._cli_french import install  # the bundled Click's own English

    install()


_RICH_LABELS = ("DEPRECATED_STRING", "DEFAULT_STRING", "ENVVAR_STRING", "REQUIRED_LONG_STRING",
                "ARGUMENTS_PANEL_TITLE", "OPTIONS_PANEL_TITLE", "COMMANDS_PANEL_TITLE",
                "ERRORS_PANEL_TITLE", "ABORTED_TEXT", "RICH_HELP")


def _translate_rich_labels() -> None:
    """Translate the labels ``typer.rich_utils`` translated once, when it was imported.

    A process that imported it before French was asked (a library, a test) kept
    « [default: …] »; translating the current value again is harmless once French.
    """
    rich_utils = sys.modules.get("typer.rich_utils")
    for name in _RICH_LABELS if rich_utils is not None else ():
        value = getattr(rich_utils, name, None)
        if isinstance(value, str):
            setattr(rich_utils, name, gettext.gettext(value))


def french_help(command: object) -> object:
    """Write the ``--help`` option's own help in French, on ``command`` and its sub-commands.

    Typer's bundled Click writes it in English without going through gettext; the
    usage placeholders and argument names are made French by
    :func:`trajectoires._cli_french.name_in_french`.
    """
    from trajectoires._cli_french import name_in_french

    name_in_french(command)
    _french_help_option(command)
    return command


def _french_help_option(command: object) -> None:
    context = typer.Context(command)
    option = command.get_help_option(context)
    if option is not None:
        option.help = "Afficher cette aide et quitter."
    for sub in getattr(command, "commands", {}).values():
        _french_help_option(sub)


def main() -> None:
    """Entry point of the ``trajectoires`` script.

    A setting that cannot be used (``TRAJECTOIRES_PUBLIC_URL`` that is not an
    address, say) is reported in one line, exit 2, whatever the command.
    """
    from rich.console import Console

    from trajectoires.settings import SettingsError

    use_french_messages()
    try:
        french_help(typer.main.get_command(app))(prog_name="trajectoires")
    except SettingsError as exc:
        Console(stderr=True).print(f"[red]Réglage invalide :[/red] {exc}", highlight=False)
        raise SystemExit(2) from None
