"""Indicators: the catalogue, the parsers of the official files, aggregation and the store.

The parsers (:mod:`trajectoires.indicators.formats`), the catalogue, the
aggregation and the reports are pure (pandas, no SQLAlchemy): the analysis
package can import them without a database. The store
(:mod:`trajectoires.indicators.store`, SQLAlchemy) is imported on demand.
"""

import importlib

from trajectoires.indicators.catalogue import (
    DATASETS,
    INDICATORS,
    KINDS,
    DatasetInfo,
    Indicator,
    UnknownIndicatorError,
    components,
    find,
    source_line,
)

# Names whose modules import pandas are loaded on first access (PEP 562), so that
# the command line and the catalogue stay quick to import. A module never shares the
# name of a function exported here: importing it would replace the function on the package.
_LAZY = {
    "LEVELS": "aggregation",
    "aggregate": "aggregation",
    "CommuneMatcher": "folding",
    "Parsed": "formats",
    "parse_file": "formats",
    "FormatError": "report",
    "ImportReport": "report",
}


def __getattr__(name: str) -> object:
    """Import the module holding ``name`` on first access."""
    if name not in _LAZY:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f"{__name__}.{_LAZY[name]}"), name)
    globals()[name] = value
    return value

__all__ = [
    "DATASETS",
    "INDICATORS",
    "KINDS",
    "LEVELS",
    "CommuneMatcher",
    "DatasetInfo",
    "FormatError",
    "ImportReport",
    "Indicator",
    "Parsed",
    "UnknownIndicatorError",
    "aggregate",
    "components",
    "find",
    "parse_file",
    "source_line",
]
