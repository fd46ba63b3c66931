"""The open debate: participants post short statements and vote agree / disagree / pass.

This is the Pol.is-style kind of workshop; opinion groups will be computed from its
vote matrix by ``trajectoires.collective``.
"""

from trajectoires.foresight.kinds.manifest import ContributionType, Phase, WorkshopKind, register
from trajectoires.foresight.models import STATEMENT_MAX_LENGTH

__all__ = ["DEBATE"]

DEBATE = register(
    WorkshopKind(
        key="debate",
        label="Débat ouvert",
        description=(
            "Chacun publie de courtes propositions et vote pour, contre ou passe "
            "sur celles des autres."
        ),
        phases=(
            Phase("draft", "En préparation", False, False, False),
            Phase("open", "Ouvert", True, True, True),
            Phase("closed", "Clos", False, False, False),
        ),
        contribution_types=(
            ContributionType("statement", "Proposition", STATEMENT_MAX_LENGTH, votable=True),
        ),
    )
)
