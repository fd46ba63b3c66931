"""A territory's loaded indicators beside those of its parents (EPCI, département, région, France).

The territory pages and the API show, for each headline indicator the store
holds, the value of the territory and of every territory containing it,
aggregated from the communes by the catalogue's rule (sums for counts, ratio of
sums for shares with counts, mean weighted by population or area otherwise).
An official indicator and its stand-ins (:data:`STAND_INS`: Data For Good
derived tables, the IRCOM proxy) make one row: the official one when it is
loaded, else the first stand-in loaded, with its own label. Each indicator keeps
its most recent period. A count of places (France Services, mediation places,
libraries) is 0, not unknown, for a commune without a place in a département
the list covers (the importers store only communes with places).
The commune values are read once per state of the store; a territory's values
are aggregated from its own communes on first use (all of France once), then kept.
:func:`trajectoires.indicators.store.compare_with_parents` gives the same chain
as a table, for any indicators.

Examples
--------
>>> import tempfile, pathlib
>>> import pandas as pd
>>> from trajectoires.territory import FIXTURE_DIR, load_reference
>>> ref = load_reference(pathlib.Path(tempfile.mkdtemp()), data_dir=FIXTURE_DIR)
>>> values = pd.DataFrame({
...     "commune_code": ["29232", "29019"], "indicator": "france_services_sites",
...     "period": "2024-08-01", "value": [2.0, 3.0]})
>>> profile = IndicatorProfile(ref, values)
>>> rows = profile.rows(ref.resolve("29232"))
>>> [(v["name"], v["value"]) for v in rows[0]["values"]][:2]
[('Quimper', 2.0), ("Communauté d'agglomération Quimper Bretagne Occidentale", 2.0)]
>>> rows[0]["values"][2]["name"], rows[0]["values"][2]["value"]
('Finistère', 5.0)
>>> profile.rows(ref.resolve("29155"))[0]["values"][0]["value"]  # Ouessant: none, so 0
0.0

"""

from __future__ import annotations

import hashlib
import threading
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from trajectoires.indicators._headline import (
    COMPLETE_SHARE,
    HEADLINE,
    PLACE_COUNTS,
    SHOWN_SHARE,
    STAND_INS,
    coverage_fields,
    headline,
    with_zero_counts,
)
from trajectoires.indicators._parquet_cache import read_table, write_table
from trajectoires.indicators.aggregation import aggregate, latest_values
from trajectoires.indicators.catalogue import DATASETS, INDICATORS

if TYPE_CHECKING:
    from collections.abc import Iterable

    from sqlalchemy.orm import Session

    from trajectoires.territory import Reference, Unit

__all__ = ["COMPLETE_SHARE", "HEADLINE", "PLACE_COUNTS", "SHOWN_SHARE", "STAND_INS",
           "IndicatorProfile", "ProfileRows", "load_profile"]

_CACHED_UNITS = 512

class ProfileRows(list):
    """The rows of :meth:`IndicatorProfile.rows`, with the datasets loaded (``loaded``).

    ``loaded`` lets a page tell "nothing is loaded" from "what is loaded holds none
    of the headline indicators".
    """

    def __init__(self, rows: Iterable[dict], loaded: tuple[str, ...] = ()) -> None:
        super().__init__(rows)
        self.loaded = loaded


