"""Normalisation of names and parsing of territory queries.

A query is matched on a *key*: lower case, without accents, with every run of
punctuation (hyphens, apostrophes, spaces) folded to one space, and the usual
abbreviations ``St``/``Ste`` spelt out.

Examples
--------
>>> normalize("Saint-Pol-de-Léon")
'saint pol de leon'
>>> normalize("  L'Haÿ-les-Roses ")
'l hay les roses'
>>> normalize("ste Marie")
'sainte marie'
>>> parse_query("dep:29")
Query(kind=<UnitKind.DEPARTEMENT: 'departement'>, text='29', departement=None)
>>> parse_query("Sainte-Marie (974)")
Query(kind=None, text='Sainte-Marie', departement='974')

"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from trajectoires.territory._model import UnitKind

__all__ = [
    "Query",
    "is_commune_code",
    "is_departement_code",
    "is_siren",
    "normalize",
    "parse_query",
]

_ABBREVIATIONS = {"st": "saint", "ste": "sainte", "sts": "saints", "stes": "saintes"}
_LIGATURES = str.maketrans({"œ": "oe", "æ": "ae", "ß": "ss"})
_NON_ALNUM = re.compile(r"[^a-z0-9]+")
_COLON_PREFIX = re.compile(r"^\s*([A-Za-zéÉèÈ]+)\s*:\s*(\S.*)$")
_WORD_PREFIX = re.compile(r"^\s*(commune|epci|d[ée]partement|r[ée]gion)\s+(\S.*)$", re.IGNORECASE)
_DEPARTEMENT_SUFFIX = re.compile(r"^(.*\S)\s*\(\s*(\d{2,3}|2[AaBb])\s*\)\s*$")
_COMMUNE_CODE = re.compile(r"^(\d{5}|2[AB]\d{3})$")
_DEPARTEMENT_CODE = re.compile(r"^(\d{2}|2[AB]|97\d)$")
_SIREN = re.compile(r"^\d{9}$")


def normalize(text: str) -> str:
    """Return the matching key of a name: no accents, no case, no punctuation.

    >>> normalize("Œuilly") == normalize("oeuilly")
    True
    """
    decomposed = unicodedata.normalize("NFKD", text.lower().translate(_LIGATURES))
    bare = "".join(c for c in decomposed if not unicodedata.combining(c))
    words = _NON_ALNUM.sub(" ", bare).split()
    return " ".join(_ABBREVIATIONS.get(w, w) for w in words)


def is_commune_code(text: str) -> bool:
    """Whether ``text`` has the shape of a commune code (``29232``, ``2A004``).

    >>> is_commune_code("2A004"), is_commune_code("2904")
    (True, False)
    """
    return bool(_COMMUNE_CODE.match(text))


def is_departement_code(text: str) -> bool:
    """Whether ``text`` has the shape of a département (or région) code.

    >>> is_departement_code("29"), is_departement_code("2B"), is_departement_code("974")
    (True, True, True)
    """
    return bool(_DEPARTEMENT_CODE.match(text))


def is_siren(text: str) -> bool:
    """Whether ``text`` is a 9-digit SIREN number (the code of an EPCI).

    >>> is_siren("200067072")
    True
    """
    return bool(_SIREN.match(text))


@dataclass(frozen=True)
class Query:
    """A parsed query: an optional kind, the code or name, an optional département."""

    kind: UnitKind | None
    text: str
    departement: str | None = None


def parse_query(raw: str) -> Query:
    """Split an optional kind prefix and département suffix off a query.

    Accepted prefixes are ``com:``, ``epci:``, ``dep:``, ``reg:``, ``pays:`` (or
    the full kind names), and the words ``commune``, ``epci``, ``département``,
    ``région`` followed by a space. A trailing ``(29)`` restricts names to a
    département. Codes are upper-cased (``2a004`` → ``2A004``).

    >>> parse_query("région 53")
    Query(kind=<UnitKind.REGION: 'region'>, text='53', departement=None)
    >>> parse_query(" 2a004 ")
    Query(kind=None, text='2A004', departement=None)
    """
    text = " ".join(raw.split())
    kind = None
    match = _COLON_PREFIX.match(text) or _WORD_PREFIX.match(text)
    if match:
        try:
            kind = UnitKind.parse(match.group(1))
            text = match.group(2).strip()
        except ValueError:
            kind = None
    departement = None
    suffix = _DEPARTEMENT_SUFFIX.match(text)
    if suffix:
        text, departement = suffix.group(1), suffix.group(2).upper()
    if re.fullmatch(r"[0-9][0-9ABab]\d*|[Ff][Rr]", text):
        text = text.upper()
    return Query(kind, text, departement)
