"""Which parser reads which kind of file: the catalogue's table ``catalogue.PARSERS``.

Examples
--------
>>> sorted(PARSERS)[:4]
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

__all__ = ["PARSERS", "parse_file"]

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
