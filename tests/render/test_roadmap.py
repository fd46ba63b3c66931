"""The roadmap of the « Construire 2030 » workshop, read back as XML."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from datetime import date

import pytest

from trajectoires.render import RoadmapAction, RoadmapLane, RoadmapMilestone, roadmap_svg

SVG = "{http://www.w3.org/2000/svg}"
START, HORIZON = date(2025, 1, 1), date(2030, 12, 31)
LANES = [RoadmapLane(1, "Communauté de communes"), RoadmapLane(2, "Médiathèque"),
         RoadmapLane(3, "Associations")]
ACTIONS = [
    RoadmapAction(1, "Diagnostic des usages numériques", 1, date(2025, 1, 1), date(2025, 12, 31)),
    RoadmapAction(2, "Recrutement de deux conseillers", 1, date(2026, 1, 1), date(2027, 6, 30)),
    RoadmapAction(3, "Permanences itinérantes dans les bourgs", 2, date(2026, 9, 1),
                  date(2029, 6, 30)),
    RoadmapAction(4, "Ateliers parents-enfants", 3, date(2027, 1, 1), date(2028, 6, 30)),
]
MILESTONES = [RoadmapMilestone(1, "Label France Services", date(2026, 1, 15), 1),
              RoadmapMilestone(2, "Évaluation à mi-parcours", date(2028, 1, 1))]
DEPENDENCIES = [(1, 2), (2, 3), (2, 4), (2, 3), (4, 99), (98, 1), (3, 3)]


def draw(lanes=LANES, actions=ACTIONS, milestones=MILESTONES, dependencies=DEPENDENCIES,
         **options):
    options = {"start": START, "horizon": HORIZON} | options
    return ET.fromstring(roadmap_svg(lanes, actions, milestones, dependencies, **options))


def with_class(root, name):
    return [node for node in root.iter() if name in (node.get("class") or "").split()]


def bars(root):
    """Action id → (left, right, top, bottom) of its rect or point."""
    found = {}
    for group in with_class(root, "action") + with_class(root, "ponctuelle"):
        rect, circle = group.find(f"{SVG}rect"), group.find(f"{SVG}circle")
        if rect is not None:
            x, y = float(rect.get("x")), float(rect.get("y"))
            box = (x, x + float(rect.get("width")), y, y + float(rect.get("height")))
        else:
            x, y, r = (float(circle.get(name)) for name in ("cx", "cy", "r"))
            box = (x - r, x + r, y - r, y + r)
        found[int(group.get("data-id"))] = box
    return found


def bands(root):
    """Lane background boxes (top, bottom), the « Jalons » row first if any."""
    rows = with_class(root, "couloir-jalons") + with_class(root, "couloir")
    return [(float(r.get("y")), float(r.get("y")) + float(r.get("height")))
            for r in (row.find(f"{SVG}rect") for row in rows)]


def item_box(group):
    """Box of an item: its shape and its label, from the attributes written in the SVG."""
    xs, ys = [], []
    for shape in group:
        if shape.tag == f"{SVG}rect":
            xs += [float(shape.get("x")), float(shape.get("x")) + float(shape.get("width"))]
            ys += [float(shape.get("y")), float(shape.get("y")) + float(shape.get("height"))]
        elif shape.tag in (f"{SVG}circle", f"{SVG}polygon"):
            points = ([(float(shape.get("cx")), float(shape.get("cy")))]
                      if shape.tag == f"{SVG}circle"
                      else [tuple(map(float, p.split(","))) for p in shape.get("points").split()])
            xs += [x for x, _ in points]
            ys += [y for _, y in points]
    text = group.find(f"{SVG}text")
    size, end = float(text.get("font-size")), text.get("text-anchor") == "end"
    for line in list(text.iter(f"{SVG}tspan")) or [text]:
        x, y, width = float(line.get("x")), float(line.get("y")), len(line.text) * size * 0.6
        xs += [x - width, x] if end else [x, x + width]
        ys += [y - size, y + 0.25 * size]
    return min(xs), min(ys), max(xs), max(ys)


def overlap(a, b):
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def test_document_is_accessible_and_keeps_its_size():
    root = draw()
    assert root.get("role") == "img"
    assert root.get("aria-labelledby") == "feuille-de-route-titre feuille-de-route-desc"
    assert root.get("width") == "960" and root.get("viewBox") == f"0 0 960 {root.get('height')}"
    assert root.find(f"{SVG}title").text == "Feuille de route"
    assert root.find(f"{SVG}desc").text == ("Feuille de route de janvier 2025 à décembre 2030 : "
                                            "3 acteurs, 4 actions, 2 jalons et 3 dépendances.")
    for text in root.iter(f"{SVG}text"):
        assert float(text.get("font-size")) >= 12
    for group in with_class(root, "action") + with_class(root, "jalon"):
        assert group.find(f"{SVG}title").text


def test_one_lane_per_actor_in_order_with_a_milestones_row_on_top():
    root = draw()
    lanes = with_class(root, "couloir")
    assert [int(lane.get("data-id")) for lane in lanes] == [1, 2, 3]
    assert [lane.find(f"{SVG}title").text for lane in lanes] == [lane.name for lane in LANES]
    jalons, *rows = bands(root)
    assert jalons[1] <= rows[0][0]
    assert all(a[1] <= b[0] for a, b in zip(rows, rows[1:], strict=False))
    diamonds = {int(g.get("data-id")): g.find(f"{SVG}polygon") for g in with_class(root, "jalon")}
    assert all(len(d.get("points").split()) == 4 for d in diamonds.values())
    centre = {key: float(d.get("points").split()[1].split(",")[1]) for key, d in diamonds.items()}
    assert jalons[0] < centre[2] < jalons[1] and rows[0][0] < centre[1] < rows[0][1]
    assert not with_class(draw(milestones=MILESTONES[:1]), "couloir-jalons")


def test_an_arrow_per_dependency_whose_two_actions_are_known():
    root = draw()
    arrows = with_class(root, "dependance")
    pairs = [(int(a.get("data-avant")), int(a.get("data-apres"))) for a in arrows]
    assert pairs == [(1, 2), (2, 3), (2, 4)]
    marker = root.find(f"{SVG}defs/{SVG}marker")
    assert all(a.get("marker-end") == f"url(#{marker.get('id')})" for a in arrows)
    drawn = bars(root)
    for arrow, (before, after) in zip(arrows, pairs, strict=True):
        numbers = [float(n) for n in re.findall(r"-?[\d.]+", arrow.get("d"))]
        (x0, y0), (x1, y1) = numbers[:2], numbers[-2:]
        assert x0 == pytest.approx(drawn[before][1], abs=0.1)
        assert y0 == pytest.approx(sum(drawn[before][2:]) / 2, abs=0.1)
        assert x1 == pytest.approx(drawn[after][0] - 1, abs=0.1)
        assert y1 == pytest.approx(sum(drawn[after][2:]) / 2, abs=0.1)
    assert not with_class(draw(dependencies=[(1, 99), (5, 6)]), "dependance")


def test_overlapping_actions_stack_and_labels_never_overlap():
    crowded = [RoadmapAction(i, f"Action numéro {i} au titre un peu long", 1,
                             date(2026, 1 + i, 1), date(2026 + i % 3, 12, 1)) for i in range(8)]
    crowded += [RoadmapAction(20, "Court", 1, date(2026, 2, 1), date(2026, 2, 15)),
                RoadmapAction(21, "Plus tard, seule", 2, date(2029, 1, 1), date(2030, 1, 1))]
    milestones = [RoadmapMilestone(i, f"Jalon {i}", date(2026, 2, i), 1) for i in range(1, 4)]
    root = draw(actions=crowded, milestones=milestones, dependencies=[])
    drawn = bars(root)
    assert len({drawn[i][2] for i in range(8)}) == 8  # all overlap in time: eight sub-rows
    groups = with_class(root, "action") + with_class(root, "ponctuelle") + with_class(root, "jalon")
    boxes = [item_box(group) for group in groups]
    for index, box in enumerate(boxes):
        assert box[0] >= 16 and box[2] <= 960 - 16
        for other in boxes[index + 1:]:
            assert not overlap(box, other)
    first, second, _ = bands(root)
    assert all(first[0] < drawn[i][2] and drawn[i][3] < first[1] for i in range(8))
    assert second[0] < drawn[21][2] and drawn[21][3] < second[1]


def test_a_label_inside_its_bar_fits_else_it_goes_beside():
    actions = [RoadmapAction(1, "Recrutement de deux conseillers", 1, date(2026, 1, 1),
                             date(2026, 6, 1)),
               RoadmapAction(2, "Bilan", 1, date(2030, 3, 1), date(2030, 10, 1)),
               RoadmapAction(3, "Recrutement de deux conseillers", 2, date(2026, 1, 1),
                             date(2028, 6, 1))]
    root = draw(actions=actions, milestones=[], dependencies=[])
    placement = {}
    for group in with_class(root, "action"):
        rect, text = group.find(f"{SVG}rect"), group.find(f"{SVG}text")
        left, right = float(rect.get("x")), float(rect.get("x")) + float(rect.get("width"))
        lines = list(text.iter(f"{SVG}tspan")) or [text]
        width = max(len(line.text) for line in lines) * float(text.get("font-size")) * 0.6
        inside = left < float(text.get("x")) and float(text.get("x")) + width < right
        beside = float(text.get("x")) > right or text.get("text-anchor") == "end"
        assert inside != beside
        placement[int(group.get("data-id"))] = "inside" if inside else "beside"
    assert placement == {1: "beside", 2: "inside", 3: "inside"}


def test_actions_far_apart_share_a_row():
    actions = [RoadmapAction(1, "Avant", 1, date(2025, 1, 1), date(2025, 12, 1)),
               RoadmapAction(2, "Après", 1, date(2028, 1, 1), date(2029, 1, 1))]
    drawn = bars(draw(actions=actions, milestones=[], dependencies=[]))
    assert drawn[1][2] == drawn[2][2]


def test_dates_are_clamped_and_an_action_ending_before_it_starts_is_a_point():
    actions = [
        RoadmapAction(1, "Toute la période", 1, START, HORIZON),
        RoadmapAction(2, "Déborde des deux côtés", 2, date(2020, 1, 1), date(2040, 1, 1)),
        RoadmapAction(3, "À l'envers", 3, date(2027, 6, 1), date(2026, 1, 1)),
        RoadmapAction(4, "Bien avant", 3, date(2019, 1, 1), date(2020, 1, 1)),
    ]
    root = draw(actions=actions, milestones=[RoadmapMilestone(1, "Tard", date(2045, 1, 1))],
                dependencies=[(3, 1)])
    drawn = bars(root)
    assert drawn[2][:2] == drawn[1][:2]
    kinds = {int(g.get("data-id")): g.get("class") for g in with_class(root, "ponctuelle")}
    assert kinds == {3: "ponctuelle", 4: "ponctuelle"}
    assert drawn[4][0] < drawn[1][0] < drawn[4][1]  # the point sits on the left edge
    reference = roadmap_svg(LANES, [RoadmapAction(9, "x", 1, date(2027, 6, 1), HORIZON)], [],
                            [], start=START, horizon=HORIZON)
    middle = bars(ET.fromstring(reference))[9][0]
    assert (drawn[3][0] + drawn[3][1]) / 2 == pytest.approx(middle)
    diamond = with_class(root, "jalon")[0].find(f"{SVG}polygon").get("points").split()
    assert float(diamond[0].split(",")[0]) == pytest.approx(drawn[1][1])
    hover = {int(g.get("data-id")): g.find(f"{SVG}title").text
             for g in with_class(root, "action") + with_class(root, "ponctuelle")}
    assert hover[2].endswith("(dépasse la période de la feuille de route)")
    assert "fin indiquée avant le début : 1er janvier 2026" in hover[3]
    assert len(with_class(root, "dependance")) == 1


def test_long_titles_are_shortened_and_kept_whole_in_the_hover_text():
    title = "Une action au titre très long " * 4
    root = draw(actions=[RoadmapAction(1, title, 1, date(2026, 1, 1), date(2026, 12, 31))],
                milestones=[], dependencies=[])
    group = with_class(root, "action")[0]
    shown = " ".join(group.find(f"{SVG}text").itertext())
    assert shown.endswith("…") and len(shown) < len(title)
    assert group.find(f"{SVG}title").text.startswith(title.strip())


def test_text_is_escaped():
    nasty = "<script>alert('x')</script> & co"
    svg = roadmap_svg([RoadmapLane(1, nasty)],
                      [RoadmapAction(1, nasty, 1, date(2026, 1, 1), date(2029, 1, 1))],
                      [RoadmapMilestone(1, nasty, date(2027, 1, 1))], [],
                      start=START, horizon=HORIZON, title=nasty)
    assert "<script" not in svg and "&amp; co" in svg
    root = ET.fromstring(svg)
    assert root.find(f"{SVG}title").text == nasty
    assert with_class(root, "couloir")[0].find(f"{SVG}title").text == nasty
    assert with_class(root, "action")[0].find(f"{SVG}title").text.startswith(nasty)


def test_empty_inputs_give_a_valid_drawing_saying_so():
    root = ET.fromstring(roadmap_svg([], [], [], [], start=START, horizon=HORIZON))
    assert with_class(root, "vide")[0].text == "Aucune action pour l'instant"
    assert root.find(f"{SVG}desc").text.startswith("Aucune action pour l'instant")
    lanes_only = draw(actions=[], milestones=[], dependencies=[])
    assert len(with_class(lanes_only, "couloir")) == 3 and with_class(lanes_only, "vide")


@pytest.mark.parametrize(("options", "message"), [
    ({"horizon": START}, "horizon"),
    ({"actions": [RoadmapAction(1, "x", 7, START, HORIZON)]}, "actions"),
    ({"milestones": [RoadmapMilestone(1, "x", START, 7)]}, "milestones"),
    ({"lanes": [RoadmapLane(1, "a"), RoadmapLane(1, "b")]}, "lanes"),
    ({"svg_id": "9"}, "svg_id"),
])
def test_wrong_arguments_are_french_errors_naming_the_parameter(options, message):
    with pytest.raises(ValueError, match=message):
        draw(**options)