class IndicatorProfile:
    """Indicators of any territory and its parents, from commune values.

    Parameters
    ----------
    reference : trajectoires.territory.Reference
        The reference of places (hierarchy, populations and areas).
    values : pandas.DataFrame
        Long commune values (``commune_code``, ``indicator``, ``period``,
        ``value``), ratio components included (``store.indicator_values``).
        Only the most recent period of each indicator is kept.
    indicators : list of str, optional
        Indicators to compare, in this order. Default: :data:`HEADLINE`, each
        official indicator replaced by its first loaded stand-in when it is not
        loaded itself.
    datasets : iterable of str, optional
        Labels of the datasets loaded in the store (``ProfileRows.loaded``).
    prepared : bool, optional
        ``values`` are already a profile's :attr:`values` (latest period only, the
        zero counts added): read back from :func:`load_profile`'s cache, they are
        taken as they are (about 0.3 s of a restarted server's warm-up on France).

    """

    def __init__(
        self,
        reference: Reference,
        values: pd.DataFrame,
        indicators: Iterable[str] | None = None,
        *,
        datasets: Iterable[str] = (),
        prepared: bool = False,
    ) -> None:
        self.reference = reference
        self._communes = reference.communes_of(reference.france)
        # Python strings: pandas' pyarrow strings iterate element by element in Python
        # in isin and map (a second over France's values)
        given = values  # the cache's prepared table keeps its Arrow strings for the masks
        text = [c for c in ("commune_code", "indicator", "period") if c in values]
        values = values.astype(dict.fromkeys(text, object))
        if not prepared:
            values = latest_values(values)
        present = set(values["indicator"])
        self.indicators = headline(present) if indicators is None else list(indicators)
        # the zero counts come after the rows read: each indicator's first period is its own
        self.values = values if prepared else with_zero_counts(values, self._communes)
        self.periods: dict[str, str] = (
            self.values.groupby("indicator")["period"].first().to_dict())
        self.datasets = tuple(datasets)
        codes = self._communes.index.to_numpy(dtype=object)
        self._position = {code: i for i, code in enumerate(codes)}
        self._population = pd.to_numeric(self._communes["population"], errors="coerce").fillna(
            0.0).to_numpy(dtype=float)
        # indicator → which communes of the table have a value
        self._with_value = _communes_with_value(given if prepared else self.values,
                                                self.indicators, codes)
        self._units: dict[str, tuple[pd.Series, dict[str, tuple[int, int, float | None]]]] = {}
        self._levels: dict[str, pd.DataFrame] = {}  # level → one row per unit (warm)
        self._by_commune: dict[str, np.ndarray] | None = None  # commune → rows of values
        self.cache_path: Path | None = None
        """Where :meth:`warm` keeps the aggregates of every level (None: not kept)."""
        self._lock = threading.Lock()
        self._kept_read: pd.DataFrame | None | bool = False  # False: cache_path not read yet
        self._kept_lock = threading.Lock()

    def _unit_values(self, unit: Unit) -> tuple[pd.Series, dict]:
        """Values of ``unit`` by indicator, aggregated from its communes only, and coverage.

        The coverage of each indicator is (communes with a value, communes of the unit,
        their share of its population or None when its population is unknown). Cached;
        read from the whole level's table once :meth:`warm` computed it.
        """
        with self._lock:
            if unit.ref in self._units:
                return self._units[unit.ref]
            level = self._levels.get(unit.kind.value)
        reference = self.reference
        members = self._members(unit)
        if level is not None:
            values = (level.loc[unit.code].dropna() if unit.code in level.index else _EMPTY)
        else:
            subset = self.values if unit.kind.value == "pays" else self._rows_of(members)
            table = aggregate(subset, reference, unit.kind.value, communes=self._communes)
            values = table[table["unit_code"] == unit.code].set_index("indicator")["value"]
        entry = (values, self._coverage(members))
        with self._lock:
            if len(self._units) >= _CACHED_UNITS:
                self._units.pop(next(iter(self._units)))
            self._units[unit.ref] = entry
        return entry

    def _members(self, unit: Unit) -> pd.Index:
        """Codes of the communes of ``unit`` (a commune's own: no scan of the reference)."""
        if unit.kind.value == "pays":
            return self._communes.index
        if unit.kind.value == "commune":
            return pd.Index([unit.code], dtype=object)
        return self.reference.communes_of(unit).index

    def _rows_of(self, members: pd.Index) -> pd.DataFrame:
        """Return the rows of :attr:`values` of ``members``, in their order (grouped once)."""
        with self._lock:
            if self._by_commune is None:
                self._by_commune = _rows_by_commune(self.values["commune_code"])
        found = [self._by_commune[c] for c in members.to_numpy(object) if c in self._by_commune]
        return self.values.iloc[np.sort(np.concatenate(found)) if found else []]

    def warm(self, levels: Iterable[str] = ("pays", "region", "departement", "epci")) -> None:
        """Aggregate every territory of ``levels`` at once (one pass per level).

        A server does it in the background at start: any page's comparison is then a
        lookup (one département alone costs about what all of them do together).
        With a :attr:`cache_path` (:func:`load_profile` sets it), the tables are
        read from it, or written there for the next start.
        """
        self._rows_of(pd.Index([], dtype=object))  # a commune's page: its rows by position
        cached = self._read_kept_levels()
        missing = [level for level in levels if level not in self._levels]
        tables = []
        for level in missing:
            table = aggregate(self.values, self.reference, level, communes=self._communes)
            tables.append(table.assign(level=level))
            self._keep_level(level, table)
        if tables and self.cache_path is not None:
            every = [*([cached] if cached is not None else []), *tables]
            write_table(pd.concat(every, ignore_index=True), self.cache_path)

    def _read_kept_levels(self) -> pd.DataFrame | None:
        """Take the levels kept at :attr:`cache_path`, once (None: none kept).

        A page asked for during the warm-up reads them (0.04 s) instead of aggregating
        its chain from every commune value (0.66 s for the Finistère, shared files).
        """
        with self._kept_lock:
            if self._kept_read is False:
                cached = read_table(self.cache_path)
                if cached is not None:
                    for level, table in cached.groupby("level", sort=False):
                        self._keep_level(str(level), table)
                self._kept_read = cached
            return self._kept_read

    def _keep_level(self, level: str, table: pd.DataFrame) -> None:
        wide = table.pivot_table(index="unit_code", columns="indicator", values="value",
                                 aggfunc="first")
        wide.index = wide.index.astype(object)
        with self._lock:
            self._levels[level] = wide

    def _coverage(self, members: pd.Index) -> dict[str, tuple[int, int, float | None]]:
        # positions in the national table through a plain dict: pandas' string indexes
        # (pyarrow-backed) compare element by element in Python (28 s for France's chain)
        positions = np.fromiter((self._position.get(c, -1) for c in members.to_numpy(object)),
                                dtype=np.int64, count=len(members))
        positions = positions[positions >= 0]
        population = self._population[positions]
        total = float(population.sum())
        coverage = {}
        for indicator_id, mask in self._with_value.items():
            covered = mask[positions]
            share = float(population[covered].sum()) / total if total > 0 else None
            coverage[indicator_id] = (int(covered.sum()), len(members), share)
        return coverage

    def _chain(self, unit: Unit) -> list[tuple[Unit, tuple[pd.Series, dict]]]:
        """Return ``unit`` then each parent, France last, each with its values and coverage."""
        self._read_kept_levels()
        return [(m, self._unit_values(m)) for m in [unit, *self.reference.parents(unit)]]

    def rows(self, unit: Unit) -> ProfileRows:
        """One row per loaded indicator: its description and the chain's values.

        Each row has ``id``, ``label``, ``unit``, ``period`` (the most recent
        one, the only one compared), ``source``, ``licence``, ``note``,
        ``stands_in_for`` (the official indicator a stand-in replaces, else
        None) and ``values``: a list of ``kind``, ``code``, ``name``,
        ``territory`` (the :class:`Unit`), ``value`` (None when unknown or when
        the coverage is too thin), ``communes`` (with a value), ``communes_total``,
        ``population_share`` (their share of the population, None when unknown),
        ``comparable`` (False when that share is under :data:`SHOWN_SHARE`: the
        value is then None) and ``complete`` (share at least :data:`COMPLETE_SHARE`)
        for ``unit`` then each parent.
        """
        chain = self._chain(unit)
        replaced = {s: official for official, subs in STAND_INS.items() for s in subs}
        rows = []
        for indicator_id in self.indicators:
            if indicator_id not in self.periods:
                continue
            indicator = INDICATORS[indicator_id]
            dataset = DATASETS[indicator.dataset]
            values = []
            for member, (table, coverage) in chain:
                value = table.get(indicator_id)
                values.append({"kind": member.kind.value, "kind_label": member.kind.label,
                               "code": member.code, "name": member.name, "territory": member,
                               "value": None if value is None else float(value),
                               **coverage_fields(coverage.get(indicator_id))})
                if not values[-1]["comparable"]:
                    values[-1]["value"] = None
            rows.append({"id": indicator_id, "label": indicator.label, "unit": indicator.unit,
                         "period": self.periods[indicator_id], "source": dataset.label,
                         "licence": dataset.licence, "note": indicator.note,
                         "stands_in_for": replaced.get(indicator_id), "values": values})
        return ProfileRows(rows, self.datasets)

    def table(self, unit: Unit) -> pd.DataFrame:
        """One row per unit of the chain (``kind``, ``code``, ``name``, one column per indicator).

        The unit first, France last; None where a unit has no value, or too few of its
        people have one (:data:`SHOWN_SHARE`, as in :meth:`rows`). The period
        of each indicator is in ``frame.attrs["periods"]``.
        """
        rows = []
        for member, (table, coverage) in self._chain(unit):
            row = {"kind": member.kind.value, "code": member.code, "name": member.name}
            for indicator_id in self.indicators:
                value = table.get(indicator_id)
                comparable = coverage_fields(coverage.get(indicator_id))["comparable"]
                row[indicator_id] = None if value is None or not comparable else float(value)
            rows.append(row)
        frame = pd.DataFrame(rows, columns=["kind", "code", "name", *self.indicators])
        frame.attrs["periods"] = dict(self.periods)
        return frame


