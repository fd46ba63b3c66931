"""The two entry types of the catalogue: :class:`Indicator` and :class:`DatasetInfo`.

Kept apart from the entries themselves (:mod:`trajectoires.indicators.catalogue`,
:mod:`trajectoires.indicators._derived`) so both can build entries; import them from
the catalogue.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["LO2", "RULES", "UNDATED", "WEIGHTS", "DatasetInfo", "Indicator"]

LO2 = "Licence Ouverte 2.0 (Etalab)"
RULES = ("sum", "ratio", "weighted_mean")
UNDATED = "non daté"
"""Period of a place list whose file gives no date and whose import gave no ``--millesime``.
It is not a date: a dated period of the same indicator is always taken as more recent
(``aggregation.latest_values``); the mobile importers refuse undated files instead.
It is also the vintage a source line shows when none is known."""
WEIGHTS = {"population": "population", "area": "area_km2"}
"""Weight of a ``weighted_mean`` → column of ``Reference.communes_of`` holding it."""


@dataclass(frozen=True)
class Indicator:
    """One indicator: identifier, French label, unit, aggregation rule and source.

    ``source`` names where the values come from when the dataset's producer does
    not say it alone (a derived value: « calcul Trajectoires d'après … »).
    """

    id: str
    label: str
    unit: str
    rule: str
    dataset: str
    numerator: str | None = None
    denominator: str | None = None
    scale: float = 100.0
    note: str = ""
    weight: str = "population"
    source: str = ""

    def __post_init__(self) -> None:
        if self.rule not in RULES:
            raise ValueError(f"{self.id}: rule {self.rule!r} not in {RULES}")
        if self.weight not in WEIGHTS:
            raise ValueError(f"{self.id}: weight {self.weight!r} not in {tuple(WEIGHTS)}")
        if (self.rule == "ratio") != bool(self.numerator and self.denominator):
            raise ValueError(f"{self.id}: a ratio needs a numerator and a denominator")


@dataclass(frozen=True)
class DatasetInfo:
    """A dataset: what ``data import KIND`` reads and ``data fetch NAME`` downloads.

    The reference of places and the derived values are datasets too (no parser):
    their indicators are addressed by key like the others.
    """

    kind: str
    label: str
    producer: str
    page_url: str
    licence: str
    file_format: str
    download_url: str | None = None
    file_name: str | None = None
    note: str = ""

    @property
    def parser(self) -> str | None:
        """Module of :mod:`trajectoires.indicators.formats` reading its files (``PARSERS``).

        None for a dataset that is not imported from a file.
        """
        from trajectoires.indicators.catalogue import PARSERS

        return PARSERS.get(self.kind)
