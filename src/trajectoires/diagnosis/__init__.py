"""Diagnosis of a territory: store inputs → analysis → tables, maps and a report.

One implementation behind ``trajectoires diagnose``, the territory pages and
the JSON API. Imports the analysis, territory, render and indicator packages;
never the web app. The database is reached only through the session given.
"""

from trajectoires.diagnosis.compute import (
    ACCESS_RADIUS_KM,
    BEYOND_KM,
    Access,
    Diagnosis,
    compare_units,
    diagnose,
)
from trajectoires.diagnosis.inputs import FRAGILITY_SOURCES, PLACE_KINDS, Inputs, load_inputs

__all__ = [
    "ACCESS_RADIUS_KM",
    "BEYOND_KM",
    "FRAGILITY_SOURCES",
    "PLACE_KINDS",
    "Access",
    "Diagnosis",
    "Inputs",
    "compare_units",
    "diagnose",
    "load_inputs",
]
