"""Which parser reads which kind of file: the catalogue's table ``catalogue.PARSERS``.

Examples
--------
>>> [kind for kind in sorted(PARSERS) if kind.startswith("arcep")]
['arcep-debit', 'arcep-ftth', 'arcep-mobile', 'arcep-mobile-sites']
>>> PARSERS["libraries"].__module__
'trajectoires.indicators.formats.libraries'

"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from trajectoires.indicators import catalogue
from trajectoires.indicators.formats._parsed import Parsed
from trajectoires.indicators.report import FormatError

if TYPE_CHECKING:
    from trajectoires.indicators.folding import CommuneMatcher

__all__ = ["PARSERS", "default_name", "parse_file"]

PARSERS: dict[str, Callable[..., Parsed]] = {
    kind: importlib.import_module(f"trajectoires.indicators.formats.{module}").parse
    for kind, module in catalogue.PARSERS.items()
}
"""Dataset kind → its ``parse(path, matcher, vintage)``, from the catalogue's table."""


def parse_file(
    kind: str, path: Path, matcher: CommuneMatcher, vintage: str | None = None
) -> Parsed:
    """Validate and parse ``path`` as a file of ``kind``; raise FormatError if it is not."""
    if kind not in PARSERS:
        raise FormatError(
            Path(path).name, f"type de fichier inconnu « {kind} » : attendu l'un de "
            f"{', '.join(PARSERS)}"
        )
    path = Path(path)
    if not path.is_file():
        raise FormatError(path.name, f"fichier introuvable : {path}")
    return PARSERS[kind](path, matcher, vintage)


def default_name(kind: str, path: Path) -> str:
    """Return the dataset name of a file imported without ``--nom``.

    The kind, or the name its format module gives a layout that must not replace the
    kind's other layouts: a format module may define ``default_name(path) -> str | None``.
    The Filosofi income file of each year, the FttH zoning file and the overseas 4G files
    per operator get their own name, so importing them does not replace the poverty rate,
    the FttH series or the other vintage.
    """
    module = importlib.import_module(f"trajectoires.indicators.formats.{catalogue.PARSERS[kind]}")
    hook = getattr(module, "default_name", None)
    path = Path(path)
    return (hook(path) if hook is not None and path.is_file() else None) or kind
