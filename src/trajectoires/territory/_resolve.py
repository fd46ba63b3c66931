"""Resolution of free queries (codes and names) and the search box ranking.

The rule, in order (also in ``docs/territory.md``):

1. an explicit kind prefix (``com:``, ``epci:``, ``dep:``, ``reg:``, ``pays:``
   or the words ``commune``, ``epci``, ``département``, ``région``) restricts
   the lookup to that kind, by code first, then by name;
2. ``FR`` or ``France`` is France;
3. a 5-character code (``29232``, ``2A004``) is a commune; codes of
   arrondissements municipaux, of communes déléguées or associées and old codes
   of merged communes (``_old_codes``) fold into their commune, with a ``note``;
4. 9 digits are the SIREN of an EPCI;
5. 2 or 3 characters (``29``, ``2A``, ``974``) are a département; a région only
   when no département has that code (a note tells when both exist: ``53``
   is the Mayenne, ``reg:53`` Bretagne);
6. anything else is a name, compared on :func:`~trajectoires.territory._names.normalize`
   keys; ``Sainte-Marie (974)`` restricts to one département. Several exact
   matches raise :class:`AmbiguousTerritory`, unless they all cover the same
   communes (Paris the commune and Paris the département; Guadeloupe the
   département and the région): then the département, else the largest unit,
   is returned, with a note.
"""

from __future__ import annotations

import difflib
import math
import re
from dataclasses import replace
from typing import TYPE_CHECKING

from trajectoires.territory._model import AmbiguousTerritory, TerritoryNotFound, Unit, UnitKind
from trajectoires.territory._names import (
    Query,
    is_commune_code,
    is_departement_code,
    is_siren,
    normalize,
    parse_query,
)

if TYPE_CHECKING:
    from trajectoires.territory.reference import Reference

__all__ = ["NameIndex", "fold_alias", "resolve", "sort_key"]

_ALIAS_LABELS = {
    "ARM": "un arrondissement municipal",
    "COMD": "une commune déléguée",
    "COMA": "une commune associée",
}
_LEGAL_FORM = re.compile(
    r"^(communaute (de communes|d agglomeration|urbaine)|metropole|etablissement public "
    r"territorial)( (du|de la|de l|des|de|d))? "
)
_ARTICLE = re.compile(r"^(l|le|la|les) ")
_SAME_PLACE_PREFERENCE = (UnitKind.DEPARTEMENT, UnitKind.REGION, UnitKind.COMMUNE, UnitKind.EPCI)


def sort_key(name: str) -> str:
    """Sorting key of a French name (accents and case ignored).

    >>> sorted(["Évry", "Ergué-Gabéric", "Elliant"], key=sort_key)
    ['Elliant', 'Ergué-Gabéric', 'Évry']
    """
    return normalize(name)


def fold_alias(ref: Reference, alias: dict) -> Unit:
    """Return the commune an arrondissement, delegated commune or old code folds into."""
    commune = ref.get(UnitKind.COMMUNE, alias["target"])
    if alias["type"] == "MERGED":
        note = (f"{alias['code']} est l'ancien code d'une commune fusionnée dans "
                f"{commune.name} ({commune.code}).")
    else:
        what = _ALIAS_LABELS.get(alias["type"], "un ancien code")
        note = f"{alias['name']} ({alias['code']}) est {what} {commune.of_name} ({commune.code})."
    return replace(commune, note=note)


