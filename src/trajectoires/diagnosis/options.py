"""The user's choices of a diagnosis: criteria of the index, reference territory, correction.

Checked before any work, in one place (:func:`checked_options`, called by
:func:`~trajectoires.diagnosis.diagnose`, by the command line before it opens
the database, and by the web app), with a French message naming the wrong
value and what is expected (the command line exits 2, the web app answers 422).
The checked choices are canonical: criteria in the order of
:data:`FRAGILITY_SOURCES` then :data:`CONTEXT_SOURCES`, distance rounded to
0.1 km, so that two ways of asking for the same diagnosis are one diagnosis
(one cache entry, one address).
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from trajectoires.diagnosis.inputs import CONTEXT_SOURCES, FRAGILITY_SOURCES

__all__ = ["BEYOND_KM", "CORRECTIONS", "MAX_BEYOND_KM", "MAX_SEED", "MIN_BEYOND_KM",
           "REFERENCES", "check_options", "checked_options", "is_national",
           "requested_criteria"]

BEYOND_KM = 10.0
"""Default distance beyond which inhabitants are counted as far from a place of help."""

MIN_BEYOND_KM, MAX_BEYOND_KM = 0.5, 200.0
"""Bounds of the distance threshold (km), after rounding to 0.1 km."""

MAX_SEED = 2**32 - 1
"""Largest seed of the permutation tests (NumPy seeds are 0 to 2³² − 1)."""

REFERENCES = {"epci": "l'EPCI", "departement": "le département", "region": "la région",
              "france": "la France"}
"""Levels of the « = 100 » comparison, with the French words of the report."""


CORRECTIONS = {"fdr": "correction FDR (Benjamini-Hochberg) à 5 %",
               "bonferroni": "correction de Bonferroni à 5 %",
               "none": "sans correction des tests multiples, seuil 5 %"}
"""Multiple-testing corrections of the local clusters, with the French words of the report."""

_ALLOWED = (*FRAGILITY_SOURCES, *CONTEXT_SOURCES)


def _distance(beyond_km: object) -> float:
    """Round the distance to 0.1 km; a French ValueError outside 0.5–200 km.

    >>> _distance(12.345), _distance("7")
    (12.3, 7.0)
    >>> _distance(1e308)
    Traceback (most recent call last):
    ValueError: distance « 1e+308 » : attendu un nombre de km de 0,5 à 200
    """
    try:
        number = float(beyond_km)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        number = math.nan
    rounded = round(number, 1) if math.isfinite(number) else number
    if not MIN_BEYOND_KM <= rounded <= MAX_BEYOND_KM:
        shown = f"{number:g}" if not math.isnan(number) else str(beyond_km)
        raise ValueError(f"distance « {shown} » : attendu un nombre de km de 0,5 à 200")
    return rounded


def check_options(reference: str, beyond_km: float, correction: str = "fdr") -> float:
    """Refuse an unknown reference level or correction, or a distance outside 0.5–200 km.

    Returns the distance rounded to 0.1 km (the value to use everywhere).
    """
    if correction not in CORRECTIONS:
        raise ValueError(f"correction inconnue « {correction} » : attendu l'un de "
                         f"{', '.join(CORRECTIONS)}")
    if reference not in REFERENCES:
        raise ValueError(f"territoire de référence inconnu « {reference} » : attendu l'un de "
                         f"{', '.join(REFERENCES)}")
    return _distance(beyond_km)


def requested_criteria(criteria: Sequence[str] | None) -> list[str]:
    """Check a choice of criteria (None: the national method's five), in the canonical order.

    The order is that of :data:`FRAGILITY_SOURCES` then :data:`CONTEXT_SOURCES`,
    whatever the order asked for; a French ValueError names a wrong one.

    >>> requested_criteria(["unemployment_rate", "share_65_plus", "share_65_plus"])
    ['share_65_plus', 'unemployment_rate']
    >>> requested_criteria(["age"])  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ValueError: critère inconnu « age » : attendu l'un de no_thd_coverage, ..., unemployment_rate
    """
    if criteria is None:
        return list(FRAGILITY_SOURCES)
    if isinstance(criteria, str):
        criteria = [criteria]
    for key in criteria:
        if key not in _ALLOWED:
            raise ValueError(f"critère inconnu « {key} » : attendu l'un de {', '.join(_ALLOWED)}")
    keys = [key for key in _ALLOWED if key in set(criteria)]
    if not keys:
        raise ValueError("aucun critère choisi : il en faut au moins un")
    return keys


def is_national(criteria: Sequence[str]) -> bool:
    """Tell whether ``criteria`` are the national method's five, in any order."""
    return set(criteria) == set(FRAGILITY_SOURCES)


def checked_options(criteria: Sequence[str] | None = None, reference: str = "departement",
                    beyond_km: float = BEYOND_KM, correction: str = "fdr",
                    seed: int | None = None) -> dict:
    """Check every choice of a diagnosis at once; return them in canonical form.

    Returns
    -------
    dict
        ``criteria`` (list, canonical order), ``reference``, ``beyond_km``
        (rounded to 0.1 km), ``correction``: the keywords of
        :func:`~trajectoires.diagnosis.diagnose`.

    Raises
    ------
    ValueError
        French message naming the wrong value and what is expected (also for a
        ``seed`` outside 0 to 2³² − 1, when one is given).

    Examples
    --------
    >>> checked_options(["poverty_rate", "share_65_plus"], "region", 5.04)
    {'criteria': ['share_65_plus', 'poverty_rate'], 'reference': 'region', \
'beyond_km': 5.0, 'correction': 'fdr'}

    """
    requested = requested_criteria(criteria)
    distance = check_options(reference, beyond_km, correction)
    if seed is not None and not (isinstance(seed, int) and 0 <= seed <= MAX_SEED):
        raise ValueError(f"graine « {seed} » : attendu un entier de 0 à {MAX_SEED}")
    return {"criteria": requested, "reference": reference, "beyond_km": distance,
            "correction": correction}
