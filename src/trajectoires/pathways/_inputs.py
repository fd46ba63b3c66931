"""What a projection needs, read once from the indicator store for a territory.

:func:`load_inputs` reads the diagnosis inputs (criteria of the fragility index and
the place lists, :func:`trajectoires.diagnosis.inputs.load_inputs`), the reference
point of every commune (the centroid the diagnosis measures its distances from,
:mod:`trajectoires.diagnosis._access`), the legal populations of every census
imported and the other dated series of the store (FttH premises per quarter,
Filosofi median income per year, every dated vintage of a criterion of the index),
into a :class:`ProjectionInputs` that :func:`~trajectoires.pathways.project` reads
without the database.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from trajectoires.pathways._indicators import CRITERIA, NETWORKS, ftth_missing

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from trajectoires.territory import Reference, Unit

__all__ = ["History", "ProjectionInputs", "load_inputs", "period_time"]

CENTROIDS_VERSION = "1"


@dataclass(frozen=True, eq=False)
class History:
    """The vintages of one indicator for every commune.

    ``values`` has one row per commune of :attr:`ProjectionInputs.communes` and one
    column per vintage, at the times ``times`` (decimal years: ``2021.0`` for the
    census 2021, ``2018.25`` for the end of 2018-T1); NaN where unknown. ``method``
    is how its trend is drawn: ``log-linear``, ``linear`` or ``flat``.
    """

    values: np.ndarray
    times: np.ndarray
    periods: tuple[str, ...]
    method: str
    source: str


@dataclass(frozen=True, eq=False)
class ProjectionInputs:
    """Everything a projection reads, for one territory.

    Attributes
    ----------
    territory, name : str
        Code (as a plan names it: ``"29"``) and French name of the territory.
    communes : pandas.DataFrame
        Every commune with an outline (index: code), ``name``, ``population`` (the
        latest legal population), ``epci_code``, ``departement_code``,
        ``metropolitan``, the reference point (``x``, ``y`` in Lambert-93 metres,
        ``lon``, ``lat`` overseas: the centroid of the distances of the diagnosis)
        and ``in_territory``.
    start_year : int
        The latest year of the data: the projection runs from it to the horizon.
    histories : dict
        Catalogue id → :class:`History` (criteria, populations, series).
    weights : dict
        Criterion → weight of each commune in the territory's value (premises of
        a share of premises); the population otherwise.
    places : dict
        Network → places (``id``, ``name``, ``commune_code``, ``x``, ``y``, ``lon``, ``lat``).
    sources : dict
        Catalogue id → French source line of its values.
    missing : dict
        Catalogue id → French note of what the store lacks to project it, naming the
        file and the command that loads it (the FttH share when only one of ARCEP's two
        files was imported).

    """

    territory: str
    name: str
    communes: pd.DataFrame
    start_year: int
    histories: dict[str, History]
    places: dict[str, pd.DataFrame]
    weights: dict[str, np.ndarray] = field(default_factory=dict)
    sources: dict[str, str] = field(default_factory=dict)
    missing: dict[str, str] = field(default_factory=dict)

    @property
    def codes(self) -> pd.Index:
        """Codes of the communes of the territory."""
        return self.communes.index[self.communes["in_territory"].to_numpy()]

    @property
    def epcis(self) -> set[str]:
        """EPCI of the communes of the territory."""
        inside = self.communes.loc[self.codes, "epci_code"]
        return {str(code) for code in inside.dropna()}


_QUARTER = re.compile(r"^(\d{4})-T([1-4])$")
_DATE = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")


def period_time(period: str) -> float | None:
    """Decimal year of a period of the store (None when it is not a date).

    >>> period_time("2021"), period_time("2018-T1"), period_time("2024-07-01")
    (2021.0, 2018.25, 2024.5)
    >>> period_time("non daté") is None
    True
    """
    period = str(period)
    quarter = _QUARTER.match(period)
    if quarter:
        return int(quarter[1]) + int(quarter[2]) / 4
    date = _DATE.match(period)
    if date:
        month = int(date[2] or 1)
        return int(date[1]) + (month - 1) / 12
    return None


def _history_of(long: pd.DataFrame, codes: pd.Index, method: str, source: str) -> History:
    """Build a :class:`History` from long values (``commune_code``, ``period``, ``value``)."""
    times = {p: period_time(p) for p in long["period"].unique()}
    long = long[long["period"].map(times).notna()]
    wide = long.pivot_table(index="commune_code", columns="period", values="value",
                            aggfunc="last")
    periods = sorted(wide.columns, key=period_time)
    wide = wide.reindex(index=codes, columns=periods)
    times = np.array([period_time(p) for p in periods], dtype=float)
    method = method if len(periods) > 1 else "flat"
    return History(wide.to_numpy(dtype=float), times, tuple(periods), method, source)


def flat_history(values: np.ndarray, period: str, source: str) -> History:
    """Build a single vintage's history: its trend is flat (said so in the method)."""
    time = period_time(period)
    return History(np.asarray(values, dtype=float).reshape(-1, 1),
                   np.array([np.nan if time is None else time]), (period,), "flat", source)


