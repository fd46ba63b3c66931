"""JSON API of the diagnosis: ``/api/v1/territories/{kind}/{code}/diagnosis``.

The same :class:`~trajectoires.diagnosis.Diagnosis` as the page and the
``diagnose`` command (computed by :func:`diagnosis_pages.diagnosis_for`),
described by pydantic models in the OpenAPI document.
"""

from __future__ import annotations

import math
from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, Query, Request
from pydantic import BaseModel, Field

from trajectoires.diagnosis import Diagnosis, compare_units
from trajectoires.diagnosis.ranking import missing_criteria
from trajectoires.diagnosis.tables import LISA_LABELS
from trajectoires.territory import Reference
from trajectoires.web.territory.deps import reference_or_503
from trajectoires.web.territory.diagnosis_options import DiagnosisOptions, options_from_query
from trajectoires.web.territory.diagnosis_pages import diagnosis_for, resolve_other
from trajectoires.web.territory.pages import unit_or_404

__all__ = ["router"]

router = APIRouter(prefix="/api/v1/territories", tags=["Diagnostic"])
Ref = Annotated[Reference, Depends(reference_or_503)]
Options = Annotated[DiagnosisOptions, Depends(options_from_query)]


class CriterionOut(BaseModel):
    """A criterion of the fragility index and the data used for it."""

    key: str
    label: str
    source: str = Field(description="Source officielle attendue")
    indicator: str | None = Field(description="Indicateur du magasin utilisé (None : absent)")
    indicator_label: str | None
    proxy: bool = Field(description="Donnée de substitution (approximation)")
    period: str | None
    known: int = Field(description="Communes de France renseignées")
    estimated: int = Field(0, description="Communes de France dont la valeur est estimée, "
                           "faute de valeur publiée")
    stand_in_notes: list[str] = Field(default_factory=list,
                                      description="Méthode des valeurs estimées")


class MissingOut(BaseModel):
    """A dataset not loaded, and the one command that brings it."""

    kind: str
    label: str
    command: str = Field(description="La commande seule, à taper telle quelle")
    page: str | None = Field(
        default=None,
        description="Page où télécharger le fichier d'abord (sinon la commande le télécharge)")


class MoranOut(BaseModel):
    """Global Moran's I of the index."""

    statistic: float
    expected: float
    z_norm: float
    p_sim: float
    permutations: int
    seed: int


class AccessOut(BaseModel):
    """Access to one kind of place (crow-fly distances from commune centroids)."""

    kind: str
    label: str
    places_in_territory: int
    population_beyond: float | None = Field(
        description="Habitants au-delà du seuil (10 km par défaut) du plus proche lieu")
    share_beyond: float | None = Field(description="Part des habitants (0 à 1)")
    communes_beyond: int
    mean_distance_km: float | None


class ComparisonOut(BaseModel):
    """Population-weighted mean index (and criteria) of a territory."""

    kind: str
    code: str
    name: str
    fragility_index: float | None
    communes_known: int
    communes: int
    criteria: dict[str, float | None]


class CommuneOut(BaseModel):
    """One commune of the territory."""

    code: str
    name: str
    population: int | None
    fragility_index: float | None = Field(description="1 à 10, 10 = le plus fragile")
    rank: int | None = Field(description="1 = la plus fragile du territoire")
    criteria_known: int | None
    missing_criteria: list[str] = Field(
        default_factory=list,
        description="Critères disponibles dans le territoire sans valeur pour la commune ; "
                    "une commune non classée (rank nul) en connaît trop peu")
    relative: float | None = Field(
        description="Indice relatif au territoire de référence (100 = son indice moyen)")
    cluster: str | None = Field(description="Regroupement local (LISA), en français")
    values: dict[str, float | None]
    distances_km: dict[str, float | None]


class PlaceOut(BaseModel):
    """A place of help located in the territory."""

    kind: str
    name: str
    commune_code: str | None
    lat: float | None
    lon: float | None


class DiagnosisOut(BaseModel):
    """Digital diagnosis of a territory."""

    kind: str
    code: str
    name: str
    partial: bool = Field(description="Critère absent ou approximation utilisée")
    custom_criteria: bool = Field(description="Critères choisis, autres que la méthode nationale")
    reference: str = Field(description="Niveau du territoire de référence de l'indice relatif")
    beyond_km: float = Field(description="Seuil d'éloignement des lieux d'aide (km)")
    correction: str = Field(description="Correction des tests multiples des regroupements")
    absent_criteria: list[str]
    ranking_criteria: list[str] = Field(
        description="Critères disponibles dans le territoire (une valeur pour au moins une "
                    "commune), sur lesquels se fonde le classement")
    ranking_required: int = Field(
        description="Critères qu'une commune doit connaître pour être classée (les trois "
                    "quarts des critères disponibles, arrondi au-dessus)")
    proxies: list[str]
    stand_ins: dict[str, list[str]] = Field(
        default_factory=dict,
        description="Critère → communes du territoire dont la valeur est estimée")
    criteria: list[CriterionOut]
    missing_datasets: list[MissingOut]
    moran: MoranOut | None
    clusters: dict[str, int]
    theil: float | None
    theil_between_share: float | None
    gini: float | None
    access: list[AccessOut]
    comparison: list[ComparisonOut]
    communes: list[CommuneOut]
    places: list[PlaceOut]


