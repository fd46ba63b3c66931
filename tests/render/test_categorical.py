"""Maps of named classes with a layer of points, and outlines shared between maps."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import numpy as np
import pytest
import shapely

from trajectoires.render import (
    Category,
    PointLayer,
    categorical_svg,
    choropleth_svg,
    prepare_outlines,
    render_categorical,
)

NS = {"svg": "http://www.w3.org/2000/svg"}
SQUARES = [shapely.box(x, 6_800_000, x + 1000, 6_801_000)
           for x in (140_000, 141_000, 142_000, 143_000)]
CODES = ["29001", "29002", "29003", "29004"]
NAMES = ["Argol", "Arzano", "Audierne", "Bannalec <&>"]
CLASSES = [
    Category("high-high", "Foyer de fragilité", "#ca0020"),
    Category("high-low", "Îlot fragile", "#f4a582", pattern="hachures"),
    Category("none", "Non testé", "#ffffff", pattern="points"),
]


def draw(**options):
    arguments = {"codes": CODES, "names": NAMES, "classes": CLASSES, "title": "Regroupements",
                 "legend_title": "Regroupements locaux", "source": "calcul", "svg_id": "carte-t"}
    arguments.update(options)
    categories = arguments.pop("categories", ["high-high", "high-low", None, "high-high"])
    return render_categorical(arguments.pop("geometries", SQUARES), categories, **arguments)


def test_document_names_every_class_in_title_desc_legend_and_hover_text():
    result = draw()
    root = ET.fromstring(result.svg)
    assert root.get("role") == "img" and root.get("class") == "carte-categories"
    assert root.get("aria-labelledby") == "carte-t-titre carte-t-desc"
    desc = root.find("svg:desc", NS).text
    assert desc.startswith("Carte de 4 communes. Regroupements locaux : Foyer de fragilité : "
                           "2 communes ; Îlot fragile : 1 commune ; Non testé : 0 commune ; "
                           "Donnée manquante : 1 commune.")
    paths = root.findall(".//svg:path", NS)
    assert [p.get("data-code") for p in paths] == ["29001", "29004", "29002", "29003"]
    assert [p.get("class") for p in paths] == ["c0", "c0", "c1", "cna"]
    assert paths[1].find("svg:title", NS).text == "Bannalec <&> (29004)\u00a0: Foyer de fragilité"
    legend = " ".join(t.text or "" for t in root.find(".//svg:g[@class='legende']", NS).iter()
                      if t.text)
    for text in ("Foyer de fragilité (2)", "Îlot fragile (1)", "Non testé (0)",
                 "Donnée manquante (1)"):
        assert text in legend
    assert result.counts == {"high-high": 2, "high-low": 1, "none": 0} and result.missing == 1
    assert ' style="' not in result.svg and "<style" not in result.svg


def test_textures_mark_the_patterned_classes_on_the_map_and_in_the_legend():
    root = ET.fromstring(draw().svg)
    patterns = {p.get("id") for p in root.iter("{http://www.w3.org/2000/svg}pattern")}
    assert {"carte-t-motif-1", "carte-t-motif-1-legende", "carte-t-motif-2",
            "carte-t-motif-2-legende", "carte-t-hachures"} <= patterns
    group = root.find(".//svg:g[@class='classe c1']", NS)
    assert group.get("fill") == "url(#carte-t-motif-1)"
    swatch = root.find(".//svg:g[@class='legende-c1']/svg:rect", NS)
    assert swatch.get("fill") == "url(#carte-t-motif-1-legende)"
    assert root.find(".//svg:g[@class='classe c0']", NS).get("fill") == "#ca0020"


def test_points_inside_the_frame_are_drawn_counted_and_named():
    xy = np.array([[140_500.0, 6_800_500.0], [143_900.0, 6_800_100.0], [500_000.0, 6_000_000.0]])
    result = draw(points=PointLayer(xy, "France Services", ["Maison <A>", "B", "far away"]))
    root = ET.fromstring(result.svg)
    layer = root.find(".//svg:g[@class='lieux']", NS)
    circles = layer.findall("svg:circle", NS)
    assert result.points_drawn == len(circles) == 2
    assert circles[0].find("svg:title", NS).text == "Maison <A>"
    assert root.find(".//svg:g[@class='legende-lieux']/svg:circle", NS) is not None
    assert "France Services (2)" in result.svg
    assert "Points noirs : France Services, 2 sur la carte." in root.find("svg:desc", NS).text
    assert draw(points=PointLayer(np.empty((0, 2)), "Aucun")).points_drawn == 0


def test_shared_outlines_draw_the_same_paths_as_the_geometries():
    outlines = prepare_outlines([*SQUARES[:3], None])
    assert outlines.present.tolist() == [True, True, True, False]
    shared = draw(geometries=outlines)
    direct = draw(geometries=[*SQUARES[:3], None])
    assert shared.svg == direct.svg
    assert shared.missing_geometries == ("29004",) and shared.drawn == 3
    values = [1.0, 2.0, 3.0, 4.0]
    common = {"codes": CODES, "names": NAMES, "title": "T", "legend_title": "T", "unit": "",
              "source": ""}
    assert choropleth_svg(outlines, values, **common) == choropleth_svg(
        [*SQUARES[:3], None], values, **common)
    with pytest.raises(ValueError, match="contours préparés pour 800 pixels"):
        choropleth_svg(outlines, values, width=600, **common)


@pytest.mark.parametrize(("options", "message"), [
    ({"categories": ["high-high", "low-low", None, None]}, "classe inconnue 'low-low'"),
    ({"categories": ["high-high"]}, "categories : 4 valeurs attendues"),
    ({"classes": [Category("a", "A", "red")]}, "couleur #rrggbb attendue"),
    ({"classes": [Category("a", "A", "#ff0000", pattern="zigzag")]}, "motif inconnu"),
    ({"classes": []}, "au moins une classe"),
    ({"svg_id": "1carte"}, "svg_id"),
    ({"codes": CODES[:2]}, "codes : 4 éléments attendus"),
])
def test_wrong_arguments_are_refused_in_french(options, message):
    with pytest.raises(ValueError, match=message):
        draw(**options)


def test_categorical_svg_returns_the_text_and_links_make_a_group():
    svg = categorical_svg(SQUARES, ["high-high"] * 4, codes=CODES, names=NAMES, classes=CLASSES,
                          title="T", legend_title="L", source="",
                          links=[f"/territoires/commune/{c}" for c in CODES])
    assert 'role="group"' in svg and svg.count("<a href=") == 4
