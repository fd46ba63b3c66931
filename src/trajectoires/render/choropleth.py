"""Choropleth maps of communes as standalone, accessible SVG documents.

:func:`render_choropleth` classifies the values, simplifies and encodes the
geometries, and assembles the document; :func:`choropleth_svg` returns only
its text. See ``docs/maps.md`` for the method and its trade-offs.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from trajectoires.analysis.classes import Classification, classify
from trajectoires.render._document import MARGIN, assemble, commune_groups, heading
from trajectoires.render._french import bound_decimals, format_many, format_number
from trajectoires.render._legend import LegendEntry, draw_legend, legend_entries
from trajectoires.render._palette import colours
from trajectoires.render._svg import escape_many
from trajectoires.render.outlines import (
    MIN_WIDTH,
    Outlines,
    check_geometries,
    map_width,
    outlines_for,
)

__all__ = ["Choropleth", "choropleth_svg", "render_choropleth"]

SCHEME_LABELS = {
    "quantiles": "par quantiles (effectifs égaux)",
    "equal_interval": "d'amplitudes égales",
    "fisher_jenks": "par seuils naturels (Fisher-Jenks)",
    "natural_breaks": "par seuils naturels (k-moyennes)",
}

_ID = re.compile(r"[A-Za-z][A-Za-z0-9_-]*")


@dataclass(frozen=True)
class Choropleth:
    """A rendered choropleth map.

    Attributes
    ----------
    svg : str
        The standalone SVG document.
    classification : Classification
        Classes of the values (bounds, class of each commune, counts).
    drawn : int
        Number of communes drawn (one ``<path>`` each).
    missing_geometries : tuple of str
        Codes of the communes skipped because their geometry is missing or empty.

    """

    svg: str
    classification: Classification
    drawn: int
    missing_geometries: tuple[str, ...]


def column(name: str, column: Sequence | np.ndarray | None, size: int) -> np.ndarray | None:
    if column is None:
        return None
    array = np.asarray(column, dtype=object)
    if array.shape != (size,):
        raise ValueError(f"{name} : {size} éléments attendus (un par géométrie), reçu {len(array)}")
    return array


def _value_decimals(classification: Classification, values: np.ndarray) -> int:
    """Decimals of hover values: one more than the legend's, unless all are integers."""
    decimals = bound_decimals(classification.bounds.tolist())
    finite = values[np.isfinite(values)]
    return decimals if np.array_equal(finite, np.round(finite)) else decimals + 1


def _titles(names: np.ndarray, codes: np.ndarray, values: np.ndarray, *, decimals: int,
            unit: str, missing_label: str) -> list[str]:
    """Hover text of each commune: "Name (code) : value unit", escaped."""
    suffix = f"\u00a0{unit}" if unit else ""
    finite = np.isfinite(values)
    shown = np.full(len(values), missing_label, dtype=object)
    shown[finite] = [text + suffix for text in format_many(values[finite].tolist(), decimals)]
    labels = [f"{name} ({code})\u00a0: {value}"
              for name, code, value in zip(names, codes, shown, strict=True)]
    return escape_many(labels)


def _communes(count: int) -> str:
    return f"{format_number(count)} commune{'s' if count > 1 else ''}"


def _description(entries: list[LegendEntry], classification: Classification, *, drawn: int,
                 skipped: int, legend_title: str, unit: str, source: str) -> str:
    """Text alternative of the map: what is shown, each class with its bounds and count."""
    rows = [
        f"{entry.label} : {_communes(entry.count)}" if entry.css_class == "cna"
        else f"classe {rank} ({entry.label}) : {_communes(entry.count)}"
        for rank, entry in enumerate(entries, start=1)
    ]
    what = f"{legend_title} ({unit})" if unit else legend_title
    classes = (
        f"en {classification.k} classe{'s' if classification.k > 1 else ''} "
        f"{SCHEME_LABELS[classification.scheme]}"
        if classification.k
        else "aucune valeur disponible"
    )
    text = f"Carte choroplèthe de {_communes(drawn)}. {what}, {classes} : {' ; '.join(rows)}."
    if skipped:
        many = "s" if skipped > 1 else ""
        text += f" {format_number(skipped)} commune{many} sans géométrie, non dessinée{many}."
    if source:
        text += f" Source : {source}."
    return text


