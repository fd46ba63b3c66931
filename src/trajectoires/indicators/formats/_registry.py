"""Which parser reads which kind of file.

Examples
--------
>>> sorted(PARSERS)[:4]
['arcep-debit', 'arcep-ftth', 'arcep-mobile', 'arcep-mobile-sites']

"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from trajectoires.indicators.formats import (
    arcep_debit,
    arcep_ftth,
    arcep_mobile,
    arcep_mobile_sites,
    france_services,
    insee_census,
    insee_poverty,
    libraries,
    mediation_places,
)
from trajectoires.indicators.formats._parsed import Parsed
from trajectoires.indicators.report import FormatError

if TYPE_CHECKING:
    from trajectoires.indicators.folding import CommuneMatcher

__all__ = ["PARSERS", "parse_file"]

PARSERS = {
    "arcep-debit": arcep_debit.parse,
    "arcep-ftth": arcep_ftth.parse,
    "arcep-mobile": arcep_mobile.parse,
    "arcep-mobile-sites": arcep_mobile_sites.parse,
    "insee-census": insee_census.parse,
    "insee-poverty": insee_poverty.parse,
    "mediation-places": mediation_places.parse,
    "france-services": france_services.parse,
    "libraries": libraries.parse,
}


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
