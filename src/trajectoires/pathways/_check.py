"""Check a plan against a territory: its communes, EPCI, first year of data and places.

:func:`read_plan` checks what a plan says by itself; what depends on the territory
is checked here, with the same :class:`PlanError` naming the JSON path.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping

from trajectoires.invocation import tool_command
from trajectoires.pathways._plan import Effect, Plan, PlanError

__all__ = ["check_plan"]


def check_plan(plan: Plan, *, territory: str, communes: Collection[str],  # noqa: PLR0917
               epcis: Collection[str], first_year: int, networks: Collection[str],
               places: Mapping[str, Collection[str]]) -> None:
    """Check a plan against a territory; raise :class:`PlanError` at the first mismatch.

    ``communes`` are the codes of the territory, ``epcis`` the EPCI they belong to,
    ``first_year`` the latest year of the data (no effect before it), ``networks``
    the place lists loaded and ``places`` their place ids by network.
    """
    if plan.territory != territory:
        raise PlanError("territory", f"le plan est celui du territoire « {plan.territory} », "
                        f"la projection celle de « {territory} »")
    if plan.horizon < first_year:
        raise PlanError("horizon", f"horizon {plan.horizon} avant l'année des données "
                        f"({first_year})")
    for action in plan.actions:
        for effect in action.effects:
            _check_effect(effect, communes, epcis, first_year=first_year, networks=networks,
                          places=places)
    for target in plan.targets:
        if target.year < first_year:
            raise PlanError(f"{target.path}.year", f"année {target.year} avant l'année des "
                            f"données ({first_year})")


def _check_effect(effect: Effect, communes: Collection[str], epcis: Collection[str], *,
                  first_year: int, networks: Collection[str],
                  places: Mapping[str, Collection[str]]) -> None:
    path = effect.path
    if effect.year < first_year:
        raise PlanError(f"{path}.year", f"année {effect.year} avant l'année des données "
                        f"({first_year}) : la projection part de {first_year}")
    if effect.commune is not None and effect.commune not in communes:
        raise PlanError(f"{path}.commune", f"commune « {effect.commune} » inconnue dans ce "
                        "territoire")
    for i, code in enumerate(effect.communes):
        if code not in communes:
            raise PlanError(f"{path}.communes[{i}]", f"commune « {code} » inconnue dans ce "
                            "territoire")
    if effect.epci is not None and effect.epci not in epcis:
        raise PlanError(f"{path}.epci", f"EPCI « {effect.epci} » inconnu dans ce territoire")
    if effect.type in ("open-place", "close-place") and effect.network not in networks:
        raise PlanError(f"{path}.network", f"aucun lieu du réseau « {effect.network} » n'est "
                        f"chargé : importez sa liste (« {tool_command()} data import "
                        f"{effect.network} FICHIER ») pour projeter l'accès")
    if (effect.type == "close-place" and effect.place is not None
            and effect.place not in places.get(effect.network, ())):
        raise PlanError(f"{path}.place", f"lieu « {effect.place} » inconnu dans le réseau "
                        f"« {effect.network} » de ce territoire")
