"""The one commune map: any indicator of the catalogue over the communes of a territory.

Every entry point draws a territory's communes through :func:`commune_map`: the
``trajectoires territory map`` command, the territory web page (any indicator
loaded for the territory) and the diagnosis (fragility index, criteria, the map
picked on its page). The indicator is a key of the catalogue
(:data:`trajectoires.indicators.INDICATORS`), which gives the legend's label and
unit and the source line; values of the reference of places (``population``,
``area_km2``, ``density``) are read from the reference, any other is passed in
(the store's latest values, or a diagnosis column).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

import numpy as np

from trajectoires.indicators.catalogue import REFERENCE, UnknownIndicatorError, find, source_line
from trajectoires.render.choropleth import Choropleth, render_choropleth
from trajectoires.territory import GEOMETRY_SOURCE, Reference, Unit, UnitKind

if TYPE_CHECKING:
    import pandas as pd

    from trajectoires.render.outlines import Outlines

__all__ = ["NotLoadedError", "UnknownIndicatorError", "commune_map", "map_source", "place_name"]


class NotLoadedError(ValueError):
    """The indicator has no value to draw: it is neither in the reference nor passed in."""


def place_name(unit: Unit) -> str:
    """Name of ``unit`` in a map title (a département with its code).

    >>> from trajectoires.territory import Unit, UnitKind
    >>> place_name(Unit(UnitKind.DEPARTEMENT, "29", "Finistère"))
    'Finistère (29)'
    """
    if unit.kind is UnitKind.COUNTRY:
        return "France métropolitaine"
    return f"{unit.name} ({unit.code})" if unit.kind is UnitKind.DEPARTEMENT else unit.name


def map_source(indicator: str, vintage: str | None = None) -> str:
    """Source line under a map: the indicator's source and vintage, then the outlines'.

    >>> map_source("ftth_taux", "2024-T2").startswith("ARCEP, Déploiements")
    True
    """
    return f"{source_line(indicator, vintage)} ; contours : {GEOMETRY_SOURCE}"


def _communes(ref: Reference, unit: Unit) -> tuple[pd.DataFrame, str]:
    if unit.kind is UnitKind.COUNTRY:
        return ref.metropolitan_communes(), "EPSG:2154"
    return ref.communes_of(unit), "EPSG:2154" if unit.metropolitan else "local"


def _values(ref: Reference, indicator: str, table: pd.DataFrame,
            values: pd.Series | None) -> np.ndarray:
    if values is not None:
        return values.reindex(table.index).to_numpy(dtype=float, na_value=np.nan)
    if find(indicator).dataset == REFERENCE and indicator in table:
        return table[indicator].to_numpy(dtype=float, na_value=np.nan)
    raise NotLoadedError(
        f"indicateur « {indicator} » ({find(indicator).label}) : aucune valeur à dessiner "
        "(importez son jeu de données, ou passez ses valeurs)"
    )


def commune_map(  # noqa: PLR0913 (the map's options, all keyword-only)
    ref: Reference,
    unit: Unit | None,
    indicator: str = "density",
    *,
    values: pd.Series | None = None,
    vintage: str | None = None,
    communes: pd.DataFrame | None = None,
    outlines: Outlines | None = None,
    title: str | None = None,
    label: str | None = None,
    source: str | None = None,
    scheme: str = "quantiles",
    k: int = 5,
    width: int = 800,
    svg_id: str = "carte",
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
    unit : trajectoires.territory.Unit or None
        The territory, e.g. ``ref.resolve("29")``; None only with ``communes``
        and ``title`` (a diagnosis's table).
    indicator : str, default "density"
        A key of the catalogue: its label and unit make the legend, its source
        the line under the map.
    values : pandas.Series, optional
        Values by commune code (the store's, a diagnosis column); missing
        communes are drawn hatched. Without it, the reference's column of the
        same name (``population``, ``area_km2``, ``density``).
    vintage : str, optional
        Period of the values, written in the source line (the reference's
        population vintage for its own columns; « non daté » otherwise).
    communes, outlines : optional
        The rows to draw (index: code, column ``name``) and their prepared
        outlines (:func:`~trajectoires.render.prepare_outlines`), when the
        caller has them already (a diagnosis); default: the unit's communes.
    title : str, optional
        Default: « label — territory ».
    label, source : str, optional
        Replace the catalogue's label in the legend (« … (approximation) ») and
        the source line (default :func:`map_source`).
    scheme, k, width, svg_id, rng
        Passed to :func:`trajectoires.render.render_choropleth`.
    link : callable, optional
        Address of a commune's page from its code; paths become links.
    report : callable, optional
        Receives ``(message, fraction)`` as the work progresses.

    Raises
    ------
    trajectoires.indicators.UnknownIndicatorError
        If ``indicator`` is not in the catalogue.
    NotLoadedError
        If no value is given for an indicator the reference does not hold.

    Examples
    --------
    >>> import tempfile
    >>> from pathlib import Path
    >>> import pandas as pd
    >>> from trajectoires.territory import FIXTURE_DIR, load_reference
    >>> ref = load_reference(Path(tempfile.mkdtemp()), data_dir=FIXTURE_DIR)
    >>> unit = ref.resolve("29")
    >>> result = commune_map(ref, unit, "population", k=3)
    >>> result.svg.count("<path ") == result.drawn == len(ref.communes_of(unit))
    True
    >>> fibre = pd.Series({"29232": 81.0, "29019": 95.5, "29039": 40.0})
    >>> svg = commune_map(ref, unit, "ftth_taux", values=fibre, vintage="2024-T2", k=2).svg
    >>> "Part des locaux raccordables à la fibre (FttH)" in svg, "2024-T2" in svg
    (True, True)

    """
    chosen = find(indicator)
    step = report or (lambda message, fraction: None)
    step("Communes et contours", 0.0)
    table, crs = _communes(ref, unit) if communes is None else (communes, None)
    drawn = np.asarray(_values(ref, indicator, table, values))
    if vintage is None and chosen.dataset == REFERENCE:
        vintage = ref.population_vintage
    codes = table.index.to_list()
    if outlines is not None:
        geometries = outlines
    else:
        geometries = ref.commune_geometries(codes, **({"crs": crs} if crs else {}))
    step("Classification et dessin", 0.4)
    result = render_choropleth(
        geometries, drawn, codes=codes, names=table["name"].to_list(),
        title=title or f"{chosen.label} — {place_name(unit)}",
        legend_title=label or chosen.label, unit=chosen.unit,
        source=source or map_source(indicator, vintage),
        links=None if link is None else [link(code) for code in codes],
        k=k, scheme=scheme, width=width, svg_id=svg_id, rng=rng,
    )
    step("Carte prête", 1.0)
    return result
