"""The trajectory chart: two scenarios, the band, the target, said in words; bad input refused."""

from __future__ import annotations

import math
import xml.etree.ElementTree as ET

import pytest

from trajectoires.render import TrajectoryChart, trajectory_chart_svg

NS = {"s": "http://www.w3.org/2000/svg"}
YEARS = (2024, 2025, 2026, 2027)


def chart(**changes) -> TrajectoryChart:
    values = {"label": "Distance au plus proche France Services", "unit": "km", "years": YEARS,
              "tendance": (6.0, 6.0, 6.0, 6.0), "actions": (6.0, 6.0, 4.5, 4.5),
              "low": (6.0, 5.8, 5.6, 5.4), "high": (6.0, 6.2, 6.4, 6.6), "target": (2027, 4.0)}
    return TrajectoryChart(**{**values, **changes})


def test_lines_band_target_and_words() -> None:
    root = ET.fromstring(trajectory_chart_svg(chart(), svg_id="g"))
    assert root.get("role") == "img" and root.get("aria-labelledby") == "g-titre g-desc"
    desc = root.find("s:desc", NS).text
    assert "Tendance : 6,0\u202fkm en 2024" in desc and "Cible : 4,0\u202fkm en 2027." in desc
    actions = root.find(".//s:g[@class='actions']/s:polyline", NS).get("points").split()
    trend = root.find(".//s:polyline[@class='tendance']", NS).get("points").split()
    assert actions[:2] == trend[:2] and actions[2] != trend[2]  # same until the effect
    assert float(actions[2].split(",")[1]) > float(trend[2].split(",")[1])  # lower value
    assert root.find(".//s:polygon[@class='incertitude']", NS) is not None
    assert root.find(".//s:g[@class='cible']", NS) is not None


def test_unknown_values_are_left_out_and_no_band_no_target() -> None:
    svg = trajectory_chart_svg(chart(actions=(6.0, math.nan, None, 4.5), low=None, high=None,
                                     target=None))
    root = ET.fromstring(svg)
    assert len(root.find(".//s:g[@class='actions']/s:polyline", NS).get("points").split()) == 2
    assert root.find(".//s:polygon", NS) is None and 'class="cible"' not in svg


def test_bad_input_is_refused_in_french() -> None:
    with pytest.raises(ValueError, match="actions : 4 valeurs attendues"):
        chart(actions=(1.0, 2.0))
    with pytest.raises(ValueError, match="years : au moins une année"):
        chart(years=(), tendance=(), actions=(), low=None, high=None)
    with pytest.raises(ValueError, match="svg_id"):
        trajectory_chart_svg(chart(), svg_id="a b<")


def test_close_ticks_keep_distinct_labels() -> None:
    """The demo's 2SFCA, 0,358 to 0,372 places per 10,000: ticks 0,005 apart.

    They read « 0,37 », « 0,36 », « 0,36 » (two decimals for 0,355 and 0,365).
    """
    tendance = (0.363783, 0.362908, 0.362021, 0.361121, 0.36021, 0.359286, 0.358351)
    actions = (0.363783, 0.362908, 0.362021, 0.371809, 0.370869, 0.369917, 0.368953)
    svg = trajectory_chart_svg(chart(years=tuple(range(2024, 2031)), tendance=tendance,
                                     actions=actions, low=None, high=None, target=None,
                                     unit=""))
    root = ET.fromstring(svg)
    labels = [t.text for t in root.find(".//s:g[@class='axes']", NS).findall("s:text", NS)
              if t.text and not t.text.startswith("20")]
    assert len(labels) >= 3 and len(set(labels)) == len(labels), labels
    assert all("," in label for label in labels), labels


def test_no_drawn_heading_and_the_unit_has_room() -> None:
    """The page's heading is not drawn again in the SVG (it stays its <title>)."""
    root = ET.fromstring(trajectory_chart_svg(chart(), svg_id="g"))
    assert root.find("s:title", NS).text == "Distance au plus proche France Services"
    texts = [t.text for t in root.iter(f"{{{NS['s']}}}text")]
    assert "Distance au plus proche France Services" not in texts
    unit = root.find(".//s:text[@class='unite']", NS)
    assert unit.text == "km" and float(unit.get("y")) >= 13  # inside the drawing


def test_narrow_layout_for_phones() -> None:
    """360 units wide, at most 4 year labels: on a 358 px phone, 13 px labels (was 7 px)."""
    years = tuple(range(2024, 2031))
    values = tuple(6.0 for _ in years)
    wide = ET.fromstring(trajectory_chart_svg(chart(years=years, tendance=values,
                                                    actions=values, low=None, high=None)))
    root = ET.fromstring(trajectory_chart_svg(chart(years=years, tendance=values,
                                                    actions=values, low=None, high=None),
                                              svg_id="e", narrow=True))
    assert root.get("viewBox").split()[2] == "360" and wide.get("viewBox").split()[2] == "640"
    assert "graphique-etroit" in root.get("class") and "graphique-large" in wide.get("class")
    labels = [t for t in root.find(".//s:g[@class='axes']", NS).findall("s:text", NS)
              if t.text and t.text.startswith("20")]
    assert 2 <= len(labels) <= 4, [t.text for t in labels]
    assert all(float(t.get("font-size")) >= 13 for t in labels)
    right = max(float(p.split(",")[0]) for p in
                root.find(".//s:g[@class='actions']/s:polyline", NS).get("points").split())
    assert right <= 360
