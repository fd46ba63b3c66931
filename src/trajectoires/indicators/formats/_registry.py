"""Which parser reads which kind of file: the catalogue's table ``catalogue.PARSERS``.

Examples
--------
>>> [kind for kind in sorted(PARSERS) if kind.startswith("arcep")]
['arcep-debit', 'arcep-ftth', 'arcep-mobile', 'arcep-mobile-sites']
>>> PARSERS["libraries"].__module__
'trajectoires.indicators.formats.libraries'

"""

from __future__ import annotations

import contextlib
import importlib
import itertools
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from trajectoires.indicators import catalogue
from trajectoires.indicators.formats._parsed import Parsed
from trajectoires.indicators.report import FormatError

if TYPE_CHECKING:
    from trajectoires.indicators.folding import CommuneMatcher

__all__ = ["PARSERS", "default_name", "guess_kinds", "parse_file"]

SAMPLE_LINES = 200
"""Lines of a text file the other parsers try when guessing its kind."""
WHOLE_FILE_BYTES = 20 * 1024 * 1024
"""A file that is not plain text (ZIP, XLSX) is tried whole up to this size."""

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


def _sample(path: Path, folder: Path) -> Path | None:
    """Copy the first lines of a text file under its own name (names carry vintages)."""
    try:
        with path.open("rb") as source:
            head = b"".join(itertools.islice(source, SAMPLE_LINES))
    except OSError:
        return None
    if b"\0" in head[:4096] or head[:2] == b"PK":  # ZIP or XLSX: not plain text
        return path if path.stat().st_size <= WHOLE_FILE_BYTES else None
    sample = folder / path.name
    sample.write_bytes(head)
    return sample


def guess_kinds(path: Path, matcher: CommuneMatcher, *, exclude: str = "") -> list[str]:
    """Return the kinds whose parser reads ``path`` (its first lines), ``exclude`` aside.

    Called when a file was refused as one kind, to tell the user which kind it is: the
    other parsers try a sample of the file (the first :data:`SAMPLE_LINES` lines), and
    those that read it without error and keep at least one row are the guesses.
    """
    path = Path(path)
    found = []
    with tempfile.TemporaryDirectory() as folder:
        sample = _sample(path, Path(folder))
        if sample is None:
            return []
        for kind, parse in PARSERS.items():
            if kind == exclude:
                continue
            with contextlib.suppress(Exception):  # guessing never fails the refusal
                if parse(sample, matcher, None).report.matched > 0:
                    found.append(kind)
    return found
