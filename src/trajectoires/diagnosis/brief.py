"""The data brief of a territory: a few key figures of its diagnosis, each with its source.

What participants of an event (and readers of a workshop's compte rendu) should know of
the territory before they start: its population, its mean digital fragility index
against its parent territories, the criteria of the index, the access to digital
mediation (places in the territory, inhabitants far from one), and the fragility map.
Every figure carries the source, vintage and method of the diagnosis
(:mod:`~trajectoires.diagnosis.provenance`); nothing is computed here that the diagnosis
does not compute (:mod:`~trajectoires.diagnosis.compute`).

:func:`territory_brief` builds a :class:`TerritoryBrief` from a diagnosis and its maps;
:func:`no_data_brief` says that no data is loaded (or that the territory is too large
for a page). The template ``territory/_brief.html`` of the web app shows either.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from trajectoires.diagnosis.provenance import column_sources, source_lines
from trajectoires.render._french import format_number

if TYPE_CHECKING:
    from trajectoires.diagnosis.compute import Diagnosis
    from trajectoires.diagnosis.maps import DiagnosisMaps
    from trajectoires.territory import Unit

__all__ = ["BriefFigure", "TerritoryBrief", "no_data_brief", "territory_brief"]

NO_DATA = "no_data"
TOO_LARGE = "too_large"


@dataclass(frozen=True)
class BriefFigure:
    """One key figure, written the French way, with where it comes from."""

    key: str
    label: str
    value: str
    source: str
    vintage: str
    method: str


@dataclass(frozen=True)
class TerritoryBrief:
    """The data brief of a territory (``reason`` says why it is empty, when it is).

    ``figures`` are the key indicators, ``access`` the figures of access to mediation,
    ``comparison`` the mean index of the territory and its parents (name, value),
    ``fragility_map`` the SVG of the index by commune (``None`` when it cannot be drawn)
    and ``map_source`` its source line.
    """

    unit_name: str
    unit_path: str
    figures: tuple[BriefFigure, ...] = ()
    access: tuple[BriefFigure, ...] = ()
    comparison: tuple[tuple[str, str], ...] = ()
    fragility_map: str | None = None
    map_source: BriefFigure | None = None
    missing: tuple[str, ...] = ()
    reason: str | None = None

    @property
    def loaded(self) -> bool:
        """Whether the brief has figures from loaded data."""
        return self.reason is None

    @property
    def diagnosis_url(self) -> str:
        """Address of the full diagnosis page of the territory."""
        return f"/territoires/{self.unit_path}/diagnostic"


def no_data_brief(unit: Unit, reason: str = NO_DATA) -> TerritoryBrief:
    """Return the brief of a territory without figures: no data loaded, or too large a territory.

    >>> from trajectoires.territory import Unit, UnitKind
    >>> no_data_brief(Unit(UnitKind.DEPARTEMENT, "29", "Finistère")).loaded
    False
    """
    return TerritoryBrief(unit.name, unit.path, reason=reason)


def _figure(key: str, label: str, value: str, line) -> BriefFigure:  # noqa: ANN001
    return BriefFigure(key, label, value, line.source, line.vintage, line.method)


def _figures(d: Diagnosis, lines: dict, columns: dict) -> list[BriefFigure]:
    figures = []
    if d.unit.population is not None:
        figures.append(_figure("population", "Population", f"{format_number(d.unit.population)} "
                               "habitants", lines["population"]))
    if d.has_index and d.comparison:
        here = d.comparison[0]
        figures.append(_figure(
            "indice", "Indice moyen de fragilité numérique (1 à 10, 10 = le plus fragile)",
            format_number(here["fragility_index"], 2), lines["indice"]))
        for criterion in d.criteria:
            key = criterion["key"]
            if criterion.get("indicator") and here.get(key) is not None and key in columns:
                figures.append(_figure(key, criterion["label"],
                                       f"{format_number(here[key], 1)} %", columns[key]))
    return figures


def _access(d: Diagnosis, lines: dict) -> list[BriefFigure]:
    km = format_number(d.beyond_km, 0 if float(d.beyond_km).is_integer() else 1)
    found = []
    for item in d.access:
        line = lines[f"carte-acces-{item.kind}"]
        found.append(_figure(f"acces-{item.kind}", f"{item.label[:1].upper()}{item.label[1:]} "
                             "dans le territoire", format_number(item.places_in_territory), line))
        found.append(_figure(
            f"loin-{item.kind}", f"Habitants à plus de {km} km du lieu le plus proche "
            f"({item.label})", f"{format_number(item.population_beyond)} "
            f"({format_number(100 * item.share_beyond, 1)} %)", lines["acces"]))
    return found


def territory_brief(d: Diagnosis, maps: DiagnosisMaps | None = None) -> TerritoryBrief:
    """Return the data brief of the diagnosed territory (its key figures, access and map).

    Parameters
    ----------
    d : Diagnosis
        The diagnosis of the territory (:func:`trajectoires.diagnosis.diagnose`).
    maps : DiagnosisMaps, optional
        Its maps (:func:`trajectoires.diagnosis.maps.build_maps`); the fragility map
        is taken from them.

    Returns
    -------
    TerritoryBrief
        With ``reason="no_data"`` when neither the index nor any access could be
        computed from what is loaded.

    """
    if not d.has_index and not d.access:
        return TerritoryBrief(d.unit.name, d.unit.path, missing=tuple(m[1] for m in d.missing),
                              reason=NO_DATA)
    lines, columns = source_lines(d), column_sources(d)
    comparison = tuple((f"{row['name']} ({row['kind_label']})",
                        format_number(row["fragility_index"], 2))
                       for row in d.comparison if row.get("fragility_index") is not None)
    fragility = maps.fragility if maps is not None and d.has_index else None
    return TerritoryBrief(
        d.unit.name, d.unit.path, tuple(_figures(d, lines, columns)), tuple(_access(d, lines)),
        comparison, fragility,
        _figure("carte-indice", "Carte", "", lines["carte-indice"]) if fragility else None,
        tuple(m[1] for m in d.missing))
