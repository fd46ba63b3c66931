"""The user's choices of a diagnosis in the web app: criteria, reference territory, distance.

The same choices as ``trajectoires diagnose --criteres --reference --distance``,
read from the query string (``?criteres=share_65_plus&criteres=…&reference=region
&distance=5``) so that a chosen diagnosis has its own address, can be shared and
is cached on its own. The choices are checked and made canonical by
:func:`trajectoires.diagnosis.options.checked_options`, as the command line's
(criteria in the national order, distance rounded to 0.1 km). The form sends a
marker field ``choix=1``: a form with no criterion ticked is refused, while an
address without criteria keeps the national method's five.

Examples
--------
>>> options = DiagnosisOptions.from_query(["share_65_plus"], "region", 5)
>>> options.criteria, options.fields()
(('share_65_plus',), [('criteres', 'share_65_plus'), ('reference', 'region'), \
('distance', '5'), ('correction', 'fdr')])
>>> DiagnosisOptions().is_default
True
>>> DiagnosisOptions.from_query(["poverty_rate", "share_65_plus"], "departement", 12.34).fields()
[('criteres', 'share_65_plus'), ('criteres', 'poverty_rate'), ('reference', 'departement'), \
('distance', '12.3'), ('correction', 'fdr')]

"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

from fastapi import HTTPException, Query

from trajectoires.analysis import CRITERIA
from trajectoires.diagnosis.inputs import CONTEXT_SOURCES, FRAGILITY_SOURCES
from trajectoires.diagnosis.options import BEYOND_KM, CORRECTIONS, REFERENCES, checked_options

__all__ = ["DiagnosisOptions", "criterion_choices", "options_for_page", "options_from_query"]

_NATIONAL = tuple(FRAGILITY_SOURCES)


@dataclass(frozen=True)
class DiagnosisOptions:
    """Criteria, « = 100 » reference level, distance threshold (km), multiple-testing correction."""

    criteria: tuple[str, ...] = _NATIONAL
    reference: str = "departement"
    beyond_km: float = BEYOND_KM
    correction: str = "fdr"

    @classmethod
    def from_query(cls, criteria: list[str] | None, reference: str,
                   beyond_km: float, correction: str = "fdr") -> DiagnosisOptions:
        """Check the choices (ValueError with a French message when one is wrong).

        ``criteria`` None: the national method's five; an empty list is refused.
        """
        checked = checked_options(criteria, reference, beyond_km, correction)
        return cls(tuple(checked["criteria"]), reference, checked["beyond_km"], correction)

    @property
    def is_default(self) -> bool:
        """True for the national method, département reference, 10 km and FDR."""
        return self == DiagnosisOptions()

    def keywords(self) -> dict:
        """Keyword arguments of :func:`trajectoires.diagnosis.diagnose`."""
        return {"criteria": list(self.criteria), "reference": self.reference,
                "beyond_km": self.beyond_km, "correction": self.correction}

    def fields(self) -> list[tuple[str, str]]:
        """Query-string fields that reproduce these choices (none for the defaults)."""
        if self.is_default:
            return []
        distance = f"{self.beyond_km:g}"
        return [*(("criteres", key) for key in self.criteria),
                ("reference", self.reference), ("distance", distance),
                ("correction", self.correction)]


def criterion_choices() -> list[tuple[str, str, bool]]:
    """Each criterion a user can choose: key, French label, whether the national method has it."""
    return [(key, CRITERIA[key].label, key in FRAGILITY_SOURCES)
            for key in [*FRAGILITY_SOURCES, *CONTEXT_SOURCES]]


def options_from_query(
    criteres: Annotated[list[str] | None, Query(max_length=40, description=(
        "Critères de l'indice (par défaut les cinq de la méthode nationale)"))] = None,
    reference: Annotated[str, Query(max_length=20, description=(
        "Territoire de référence de l'indice relatif : " + ", ".join(REFERENCES)))] = "departement",
    distance: Annotated[float, Query(description="Seuil d'éloignement en km")] = BEYOND_KM,
    correction: Annotated[str, Query(max_length=20, description=(
        "Correction des tests multiples : " + ", ".join(CORRECTIONS)))] = "fdr",
    choix: Annotated[str | None, Query(max_length=1, description=(
        "Envoyé par le formulaire des choix : sans critère coché, la demande est refusée "
        "(sans ce champ, les critères absents sont ceux de la méthode nationale)"))] = None,
) -> DiagnosisOptions:
    """FastAPI dependency: the choices of the query string, or a French 422."""
    criteria = (criteres or []) if choix else criteres  # the form: nothing ticked is refused
    try:
        return DiagnosisOptions.from_query(criteria, reference, distance, correction)
    except ValueError as exc:
        raise HTTPException(status_code=422, detail=f"Choix invalide : {exc}") from None


def options_for_page(
    criteres: Annotated[list[str] | None, Query(max_length=40)] = None,
    reference: Annotated[str, Query(max_length=20)] = "departement",
    distance: Annotated[str, Query(max_length=20)] = "",
    correction: Annotated[str, Query(max_length=20)] = "fdr",
    choix: Annotated[str | None, Query(max_length=1)] = None,
) -> tuple[DiagnosisOptions, str | None]:
    """FastAPI dependency of the page: the choices, or the defaults and what was wrong.

    The page shows its form again with the message (the API answers 422 instead).
    """
    text = distance.strip().replace(",", ".")
    try:
        km = float(text) if text else BEYOND_KM
    except ValueError:
        return DiagnosisOptions(), (f"seuil d'éloignement « {distance} » : un nombre de "
                                    "kilomètres attendu")
    criteria = (criteres or []) if choix else criteres
    try:
        return DiagnosisOptions.from_query(criteria, reference, km, correction), None
    except ValueError as exc:
        return DiagnosisOptions(), str(exc)
