"""Server-side SVG maps: no tile server, no JavaScript, works offline.

A pure library: it imports neither the web app, nor the database, nor
matplotlib. The main entry points are :func:`choropleth_svg` (classes of a
numeric value) and :func:`categorical_svg` (named classes, points drawn over);
:func:`prepare_outlines` lets several maps of the same communes share one
simplification; :func:`commune_map` draws any indicator of the catalogue over a
territory's communes (the one map of the command line, the web pages and the
diagnosis). The foresight workshops draw with it too: :func:`timeline_svg`
(the backcasting timeline) and :func:`roadmap_svg` (the roadmap of actors), and the
trajectory of a pathway to 2030 with :func:`trajectory_chart_svg` (one indicator per
year: tendance, actions, target, uncertainty band).
"""

from trajectoires.analysis.classes import SCHEMES, Classification, classify, scheme_name
from trajectoires.render._palette import PALETTES
from trajectoires.render.categorical import (
    CategoricalMap,
    Category,
    PointLayer,
    categorical_svg,
    render_categorical,
)
from trajectoires.render.choropleth import Choropleth, choropleth_svg, render_choropleth
from trajectoires.render.outlines import Outlines, prepare_outlines
from trajectoires.render.roadmap import RoadmapAction, RoadmapLane, RoadmapMilestone, roadmap_svg
from trajectoires.render.territory_map import (
    NotLoadedError,
    UnknownIndicatorError,
    commune_map,
    map_source,
)
from trajectoires.render.timeline import TimelineHeadline, TimelineMilestone, timeline_svg
from trajectoires.render.trajectory_chart import TrajectoryChart, trajectory_chart_svg

__all__ = [
    "PALETTES",
    "SCHEMES",
    "CategoricalMap",
    "Category",
    "Choropleth",
    "Classification",
    "NotLoadedError",
    "Outlines",
    "PointLayer",
    "RoadmapAction",
    "RoadmapLane",
    "RoadmapMilestone",
    "TimelineHeadline",
    "TimelineMilestone",
    "TrajectoryChart",
    "UnknownIndicatorError",
    "categorical_svg",
    "choropleth_svg",
    "classify",
    "commune_map",
    "map_source",
    "prepare_outlines",
    "render_categorical",
    "render_choropleth",
    "roadmap_svg",
    "scheme_name",
    "timeline_svg",
    "trajectory_chart_svg",
]
