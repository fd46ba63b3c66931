"""Inputs of a diagnosis, read from the indicator store.

The fragility index takes the official indicator of each criterion when it is
loaded and falls back to the labelled stand-in of the shared 2020 files (Data
For Good derived tables, IRCOM) otherwise; which one was used, and whether it
is a proxy, travels with the values. Nothing missing is ever replaced by zero:
what is absent is listed with the command that brings it.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

from trajectoires.diagnosis import stand_ins
from trajectoires.indicators.catalogue import DATASETS, INDICATORS

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

__all__ = ["CONTEXT_SOURCES", "FRAGILITY_SOURCES", "PLACE_KINDS", "WEIGHT", "Inputs", "Source",
           "dataset_origin", "dataset_rows", "load_inputs", "write_parquet"]


CACHE_VERSION = "diagnosis-inputs-7"

WEIGHT = "_weight_"
"""Prefix of the columns of :attr:`Inputs.values` holding the denominator of a ratio criterion
(``_weight_no_thd_coverage``: the premises of each commune), so that a territory's value is
the ratio of the sums, as the catalogue defines it (``aggregation.aggregate``)."""


@dataclass(frozen=True)
class Source:
    """A store indicator that can feed a criterion of the index."""

    indicator: str
    proxy: bool = False


FRAGILITY_SOURCES: dict[str, tuple[Source, ...]] = {
    "no_thd_coverage": (Source("arcep_taux_non_thd30"),),
    "no_4g_coverage": (Source("arcep_taux_non_4g_pop"),
                       Source("arcep_taux_non_4g_surf", proxy=True),
                       Source("arcep_taux_non_4g_surf_meilleur_op", proxy=True)),
    "share_65_plus": (Source("insee_part_65p"), Source("dfg_part_65p_sur_15p", proxy=True)),
    "share_low_diploma": (Source("insee_part_peu_diplomes"),
                          Source("dfg_part_peu_diplomes", proxy=True)),
    "poverty_rate": (Source("insee_taux_pauvrete"),
                     Source("ircom_part_foyers_rfr_12000", proxy=True)),
}
"""Store indicators of each criterion of the national index, preferred first.

4G non-coverage comes from the ``arcep-mobile`` table (share of the population
not covered by any operator; the surface share is a flagged stand-in). The
count of mobile sites (``arcep-mobile-sites``) is a proxy, not coverage: it
never feeds this criterion."""

CONTEXT_SOURCES: dict[str, tuple[Source, ...]] = {
    "share_single_person": (Source("insee_part_men_seul"),
                            Source("dfg_part_men_seul", proxy=True)),
    "share_single_parent": (Source("insee_part_men_fammono"),
                            Source("dfg_part_men_fammono", proxy=True)),
    "unemployment_rate": (Source("insee_taux_chomage"),),
}
"""Store indicators a user may add to the index (``diagnose --criteres``), preferred first.

They are not criteria of the national method: a diagnosis uses them only when asked."""

PLACE_KINDS: dict[str, str] = {
    "france-services": "France Services",
    "mediation-places": "lieux de médiation numérique",
    "libraries": "bibliothèques",
}
"""Kinds of places used for access to help, with their French label."""


@dataclass(frozen=True, eq=False)
class Inputs:
    """What the store holds for a diagnosis.

    Attributes
    ----------
    values : pandas.DataFrame
        National commune table (index: code), one column per criterion key that
        has data (``share_65_plus``...), and ``_weight_<key>`` (:data:`WEIGHT`) with
        the denominator of each criterion read from a ratio (premises, population).
    chosen : dict
        Criterion key → the :class:`Source` used.
    periods : dict
        Criterion key → period of the values.
    places : dict
        Place kind → DataFrame of places (``name``, ``commune_code``, ``lat``,
        ``lon`` and their Lambert-93 projection ``x``, ``y``).
    datasets : pandas.DataFrame
        The store's dataset records (``list_datasets``).
    missing : list of tuple
        ``(kind, label, command)`` of each dataset kind not loaded.
    folder : pathlib.Path or None
        The cache folder of these inputs (None without a cache).
    stand_in_notes : dict
        Criterion → French notes on the communes whose value is estimated
        (:mod:`~trajectoires.diagnosis.stand_ins`; the ``_stand_in_<key>`` column of
        ``values`` names the stand-in of each such commune).

    """

    values: pd.DataFrame
    chosen: dict[str, Source]
    periods: dict[str, str | None]
    places: dict[str, pd.DataFrame]
    datasets: pd.DataFrame
    missing: list[tuple[str, str, str]] = field(default_factory=list)
    folder: Path | None = None
    stand_in_notes: dict[str, list[str]] = field(default_factory=dict)

    @property
    def absent_criteria(self) -> list[str]:
        """Criteria of the national index without any value in the store."""
        return [key for key in FRAGILITY_SOURCES if key not in self.chosen]

    @property
    def proxies(self) -> list[str]:
        """Criteria of the national index read from a stand-in, not the official indicator."""
        return [key for key in self.criteria if self.chosen[key].proxy]

    @property
    def criteria(self) -> list[str]:
        """Criteria of the national index that have values, in the method's order."""
        return [key for key in FRAGILITY_SOURCES if key in self.chosen]