def _stored(session: Session, indicators: list[str], scope: pd.Index | None) -> pd.DataFrame:
    """Every period of ``indicators`` in the store for the communes ``scope`` (all: None).

    When two datasets hold the same value, the latest import wins (``aggfunc="last"``
    of :func:`_history_of` over rows in import order).
    """
    from sqlalchemy import select

    from trajectoires.indicators.models import Dataset, IndicatorValue

    query = (
        select(IndicatorValue.unit_code, IndicatorValue.indicator, IndicatorValue.period,
               IndicatorValue.value)
        .join(Dataset, Dataset.id == IndicatorValue.dataset_id)
        .where(IndicatorValue.indicator.in_(indicators), IndicatorValue.unit_kind == "commune")
        .order_by(Dataset.imported_at, Dataset.id)
    )
    columns = ["commune_code", "indicator", "period", "value"]
    parts = []
    chunks = [None] if scope is None else [list(scope[i:i + 5000])
                                           for i in range(0, len(scope), 5000)]
    for chunk in chunks:
        where = query if chunk is None else query.where(IndicatorValue.unit_code.in_(chunk))
        rows = session.execute(where).all()
        data = list(zip(*rows, strict=True)) if rows else [[] for _ in columns]
        parts.append(pd.DataFrame({c: list(v) for c, v in zip(columns, data, strict=True)}))
    return pd.concat(parts, ignore_index=True)


def _series(session: Session, codes: pd.Index, population: np.ndarray,
            population_source: str, scope: pd.Index | None, *,
            missing: dict[str, str] | None = None) -> dict[str, History]:
    """Read the populations of every census, FttH share per quarter, Filosofi median income.

    Read for the communes of ``scope`` (the territory and the communes its 2SFCA
    reaches); the rows of the others are NaN. What a series lacks is written in
    ``missing`` (catalogue id → French note).
    """
    from trajectoires.indicators.catalogue import source_line

    long = _stored(session, ["insee_pop_legale", "ftth_raccordables", "ftth_locaux",
                             "insee_revenu_median"], scope)
    histories = {}
    census = long[long["indicator"] == "insee_pop_legale"]
    if len(census):
        histories["population"] = _history_of(
            census, codes, "log-linear",
            source_line("insee_pop_legale", "recensements " + "–".join(
                [min(census["period"]), max(census["period"])])))
    else:
        histories["population"] = flat_history(population, "", population_source)
    income = long[long["indicator"] == "insee_revenu_median"]
    if len(income):
        histories["insee_revenu_median"] = _history_of(
            income, codes, "log-linear", source_line("insee_revenu_median", "–".join(
                [min(income["period"]), max(income["period"])])))
    premises = long[long["indicator"] == "ftth_locaux"]
    connectable = long[long["indicator"] == "ftth_raccordables"]
    if len(premises) and len(connectable):
        # the ARCEP denominator « à date » applies to every quarter of the series
        latest = premises.sort_values("period").drop_duplicates("commune_code", keep="last")
        denominator = connectable["commune_code"].map(latest.set_index("commune_code")["value"])
        share = connectable.assign(value=(100 * connectable["value"] / denominator).clip(0, 100))
        share = share[np.isfinite(share["value"])]
        histories["ftth_taux"] = _history_of(
            share, codes, "linear", source_line("ftth_taux", "–".join(
                [min(share["period"]), max(share["period"])])))
    elif missing is not None:
        missing["ftth_taux"] = ftth_missing(bool(len(premises)), bool(len(connectable)))
    return histories