_EMPTY = pd.Series(dtype=float)


def _rows_by_commune(codes: pd.Series) -> dict[str, np.ndarray]:
    """Positions of each commune's rows, ascending (as ``groupby(...).indices``, half the time).

    >>> {c: r.tolist() for c, r in _rows_by_commune(pd.Series(["b", "a", "b"])).items()}
    {'b': [0, 2], 'a': [1]}
    """
    numbers, uniques = pd.factorize(codes.to_numpy(dtype=object))
    if not len(uniques):
        return {}
    order = np.argsort(numbers, kind="stable")
    bounds = np.cumsum(np.bincount(numbers, minlength=len(uniques)))[:-1]
    return dict(zip(uniques.tolist(), np.split(order, bounds), strict=True))


def _communes_with_value(values: pd.DataFrame, indicators: list[str],
                         codes: np.ndarray) -> dict[str, np.ndarray]:
    """Which of ``codes`` have a value of each indicator (both parts of a ratio), as masks.

    The rows' communes are placed by Arrow's hashed lookup, on the Arrow strings the
    cache is read with, not by one set test per commune and indicator in Python (0.2 s
    on all of France).

    >>> values = pd.DataFrame({"commune_code": ["a", "b", "b"], "value": [1.0, None, 2.0],
    ...                        "indicator": ["population", "population", "density"]})
    >>> masks = _communes_with_value(values, ["population"], np.array(["b", "a", "c"]))
    >>> masks["population"].tolist()
    [False, True, False]
    """
    import pyarrow as pa
    import pyarrow.compute as pc

    def strings(column: pd.Series) -> pa.Array:
        array = pa.array(column.array, type=pa.string())  # no copy of Arrow strings
        return array.combine_chunks() if isinstance(array, pa.ChunkedArray) else array

    known = values[values["value"].notna()]
    found = pc.index_in(strings(known["commune_code"]),
                        value_set=pa.array(codes, type=pa.string()))
    positions = pc.fill_null(found, -1).to_numpy(zero_copy_only=False)
    encoded = pc.dictionary_encode(strings(known["indicator"]))
    numbers = encoded.indices.to_numpy(zero_copy_only=False)
    masks: dict[str, np.ndarray] = {}
    for number, name in enumerate(encoded.dictionary.to_pylist()):
        mask = np.zeros(len(codes), dtype=bool)
        placed = positions[numbers == number]
        mask[placed[placed >= 0]] = True
        masks[name] = mask
    none = np.zeros(len(codes), dtype=bool)
    result = {}
    for indicator_id in indicators:
        indicator = INDICATORS[indicator_id]
        if indicator.rule == "ratio":
            result[indicator_id] = (masks.get(indicator.numerator, none)
                                    & masks.get(indicator.denominator, none))
        else:
            result[indicator_id] = masks.get(indicator_id, none)
    return result