def check_id(svg_id: str) -> str:
    """Return ``svg_id`` if it can prefix XML ids, else raise a French error."""
    if not _ID.fullmatch(svg_id):
        raise ValueError(f"svg_id : identifiant XML attendu (une lettre d'abord), reçu {svg_id!r}")
    return svg_id


def _inputs(
    geometries: Sequence | np.ndarray | Outlines,
    values: Sequence[float] | np.ndarray,
    *,
    codes: Sequence[str] | np.ndarray,
    names: Sequence[str] | np.ndarray,
    links: Sequence[str | None] | np.ndarray | None,
    svg_id: str,
    width: int,
) -> tuple[Outlines, np.ndarray, np.ndarray, np.ndarray, np.ndarray | None]:
    """Check the columns once, at the public boundary."""
    if not isinstance(geometries, Outlines):
        geometries = check_geometries(geometries)
    size = len(geometries)
    values = np.asarray(values, dtype=float)
    if values.shape != (size,):
        raise ValueError(
            f"values : {size} valeurs attendues (une par géométrie), reçu {len(values)}"
        )
    if width < MIN_WIDTH:
        raise ValueError(f"width : au moins {MIN_WIDTH} pixels attendus, reçu {width}")
    check_id(svg_id)
    return (
        outlines_for(geometries, width),
        values,
        column("codes", codes, size),
        column("names", names, size),
        column("links", links, size),
    )


def render_choropleth(
    geometries: Sequence | np.ndarray | Outlines,
    values: Sequence[float] | np.ndarray,
    *,
    codes: Sequence[str] | np.ndarray,
    names: Sequence[str] | np.ndarray,
    title: str,
    legend_title: str,
    unit: str,
    source: str,
    links: Sequence[str | None] | np.ndarray | None = None,
    k: int = 5,
    scheme: str = "quantiles",
    width: int = 800,
    missing_label: str = "Donnée manquante",
    palette: str = "YlOrRd",
    svg_id: str = "carte",
    rng: np.random.Generator | int | None = None,
) -> Choropleth:
    """Draw a choropleth map of communes as a standalone SVG document.

    Parameters are those of :func:`choropleth_svg`.

    Returns
    -------
    Choropleth
        The SVG text with its classification and the counts of drawn and
        skipped communes. ``classification.classes`` lists the class of each
        drawn commune, in input order.

    Examples
    --------
    >>> import shapely
    >>> squares = [shapely.box(x, 6_800_000, x + 1000, 6_801_000) for x in (140_000, 141_000)]
    >>> result = render_choropleth(
    ...     squares + [None], [12.5, float("nan"), 3.0], codes=["29001", "29002", "29003"],
    ...     names=["A", "B", "C"], title="Densité", legend_title="Densité", unit="hab./km²",
    ...     source="INSEE")
    >>> result.drawn, result.missing_geometries, result.classification.missing
    (2, ('29003',), 1)

    """
    outlines, values, codes, names, links = _inputs(
        geometries, values, codes=codes, names=names, links=links, svg_id=svg_id, width=width
    )
    present, frame, d = outlines.present, outlines.frame, outlines.paths
    classification = classify(values[present], scheme=scheme, k=k, rng=rng)
    fills = colours(classification.k, palette) if classification.k else ()
    entries = legend_entries(classification, fills,
                             f"url(#{svg_id}-hachures-legende)", missing_label)
    titles = _titles(names[present], codes[present], values[present],
                     decimals=_value_decimals(classification, values[present]), unit=unit,
                     missing_label=missing_label)
    communes = commune_groups(d, codes[present], titles,
                               links=None if links is None else links[present],
                               classes=classification.classes, entries=entries,
                               missing_fill=f"url(#{svg_id}-hachures)")
    header = heading(title, width)
    legend = draw_legend(entries, x=2 * MARGIN + map_width(width), y=header[1],
                         legend_title=legend_title, unit=unit)
    description = _description(entries, classification, drawn=int(present.sum()),
                               skipped=int((~present).sum()), legend_title=legend_title,
                               unit=unit, source=source)
    svg = assemble(svg_id=svg_id, title=title, description=description, frame=frame,
                   communes=communes, drawn=int(present.sum()), heading=header, legend=legend,
                   source=source,
                   width=width, interactive=links is not None)
    missing = tuple(str(code) for code in codes[~present])
    return Choropleth(svg, classification, int(present.sum()), missing)


