r"""The indicator store: import a file atomically, list datasets, read values and places.

One use case, one function. :func:`import_file` validates the whole file before
writing (a :class:`~trajectoires.indicators.report.FormatError` leaves the
database untouched), then replaces the rows of that dataset in the caller's
transaction; the same file imported again (same SHA-256) is a no-op.
Ratios are not stored: they are recomputed from their stored counts when read,
so that a commune and its parents always use the same rule.

Examples
--------
>>> import tempfile, pathlib
>>> from trajectoires.db import create_database, migrate
>>> from trajectoires.territory import FIXTURE_DIR, load_reference
>>> tmp = pathlib.Path(tempfile.mkdtemp())
>>> ref = load_reference(tmp, data_dir=FIXTURE_DIR)
>>> db = create_database(f"sqlite:///{tmp / 'doc.sqlite'}")
>>> migrate(db)
>>> path = tmp / "liste-fs-20240801.csv"
>>> _ = path.write_text("id_fs,lib_fs,insee_com,latitude,longitude,type_fs,format_fs\n"
...     "1,FS Quimper,29232,47.99,-4.1,Principal,Fixe\n"
...     "2,FS Brest,29019,48.39,-4.49,Principal,Fixe\n")
>>> with db.session() as session:
...     report = import_file(session, "france-services", path, ref)
>>> report.matched, report.unchanged
(2, False)
>>> with db.session() as session:
...     import_file(session, "france-services", path, ref).unchanged
True
>>> with db.session() as session:
...     table = compare_with_parents(session, ref, ref.resolve("29232"), ["france_services_sites"])
>>> table[["code", "france_services_sites"]].values.tolist()
[['29232', 1.0], ['200068120', 1.0], ['29', 2.0], ['53', 2.0], ['FR', nan]]

(France's value is not shown: the list covers the Finistère, not most of France's
population.)

"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

import pandas as pd
from sqlalchemy import delete, insert, select
from sqlalchemy.orm import Session

from trajectoires.indicators.aggregation import latest_values
from trajectoires.indicators.catalogue import DATASETS, INDICATORS, components, find
from trajectoires.indicators.folding import CommuneMatcher
from trajectoires.indicators.formats import (
    PARSERS,
    PLACE_COLUMNS,
    VALUE_COLUMNS,
    default_name,
    parse_file,
)
from trajectoires.indicators.formats._parsed import with_ratios
from trajectoires.indicators.models import Dataset, IndicatorValue, Place
from trajectoires.indicators.report import ImportReport
from trajectoires.invocation import tool_command

if TYPE_CHECKING:
    from sqlalchemy import Select, Table

    from trajectoires.territory import Reference, Unit

__all__ = [
    "commune_values",
    "compare_with_parents",
    "import_file",
    "indicator_values",
    "list_datasets",
    "MissingDataset",
    "loading_command",
    "loading_hint",
    "loading_page",
    "missing_datasets",
    "places",
    "sha256_of",
]


def sha256_of(path: Path) -> str:
    """Hex SHA-256 of a file, read in chunks."""
    digest = hashlib.sha256()
    with Path(path).open("rb") as stream:
        for chunk in iter(lambda: stream.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def import_file(
    session: Session,
    kind: str,
    path: Path,
    reference: Reference,
    *,
    name: str | None = None,
    vintage: str | None = None,
) -> ImportReport:
    """Validate ``path`` as a file of ``kind`` and replace the rows of its dataset.

    ``name`` identifies the dataset: importing another file under the same name
    replaces the previous one. Its default is the kind, or the name the format gives
    a layout that must not replace the kind's others (``formats.default_name``: one
    Filosofi income file per year, the FttH zoning, the overseas 4G per operator). Raises
    :class:`~trajectoires.indicators.report.FormatError` (nothing written) when
    the file does not follow its format.
    """
    path = Path(path)
    name = name or (default_name(kind, path) if kind in PARSERS else kind)
    checksum = sha256_of(path) if path.is_file() else ""
    existing = session.scalars(select(Dataset).where(Dataset.name == name)).one_or_none()
    if existing is not None and existing.sha256 == checksum and existing.kind == kind and (
        vintage is None or vintage == existing.period
    ):
        report = ImportReport.from_dict(json.loads(existing.report))
        report.unchanged = True
        return report
    parsed = parse_file(kind, path, CommuneMatcher(reference), vintage)
    if existing is not None:
        session.execute(delete(IndicatorValue).where(IndicatorValue.dataset_id == existing.id))
        session.execute(delete(Place).where(Place.dataset_id == existing.id))
        session.delete(existing)
        session.flush()
    report = parsed.report
    # a boolean mask even when no row is left (an empty map is not boolean, and pandas
    # would then select columns: every row rejected gave KeyError 'commune_code')
    kept = parsed.values["indicator"].map(lambda i: find(i).rule != "ratio").astype(bool)
    stored = parsed.values[kept]
    report.values = len(stored)
    dataset = Dataset(
        name=name, kind=kind, file_name=path.name, sha256=checksum, period=parsed.period,
        licence=DATASETS[kind].licence, source_url=DATASETS[kind].page_url,
        rows_read=report.read, rows_matched=report.matched, rows_folded=report.folded,
        rows_rejected=report.rejected, communes=int(stored["commune_code"].nunique()),
        report=json.dumps(report.to_dict(), ensure_ascii=False),
    )
    session.add(dataset)
    session.flush()
    _insert_values(session, dataset.id, stored)
    if parsed.places is not None:
        _insert_places(session, dataset.id, parsed.places)
    return report


def _insert_values(session: Session, dataset_id: int, values: pd.DataFrame) -> None:
    count = len(values)
    _bulk_insert(session, IndicatorValue.__table__, {
        "dataset_id": [dataset_id] * count,
        "unit_kind": ["commune"] * count,
        "unit_code": values["commune_code"].to_numpy(dtype=object).tolist(),
        "indicator": values["indicator"].to_numpy(dtype=object).tolist(),
        "period": values["period"].to_numpy(dtype=object).tolist(),
        "value": values["value"].to_numpy(dtype=float).tolist(),
    })


def _insert_places(session: Session, dataset_id: int, table: pd.DataFrame) -> None:
    def text(column: str) -> list:
        return table[column].to_numpy(dtype=object).tolist()

    def number(column: str) -> list:
        return [None if pd.isna(v) else float(v) for v in table[column].to_numpy(dtype=float)]

    _bulk_insert(session, Place.__table__, {
        "dataset_id": [dataset_id] * len(table),
        "kind": text("kind"),
        "source_id": text("id"),
        "name": text("name"),
        "commune_code": text("commune_code"),
        "lat": number("lat"),
        "lon": number("lon"),
        "attributes": text("attributes"),
    })


def _bulk_insert(session: Session, table: Table, columns: dict[str, list]) -> None:
    """Insert ``columns`` (name → values) into ``table`` in the session's transaction, fast.

    PostgreSQL: ``COPY``; SQLite: one ``executemany`` of plain tuples (no ORM objects).
    """
    rows = list(zip(*columns.values(), strict=True))
    if not rows:
        return
    names = ", ".join(columns)
    connection = session.connection()
    if connection.dialect.name == "postgresql":
        cursor = connection.connection.driver_connection.cursor()
        with cursor.copy(f"COPY {table.name} ({names}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
    elif connection.dialect.name == "sqlite":
        marks = ", ".join("?" * len(columns))
        connection.exec_driver_sql(f"INSERT INTO {table.name} ({names}) VALUES ({marks})", rows)  # noqa: S608
    else:
        connection.execute(insert(table), [dict(zip(columns, r, strict=True)) for r in rows])


def _frame(session: Session, query: Select, columns: list[str]) -> pd.DataFrame:
    """Run ``query`` and return its rows as a DataFrame (column by column: fast)."""
    rows = session.execute(query).all()
    data = list(zip(*rows, strict=True)) if rows else [[] for _ in columns]
    return pd.DataFrame({c: list(v) for c, v in zip(columns, data, strict=True)})


def list_datasets(session: Session) -> pd.DataFrame:
    """Return what is loaded: one row per dataset (kind, file, vintage, licence, counts)."""
    rows = session.execute(select(Dataset).order_by(Dataset.kind, Dataset.name)).scalars()
    columns = ["name", "kind", "label", "file_name", "period", "licence", "source_url",
               "imported_at", "rows_read", "rows_matched", "rows_folded", "rows_rejected",
               "communes", "sha256"]
    records = [
        {**{c: getattr(d, c) for c in columns if hasattr(d, c)}, "label": DATASETS[d.kind].label}
        for d in rows
    ]
    return pd.DataFrame(records, columns=columns)


class MissingDataset(NamedTuple):
    """A kind with nothing loaded: its French label and the one command that brings it."""

    kind: str
    label: str
    command: str

    @property
    def page(self) -> str | None:
        """The web page of the file to download first (None: the command fetches it)."""
        return loading_page(self.kind)


def missing_datasets(session: Session) -> list[MissingDataset]:
    """Kinds with nothing loaded: (kind, French label, the one command that brings it)."""
    loaded = set(session.scalars(select(Dataset.kind)))
    return [MissingDataset(kind, info.label, loading_command(kind))
            for kind, info in DATASETS.items() if kind not in loaded and info.parser is not None]


def loading_command(kind: str) -> str:
    """Return the one command that loads the dataset ``kind``, as typed here (nothing else).

    ``data fetch KIND --import`` when the source can be downloaded, else
    ``data import KIND FICHIER``, the file being downloaded first from
    :func:`loading_page`.
    """
    if DATASETS[kind].download_url:
        return f"{tool_command()} data fetch {kind} --import"
    return f"{tool_command()} data import {kind} FICHIER"


def loading_page(kind: str) -> str | None:
    """Return the web page where the file of ``kind`` is downloaded by hand (None: fetched)."""
    info = DATASETS[kind]
    return None if info.download_url else info.page_url


def loading_hint(kind: str) -> str:
    """Return the command in French quotes, and the file's web page beside it (not inside).

    The quoted part is :func:`loading_command` and can be typed as is; the page follows
    the closing quote as « (fichier : https://…) » when the file is downloaded by hand.
    """
    page = loading_page(kind)
    return f"« {loading_command(kind)} »" + (f" (fichier : {page})" if page else "")


def indicator_values(
    session: Session, indicators: list[str], period: str | None = None
) -> pd.DataFrame:
    """Long commune values (:data:`VALUE_COLUMNS`) of ``indicators``, ratios recomputed.

    ``period=None`` keeps, for each indicator, its most recent period; a place
    list imported without a date (period ``"non daté"``) is never taken for more
    recent than a dated one. When two datasets hold the same indicator, commune and
    period, the latest import wins.
    """
    needed = components(indicators)
    stored = [i for i in needed if INDICATORS[i].rule != "ratio"]
    query = (
        select(IndicatorValue.unit_code, IndicatorValue.indicator, IndicatorValue.period,
               IndicatorValue.value, Dataset.imported_at)
        .join(Dataset, Dataset.id == IndicatorValue.dataset_id)
        .where(IndicatorValue.indicator.in_(stored), IndicatorValue.unit_kind == "commune")
    )
    if period is not None:
        query = query.where(IndicatorValue.period == period)
    frame = _frame(session, query, ["commune_code", "indicator", "period", "value", "imported_at"])
    frame = frame.sort_values("imported_at").drop_duplicates(
        ["commune_code", "indicator", "period"], keep="last")
    long = with_ratios(frame[VALUE_COLUMNS].astype({"value": float}))
    long = long[long["indicator"].isin(needed)]
    return latest_values(long)


def commune_values(
    session: Session, indicators: list[str], period: str | None = None
) -> pd.DataFrame:
    """Wide table of commune values: index ``commune_code``, one column per indicator.

    The period of each column is in ``frame.attrs["periods"]``.
    """
    long = indicator_values(session, indicators, period)
    periods = long.groupby("indicator")["period"].first().to_dict()
    wide = long.pivot_table(index="commune_code", columns="indicator", values="value",
                            aggfunc="first")
    wide = wide.reindex(columns=list(indicators))
    wide.columns.name = None
    wide.attrs["periods"] = {i: periods.get(i) for i in indicators}
    return wide


def places(session: Session, kind: str) -> pd.DataFrame:
    """Located places of ``kind`` (``france-services``, ``mediation-places``, ``libraries``).

    Columns :data:`PLACE_COLUMNS` plus ``dataset``; ``attributes`` is a dict.
    """
    query = (
        select(Place.source_id, Place.name, Place.commune_code, Place.lat, Place.lon, Place.kind,
               Place.attributes, Dataset.name)
        .join(Dataset, Dataset.id == Place.dataset_id)
        .where(Place.kind == kind)
        .order_by(Place.id)
    )
    frame = _frame(session, query, [*PLACE_COLUMNS, "dataset"])
    frame["attributes"] = [json.loads(a) for a in frame["attributes"]]
    return frame


def compare_with_parents(
    session: Session, reference: Reference, unit: Unit, indicators: list[str]
) -> pd.DataFrame:
    """Values of ``unit`` and of each of its parents (EPCI, département, région, France).

    One row per unit (``kind``, ``code``, ``name``, then one column per indicator),
    the unit first; aggregates follow the catalogue's rules. The period of each
    indicator is in ``frame.attrs["periods"]``. The same chain as the territory
    pages (:class:`~trajectoires.indicators.profile.IndicatorProfile`).
    """
    from trajectoires.indicators.profile import IndicatorProfile

    long = indicator_values(session, indicators)
    return IndicatorProfile(reference, long, indicators).table(unit)