def load_inputs(session: Session, cache_dir: Path | None = None) -> Inputs:
    """Read the criteria of the index, the places and the dataset records from the store.

    Parameters
    ----------
    session : sqlalchemy.orm.Session
        An open session on a migrated database.
    cache_dir : pathlib.Path, optional
        Folder where the national inputs are kept, keyed by a fingerprint of the
        dataset records (name, kind, SHA-256, vintage, import time): any import
        changes the key, so a cached table is never stale.

    Returns
    -------
    Inputs
        National values (never zero-filled), places and what is missing.

    """
    from trajectoires.indicators.store import list_datasets, missing_datasets

    datasets = _with_contents(session, list_datasets(session))
    missing = missing_datasets(session)
    folder = None if cache_dir is None else Path(cache_dir) / f"inputs-{_fingerprint(datasets)}"
    if folder is not None and (folder / "meta.json").exists():
        return _read_cache(folder, datasets, missing)
    values, chosen, periods, located, notes = _read_store(session, set(datasets["kind"]))
    inputs = Inputs(values, chosen, periods, located, datasets, missing, stand_in_notes=notes)
    if folder is None:
        return inputs
    _write_cache(folder, inputs)
    return Inputs(values, chosen, periods, located, datasets, missing, folder, notes)


def _read_store(session: Session, loaded_kinds: set[str]) -> tuple:
    from trajectoires.indicators.store import commune_values, places

    every = {**FRAGILITY_SOURCES, **CONTEXT_SOURCES}
    wanted = [s.indicator for sources in every.values() for s in sources
              if INDICATORS[s.indicator].dataset in loaded_kinds]
    wanted += [i for i in stand_ins.needed(loaded_kinds) if i not in wanted]
    denominators = [INDICATORS[i].denominator for i in wanted if INDICATORS[i].rule == "ratio"]
    wanted += [d for d in dict.fromkeys(denominators) if d not in wanted]
    wide = commune_values(session, wanted) if wanted else pd.DataFrame()
    periods_by_id = wide.attrs.get("periods", {}) if wanted else {}
    columns, chosen, periods = {}, {}, {}
    for key, sources in every.items():
        for source in sources:
            if source.indicator in wide.columns and wide[source.indicator].notna().any():
                columns[key] = wide[source.indicator].astype(float)
                denominator = INDICATORS[source.indicator].denominator
                if denominator is not None:  # a ratio: its territory value is a ratio of sums
                    columns[WEIGHT + key] = wide[denominator].astype(float)
                chosen[key] = source
                periods[key] = periods_by_id.get(source.indicator)
                break
    notes = stand_ins.complete(columns, chosen, wide)  # official value, else an estimate
    values = pd.DataFrame(columns, index=wide.index if len(wide.columns) else None)
    values.index.name = "code"
    located = {kind: places(session, kind) for kind in PLACE_KINDS if kind in loaded_kinds}
    located = {kind: _projected(frame.drop(columns=["attributes"]))
               for kind, frame in located.items() if len(frame)}
    return values, chosen, periods, located, notes


def _projected(frame: pd.DataFrame) -> pd.DataFrame:
    """Add Lambert-93 ``x``/``y`` (metres) to located places (NaN when not located)."""
    from trajectoires.analysis import to_lambert93

    frame = frame.reset_index(drop=True)
    known = frame["lat"].notna() & frame["lon"].notna()
    frame["x"] = frame["y"] = float("nan")
    if known.any():
        xy = to_lambert93(frame.loc[known, "lon"], frame.loc[known, "lat"])
        frame.loc[known, "x"], frame.loc[known, "y"] = xy[:, 0], xy[:, 1]
    return frame


def _fingerprint(datasets: pd.DataFrame) -> str:
    rows = sorted(f"{r.name}|{r.kind}|{r.sha256}|{r.period}|{r.imported_at}"
                  for r in datasets.itertuples())
    text = "\n".join([CACHE_VERSION, *rows])
    return hashlib.sha256(text.encode()).hexdigest()[:20]


