"""``commune_map``: the one map of a territory's communes (France, overseas, any indicator)."""

from __future__ import annotations

import subprocess
import sys
import xml.etree.ElementTree as ET

import numpy as np
import pandas as pd
import pytest

from trajectoires.indicators import INDICATORS, source_line
from trajectoires.render import NotLoadedError, UnknownIndicatorError, commune_map

NS = {"svg": "http://www.w3.org/2000/svg"}


def codes_of(svg: str) -> list[str]:
    return [p.get("data-code") for p in ET.fromstring(svg).iter("{http://www.w3.org/2000/svg}path")]


def test_france_is_drawn_as_metropolitan_france(reference):
    steps = []
    result = commune_map(reference, reference.resolve("FR"), "density",
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
    result = commune_map(reference, unit, "population", k=4)
    assert result.drawn == len(reference.communes_of(unit)) - len(result.missing_geometries) > 0
    assert "en 4 classes" in ET.fromstring(result.svg).find("svg:desc", NS).text


def test_links_and_unknown_indicator(reference):
    unit = reference.resolve("29")
    result = commune_map(reference, unit, link=lambda code: f"/territoires/commune/{code}")
    anchors = ET.fromstring(result.svg).findall(".//svg:a", NS)
    assert len(anchors) == 277
    assert anchors[0].get("href") == f"/territoires/commune/{codes_of(result.svg)[0]}"
    with pytest.raises(UnknownIndicatorError, match="Indicateur inconnu : « fibre »"):
        commune_map(reference, unit, "fibre")
    with pytest.raises(NotLoadedError, match="ftth_taux"):
        commune_map(reference, unit, "ftth_taux")  # a stored indicator needs its values


def test_importing_the_renderer_defers_mapclassify():
    # mapclassify pulls SciPy and scikit-learn (about 1.5 s): only a map needs them.
    code = (
        "import sys, trajectoires.render\n"
        "print(','.join(m for m in ('mapclassify', 'scipy', 'sklearn', 'fastapi', 'sqlalchemy',"
        " 'matplotlib') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""


def test_any_catalogue_indicator_is_drawn_from_the_values_given(reference):
    unit = reference.resolve("29")
    communes = reference.communes_of(unit)
    values = pd.Series(np.linspace(10.0, 90.0, len(communes)), index=communes.index)
    values.iloc[:7] = np.nan  # seven communes without a value
    result = commune_map(reference, unit, "insee_part_65p", values=values, vintage="2021", k=4)
    root = ET.fromstring(result.svg)
    assert root.find("svg:title", NS).text == "Part des 65 ans ou plus — Finistère (29)"
    entry = INDICATORS["insee_part_65p"]
    legend = "".join(root.find(".//svg:g[@class='legende']", NS).itertext())
    assert entry.label in legend and f"({entry.unit})" in legend
    source = "".join(root.find(".//svg:text[@class='source']", NS).itertext())
    assert source_line("insee_part_65p", "2021") in source
    assert result.classification.missing == 7 and result.classification.k == 4
    assert result.classification.counts.sum() == len(communes) - 7
    # the same values under a derived key (a diagnosis column) draw the same classes
    derived = commune_map(reference, unit, "share_65_plus", values=values, vintage="2021", k=4)
    np.testing.assert_array_equal(derived.classification.classes, result.classification.classes)
    assert "calcul Trajectoires d" in derived.svg and "INSEE, recensement (RP)" in derived.svg
