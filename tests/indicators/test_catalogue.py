"""The catalogue is the one registry of indicators: every entry is described and sourced."""

from __future__ import annotations

import importlib

import pytest

import trajectoires.analysis
import trajectoires.render
from trajectoires.analysis import CRITERIA
from trajectoires.diagnosis.inputs import PLACE_KINDS
from trajectoires.indicators import catalogue
from trajectoires.indicators.catalogue import (
    DATASETS,
    DERIVED,
    INDICATORS,
    KINDS,
    PARSERS,
    REFERENCE,
    UNDATED,
    source_line,
)
from trajectoires.indicators.formats import PARSERS as PARSE_FUNCTIONS


def test_every_indicator_has_a_label_a_unit_a_source_and_a_vintage_or_says_undated():
    for key, entry in INDICATORS.items():
        assert entry.id == key
        assert entry.label.strip() and entry.unit.strip(), key
        dataset = DATASETS[entry.dataset]
        assert dataset.producer.strip() and dataset.label.strip() and dataset.licence, key
        undated = source_line(key)
        assert undated.endswith(f", {UNDATED}"), key
        origin = undated.removesuffix(f", {UNDATED}")
        assert origin.strip() and origin in source_line(key, "2021"), key
        assert source_line(key, "2021").endswith(", 2021"), key


def test_each_importable_dataset_names_its_parser_in_one_table():
    assert set(KINDS) == set(PARSERS) <= set(DATASETS)
    for kind in KINDS:
        module = importlib.import_module(f"trajectoires.indicators.formats.{PARSERS[kind]}")
        assert DATASETS[kind].parser == PARSERS[kind]
        assert PARSE_FUNCTIONS[kind] is module.parse
    for kind in (REFERENCE, DERIVED):
        assert DATASETS[kind].parser is None and kind not in KINDS


def test_reference_and_derived_values_are_addressed_by_key():
    density = INDICATORS["density"]
    assert (density.dataset, density.numerator, density.denominator) == (
        REFERENCE, "population", "area_km2")
    for key in CRITERIA:
        assert INDICATORS[key].dataset == DERIVED, key
        assert CRITERIA[key].label == INDICATORS[key].label
        assert INDICATORS[f"score_{key}"].dataset == DERIVED
    for kind in PLACE_KINDS:  # the diagnosis's distance and access columns
        assert INDICATORS[f"dist_{kind}"].unit == "km"
        assert f"access_{kind}" in INDICATORS
    assert INDICATORS["fragility_index"].dataset == DERIVED


def test_an_indicator_declared_twice_is_refused():
    entry = INDICATORS["ftth_taux"]
    with pytest.raises(ValueError, match="ftth_taux: declared twice"):
        catalogue._by_id([entry, entry])


def test_there_is_one_registry_named_indicators():
    modules = [trajectoires.analysis, trajectoires.render,
               importlib.import_module("trajectoires.analysis.fragility"),
               importlib.import_module("trajectoires.render.territory_map"),
               importlib.import_module("trajectoires.web.territory.maps")]
    for module in modules:  # none has its own: at most the catalogue's, imported
        assert getattr(module, "INDICATORS", INDICATORS) is INDICATORS, module.__name__
