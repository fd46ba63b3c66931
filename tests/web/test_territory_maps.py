"""The in-memory cache of territory maps (fast: built-in fixture reference)."""

from __future__ import annotations

import pandas as pd

from trajectoires.web.territory.maps import LEGACY_NAMES, MapCache


def test_maps_are_rendered_once_then_served_from_the_cache(fixture_reference):
    cache = MapCache(fixture_reference, maxsize=4)
    finistere = fixture_reference.resolve("29")
    first = cache.svg(finistere, "density")
    assert first is not None and first.lstrip().startswith("<svg")
    assert first.count('data-code="29') == finistere.commune_count
    assert "/territoires/commune/29232" in first  # communes link to their page
    assert cache.svg(finistere, "density") is first  # LRU hit: the same string
    assert cache.svg(finistere, "population") is not first
    assert cache.svg(finistere, "density", state="after an import") is not first


def test_no_map_for_a_commune_all_of_france_or_too_few_values(fixture_reference):
    cache = MapCache(fixture_reference)
    assert cache.svg(fixture_reference.resolve("29232")) is None
    mayotte = fixture_reference.get("departement", "976")  # no population at all
    assert cache.svg(mayotte, "population") is None


def test_a_stored_indicator_is_drawn_from_its_values_once_per_state(fixture_reference):
    cache = MapCache(fixture_reference)
    finistere = fixture_reference.resolve("29")
    calls = []

    def load(key):
        calls.append(key)
        return pd.Series({"29232": 81.0, "29019": 95.5, "29039": 12.0}), "2024-T2"

    shown = cache.shown("ftth_taux", "state-1", load)
    assert cache.shown("ftth_taux", "state-1", load) is shown and calls == ["ftth_taux"]
    svg = cache.svg(finistere, shown, "state-1")
    assert "Part des locaux raccordables à la fibre (FttH)" in svg
    assert "2024-T2" in svg and "ARCEP" in svg  # the source line names dataset and vintage
    assert svg.count('class="cna"') >= 1  # communes without a value are drawn as missing
    assert cache.shown("density", "state-1", load).values is None  # the reference's own


def test_former_indicator_names_still_work():
    assert LEGACY_NAMES["densite"] == "density"
