"""Server-side SVG maps: no tile server, no JavaScript, works offline.

A pure library: it imports neither the web app, nor the database, nor
matplotlib. The main entry point is :func:`choropleth_svg`.
"""

from trajectoires.render._classify import SCHEMES, Classification, classify, scheme_name
from trajectoires.render._palette import PALETTES
from trajectoires.render.choropleth import Choropleth, choropleth_svg, render_choropleth
from trajectoires.render.territory_map import (
    INDICATORS,
    MapIndicator,
    UnknownIndicatorError,
    find_indicator,
    territory_choropleth,
)

__all__ = [
    "INDICATORS",
    "PALETTES",
    "SCHEMES",
    "Choropleth",
    "Classification",
    "MapIndicator",
    "UnknownIndicatorError",
    "choropleth_svg",
    "classify",
    "find_indicator",
    "render_choropleth",
    "scheme_name",
    "territory_choropleth",
]
