"""French for the usage errors of the Click that Typer bundles (``typer._click``).

Typer's own texts go through gettext (the catalogue ``locale/fr/…/messages.po``), but
the copy of Click it bundles writes its usage errors as English f-strings — « Missing
argument 'kind'. », « No such option: --nope », « Usage: » — that no catalogue can
reach. :func:`install` (called by ``cli.main``) gives its exceptions French
``format_message`` methods and its help formatter a French usage prefix; the messages
are rebuilt from the exceptions' own attributes, and the English texts a Click
parameter type writes into a message (« … is not a valid integer ») are translated by
:func:`translate`. Anything not known is left as it is, never lost. The help's
placeholders are French too: type labels (« <entier> », not « <int range> »), bounds
(« [de 1 à 64] »), « COMMANDE [ARGUMENTS]... » and argument names (:func:`name_in_french`).

Examples
--------
>>> translate("No such option: --nope")
'Option inconnue : --nope'
>>> translate("Got unexpected extra argument(s) (a b)")
'Argument(s) en trop : a b'
>>> translate("Input should be a valid integer, unable to parse string as an integer")
'un nombre entier est attendu'
>>> translate("Something else")
'Something else'

"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

__all__ = ["ARGUMENT_NAMES", "USAGE_PREFIX", "install", "name_in_french", "translate"]

USAGE_PREFIX = "Utilisation : "
SUBCOMMAND_METAVAR = "COMMANDE [ARGUMENTS]..."
#: The French name shown (usage line, « Arguments » panel, errors) for each argument
#: name of the commands; :func:`name_in_french` applies it.
ARGUMENT_NAMES = {"query": "territoire", "email": "adresse", "directory": "dossier",
                  "kind": "type", "file": "fichier", "name": "jeu", "slug": "atelier",
                  "archive": "archive"}
#: Typer's type labels (« <int> », « <int range> », « <dir> »…) in French.
_TYPE_LABELS = {"str": "texte", "int": "entier", "float": "nombre", "bool": "oui/non",
                "path": "chemin", "file": "fichier", "dir": "dossier",
                "int range": "entier", "float range": "nombre", "datetime": "date"}
_PARAM_TYPES = {"argument": "Argument manquant", "option": "Option manquante",
                "parameter": "Paramètre manquant"}
_PATTERNS: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(pattern, re.DOTALL), french) for pattern, french in (
        (r"No such option: (?P<a>.+)", "Option inconnue : {a}"),
        (r"Option '(?P<a>[^']+)' requires an argument\.", "L'option « {a} » attend une valeur."),
        (r"Option '(?P<a>[^']+)' requires (?P<b>\d+) arguments\.",
         "L'option « {a} » attend {b} valeurs."),
        (r"Option '(?P<a>[^']+)' does not take a value\.",
         "L'option « {a} » ne prend pas de valeur."),
        (r"Got unexpected extra argument(?:\(s\))? \((?P<a>.*)\)", "Argument(s) en trop : {a}"),
        (r"Argument '(?P<a>[^']+)' takes (?P<b>\d+) values\.",
         "L'argument « {a} » prend {b} valeurs."),
        (r"Input should be a valid integer.*", "un nombre entier est attendu"),
        (r"Input should be a valid number.*", "un nombre est attendu (point décimal : 2.5)"),
        (r"Input should be a valid boolean.*", "oui ou non est attendu (true ou false)"),
        (r"'(?P<a>.*)' is not one of (?P<b>.+)\.", "« {a} » n'est pas l'une des valeurs {b}."),
        (r"(?:File|Directory|Path) '(?P<a>.*)' does not exist\.", "« {a} » n'existe pas."),
        (r"(?:File|Directory|Path) '(?P<a>.*)' is a file\.", "« {a} » est un fichier."),
        (r"(?:File|Directory|Path) '(?P<a>.*)' is a directory\.", "« {a} » est un dossier."),
        (r"(?:File|Directory|Path) '(?P<a>.*)' is not readable\.", "« {a} » n'est pas lisible."),
        (r"(?:File|Directory|Path) '(?P<a>.*)' is not writable\.",
         "« {a} » n'est pas accessible en écriture."),
        (r"Choose from:(?P<a>.*)", "Choisir parmi :{a}"),
    ))


def translate(message: str) -> str:
    """Return the French of one of Click's English messages, or ``message`` unchanged."""
    for pattern, french in _PATTERNS:
        match = pattern.fullmatch(message.strip())
        if match:
            return french.format(**match.groupdict())
    return message


def _hint(error: Any) -> str:  # noqa: ANN401 (a typer._click BadParameter)
    from typer._click.exceptions import _join_param_hints

    hint = error.param_hint if error.param_hint is not None else (
        error.param.get_error_hint() if error.param is not None else None)
    return _join_param_hints(hint) if hint else ""


