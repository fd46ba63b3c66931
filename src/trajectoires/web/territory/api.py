"""JSON API of the territory reference, under ``/api/v1/territories``.

Errors are JSON ``{"detail": "…"}`` in French: 404 for an unknown kind or code,
409 with ``candidates`` when a name designates several territories.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, Query, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field

from trajectoires.territory import (
    AmbiguousTerritory,
    Reference,
    TerritoryNotFound,
    Unit,
    summarize,
    unit_dict,
)
from trajectoires.territory.summary import base_indicators
from trajectoires.web.territory.deps import indicator_profile, reference_or_503
from trajectoires.web.territory.pages import territory_url, unit_or_404

__all__ = ["router"]

router = APIRouter(prefix="/api/v1/territories", tags=["Territoires"])
Ref = Annotated[Reference, Depends(reference_or_503)]
AGGREGATION_RULE = (
    "Somme des communes pour un effectif ; rapport des sommes du numérateur et du "
    "dénominateur pour une part ; moyenne pondérée par la population (par la superficie "
    "pour une part de surface) quand seule la part est publiée ; une part officielle "
    "remplacée, quand elle n'est pas chargée, par son substitut (stands_in_for) ; 0 lieu "
    "pour une commune sans lieu d'un département que la liste couvre."
)


class UnitOut(BaseModel):
    """A territory: commune, EPCI, département, région or France."""

    kind: str = Field(description="commune, epci, departement, region ou pays")
    kind_label: str = Field(description="Libellé du type, en français")
    code: str = Field(description="Code INSEE (commune, département, région), SIREN (EPCI), FR")
    name: str
    ref: str = Field(description="Requête non ambiguë, par exemple « dep:29 »")
    population: int | None = Field(description="Population municipale (somme des communes)")
    population_missing: int = Field(description="Communes sans population, non comptées")
    population_vintage: str = Field(description="Millésime des populations")
    commune_count: int
    area_km2: float | None = Field(description="Superficie en km²")
    area_missing: int = Field(description="Communes sans contour, non comptées")
    density: float | None = Field(description="Habitants par km²")
    epci_code: str | None
    departement_code: str | None
    region_code: str | None
    epci_type: str | None = Field(description="CC, CA, CU ou ME pour un EPCI")
    chef_lieu_code: str | None
    metropolitan: bool = Field(description="En France métropolitaine (hors 971 à 976)")
    note: str | None = Field(description="Remarque (code replié, homonymie)")
    url: str = Field(description="Page web du territoire")


class TerritoryDetailOut(UnitOut):
    """A territory with the territories containing it and its subdivisions count."""

    parents: list[UnitOut] = Field(description="Du plus petit au plus grand, France en dernier")
    children_count: int


class SearchOut(BaseModel):
    """Results of a search, best first."""

    query: str
    count: int
    results: list[UnitOut]


class ChildrenOut(BaseModel):
    """The subdivisions of a territory."""

    territory: UnitOut
    children: list[UnitOut]


class IndicatorOut(BaseModel):
    """One value of a territory, with its unit, source and vintage."""

    id: str
    label: str
    value: float | None
    unit: str
    source: str
    vintage: str
    missing: int = Field(description="Communes sans valeur, non comptées")


class IndicatorsOut(BaseModel):
    """Base indicators of a territory."""

    territory: UnitOut
    indicators: list[IndicatorOut]


class ChainValueOut(BaseModel):
    """The value of one indicator for one territory of the chain."""

    kind: str
    code: str
    name: str
    value: float | None = Field(
        description="None quand aucune commune n'a de valeur, ou quand celles qui en ont "
                    "rassemblent moins de la moitié de la population (comparable faux)")
    communes: int = Field(0, description="Communes du territoire ayant une valeur")
    communes_total: int = Field(0, description="Communes du territoire")
    population_share: float | None = Field(
        None, description="Part de la population du territoire (0 à 1) dans ces communes")
    comparable: bool = Field(
        True, description="Faux quand la valeur ne couvrirait pas la moitié de la population")


class ComparedIndicatorOut(BaseModel):
    """A loaded indicator for the territory and each territory containing it."""

    id: str
    label: str
    unit: str
    period: str | None = Field(description="Millésime comparé : le plus récent chargé")
    source: str
    licence: str
    note: str
    stands_in_for: str | None = Field(
        None, description="Indicateur officiel que ce substitut remplace, faute d'être chargé")
    values: list[ChainValueOut] = Field(
        description="Le territoire, puis ses parents, France en dernier")


class ComparedOut(BaseModel):
    """Loaded indicators of a territory compared with its parents."""

    territory: UnitOut
    rule: str = Field(description="Règle d'agrégation des communes vers les territoires")
    indicators: list[ComparedIndicatorOut]


class CandidatesOut(BaseModel):
    """A name designating several territories (HTTP 409)."""

    detail: str
    candidates: list[UnitOut]


def _out(unit: Unit, ref: Reference) -> UnitOut:
    """Return the unit as JSON, with the vintage of ``ref``'s populations (latest imported)."""
    return UnitOut(**unit_dict(unit, ref.population_vintage), url=territory_url(unit))