def _number(value: object) -> float | None:
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return None if math.isnan(number) else number


def _comparison(rows: list[dict], keys: list[str]) -> list[ComparisonOut]:
    return [ComparisonOut(kind=r["kind"], code=r["code"], name=r["name"],
                          fragility_index=r["fragility_index"],
                          communes_known=r["communes_known"], communes=r["communes"],
                          criteria={k: r.get(k) for k in keys}) for r in rows]


def _communes(result: Diagnosis) -> list[CommuneOut]:
    table = result.communes
    keys = [c["key"] for c in result.criteria if c["key"] in table]
    kinds = [a.kind for a in result.access]
    missing = missing_criteria(table, result.ranking_criteria)
    rows = []
    for code, row in table.iterrows():
        population, rank = _number(row["population"]), _number(row["rank"])
        inputs = _number(row.get("fragility_inputs"))
        rows.append(CommuneOut(
            code=code, name=row["name"],
            population=None if population is None else int(population),
            fragility_index=_number(row["fragility_index"]),
            rank=None if rank is None else int(rank),
            criteria_known=None if inputs is None else int(inputs),
            missing_criteria=missing[code],
            relative=_number(row.get("relative")),
            cluster=LISA_LABELS.get(row["lisa"]) if isinstance(row["lisa"], str) else None,
            values={k: _number(row[k]) for k in keys},
            distances_km={k: _number(row.get(f"dist_{k}")) for k in kinds}))
    return rows


def _out(result: Diagnosis) -> DiagnosisOut:
    unit = result.unit
    keys = [c["key"] for c in result.criteria if c["indicator"]]
    moran = result.moran
    places = [PlaceOut(kind=kind, name=p.name, commune_code=p.commune_code,
                       lat=_number(p.lat), lon=_number(p.lon))
              for kind, frame in result.places.items() for p in frame.itertuples()]
    return DiagnosisOut(
        kind=unit.kind.value, code=unit.code, name=unit.name, partial=result.partial,
        custom_criteria=result.custom_criteria, reference=result.reference,
        beyond_km=result.beyond_km, correction=result.correction,
        absent_criteria=result.absent_criteria, ranking_criteria=list(result.ranking_criteria),
        ranking_required=result.ranking_required, proxies=result.proxies,
        stand_ins=result.stand_ins,
        criteria=[CriterionOut(**{k: c[k] for k in CriterionOut.model_fields})
                  for c in result.criteria],
        missing_datasets=[MissingOut(kind=m.kind, label=m.label, command=m.command, page=m.page)
                          for m in result.missing],
        moran=None if moran is None else MoranOut(
            statistic=moran.statistic, expected=moran.expected, z_norm=moran.z_norm,
            p_sim=moran.p_sim, permutations=moran.permutations, seed=moran.seed),
        clusters=result.lisa_counts,
        theil=None if result.theil is None else result.theil.total,
        theil_between_share=None if result.theil is None else result.theil.between_share,
        gini=None if result.gini is None else result.gini.value,
        access=[AccessOut(kind=a.kind, label=a.label, places_in_territory=a.places_in_territory,
                          population_beyond=_number(a.population_beyond),
                          share_beyond=_number(a.share_beyond),
                          communes_beyond=a.communes_beyond,
                          mean_distance_km=_number(a.mean_distance_km))
                for a in result.access],
        comparison=_comparison(result.comparison, keys),
        communes=_communes(result), places=places)


@router.get("/{kind}/{code}/diagnosis", response_model=DiagnosisOut,
            summary="Diagnostic numérique d'un territoire")
def get_diagnosis(request: Request, ref: Ref, kind: str, code: str,
                  options: Options) -> DiagnosisOut:
    """Fragility index, local clusters, access to help, comparison, missing datasets."""
    unit = unit_or_404(ref, kind, code)
    result, _ = diagnosis_for(request, ref, unit, options)
    return _out(result)


@router.get("/{kind}/{code}/diagnosis/compare", response_model=list[ComparisonOut],
            summary="Comparer l'indice avec un autre territoire")
def compare(request: Request, ref: Ref, kind: str, code: str, *,
            avec: Annotated[str, Query(max_length=200, description="Code ou nom")],
            options: Options) -> list[ComparisonOut]:
    """Compare the territory with another one (« avec »): mean index and criteria."""
    unit = unit_or_404(ref, kind, code)
    other, message = resolve_other(ref, avec)
    if other is None:
        raise HTTPException(status_code=404, detail=message or "Territoire à comparer manquant.")
    result, _ = diagnosis_for(request, ref, unit, options)
    keys = [c["key"] for c in result.criteria if c["indicator"]]
    rows = compare_units(ref, result.national, [unit, other], result.national_population)
    return _comparison(rows, keys)
