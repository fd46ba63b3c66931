"""The in-memory cache of territory maps (fast: built-in fixture reference)."""

from __future__ import annotations

from trajectoires.web.territory.maps import INDICATORS, MapCache


def test_maps_are_rendered_once_then_served_from_the_cache(fixture_reference):
    cache = MapCache(fixture_reference, maxsize=4)
    finistere = fixture_reference.resolve("29")
    first = cache.svg(finistere, "densite")
    assert first is not None and first.lstrip().startswith("<svg")
    assert first.count('data-code="29') == finistere.commune_count
    assert "/territoires/commune/29232" in first  # communes link to their page
    assert cache.svg(finistere, "densite") is first  # LRU hit: the same string
    assert cache.svg(finistere, "population") is not first


def test_no_map_for_a_commune_all_of_france_or_too_few_values(fixture_reference):
    cache = MapCache(fixture_reference)
    assert cache.svg(fixture_reference.resolve("29232")) is None
    mayotte = fixture_reference.get("departement", "976")  # no population at all
    assert cache.svg(mayotte, "population") is None


def test_indicators_have_french_labels_and_units():
    assert set(INDICATORS) == {"densite", "population"}
    assert INDICATORS["densite"].unit == "hab./km²"
    assert INDICATORS["densite"].render_name == "density"
