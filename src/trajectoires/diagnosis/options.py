"""The user's choices of a diagnosis: criteria of the index, reference territory, correction.

Checked before any work, with a French message naming the wrong value and what
is expected (the command line exits 2, the web app answers 422).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from trajectoires.diagnosis.inputs import CONTEXT_SOURCES, FRAGILITY_SOURCES

__all__ = ["BEYOND_KM", "CORRECTIONS", "REFERENCES", "check_options", "requested_criteria"]

BEYOND_KM = 10.0
"""Default distance beyond which inhabitants are counted as far from a place of help."""


REFERENCES = {"epci": "l'EPCI", "departement": "le département", "region": "la région",
              "france": "la France"}
"""Levels of the « = 100 » comparison, with the French words of the report."""


CORRECTIONS = {"fdr": "correction FDR (Benjamini-Hochberg) à 5 %",
               "bonferroni": "correction de Bonferroni à 5 %",
               "none": "sans correction des tests multiples, seuil 5 %"}
"""Multiple-testing corrections of the local clusters, with the French words of the report."""


def check_options(reference: str, beyond_km: float, correction: str = "fdr") -> None:
    """Refuse an unknown reference level or correction, or a distance that is not positive."""
    if correction not in CORRECTIONS:
        raise ValueError(f"correction inconnue « {correction} » : attendu l'un de "
                         f"{', '.join(CORRECTIONS)}")
    if reference not in REFERENCES:
        raise ValueError(f"territoire de référence inconnu « {reference} » : attendu l'un de "
                         f"{', '.join(REFERENCES)}")
    if not (beyond_km > 0 and np.isfinite(beyond_km)):
        raise ValueError(f"distance « {beyond_km} » : attendu un nombre de km positif")


def requested_criteria(criteria: Sequence[str] | None) -> list[str]:
    """Check a choice of criteria (None: the national method's five); French error if wrong.

    >>> requested_criteria(["share_65_plus", "unemployment_rate"])
    ['share_65_plus', 'unemployment_rate']
    >>> requested_criteria(["age"])  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ValueError: critère inconnu « age » : attendu l'un de no_thd_coverage, ..., unemployment_rate
    """
    if criteria is None:
        return list(FRAGILITY_SOURCES)
    allowed = [*FRAGILITY_SOURCES, *CONTEXT_SOURCES]
    keys = list(dict.fromkeys(criteria))
    for key in keys:
        if key not in allowed:
            raise ValueError(f"critère inconnu « {key} » : attendu l'un de {', '.join(allowed)}")
    if not keys:
        raise ValueError("aucun critère choisi : il en faut au moins un")
    return keys