def _criteria(session: Session, diagnosis_inputs, codes: pd.Index, population: np.ndarray
              ) -> tuple[dict, dict]:
    """Read the criteria of the index, with every vintage the store holds, and their weights.

    A criterion whose indicator has several dated vintages in the store gets a linear
    trend over them (:func:`_vintages`); one with a single vintage is flat, and says so.
    """
    from trajectoires.diagnosis.inputs import WEIGHT
    from trajectoires.indicators.catalogue import source_line

    histories, weights = {}, {}
    values = diagnosis_inputs.values.reindex(codes)
    for key in CRITERIA:
        if key not in diagnosis_inputs.chosen:
            continue
        source = diagnosis_inputs.chosen[key]
        period = diagnosis_inputs.periods.get(key) or ""
        latest = values[key].to_numpy(dtype=float)
        histories[key] = (_vintages(session, source.indicator, codes, latest)
                          or flat_history(latest, period,
                                          source_line(source.indicator, period or None)))
        weight = values.get(WEIGHT + key)
        weights[key] = population if weight is None else weight.to_numpy(dtype=float)
    return histories, weights


def _vintages(session: Session, indicator: str, codes: pd.Index, latest: np.ndarray
              ) -> History | None:
    """Every dated vintage of a criterion's ``indicator`` (every commune), or None.

    Vintages spanning less than :data:`~trajectoires.pathways._trend.MIN_TREND_SPAN`
    years give a flat history that keeps them (its method says why there is no trend).
    None when the store holds fewer than two dated vintages, or when a commune's
    latest stored value is not the diagnosis's value of the criterion (the history
    would not start from the index of the first year): the criterion is then flat.
    A commune the diagnosis has no value for has none in any vintage either.
    """
    from sqlalchemy import select

    from trajectoires.indicators.catalogue import source_line
    from trajectoires.indicators.models import IndicatorValue
    from trajectoires.pathways._trend import MIN_TREND_SPAN, last_known

    periods = session.scalars(select(IndicatorValue.period).distinct().where(
        IndicatorValue.indicator == indicator, IndicatorValue.unit_kind == "commune")).all()
    dated = sorted((p for p in periods if period_time(p) is not None), key=period_time)
    if len(dated) < 2:
        return None
    long = _stored(session, [indicator], None)
    history = _history_of(long[long["period"].isin(dated)], codes, "linear",
                          source_line(indicator, f"{dated[0]}–{dated[-1]}"))
    stored, _ = last_known(history.values, history.times)
    known = ~np.isnan(latest)
    if not np.allclose(stored[known], latest[known], rtol=1e-9, atol=1e-9, equal_nan=False):
        return None
    values = history.values.copy()
    values[~known] = np.nan
    close = np.nanmax(history.times) - np.nanmin(history.times) < MIN_TREND_SPAN
    return History(values, history.times, history.periods,
                   "flat" if close else history.method, history.source)


def _places(located: dict[str, pd.DataFrame]) -> dict[str, pd.DataFrame]:
    """Located places of each network: ``id``, ``name``, ``commune_code``, coordinates."""
    result = {}
    for kind in NETWORKS:
        frame = located.get(kind)
        if frame is None:
            continue
        frame = frame[frame["lon"].notna() & frame["lat"].notna()]
        result[kind] = pd.DataFrame({
            "id": frame["id"].astype(str).to_numpy(),
            "name": frame["name"].astype(str).to_numpy(),
            "commune_code": frame["commune_code"].to_numpy(),
            "x": frame["x"].to_numpy(float), "y": frame["y"].to_numpy(float),
            "lon": frame["lon"].to_numpy(float), "lat": frame["lat"].to_numpy(float)})
    return result


