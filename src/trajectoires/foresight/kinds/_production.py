"""What a published workshop shows: its productions (see ``WorkshopKind.productions``)."""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["Production"]


@dataclass(frozen=True)
class Production:
    """One production of a workshop, shown once it is published (archive, compte rendu).

    ``types`` are the contribution types listed under it (the visible ones, in order);
    ``view`` names a drawing or section the kind's web module renders for the archive
    (``timeline``, ``roadmap``, ``opinions``…; see ``KindWeb.archive_views``), shown
    above the list. A production has types, a view, or both.

    >>> Production("headlines", "Titres du futur", types=("headline",)).view
    ''
    """

    key: str
    label: str
    types: tuple[str, ...] = ()
    view: str = ""

    def __post_init__(self) -> None:
        if not self.types and not self.view:
            raise ValueError(f"production {self.key!r} lists no type and names no view")
