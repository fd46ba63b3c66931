"""The open debate: participants post short statements and vote agree / disagree / pass.

This is the Pol.is-style kind of workshop; opinion groups are computed from its vote
matrix by :mod:`trajectoires.collective` in :mod:`.opinions` (imported on use: the
manifest stays light), which also exports the four Pol.is files.
"""

from trajectoires.foresight.kinds.manifest import (
    CLOSED,
    DRAFT,
    ContributionType,
    Export,
    Field,
    Phase,
    WorkshopKind,
)
from trajectoires.foresight.models import STATEMENT_MAX_LENGTH

__all__ = ["KIND"]


def _build_example(session, facilitator_id, territory):  # noqa: ANN001, ANN202
    """Build the example debate (:func:`trajectoires.foresight.demo.build_debate_example`)."""
    from trajectoires.foresight.demo import build_debate_example

    return build_debate_example(session, facilitator_id, territory)

STATEMENT = ContributionType(
    "statement",
    "Proposition",
    (Field("text", "Proposition", "longtext", required=True, max_length=STATEMENT_MAX_LENGTH),),
    title_field="text",
    plural="propositions",
    votable=True,
)

KIND = WorkshopKind(
    key="debate",
    label="Débat ouvert",
    description=(
        "Chacun publie de courtes propositions et vote pour, contre ou passe "
        "sur celles des autres."
    ),
    phases=(
        DRAFT,
        Phase("open", "Ouvert", contribution_types=("statement",), votes=True,
              shows=("statements", "opinions"),
              prompt="Publiez de courtes propositions et votez sur celles des autres."),
        CLOSED,
    ),
    contribution_types=(STATEMENT,),
    exports=(Export("polis", "Export Pol.is (CSV)", "polis.zip", "application/zip"),),
    settings={"premoderation": False},
    demo=_build_example,
    order=30,
)