def reference_points(ref: Reference, cache_dir: Path | None = None) -> pd.DataFrame:
    """Return the reference point of every commune with an outline (cached).

    The centroid the diagnosis measures its distances from
    (``diagnosis._access._centroids``): ``x``, ``y`` in Lambert-93 in metropolitan
    France, ``lon``, ``lat`` overseas.
    """
    from trajectoires.diagnosis._access import _centroids

    path = (None if cache_dir is None
            else Path(cache_dir) / f"centroids-{CENTROIDS_VERSION}-{ref.folder.name}.parquet")
    if path is not None and path.exists():
        return pd.read_parquet(path)
    points = _centroids(ref).drop(columns=["population"])
    if path is not None:
        from trajectoires.diagnosis.inputs import write_parquet

        path.parent.mkdir(parents=True, exist_ok=True)
        write_parquet(points, path)
    return points


def _scope(points: pd.DataFrame, inside: set[str]) -> pd.Index | None:
    """Communes whose series a projection reads: the territory, and those within 40 km.

    The 2SFCA of a commune depends on the populations within twice its radius.
    None (every commune) when that is most of France.
    """
    from scipy.spatial import cKDTree

    from trajectoires.pathways._access import RADIUS_KM

    if len(inside) > len(points) / 4:
        return None
    within = points.index.isin(list(inside))
    metro = points["metropolitan"].to_numpy(bool) & np.isfinite(points["x"].to_numpy(float))
    xy = points[["x", "y"]].to_numpy(float)
    scope = set(points.index[within])
    if (within & metro).any():
        near = cKDTree(xy[metro]).query_ball_point(xy[within & metro], 2 * RADIUS_KM * 1000)
        hits = np.unique(np.concatenate([np.asarray(h, dtype=np.int64) for h in near]))
        scope |= set(points.index.to_numpy()[metro][hits].tolist())
    return pd.Index(sorted(scope))


def _start_year(histories: dict[str, History], datasets: pd.DataFrame) -> int:
    """Return the latest year of the data: dated datasets and series."""
    years = [int(np.floor(np.nanmax(h.times))) for h in histories.values()
             if np.isfinite(h.times).any()]
    years += [int(t) for t in (period_time(p) for p in datasets.get("period", []))
              if t is not None]
    return max(years) if years else 2024


def load_inputs(session: Session, ref: Reference, unit: Unit, *,
                cache_dir: Path | None = None, start_year: int | None = None
                ) -> ProjectionInputs:
    """Read what a projection of ``unit`` needs from the store.

    Parameters
    ----------
    session : sqlalchemy.orm.Session
        Session on a migrated database (the indicator store).
    ref : Reference
        The reference of places.
    unit : Unit
        The territory (département, EPCI, région, France or a commune).
    cache_dir : pathlib.Path, optional
        ``<workspace>/analysis``: the diagnosis's cached inputs and the commune
        reference points are kept there.
    start_year : int, optional
        First year of the projection; the latest year of the data by default.

    Returns
    -------
    ProjectionInputs

    """
    from trajectoires.diagnosis.inputs import load_inputs as diagnosis_inputs
    from trajectoires.indicators.populations import current_reference

    current = current_reference(session, ref, cache_dir)
    points = reference_points(current, cache_dir)
    national = current.communes_of(current.france).reindex(points.index)
    codes = points.index
    population = pd.to_numeric(national["population"], errors="coerce").to_numpy(float)
    inputs = diagnosis_inputs(session, None if cache_dir is None else Path(cache_dir) / "diagnosis")
    inside = set(current.communes_of(unit).index)
    scope = _scope(points, inside)
    missing: dict[str, str] = {}
    histories = _series(session, codes, population, current.population_vintage, scope,
                        missing=missing)
    criteria, weights = _criteria(session, inputs, codes, population)
    histories.update(criteria)
    communes = pd.DataFrame({
        "name": national["name"], "population": population,
        "epci_code": national["epci_code"], "departement_code": national["departement_code"],
        "metropolitan": points["metropolitan"].to_numpy(bool),
        "x": points["x"], "y": points["y"], "lon": points["lon"], "lat": points["lat"],
        "in_territory": [code in inside for code in codes]}, index=codes)
    sources = {key: history.source for key, history in histories.items()}
    return ProjectionInputs(
        territory=unit.code, name=unit.name, communes=communes,
        start_year=start_year or _start_year(histories, inputs.datasets),
        histories=histories, places=_places(inputs.places), weights=weights, sources=sources,
        missing=missing)
