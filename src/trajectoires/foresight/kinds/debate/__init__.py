"""The open debate: participants post short statements and vote agree / disagree / pass.

This is the Pol.is-style kind of workshop; opinion groups are computed from its vote
matrix by :mod:`trajectoires.collective` in :mod:`.opinions` (imported on use: the
manifest stays light), which also exports the four Pol.is files.
"""

import functools
import re
import unicodedata
from typing import Any

from sqlalchemy import select

from trajectoires.foresight.contributions import CheckContext
from trajectoires.foresight.errors import ConflictError
from trajectoires.foresight.kinds.manifest import (
    CLOSED,
    DRAFT,
    ContributionType,
    Export,
    Field,
    Phase,
    Production,
    WorkshopKind,
)
from trajectoires.foresight.models import STATEMENT_MAX_LENGTH, VISIBLE, Contribution

__all__ = ["KIND", "statement_key"]

KEYS_KEPT = 32_768
"""Statement texts whose key is kept in memory: every post compares its key with the key
of each visible statement of the workshop, and folding them again was 40 % of the CPU of
a post once a workshop held 2,000 statements (#14). About 20 MB at most."""


@functools.lru_cache(maxsize=KEYS_KEPT)
def statement_key(text: str) -> str:
    """Return what two statements share when they say the same thing in other typing.

    Case, accents, spaces and punctuation do not count:

    >>> statement_key("Un lieu de médiation, par canton !")
    'un lieu de mediation par canton'
    >>> statement_key("un LIEU de  mediation par canton")
    'un lieu de mediation par canton'
    """
    folded = unicodedata.normalize("NFKD", text.casefold())
    bare = "".join(ch for ch in folded if not unicodedata.combining(ch))
    return " ".join(re.findall(r"\w+", bare))


def check_statement(context: CheckContext, payload: dict[str, Any]) -> None:
    """Refuse a statement already posted (visible) in the workshop, naming the existing one."""
    key = statement_key(payload.get("text") or "")
    rows = context.session.execute(select(Contribution.id, Contribution.text).where(
        Contribution.workshop_id == context.workshop.id, Contribution.type == "statement",
        Contribution.status == VISIBLE))
    for statement_id, text in rows:
        if statement_id != context.editing_id and statement_key(text or "") == key:
            raise ConflictError("duplicate_statement", text=text, id=statement_id)


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
    check=check_statement,
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
    productions=(
        Production("opinions", "Groupes d'opinion et consensus", view="opinions"),
        Production("statements", "Propositions", types=("statement",)),
    ),
)
