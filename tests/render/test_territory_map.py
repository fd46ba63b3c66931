"""``territory_choropleth``: maps of the reference's territories (France, overseas)."""

from __future__ import annotations

import subprocess
import sys
import xml.etree.ElementTree as ET

import pytest

from trajectoires.render import INDICATORS, UnknownIndicatorError, territory_choropleth

NS = {"svg": "http://www.w3.org/2000/svg"}


def codes_of(svg: str) -> list[str]:
    return [p.get("data-code") for p in ET.fromstring(svg).iter("{http://www.w3.org/2000/svg}path")]


def test_france_is_drawn_as_metropolitan_france(reference):
    steps = []
    result = territory_choropleth(reference, reference.resolve("FR"), "density",
                                  report=lambda message, done: steps.append(done))
    codes = codes_of(result.svg)
    metropolitan = reference.metropolitan_communes()
    assert len(codes) == result.drawn == len(metropolitan) - len(result.missing_geometries)
    assert not [code for code in codes if code[:3] in {"971", "972", "973", "974", "975", "976"}]
    assert len(result.svg.encode()) < 6e6
    assert steps[0] == 0.0 and steps[-1] == 1.0
    title = ET.fromstring(result.svg).find("svg:title", NS).text
    assert title == "Densité de population — France métropolitaine"


def test_overseas_departement_is_drawn_in_its_local_projection(reference):
    unit = reference.resolve("971")
    result = territory_choropleth(reference, unit, "population", k=4)
    assert result.drawn == len(reference.communes_of(unit)) - len(result.missing_geometries) > 0
    assert "en 4 classes" in ET.fromstring(result.svg).find("svg:desc", NS).text


def test_links_and_unknown_indicator(reference):
    unit = reference.resolve("29")
    result = territory_choropleth(reference, unit, link=lambda code: f"/territoires/commune/{code}")
    anchors = ET.fromstring(result.svg).findall(".//svg:a", NS)
    assert len(anchors) == 277
    assert anchors[0].get("href") == f"/territoires/commune/{codes_of(result.svg)[0]}"
    with pytest.raises(UnknownIndicatorError, match="density .*population"):
        territory_choropleth(reference, unit, "fibre")
    assert set(INDICATORS) == {"density", "population"}


def test_importing_the_renderer_defers_mapclassify():
    # mapclassify pulls SciPy and scikit-learn (about 1.5 s): only a map needs them.
    code = (
        "import sys, trajectoires.render\n"
        "print(','.join(m for m in ('mapclassify', 'scipy', 'sklearn', 'fastapi', 'sqlalchemy',"
        " 'matplotlib') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""