class NameIndex:
    """Keys of every unit name, for exact lookups and the search box."""

    def __init__(self, ref: Reference) -> None:
        self._ref = ref
        entries: list[tuple[str, UnitKind, str, float]] = [
            (key, UnitKind.COMMUNE, code, pop)
            for key, code, pop in zip(ref._keys, ref._codes, ref._population, strict=True)
        ]
        for key, kind, code in ref._unit_keys:
            population = ref._units[kind, code].population
            entries.append((key, kind, code, float(population or 0)))
            short = _LEGAL_FORM.sub("", key)
            if short != key:
                entries.append((short, kind, code, float(population or 0)))
        self.entries = [(k, kind, c, 0.0 if math.isnan(p) else p) for k, kind, c, p in entries]
        self._entry_keys = [entry[0] for entry in self.entries]
        self._entry_codes = [entry[2] for entry in self.entries]
        self.exact: dict[str, list[tuple[UnitKind, str]]] = {}
        full_keys = {(kind, code): key for key, kind, code in ref._unit_keys}
        for key, kind, code, _pop in entries:
            if kind is UnitKind.COMMUNE or key == full_keys[kind, code]:
                self.exact.setdefault(key, []).append((kind, code))
        self._alias_keys: dict[str, list[dict]] | None = None
        self._loose: dict[str, list[tuple[UnitKind, str]]] | None = None

    def units(self, key: str) -> list[Unit]:
        """Units whose name has exactly ``key``."""
        return [self._ref.get(kind, code) for kind, code in self.exact.get(key, [])]

    def loose_units(self, key: str) -> list[Unit]:
        """Units whose name matches ``key`` once a leading article is dropped on both sides.

        The official name of a commune sometimes lacks the article of its usual
        form: « L'Île-Saint-Denis » is « Île-Saint-Denis » in the COG.
        """
        if self._loose is None:
            loose: dict[str, list[tuple[UnitKind, str]]] = {}
            for entry_key, pairs in self.exact.items():
                loose.setdefault(_ARTICLE.sub("", entry_key), []).extend(pairs)
            self._loose = loose
        pairs = self._loose.get(_ARTICLE.sub("", key), [])
        return [self._ref.get(kind, code) for kind, code in pairs]

    def alias_units(self, key: str) -> list[Unit]:
        """Communes into which aliases named exactly ``key`` fold."""
        if self._alias_keys is None:
            keys: dict[str, list[dict]] = {}
            for row in self._ref._alias_rows:
                keys.setdefault(normalize(row["name"]), []).append(row)
            self._alias_keys = keys
        return [fold_alias(self._ref, row) for row in self._alias_keys.get(key, [])]

    def search(self, text: str, limit: int = 10, kind: UnitKind | None = None) -> list[Unit]:
        """Best matches of ``text``: exact, prefix, word prefix, contains; then population."""
        query = parse_query(text)
        kind = query.kind or kind
        key = normalize(query.text)
        if not key:
            return []
        code = query.text.upper()
        # a C-level substring scan first, then grading of the few hits only
        hits = {i for i, entry_key in enumerate(self._entry_keys) if key in entry_key}
        if any(c.isdigit() for c in code):
            hits.update(i for i, c in enumerate(self._entry_codes) if c.startswith(code))
        ranked = []
        for i in hits:
            entry_key, entry_kind, entry_code, pop = self.entries[i]
            grade = _grade(entry_key, entry_code, key, code)
            if grade is not None and (kind is None or entry_kind is kind):
                ranked.append((grade, -pop, -entry_kind.rank, entry_code, entry_kind))
        ranked.sort()
        units: list[Unit] = []
        seen: set[tuple[UnitKind, str]] = set()
        for *_, entry_code, entry_kind in ranked:
            if (entry_kind, entry_code) in seen:
                continue
            seen.add((entry_kind, entry_code))
            unit = self._ref.get(entry_kind, entry_code)
            if query.departement is None or unit.departement_code == query.departement:
                units.append(unit)
                if len(units) == limit:
                    break
        return units

    def close(self, text: str, limit: int = 5) -> list[Unit]:
        """Units with a name close to ``text`` (typos), for error messages."""
        key = normalize(text)
        if not key:
            return []
        pool = [k for k in self.exact if k[:1] == key[:1]]
        matches = difflib.get_close_matches(key, pool, n=limit, cutoff=0.75)
        return [u for match in matches for u in self.units(match)][:limit]


def _grade(entry_key: str, entry_code: str, key: str, code: str) -> int | None:
    """Match quality of one entry (0 best), None when it does not match."""
    if entry_code == code or entry_key == key:
        return 0
    if entry_key.startswith(key) or (len(code) >= 2 and entry_code.startswith(code)):
        return 1
    if f" {key}" in entry_key:
        return 2
    if len(key.replace(" ", "")) >= 3 and key in entry_key:
        return 3
    return None