def load_profile(session: Session, reference: Reference, *, cache_dir: Path | None = None,
                 state: str = "") -> IndicatorProfile:
    """Read the store's commune values of :data:`HEADLINE` into an :class:`IndicatorProfile`.

    Stand-ins are read too (the profile keeps the official indicator when both are
    loaded); the labels of the datasets loaded go to ``datasets``. With a
    ``cache_dir`` and the ``state`` of the store (a key that changes with every
    import), the values read are kept there in one Parquet file (``profile-….parquet``,
    the previous state's removed): a restarted server reads them in a few tens of
    milliseconds instead of querying every commune value again (seconds on all of
    France). What is kept is the profile's prepared table (latest periods, zero counts
    added), taken as it is on the next start.
    """
    from trajectoires.indicators.store import indicator_values, list_datasets

    wanted = [*HEADLINE, *(s for subs in STAND_INS.values() for s in subs)]
    loaded = list_datasets(session)
    datasets = [f"{row.label} ({row.name})" for row in loaded.itertuples()]
    path = None
    if cache_dir is not None and state:
        digest = hashlib.sha256("|".join([
            state, *wanted, reference.folder.name, reference.population_vintage,
            _CACHE_VERSION]).encode()).hexdigest()[:16]
        path = Path(cache_dir) / f"{_CACHE_PREFIX}{digest}.parquet"
    values = read_table(path)
    if values is not None:
        profile = IndicatorProfile(reference, values, datasets=datasets, prepared=True)
    else:
        profile = IndicatorProfile(reference, indicator_values(session, wanted),
                                   datasets=datasets)
        if path is not None:
            write_table(profile.values, path, _CACHE_PREFIX)
    if path is not None:
        profile.cache_path = path.with_name(f"{path.stem}-levels.parquet")
    return profile


_CACHE_PREFIX = "profile-"
_CACHE_VERSION = "prepared"
"""In the cache file's key: files of the raw values read (before 2026-12-03) are not taken."""