def _write_cache(folder: Path, inputs: Inputs) -> None:
    """Write the inputs atomically (temporary folder renamed into place)."""
    folder.parent.mkdir(parents=True, exist_ok=True)
    partial = Path(tempfile.mkdtemp(prefix=".partiel-", dir=folder.parent))
    inputs.values.to_parquet(partial / "values.parquet")
    for kind, frame in inputs.places.items():
        frame.to_parquet(partial / f"places-{kind}.parquet", index=False)
    meta = {"chosen": {k: [s.indicator, s.proxy] for k, s in inputs.chosen.items()},
            "periods": inputs.periods, "places": list(inputs.places),
            "stand_in_notes": inputs.stand_in_notes}
    (partial / "meta.json").write_text(json.dumps(meta), encoding="utf-8")
    try:
        partial.rename(folder)
    except OSError:  # another process wrote it first
        shutil.rmtree(partial, ignore_errors=True)


def write_parquet(frame: pd.DataFrame, path: Path) -> None:
    """Write a cached table atomically, safe with other threads and processes writing it.

    The table goes to a temporary file of the same folder with a unique name
    (a random UUID: the file is created by Parquet with the usual permissions,
    where :func:`tempfile.mkstemp` would make it private to its owner), then
    replaces ``path`` (:func:`os.replace`); two writers of the same table both
    succeed and the last one wins (they write the same content).
    """
    name = path.with_name(f".partiel-{uuid.uuid4().hex}-{path.name}")
    try:
        frame.to_parquet(name)
        os.replace(name, path)
    except BaseException:
        Path(name).unlink(missing_ok=True)
        raise


def _read_cache(folder: Path, datasets: pd.DataFrame, missing: list) -> Inputs:
    meta = json.loads((folder / "meta.json").read_text(encoding="utf-8"))
    values = pd.read_parquet(folder / "values.parquet")
    located = {kind: pd.read_parquet(folder / f"places-{kind}.parquet")
               for kind in meta["places"]}
    chosen = {k: Source(i, bool(p)) for k, (i, p) in meta["chosen"].items()}
    return Inputs(values, chosen, meta["periods"], located, datasets, missing, folder,
                  meta.get("stand_in_notes", {}))


def _with_contents(session: Session, datasets: pd.DataFrame) -> pd.DataFrame:
    """Add what each record holds: one of its indicators and the notes of its import.

    One indicator is enough to tell an official file from a derived table imported
    under the same kind (a file has one layout); it is read through the unique
    index that starts with the dataset, so each lookup reads one row.
    """
    from sqlalchemy import select

    from trajectoires.indicators.models import Dataset, IndicatorValue

    records = {name: (key, report) for name, key, report in session.execute(
        select(Dataset.name, Dataset.id, Dataset.report))}
    samples, notes = [], []
    for name in datasets["name"]:
        key, report = records[name]
        samples.append(session.scalar(select(IndicatorValue.indicator).where(
            IndicatorValue.dataset_id == key).limit(1)))
        try:
            notes.append(list(json.loads(report or "{}").get("notes", [])))
        except ValueError:
            notes.append([])
    return datasets.assign(sample_indicator=samples, notes=notes)


def dataset_origin(kind: str, sample_indicator: str | None = None) -> tuple[str, str]:
    """Label and producer of a dataset record, as its values are attributed.

    A file imported under an official kind may be a derived table (the Data For
    Good census table, the IRCOM stand-in): the catalogue's ``source`` of the
    indicators it holds then names its real producer instead of the official
    dataset's.

    >>> dataset_origin("france-services")
    ('Liste des structures France services', 'ANCT et Banque des Territoires')
    """
    info = DATASETS[kind]
    indicator = INDICATORS.get(sample_indicator or "")
    attributed = getattr(indicator, "source", "") if indicator is not None else ""
    if attributed:
        return attributed, attributed.split(",")[0]
    return info.label, info.producer


def dataset_rows(inputs: Inputs) -> list[dict]:
    """List the loaded datasets with their producer and licence, for the sources section.

    Label and producer are those of :func:`dataset_origin` (a derived table is not
    credited to the official dataset whose kind it was imported under); ``notes``
    are the importer's notes on what the file is.
    """
    rows = []
    for record in inputs.datasets.to_dict("records"):
        label, producer = dataset_origin(record["kind"], record.get("sample_indicator"))
        rows.append({
            "name": record["name"], "kind": record["kind"], "label": label,
            "producer": producer, "file_name": record["file_name"],
            "period": record["period"], "licence": record["licence"],
            "source_url": record["source_url"], "communes": int(record["communes"]),
            "notes": list(record.get("notes") or []),
        })
    return rows
