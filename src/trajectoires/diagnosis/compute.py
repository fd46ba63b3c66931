"""Assemble a diagnosis: store inputs → analysis → one table per commune, plus summaries.

One implementation behind the ``diagnose`` command, the web pages and the API:
:func:`diagnose` returns a :class:`Diagnosis` that the report writer, the page
templates and the JSON models all read.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from trajectoires import analysis
from trajectoires.diagnosis._access import ACCESS_RADIUS_KM, national_access
from trajectoires.diagnosis.inputs import (
    PLACE_KINDS,
    WEIGHT,
    Inputs,
    dataset_rows,
    load_inputs,
    write_parquet,
)
from trajectoires.diagnosis.options import (
    BEYOND_KM,
    CORRECTIONS,
    REFERENCES,
    check_options,
    checked_options,
    is_national,
    requested_criteria,
)
from trajectoires.diagnosis.ranking import rank_communes, required_criteria
from trajectoires.diagnosis.stand_ins import STAND_IN, territory_stand_ins
from trajectoires.territory import GEOMETRY_SOURCE, Reference, Unit

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

__all__ = ["ACCESS_RADIUS_KM", "BEYOND_KM", "CORRECTIONS", "REFERENCES", "Access", "Diagnosis",
           "Progress", "check_options", "checked_options", "compare_units", "diagnose",
           "requested_criteria"]

Progress = Callable[[str, float], None]
_POPULATION = "_population"  # column of the cached national index, moved to its own Series


@dataclass(frozen=True)
class Access:
    """Access to one kind of place from the communes of the territory."""

    kind: str
    label: str
    places_in_territory: int
    places_total: int
    population_beyond: float
    share_beyond: float
    communes_beyond: int
    mean_distance_km: float


@dataclass(frozen=True, eq=False)
class Diagnosis:
    """Everything a report, a page or the API shows about the territory ``unit``.

    ``communes`` has one row per commune of the territory (index: code): name,
    population, density, EPCI, each criterion value and score, ``fragility_index``,
    ``fragility_inputs`` (criteria known), ``relative`` (100 = the commune's
    reference territory, :attr:`reference`), ``rank`` (NA for a commune knowing
    fewer than :attr:`ranking_required` of the :attr:`ranking_criteria`),
    ``lisa`` (local cluster label, or None when not computed), ``dist_<kind>``
    (km to the nearest place) and ``access_<kind>`` (2SFCA, places per 10,000
    inhabitants). ``national`` is the index of every French commune and
    ``national_population`` their populations (the weights of
    :func:`compare_units`). ``stand_ins`` gives, per criterion, the communes of the
    territory whose value is an estimate where the official one is not published
    (:mod:`~trajectoires.diagnosis.stand_ins`; how, in the criterion's
    ``stand_in_notes``).
    """

    unit: Unit
    parents: list[Unit]
    communes: pd.DataFrame
    criteria: list[dict]
    absent_criteria: list[str]
    proxies: list[str]
    moran: analysis.Moran | None
    lisa_counts: dict[str, int]
    theil: analysis.Theil | None
    gini: analysis.Gini | None
    access: list[Access]
    comparison: list[dict]
    datasets: list[dict]
    missing: list[tuple[str, str, str]]
    places: dict[str, pd.DataFrame]
    seed: int
    permutations: int
    sources: dict[str, str] = field(default_factory=dict)
    national: pd.DataFrame | None = field(default=None, repr=False)
    national_population: pd.Series | None = field(default=None, repr=False)
    reference: str = "departement"
    beyond_km: float = BEYOND_KM
    custom_criteria: bool = False
    correction: str = "fdr"
    stand_ins: dict[str, list[str]] = field(default_factory=dict)
    ranking_criteria: tuple[str, ...] = ()

    @property
    def ranking_required(self) -> int:
        """Criteria a commune must know to be ranked (:mod:`~trajectoires.diagnosis.ranking`)."""
        return required_criteria(len(self.ranking_criteria))

    @property
    def has_index(self) -> bool:
        """True when at least one commune of the territory has an index."""
        return bool(self.communes["fragility_index"].notna().any())

    @property
    def partial(self) -> bool:
        """True when the index lacks a criterion or uses a stand-in (for some communes)."""
        return bool(self.absent_criteria or self.proxies or any(self.stand_ins.values()))


def _step(progress: Progress | None, message: str, done: float) -> None:
    if progress is not None:
        progress(message, done)


def _fragility(ref: Reference, inputs: Inputs, requested: list[str],
               reference: str) -> tuple[pd.DataFrame, pd.Series | None]:
    """National index of every commune (scores by national deciles), and their populations.

    ``requested`` are the criteria asked for, in the canonical order (those
    without values are left out and reported); ``reference`` the level of the
    « = 100 » comparison. The national criteria's index is cached next to the
    national inputs (one file per reference level and version of the
    reference of places: at most four) when they are, with the population of
    every commune (the weights of :func:`compare_units`), so that a warm
    diagnosis does not build the table of all French communes. Other choices
    of criteria are computed each time (about 0.1 s over the 35,000 communes,
    against 0.015 s to read the 1.3 MB file):
    a user cannot fill the disk with one file per choice.
    """
    keys = [key for key in requested if key in inputs.chosen]
    if not keys:
        return pd.DataFrame(index=pd.Index([], name="code")), None
    choice = hashlib.sha256("|".join([*keys, reference]).encode()).hexdigest()[:10]
    path = (None if inputs.folder is None or not is_national(requested)
            else inputs.folder / f"fragility-{ref.folder.name}-{choice}.parquet")
    if path is not None and path.exists():
        frame = pd.read_parquet(path)
    else:
        national = ref.communes_of(ref.france)
        values = inputs.values.reindex(national.index)
        result = analysis.fragility_index(
            values[keys], indicators=keys, reference=reference, territories=national,
            population=national["population"], partial=True)
        frame = pd.concat([values[keys], result.scores.add_prefix("score_")], axis=1)
        frame["fragility_index"] = result.index
        frame["fragility_inputs"] = (~result.missing).sum(axis=1)
        frame["relative"] = result.relative
        from trajectoires.indicators.catalogue import INDICATORS as STORE

        for key in keys:  # what a territory's value of each criterion is weighted by
            if WEIGHT + key in inputs.values:
                frame[WEIGHT + key] = inputs.values[WEIGHT + key].reindex(national.index)
            elif STORE[inputs.chosen[key].indicator].weight == "area":
                frame[WEIGHT + key] = national["area_km2"]
        frame[_POPULATION] = national["population"]
        if path is not None:
            write_parquet(frame, path)
    population = frame.pop(_POPULATION)
    return frame, population


def _criteria(inputs: Inputs, table: pd.DataFrame, requested: list[str]) -> list[dict]:
    """One row per criterion asked for: label, source, store indicator, coverage."""
    from trajectoires.indicators.catalogue import INDICATORS as STORE

    rows = []
    for key in requested:
        info = analysis.CRITERIA[key]
        source = inputs.chosen.get(key)
        rows.append({
            "key": key, "label": info.label, "source": info.source,
            "indicator": source.indicator if source else None,
            "indicator_label": STORE[source.indicator].label if source else None,
            "proxy": bool(source and source.proxy),
            "note": STORE[source.indicator].note if source else "",
            "period": inputs.periods.get(key),
            "known": int(table[key].notna().sum()) if key in table else 0,
            "estimated": (int(inputs.values[STAND_IN + key].notna().sum())
                          if STAND_IN + key in inputs.values else 0),
            "stand_in_notes": inputs.stand_in_notes.get(key, []),
        })
    return rows


def _spatial(table: pd.DataFrame, geometries: Callable, *, cache_dir: Path | None,
             cache_key: str, seed: int, permutations: int, correction: str = "fdr") -> tuple:
    """Weights over the communes with an outline, Moran and LISA of the index."""
    drawable = table.index[table["area_km2"].notna()]  # an outline (Mayotte: no population)
    if len(drawable) == 0:
        return None, None, None
    weights = analysis.queen_weights(lambda: geometries(drawable), ids=drawable,
                                     cache_dir=cache_dir, cache_key=cache_key)
    known = table.loc[drawable, "fragility_index"].notna().to_numpy()
    if known.sum() < 3 or "fragility_index" not in table:
        return weights, None, None
    sub = weights.subset(list(drawable[known]))
    if sub.n_links == 0:
        return weights, None, None
    y = table.loc[sub.ids, "fragility_index"].to_numpy(dtype=float)
    global_i = analysis.moran(y, sub, permutations=permutations, rng=seed)
    local = analysis.local_moran(y, sub, permutations=permutations, rng=seed,
                                 correction=correction)
    return weights, global_i, local


def _access(table: pd.DataFrame, national: pd.DataFrame, places: dict[str, pd.DataFrame],
            beyond_km: float = BEYOND_KM) -> list[Access]:
    """Copy the national access columns to the territory; population beyond, places inside."""
    results = []
    population = pd.to_numeric(table["population"], errors="coerce").astype(float)
    for kind, frame in places.items():
        column = f"dist_{kind}"
        if column not in national:
            continue
        table[column] = national[column].reindex(table.index)
        table[f"access_{kind}"] = national[f"access_{kind}"].reindex(table.index)
        distance = table[column]
        known = distance.notna() & population.notna()
        beyond = analysis.population_beyond(distance[known].to_numpy(),
                                            population[known].to_numpy(), beyond_km)
        inside = int(frame["commune_code"].isin(table.index).sum())
        results.append(Access(kind, PLACE_KINDS[kind], inside, len(frame), beyond.population,
                              beyond.share, beyond.units, float(distance.mean())))
    return results


def compare_units(ref: Reference, national: pd.DataFrame | None, units: list[Unit],
                  population: pd.Series | None = None) -> list[dict]:
    """Population-weighted mean index (and criteria) of each unit, from the national table.

    Parameters
    ----------
    ref : Reference
        The reference of places.
    national : pandas.DataFrame or None
        ``Diagnosis.national`` (empty or None when no criterion is loaded).
    units : list of Unit
        Territories to compare (any kind, France included).
    population : pandas.Series, optional
        Population of each commune (index: code), the weights:
        ``Diagnosis.national_population``; read from ``ref`` when not given.

    Returns
    -------
    list of dict
        One row per unit: ``kind``, ``kind_label``, ``code``, ``name``,
        ``fragility_index``, ``communes_known``, ``communes``, then each criterion.

    """
    if national is None or national.empty:
        return []
    if population is None:
        population = ref.communes_of(ref.france)["population"]
    weight = pd.to_numeric(population, errors="coerce").astype(float).reindex(national.index)
    criteria = [c for c in national.columns if c in analysis.CRITERIA]
    columns = ["fragility_index", *criteria]
    # one matrix of values and one of weights, then numpy per unit (no pandas per column):
    # the index by population; each criterion by its catalogue definition (the denominator
    # of a ratio, so a ratio of sums; the area or the population for a weighted mean)
    matrix = national[columns].to_numpy(dtype=float, na_value=np.nan)
    weights = np.column_stack([
        national.get(WEIGHT + c, weight).to_numpy(dtype=float)
        for c in columns])
    rows = []
    for member in units:
        codes = ref.communes_of(member).index if member.kind.value != "pays" else national.index
        position = national.index.get_indexer(codes)
        position = position[position >= 0]
        values, w = matrix[position], weights[position]
        ok = ~np.isnan(values) & ~np.isnan(w)
        with np.errstate(invalid="ignore", divide="ignore"):
            means = np.where(ok, values * w, 0.0).sum(axis=0) / np.where(ok, w, 0.0).sum(axis=0)
        row = {"kind": member.kind.value, "kind_label": member.kind.label, "code": member.code,
               "name": member.name, "communes": len(codes),
               "communes_known": int((~np.isnan(values[:, 0])).sum())}
        for j, column in enumerate(columns):
            row[column] = float(means[j]) if ok[:, j].any() else None
        rows.append(row)
    return rows


def _territory_table(ref: Reference, unit: Unit, national: pd.DataFrame) -> pd.DataFrame:
    """Communes of ``unit`` with their index columns and rank (1 = most fragile)."""
    table = ref.communes_of(unit)[["name", "population", "density", "area_km2", "epci_code"]]
    shown = national.drop(columns=[c for c in national.columns if c.startswith(WEIGHT)])
    table = table.join(shown, how="left") if not national.empty else table.copy()
    if "fragility_index" not in table:
        table["fragility_index"] = np.nan
    table["lisa"] = None
    return table


def diagnose(
    session: Session,
    ref: Reference,
    unit: Unit,
    *,
    cache_dir: Path | None = None,
    seed: int = 12345,
    permutations: int = 999,
    progress: Progress | None = None,
    criteria: Sequence[str] | None = None,
    reference: str = "departement",
    beyond_km: float = BEYOND_KM,
    correction: str = "fdr",
) -> Diagnosis:
    """Compute the diagnosis of ``unit`` from what the store holds.

    Parameters
    ----------
    session : sqlalchemy.orm.Session
        Session on a migrated database (the indicator store).
    ref : Reference
        The reference of places.
    unit : Unit
        The territory (département, EPCI, région or commune: a commune is
        diagnosed with its own row only).
    cache_dir : pathlib.Path, optional
        Folder of the cached spatial weights and national inputs
        (``<workspace>/analysis``; inputs under its ``diagnosis`` subfolder).
    seed : int
        Seed of the permutation tests (kept in the result and the report).
    permutations : int
        Permutations of Moran's I and the local clusters.
    progress : callable, optional
        Called with a French message and the fraction done.
    criteria : sequence of str, optional
        Criteria of the index (default: the five of the national method); drop
        some, or add ``share_single_person``, ``share_single_parent``,
        ``unemployment_rate`` (:data:`CONTEXT_SOURCES`).
    reference : {"epci", "departement", "region", "france"}
        Territory of each commune whose index is 100 in the ``relative`` column.
    beyond_km : float
        Distance beyond which inhabitants count as far from a place of help.
    correction : {"fdr", "bonferroni", "none"}
        Multiple-testing correction of the local clusters (:data:`CORRECTIONS`).

    Returns
    -------
    Diagnosis

    Raises
    ------
    ValueError
        Unknown criterion, reference or correction, a distance outside 0.5–200 km or a
        seed outside 0 to 2³² − 1 (French message naming the value and what is
        expected; :func:`checked_options`). The criteria are taken in the
        canonical order and the distance rounded to 0.1 km.

    Notes
    -----
    The index follows ``trajectoires.analysis.fragility_index`` (method
    national-2023, deciles over all French communes, ``partial=True``: a
    commune missing a criterion gets the mean of its known scores, and the
    report says so). Local clusters: Anselin (1995), FDR correction by default.

    """
    choices = checked_options(criteria, reference, beyond_km, correction, seed)
    requested, beyond_km = choices["criteria"], choices["beyond_km"]
    _step(progress, "Lecture des données chargées", 0.05)
    ref, unit = _with_current_populations(session, ref, unit, cache_dir)
    inputs = load_inputs(session, None if cache_dir is None else cache_dir / "diagnosis")
    _step(progress, "Indice de fragilité numérique (national)", 0.25)
    national, population = _fragility(ref, inputs, requested, reference)
    table = _territory_table(ref, unit, national)
    _step(progress, "Voisinages et agrégats spatiaux", 0.45)
    _, global_i, local = _spatial(
        table, ref.commune_geometries, cache_dir=cache_dir, cache_key=GEOMETRY_SOURCE,
        seed=seed, permutations=permutations, correction=correction)
    if local is not None:
        table.loc[local.ids, "lisa"] = local.labels
    _step(progress, "Accès aux lieux d'aide", 0.65)
    access = _access(table, national_access(ref, inputs.places, inputs.folder), inputs.places,
                     beyond_km)
    _step(progress, "Inégalités et comparaisons", 0.8)
    theil_t, gini_g = _inequality(table)
    parents = ref.parents(unit)
    # absent: not loaded, or loaded without a value for any commune of the territory
    # (a table of the overseas communes says nothing of the Finistère)
    absent = [key for key in requested if key not in inputs.chosen
              or key not in table or table[key].isna().all()]
    available = [key for key in requested if key not in absent]
    table.insert(table.columns.get_loc("lisa"), "rank", rank_communes(table, available))
    return Diagnosis(
        unit=unit, parents=parents, communes=table,
        criteria=_criteria(inputs, national, requested),
        absent_criteria=absent,
        proxies=[key for key in requested if key not in absent and inputs.chosen[key].proxy],
        moran=global_i,
        lisa_counts=local.counts() if local is not None else {}, theil=theil_t, gini=gini_g,
        access=access, comparison=compare_units(ref, national, [unit, *parents], population),
        datasets=dataset_rows(inputs), missing=inputs.missing,
        places={k: v[v["commune_code"].isin(table.index)] for k, v in inputs.places.items()},
        seed=seed, permutations=permutations,
        sources={"population": ref.population_vintage, "geometry": GEOMETRY_SOURCE},
        national=national, national_population=population, reference=reference,
        beyond_km=beyond_km, correction=correction, custom_criteria=not is_national(requested),
        stand_ins={key: codes for key, codes in territory_stand_ins(
            inputs.values, table.index).items() if key in requested},
        ranking_criteria=tuple(available),
    )


def _with_current_populations(session: Session, ref: Reference, unit: Unit,
                              cache_dir: Path | None = None) -> tuple[Reference, Unit]:
    """Return the reference and unit with the latest imported legal populations (if any).

    Every population of the diagnosis (weights of the index and of the comparisons,
    inhabitants far from help, 2SFCA demand, the report's figures) comes from here.
    """
    from trajectoires.indicators.populations import current_reference

    current = current_reference(session, ref, cache_dir)
    if current is ref:
        return ref, unit
    fresh = current.get(unit.kind, unit.code)
    return current, replace(unit, population=fresh.population,
                            population_missing=fresh.population_missing)


def _inequality(table: pd.DataFrame) -> tuple[analysis.Theil | None, analysis.Gini | None]:
    """Population-weighted Theil (between/within EPCI) and Gini of the index."""
    known = table[table["fragility_index"].notna() & table["population"].notna()]
    if len(known) < 2:
        return None, None
    values = known["fragility_index"].to_numpy(dtype=float)
    population = known["population"].to_numpy(dtype=float)
    groups = known["epci_code"].fillna("sans EPCI").to_numpy(dtype=object).astype(str)
    return analysis.theil(values, population, groups), analysis.gini(values, population)