def _bad_parameter(error: Any) -> str:  # noqa: ANN401
    hint = _hint(error)
    message = translate(error.message)
    return f"Valeur invalide pour {hint} : {message}" if hint else f"Valeur invalide : {message}"


def _missing(error: Any) -> str:  # noqa: ANN401
    kind = error.param_type or (error.param.param_type_name if error.param is not None else "")
    hint = _hint(error)
    text = _PARAM_TYPES.get(kind, "Paramètre manquant") + (f" : {hint}" if hint else "")
    extra = error.param.get_missing_message(ctx=error.ctx) if error.param is not None else None
    details = [translate(m) for m in (error.message, extra) if m]
    return f"{text}." + "".join(f" {d}" for d in details)


def _no_such_option(error: Any) -> str:  # noqa: ANN401
    message = translate(error.message)
    if not error.possibilities:
        return message
    return f"{message} (options possibles : {', '.join(sorted(error.possibilities))})"


def _usage(error: Any) -> str:  # noqa: ANN401
    return translate(error.message)


def _french_usage(write_usage: Callable[..., None]) -> Callable[..., None]:
    def write(self: Any, prog: str, args: str = "", prefix: str | None = None) -> None:  # noqa: ANN401
        write_usage(self, prog, args, USAGE_PREFIX if prefix is None else prefix)

    write.french = True  # type: ignore[attr-defined]
    return write


def _french_type(display_type: Callable[..., str]) -> Callable[..., str]:
    def display(self: Any, ctx: Any) -> str:  # noqa: ANN401
        label = display_type(self, ctx)
        inner = label[1:-1] if label.startswith("<") and label.endswith(">") else None
        if inner is None:
            return label
        if inner.startswith("list[") and inner.endswith("]"):
            return f"<liste de {_TYPE_LABELS.get(inner[5:-1], inner[5:-1])}>"
        return f"<{_TYPE_LABELS.get(inner, inner)}>"

    display.french = True  # type: ignore[attr-defined]
    return display


def _no_flag_type(display_type_rich: Callable[..., str | None]) -> Callable[..., str | None]:
    def display(self: Any, ctx: Any) -> str | None:  # noqa: ANN401
        if getattr(self, "is_flag", False) and self.metavar is None:
            return None  # « --json » takes no value: no « <bool> » beside it
        return display_type_rich(self, ctx)

    display.french = True  # type: ignore[attr-defined]
    return display


def describe_range(low: float | None, high: float | None) -> str | None:
    """Describe the bounds of a numeric option in French.

    >>> describe_range(1, 64), describe_range(0, None), describe_range(None, 9)
    ('de 1 à 64', 'au moins 0', 'au plus 9')
    """
    if low is None and high is None:
        return None
    if low is None:
        return f"au plus {high}"
    return f"au moins {low}" if high is None else f"de {low} à {high}"


def name_in_french(command: Any) -> None:  # noqa: ANN401 (a Typer command or group)
    """Give ``command`` and its sub-commands French usage placeholders and argument names.

    ``[OPTIONS]`` is French already; « COMMAND [ARGS]... » becomes
    :data:`SUBCOMMAND_METAVAR`, and each argument is shown by its name in
    :data:`ARGUMENT_NAMES` (an argument not listed there keeps its own).
    """
    if getattr(command, "subcommand_metavar", None) == "COMMAND [ARGS]...":
        command.subcommand_metavar = SUBCOMMAND_METAVAR
    for param in getattr(command, "params", ()):
        if param.param_type_name == "argument" and param.metavar is None:
            param.metavar = ARGUMENT_NAMES.get(param.name)
    for sub in getattr(command, "commands", {}).values():
        name_in_french(sub)


def install() -> None:
    """Make ``typer._click``'s usage errors and usage line French in this process."""
    from typer import core
    from typer._click import exceptions, formatting

    if not getattr(core._TyperParameter.display_type, "french", False):
        core._TyperParameter.display_type = _french_type(core._TyperParameter.display_type)
    if not getattr(core.TyperOption.display_type_rich, "french", False):
        core.TyperOption.display_type_rich = _no_flag_type(core.TyperOption.display_type_rich)
    core.describe_number_range = describe_range

    exceptions.UsageError.format_message = _usage
    exceptions.BadParameter.format_message = _bad_parameter
    exceptions.MissingParameter.format_message = _missing
    exceptions.NoSuchOption.format_message = _no_such_option
    formatter = formatting.HelpFormatter
    if not getattr(formatter.write_usage, "french", False):
        formatter.write_usage = _french_usage(formatter.write_usage)
