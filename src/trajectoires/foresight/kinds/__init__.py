"""Registry of workshop kinds: each kind declares itself in one module.

A :class:`WorkshopKind` is the manifest of a kind of workshop, in the spirit of
Decidim's component manifest: its name, its phases (and what each phase accepts)
and its contribution types. Adding a kind means adding one module under
``trajectoires.foresight.kinds`` that calls :func:`register`.

Examples
--------
>>> kind = get_kind("debate")
>>> [phase.key for phase in kind.phases]
['draft', 'open', 'closed']
>>> kind.phase("open").accepts_contributions
True

"""

from trajectoires.foresight.kinds import debate
from trajectoires.foresight.kinds.manifest import (
    ContributionType,
    Phase,
    WorkshopKind,
    get_kind,
    kinds,
    register,
)

__all__ = ["ContributionType", "Phase", "WorkshopKind", "debate", "get_kind", "kinds", "register"]