def resolve(ref: Reference, raw: str) -> Unit:
    """Return the unit designated by ``raw`` (see the module docstring for the rule)."""
    query = parse_query(raw)
    if not query.text:
        raise TerritoryNotFound(raw, reason="La recherche est vide : indiquez un code ou un nom.")
    unit = _by_code(ref, query)
    if unit is not None:
        return unit
    return _by_name(ref, query, raw)


def _by_code(ref: Reference, query: Query) -> Unit | None:
    """Return the unit whose code is ``query.text``, None when the text is not a code."""
    text, kind = query.text, query.kind
    if kind is UnitKind.COUNTRY or text == "FR" or normalize(text) == "france":
        return ref.france
    if kind is not None:
        looks_like_code = text.replace(" ", "").isalnum() and any(c.isdigit() for c in text)
        return ref.get(kind, text) if looks_like_code else None
    shapes = (
        (is_commune_code, lambda code: ref.get(UnitKind.COMMUNE, code)),
        (is_siren, lambda code: ref.get(UnitKind.EPCI, code)),
        (is_departement_code, lambda code: _departement_or_region(ref, code)),
    )
    for matches, lookup in shapes:
        if matches(text):
            return lookup(text)
    if text.isdigit():
        raise TerritoryNotFound(
            text,
            reason=f"« {text} » n'est pas un code de territoire connu (commune : 5 "
            "caractères, EPCI : 9 chiffres, département : 2 ou 3 caractères).",
        )
    return None


def _departement_or_region(ref: Reference, code: str) -> Unit:
    """Resolve a bare 2- or 3-character code: the département, else the région."""
    try:
        departement = ref.get(UnitKind.DEPARTEMENT, code)
    except TerritoryNotFound:
        try:
            return ref.get(UnitKind.REGION, code)
        except TerritoryNotFound:
            raise TerritoryNotFound(
                code, reason=f"Aucun département ni aucune région ne porte le code « {code} »."
            ) from None
    try:
        region = ref.get(UnitKind.REGION, code)
    except TerritoryNotFound:
        return departement
    note = f"Le code {code} désigne aussi la région {region.name} (« reg:{code} »)."
    return replace(departement, note=note)


def _by_name(ref: Reference, query: Query, raw: str) -> Unit:
    """Return the unit whose name is ``query.text``; raise when none or several."""
    index = ref._lookup()
    key = normalize(query.text)
    candidates = (
        _filter(index.units(key), query)
        or _filter(index.loose_units(key), query)
        or _filter(index.alias_units(key), query)
    )
    if len(candidates) == 1:
        return candidates[0]
    if candidates:
        return _disambiguate(ref, raw, candidates)
    suggestions = index.search(raw, limit=5) or index.close(query.text)
    where = f" dans le département {query.departement}" if query.departement else ""
    raise TerritoryNotFound(
        raw, suggestions, reason=f"Aucun territoire ne s'appelle « {query.text} »{where}."
    )


def _filter(units: list[Unit], query: Query) -> list[Unit]:
    """Keep the units of the query's kind and département (when given)."""
    if query.kind:
        units = [u for u in units if u.kind is query.kind]
    if query.departement:
        units = [u for u in units if u.departement_code == query.departement]
    seen: set[str] = set()
    return [u for u in units if not (u.ref in seen or seen.add(u.ref))]


def _disambiguate(ref: Reference, raw: str, candidates: list[Unit]) -> Unit:
    """One unit when all candidates cover the same communes, else raise."""
    footprints = {tuple(ref._indices(u)) for u in candidates}
    if len(footprints) == 1:
        ordered = sorted(candidates, key=lambda u: _SAME_PLACE_PREFERENCE.index(u.kind))
        chosen, others = ordered[0], ordered[1:]
        listed = ", ".join(f"{u.kind.short_label} « {u.ref} »" for u in others)
        return replace(chosen, note=f"« {raw} » désigne aussi : {listed}.")
    candidates = sorted(candidates, key=lambda u: (-u.kind.rank, -(u.population or 0), u.code))
    raise AmbiguousTerritory(raw, candidates)
