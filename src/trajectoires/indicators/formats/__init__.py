"""Parsers of the official files, one module per format.

Each module exposes ``parse(path, matcher, vintage=None) -> Parsed``: a validated
long table of commune values, a table of places for point datasets, and an
:class:`~trajectoires.indicators.report.ImportReport`. Nothing here imports
SQLAlchemy.
"""

from trajectoires.indicators.formats._parsed import PLACE_COLUMNS, VALUE_COLUMNS, Parsed
from trajectoires.indicators.formats._registry import (
    PARSERS,
    default_name,
    guess_kinds,
    parse_file,
)

__all__ = ["PARSERS", "PLACE_COLUMNS", "VALUE_COLUMNS", "Parsed", "default_name", "guess_kinds",
           "parse_file"]
