"""Choropleth map of the communes of a territory, from the reference of places.

One implementation for every entry point: the ``trajectoires territory map``
command and the web pages call :func:`territory_choropleth`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from trajectoires.render.choropleth import Choropleth, render_choropleth
from trajectoires.territory import (
    GEOMETRY_SOURCE,
    POPULATION_VINTAGE,
    Reference,
    Unit,
    UnitKind,
)

__all__ = [
    "INDICATORS",
    "MapIndicator",
    "UnknownIndicatorError",
    "find_indicator",
    "territory_choropleth",
]


@dataclass(frozen=True)
class MapIndicator:
    """An indicator that can be mapped from the reference's commune table.

    Attributes
    ----------
    name : str
        Identifier used on the command line (``--indicator density``).
    label : str
        French label, used in the title and the legend.
    unit : str
        Unit of the values.
    column : str
        Column of ``Reference.communes_of`` holding the values.

    """

    name: str
    label: str
    unit: str
    column: str


INDICATORS: dict[str, MapIndicator] = {
    indicator.name: indicator
    for indicator in (
        MapIndicator("density", "Densité de population", "hab./km²", "density"),
        MapIndicator("population", "Population municipale", "hab.", "population"),
    )
}
"""Indicators available for maps, by name."""


class UnknownIndicatorError(ValueError):
    """The indicator asked for is not in :data:`INDICATORS`."""


def find_indicator(name: str) -> MapIndicator:
    """Return the indicator called ``name``, or raise a French error listing them all.

    Examples
    --------
    >>> find_indicator("density").unit
    'hab./km²'
    >>> find_indicator("fibre")
    Traceback (most recent call last):
    ...
    trajectoires.render.territory_map.UnknownIndicatorError: indicateur inconnu : « fibre ». \
Indicateurs disponibles : density (Densité de population), population (Population municipale).

    """
    if name in INDICATORS:
        return INDICATORS[name]
    available = ", ".join(f"{key} ({value.label})" for key, value in INDICATORS.items())
    raise UnknownIndicatorError(
        f"indicateur inconnu : « {name} ». Indicateurs disponibles : {available}."
    )


def _place(unit: Unit) -> str:
    if unit.kind is UnitKind.COUNTRY:
        return "France métropolitaine"
    if unit.kind is UnitKind.COMMUNE:
        return unit.name
    return f"{unit.name} ({unit.code})" if unit.kind is UnitKind.DEPARTEMENT else unit.name


def territory_choropleth(
    ref: Reference,
    unit: Unit,
    indicator: str = "density",
    *,
    scheme: str = "quantiles",
    k: int = 5,
    width: int = 800,
    link: Callable[[str], str] | None = None,
    report: Callable[[str, float], None] | None = None,
    rng: np.random.Generator | int | None = None,
) -> Choropleth:
    """Map ``indicator`` over the communes of ``unit``.

    France (``FR``) is drawn as metropolitan France; overseas territories are
    drawn in their local projection (``crs="local"`` of the reference).

    Parameters
    ----------
    ref : trajectoires.territory.Reference
        The reference of places.
    unit : trajectoires.territory.Unit
        The territory, e.g. ``ref.resolve("29")``.
    indicator : str, default "density"
        A key of :data:`INDICATORS`.
    scheme, k, width, rng
        Passed to :func:`trajectoires.render.render_choropleth`.
    link : callable, optional
        Address of a commune's page from its code; paths become links.
    report : callable, optional
        Receives ``(message, fraction)`` as the work progresses.

    Returns
    -------
    Choropleth

    Raises
    ------
    UnknownIndicatorError
        If ``indicator`` is not in :data:`INDICATORS`.

    Examples
    --------
    >>> import tempfile
    >>> from pathlib import Path
    >>> from trajectoires.territory import FIXTURE_DIR, load_reference
    >>> ref = load_reference(Path(tempfile.mkdtemp()), data_dir=FIXTURE_DIR)
    >>> result = territory_choropleth(ref, ref.resolve("29"), "population", k=3)
    >>> result.svg.count("<path ") == result.drawn == len(ref.communes_of(ref.resolve("29")))
    True

    """
    chosen = find_indicator(indicator)
    step = report or (lambda message, fraction: None)
    step("Communes et contours", 0.0)
    if unit.kind is UnitKind.COUNTRY:
        table, crs = ref.metropolitan_communes(), "EPSG:2154"
    else:
        table, crs = ref.communes_of(unit), "EPSG:2154" if unit.metropolitan else "local"
    codes = table.index.to_list()
    geometries = ref.commune_geometries(codes, crs=crs)
    values = table[chosen.column].to_numpy(dtype=float, na_value=np.nan)
    step("Classification et dessin", 0.4)
    result = render_choropleth(
        geometries,
        values,
        codes=codes,
        names=table["name"].to_list(),
        title=f"{chosen.label} — {_place(unit)}",
        legend_title=chosen.label,
        unit=chosen.unit,
        source=f"INSEE, {POPULATION_VINTAGE} ; contours : {GEOMETRY_SOURCE}",
        links=None if link is None else [link(code) for code in codes],
        k=k,
        scheme=scheme,
        width=width,
        rng=rng,
    )
    step("Carte prête", 1.0)
    return result
