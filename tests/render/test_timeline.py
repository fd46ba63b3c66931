"""The backcasting timeline of the « Imaginer 2030 » workshop, read back as XML."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from datetime import date

import pytest

from trajectoires.render import TimelineHeadline, TimelineMilestone, timeline_svg

SVG = "{http://www.w3.org/2000/svg}"
TODAY, HORIZON = date(2025, 1, 15), date(2030, 12, 31)
HEADLINES = [
    TimelineHeadline(1, "Chaque bourg a son tiers-lieu numérique", date(2030, 6, 1)),
    TimelineHeadline(2, "Plus aucune démarche sans accompagnement", date(2030, 9, 1)),
]
MILESTONES = [
    TimelineMilestone(10, "Fibre dans tous les foyers", date(2026, 6, 1), "technologique",
                      leads_to=(1,), tags=("technologique",)),
    TimelineMilestone(11, "Permanences itinérantes", date(2028, 1, 15), "comportemental",
                      leads_to=(1, 2, 99, 2), tags=("social", "politique")),
    TimelineMilestone(12, "Ouverture du premier tiers-lieu", date(2027, 3, 1), "culturel",
                      leads_to=(1,)),
    TimelineMilestone(13, "Recensement des besoins", date(2025, 4, 1)),
]


def draw(headlines=HEADLINES, milestones=MILESTONES, **options):
    options = {"today": TODAY, "horizon": HORIZON} | options
    return ET.fromstring(timeline_svg(headlines, milestones, **options))


def with_class(root, name):
    return [node for node in root.iter() if name in (node.get("class") or "").split()]


def signature(shape):
    """Tag, number of corners and whether the edges are horizontal and vertical."""
    if shape.tag == f"{SVG}circle":
        return "circle", 0, False
    corners = [tuple(map(float, point.split(","))) for point in shape.get("points").split()]
    edges = zip(corners, corners[1:] + corners[:1], strict=True)
    upright = all(a[0] == b[0] or a[1] == b[1] for a, b in edges)
    return "polygon", len(corners), upright


def marker_y(group):
    shape = with_class(group, "marque")[0]
    if shape.tag == f"{SVG}circle":
        return float(shape.get("cy"))
    ys = [float(point.split(",")[1]) for point in shape.get("points").split()]
    return (min(ys) + max(ys)) / 2


def label_box(group):
    """Box of a milestone's label, from the x, y and font-size written in the SVG."""
    top = bottom = right = None
    left = None
    for text in group.iter(f"{SVG}text"):
        size = float(text.get("font-size"))
        lines = list(text.iter(f"{SVG}tspan")) or [text]
        for line in lines:
            y, x = float(line.get("y")), float(line.get("x"))
            width = len(line.text or "") * size * 0.6
            top = y - size if top is None else min(top, y - size)
            bottom = y + 0.25 * size if bottom is None else max(bottom, y + 0.25 * size)
            left = x if left is None else min(left, x)
            right = x + width if right is None else max(right, x + width)
    return left, top, right, bottom


def overlap(a, b):
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def test_document_is_accessible_and_scales_to_its_container():
    root = draw()
    assert root.tag == f"{SVG}svg" and root.get("role") == "img"
    assert root.get("aria-labelledby") == "frise-titre frise-desc"
    assert root.get("width") is None and root.get("height") is None
    x, y, width, height = map(float, root.get("viewBox").split())
    assert (x, y, width) == (0, 0, 420) and height > 400
    assert root.find(f"{SVG}title").text == "Chemin à rebours"
    desc = root.find(f"{SVG}desc").text
    assert desc.startswith("4 jalons (1 technologique, 1 culturel, 1 comportemental, "
                           "1 sans catégorie) menant à 2 titres à la une")
    assert "15 janvier 2025" in desc and "décembre 2030" in desc
    for text in root.iter(f"{SVG}text"):
        assert float(text.get("font-size")) >= 12
    assert ' style="' not in ET.tostring(root, encoding="unicode")


def test_one_group_per_milestone_each_with_its_own_title():
    groups = with_class(draw(), "jalon")
    assert sorted(int(g.get("data-id")) for g in groups) == [10, 11, 12, 13]
    hover = {int(g.get("data-id")): g.find(f"{SVG}title").text for g in groups}
    assert hover[11] == ("Permanences itinérantes — 15 janvier 2028, comportemental ; thèmes : "
                         "social, politique ; mène à : « Chaque bourg a son tiers-lieu "
                         "numérique » ; « Plus aucune démarche sans accompagnement »")
    assert hover[12].startswith("Ouverture du premier tiers-lieu — 1er mars 2027, culturel")


def test_categories_differ_by_shape_and_colour_and_are_in_the_legend():
    groups = {g.get("class"): with_class(g, "marque")[0] for g in with_class(draw(), "jalon")}
    shapes = {name: signature(shape) for name, shape in groups.items()}
    assert shapes == {"jalon technologique": ("circle", 0, False),
                      "jalon culturel": ("polygon", 4, True),
                      "jalon comportemental": ("polygon", 3, False),
                      "jalon sans-categorie": ("polygon", 4, False)}
    assert len({shape.get("fill") for shape in groups.values()}) == 4
    legend = with_class(draw(), "legende")[0]
    texts = [t.text for t in legend.iter(f"{SVG}text")]
    assert texts == ["technologique", "culturel", "comportemental", "sans catégorie",
                     "mène à la une"]


def test_legend_leaves_out_what_is_not_drawn():
    root = draw(milestones=[TimelineMilestone(1, "Seul", date(2027, 1, 1), "culturel")])
    texts = [t.text for t in with_class(root, "legende")[0].iter(f"{SVG}text")]
    assert texts == ["technologique", "culturel", "comportemental"]