@router.get("", response_model=SearchOut, summary="Rechercher des territoires")
def search_territories(
    ref: Ref,
    q: Annotated[str, Query(min_length=1, max_length=200, description="Nom ou code")],
    limit: Annotated[int, Query(ge=1, le=50)] = 10,
) -> SearchOut:
    """Search territories by name or code: exact, then prefix, then by population."""
    results = [_out(u, ref) for u in ref.search(q, limit=limit)]
    return SearchOut(query=q, count=len(results), results=results)


@router.get(
    "/resolve",
    response_model=TerritoryDetailOut,
    responses={404: {"description": "Territoire inconnu"}, 409: {"model": CandidatesOut}},
    summary="Résoudre un nom ou un code",
)
def resolve_territory(
    ref: Ref, q: Annotated[str, Query(min_length=1, max_length=200)]
) -> TerritoryDetailOut | JSONResponse:
    """Return the one territory designated by ``q`` (resolution rule: see the docs)."""
    try:
        unit = ref.resolve(q)
    except AmbiguousTerritory as exc:
        body = CandidatesOut(detail=exc.message, candidates=[_out(u, ref) for u in exc.candidates])
        return JSONResponse(body.model_dump(), status_code=409)
    except TerritoryNotFound as exc:
        raise HTTPException(status_code=404, detail=exc.message) from None
    return _detail(ref, unit)


def _detail(ref: Reference, unit: Unit) -> TerritoryDetailOut:
    summary = summarize(ref, unit, top=0)
    return TerritoryDetailOut(
        **_out(unit, ref).model_dump(),
        parents=[_out(p, ref) for p in summary.parents],
        children_count=len(summary.children),
    )


@router.get(
    "/{kind}/{code}",
    response_model=TerritoryDetailOut,
    responses={404: {"description": "Territoire inconnu"}},
    summary="Un territoire",
)
def get_territory(ref: Ref, kind: str, code: str) -> TerritoryDetailOut:
    """Return one territory with its population (and vintage) and its parents."""
    return _detail(ref, unit_or_404(ref, kind, code))


@router.get(
    "/{kind}/{code}/children",
    response_model=ChildrenOut,
    responses={404: {"description": "Territoire inconnu"}},
    summary="Subdivisions d'un territoire",
)
def get_children(ref: Ref, kind: str, code: str) -> ChildrenOut:
    """France → régions, région → départements, département → EPCI, EPCI → communes."""
    unit = unit_or_404(ref, kind, code)
    return ChildrenOut(territory=_out(unit, ref),
                       children=[_out(c, ref) for c in ref.children(unit)])


@router.get(
    "/{kind}/{code}/indicators",
    response_model=IndicatorsOut,
    responses={404: {"description": "Territoire inconnu"}},
    summary="Indicateurs de base d'un territoire",
)
def get_indicators(ref: Ref, kind: str, code: str) -> IndicatorsOut:
    """Return population, area, density and number of communes, with unit, source, vintage."""
    unit = unit_or_404(ref, kind, code)
    indicators = [IndicatorOut(**item) for item in base_indicators(unit, ref.population_vintage)]
    return IndicatorsOut(territory=_out(unit, ref), indicators=indicators)


@router.get(
    "/{kind}/{code}/indicators/parents",
    response_model=ComparedOut,
    responses={404: {"description": "Territoire inconnu"}},
    summary="Indicateurs chargés comparés aux territoires englobants",
)
def get_compared_indicators(request: Request, ref: Ref, kind: str, code: str) -> ComparedOut:
    """Headline indicators of the store for the territory, its EPCI, département, région, France."""
    unit = unit_or_404(ref, kind, code)
    rows = indicator_profile(request.app, ref).rows(unit)
    fields = list(ChainValueOut.model_fields)
    indicators = [
        ComparedIndicatorOut(
            **{k: v for k, v in row.items() if k != "values"},
            values=[ChainValueOut(**{k: item[k] for k in fields}) for item in row["values"]])
        for row in rows
    ]
    return ComparedOut(territory=_out(unit, ref), rule=AGGREGATION_RULE, indicators=indicators)