def choropleth_svg(
    geometries: Sequence | np.ndarray | Outlines,
    values: Sequence[float] | np.ndarray,
    *,
    codes: Sequence[str] | np.ndarray,
    names: Sequence[str] | np.ndarray,
    title: str,
    legend_title: str,
    unit: str,
    source: str,
    links: Sequence[str | None] | np.ndarray | None = None,
    k: int = 5,
    scheme: str = "quantiles",
    width: int = 800,
    missing_label: str = "Donnée manquante",
    palette: str = "YlOrRd",
    svg_id: str = "carte",
    rng: np.random.Generator | int | None = None,
) -> str:
    """Return a choropleth map of communes as a standalone SVG document.

    Parameters
    ----------
    geometries : sequence of shapely Polygon or MultiPolygon, or Outlines
        One geometry per commune, in projected metres (Lambert-93, EPSG:2154, or
        the UTM projection of a DROM: north up). ``None``
        or empty geometries are skipped and counted in the description.
        Outlines already prepared by :func:`~trajectoires.render.prepare_outlines`
        (for the same ``width``) are drawn as they are: several maps of the
        same communes then simplify them once.
    values : sequence of float
        The indicator, one value per commune; NaN is a missing value, drawn
        hatched grey in the class ``missing_label``.
    codes, names : sequence of str
        INSEE code and name of each commune: ``data-code`` attribute and hover
        text ``"Name (code) : value unit"``.
    title : str
        Title of the map (accessible name and heading).
    legend_title, unit : str
        Title of the legend and unit of the values (e.g. ``"hab./km²"``).
    source : str
        Source line written under the map.
    links : sequence of str or None, optional
        Address of each commune's page: its path is wrapped in ``<a href>``.
        The document's role is then ``group`` instead of ``img``, so that
        assistive technologies keep the links.
    k : int, default 5
        Number of classes (2 to 9).
    scheme : str, default "quantiles"
        ``"quantiles"``, ``"equal_interval"``, ``"fisher_jenks"`` or
        ``"natural_breaks"`` (see :data:`trajectoires.render.SCHEMES`).
    width : int, default 800
        Width of the document in pixels; the height follows the territory.
    missing_label : str, default "Donnée manquante"
        Legend text of the missing-value class.
    palette : str, default "YlOrRd"
        A sequential palette of :data:`trajectoires.render.PALETTES`.
    svg_id : str, default "carte"
        Prefix of the ids inside the document; give each map on a page its own.
    rng : numpy.random.Generator, int or None
        Randomness of the sampled schemes (see :func:`trajectoires.render.classify`).

    Returns
    -------
    str
        The SVG document, without XML declaration (so that it can be inlined
        in HTML as is).

    Raises
    ------
    ValueError
        On columns of the wrong length, non-polygonal geometries, coordinates
        in degrees, an unknown scheme or palette, or ``k`` out of range.

    Examples
    --------
    >>> import shapely
    >>> squares = [shapely.box(x, 6_800_000, x + 1000, 6_801_000) for x in (140_000, 141_000)]
    >>> svg = choropleth_svg(squares, [12.5, 30.0], codes=["29001", "29002"],
    ...     names=["Argol", "Arzano"], title="Densité", legend_title="Densité",
    ...     unit="hab./km²", source="INSEE, recensement 2021")
    >>> svg.count("<path "), svg.count("<title")
    (2, 3)
    >>> "Argol (29001)\u00a0: 12,5\u00a0hab./km²" in svg
    True

    """
    return render_choropleth(
        geometries, values, codes=codes, names=names, title=title, legend_title=legend_title,
        unit=unit, source=source, links=links, k=k, scheme=scheme, width=width,
        missing_label=missing_label, palette=palette, svg_id=svg_id, rng=rng,
    ).svg