def test_a_link_runs_from_each_milestone_to_each_known_headline_it_leads_to():
    root = draw()
    links = with_class(root, "lien")
    pairs = sorted((int(p.get("data-jalon")), int(p.get("data-une"))) for p in links)
    assert pairs == [(10, 1), (11, 1), (11, 2), (12, 1)]  # 99 unknown, 2 given twice
    boxes = {int(g.get("data-id")): g.find(f"{SVG}rect") for g in with_class(root, "une")}
    markers = {int(g.get("data-id")): marker_y(g) for g in with_class(root, "jalon")}
    for path in links:
        start_x, start_y, column, end_y = map(float, re.fullmatch(
            r"M([\d.]+) ([\d.]+)H([\d.]+)V([\d.]+)", path.get("d")).groups())
        box = boxes[int(path.get("data-une"))]
        assert start_y == pytest.approx(markers[int(path.get("data-jalon"))], abs=0.1)
        assert end_y == pytest.approx(float(box.get("y")) + float(box.get("height")))
        assert float(box.get("x")) < column < start_x


def test_later_milestones_are_higher_headlines_on_top_today_at_the_bottom():
    root = draw()
    ys = {int(g.get("data-id")): marker_y(g) for g in with_class(root, "jalon")}
    by_date = sorted(MILESTONES, key=lambda m: m.when, reverse=True)
    heights = [ys[m.id] for m in by_date]
    assert heights == sorted(heights) and len(set(heights)) == len(heights)
    years = {int(g.get("data-annee")): float(g.find(f"{SVG}line").get("y1"))
             for g in with_class(root, "annee")}
    assert sorted(years) == [2026, 2027, 2028, 2029, 2030]
    assert [years[year] for year in sorted(years, reverse=True)] == sorted(years.values())
    assert ys[11] < years[2028] < ys[12] < years[2027] < ys[10] < years[2026]
    headline_bottom = max(float(r.get("y")) + float(r.get("height"))
                          for g in with_class(root, "une") for r in g.iter(f"{SVG}rect"))
    horizon = float(with_class(root, "horizon")[0].get("y"))
    today = float(with_class(root, "aujourdhui")[0].get("y"))
    assert headline_bottom < horizon < min(ys.values()) and max(ys.values()) < today


def test_text_is_escaped():
    nasty = "<script>alert('x')</script> & co"
    svg = timeline_svg([TimelineHeadline(1, nasty, HORIZON)],
                       [TimelineMilestone(2, nasty, date(2027, 1, 1), tags=(nasty,),
                                          leads_to=(1,))],
                       today=TODAY, horizon=HORIZON, title=nasty)
    assert "<script" not in svg and "&amp; co" in svg
    root = ET.fromstring(svg)
    assert root.find(f"{SVG}title").text == nasty
    group = with_class(root, "jalon")[0]
    assert group.find(f"{SVG}title").text.startswith(nasty)
    assert nasty in " ".join(with_class(group, "etiquettes")[0].itertext())


def test_ten_milestones_in_one_month_do_not_overlap():
    crowd = [TimelineMilestone(i, f"Jalon {i} au titre assez long pour tenir sur deux lignes "
                                  f"au moins dans la colonne", date(2027, 5, 1 + 2 * i),
                               ("technologique", "culturel", None)[i % 3], leads_to=(1,),
                               tags=("économique", "social") if i % 2 else ())
             for i in range(10)]
    root = draw(milestones=crowd)
    groups = with_class(root, "jalon")
    boxes = [label_box(g) for g in groups]
    assert len(boxes) == 10
    for index, box in enumerate(boxes):
        assert box[2] <= 420 - 16
        for other in boxes[index + 1:]:
            assert not overlap(box, other)
    ys = [marker_y(g) for g in groups]
    latest_first = [int(g.get("data-id")) for g in sorted(groups, key=marker_y)]
    assert latest_first == list(range(9, -1, -1)) and len(set(ys)) == 10
    today = float(with_class(root, "aujourdhui")[0].get("y"))
    assert max(box[3] for box in boxes) < today - 12


def test_dates_outside_the_span_are_clamped_to_the_axis():
    def heights(before, after):
        root = draw(milestones=[TimelineMilestone(1, "Avant", before),
                                TimelineMilestone(2, "Après", after)])
        axis = with_class(root, "axe")[0]
        ys = {int(g.get("data-id")): marker_y(g) for g in with_class(root, "jalon")}
        return float(axis.get("y1")), ys[2], ys[1], float(axis.get("y2"))

    outside = heights(date(2019, 1, 1), date(2040, 1, 1))
    assert outside == heights(TODAY, HORIZON)
    top, after, before, bottom = outside
    assert top <= after < before <= bottom


def test_empty_inputs_give_a_valid_drawing_saying_so():
    svg = timeline_svg([], [], today=TODAY, horizon=HORIZON)
    root = ET.fromstring(svg)
    assert with_class(root, "vide")[0].text == "Aucun jalon pour l'instant"
    assert root.find(f"{SVG}desc").text.startswith("Aucun jalon pour l'instant")
    assert not with_class(root, "jalon") and not with_class(root, "lien")


def test_ids_are_prefixed_so_two_drawings_can_share_a_page():
    root = draw(svg_id="frise-2")
    assert root.get("aria-labelledby") == "frise-2-titre frise-2-desc"


@pytest.mark.parametrize(("options", "message"), [
    ({"horizon": TODAY}, "horizon"),
    ({"milestones": [TimelineMilestone(1, "x", TODAY, "social")]}, "milestones"),
    ({"svg_id": "1 frise"}, "svg_id"),
])
def test_wrong_arguments_are_french_errors_naming_the_parameter(options, message):
    with pytest.raises(ValueError, match=message):
        draw(**options)
