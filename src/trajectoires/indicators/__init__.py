"""Indicators: the catalogue, the parsers of the official files, aggregation and the store.

The parsers (:mod:`trajectoires.indicators.formats`), the catalogue, the
aggregation and the reports are pure (pandas, no SQLAlchemy): the analysis
package can import them without a database. The store
(:mod:`trajectoires.indicators.store`, SQLAlchemy) is imported on demand.
"""

from trajectoires.indicators.aggregate import LEVELS, aggregate
from trajectoires.indicators.catalogue import (
    DATASETS,
    INDICATORS,
    KINDS,
    DatasetInfo,
    Indicator,
    UnknownIndicatorError,
    components,
    find,
)
from trajectoires.indicators.folding import CommuneMatcher
from trajectoires.indicators.formats import Parsed, parse_file
from trajectoires.indicators.report import FormatError, ImportReport

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
]
