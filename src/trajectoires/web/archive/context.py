"""What the archive's pages show: a published workshop's content, views and data brief.

:func:`archive_context` gathers, for the public page and the compte rendu of a
published workshop, its productions (:func:`~trajectoires.foresight.archive.workshop_archive`),
the drawings and sections its kind renders for them (``KindWeb.archive_views``) and the
data brief of its territory (:mod:`trajectoires.web.territory.brief`).
"""

from __future__ import annotations

from typing import Any

from fastapi import Request
from sqlalchemy.orm import Session

from trajectoires.diagnosis.brief import NO_DATA, TerritoryBrief
from trajectoires.foresight.archive import workshop_archive
from trajectoires.foresight.publication import LICENCE_URLS, archive_url, licence_label
from trajectoires.foresight.workshops import WorkshopView
from trajectoires.territory import SourceError

__all__ = ["archive_context", "reference_if_available", "territory_brief_of",
           "territory_productions"]

TERRITORY_LIST_SIZE = 20


def reference_if_available(request: Request) -> Any:  # noqa: ANN401 (a Reference or None)
    """Return the territory reference if the app has loaded it, else ``None``.

    Never loads it here: its first build takes minutes, which a publication or an
    archive page must not wait for (``trajectoires serve`` loads it at start; a
    territory page loads it on demand).
    """
    from trajectoires.web.territory.deps import current_reference_for_app

    if request.app.state.territory_reference is None:
        return None
    try:
        return current_reference_for_app(request.app)
    except SourceError:
        return None


def territory_brief_of(request: Request, workshop: WorkshopView) -> TerritoryBrief:
    """Return the data brief of the workshop's territory (without figures if unknown)."""
    from trajectoires.web.territory.brief import brief_for_code

    ref = reference_if_available(request)
    if ref is None:
        return TerritoryBrief(workshop.territory_name,
                              f"{workshop.territory_kind}/{workshop.territory_code}",
                              reason=NO_DATA)
    return brief_for_code(request, ref, workshop.territory_kind, workshop.territory_code)


def _views(request: Request, session: Session, workshop: WorkshopView,
           names: list[str]) -> dict[str, str]:
    web = request.app.state.web_kinds.get(workshop.kind)
    drawers = web.archive_views if web is not None else {}
    return {name: drawers[name](request, session, workshop) for name in names if name in drawers}


def archive_context(request: Request, session: Session, workshop: WorkshopView) -> dict[str, Any]:
    """Return the context of the archive page and the compte rendu of ``workshop``."""
    archive = workshop_archive(session, workshop)
    views = _views(request, session, workshop, [s.view for s in archive.sections if s.view])
    public = request.app.state.settings.public_url  # never the request's Host header
    return {
        "archive": archive, "workshop": workshop, "views": views,
        "brief": territory_brief_of(request, workshop),
        "licence_label": licence_label(workshop.licence),
        "licence_url": LICENCE_URLS.get(workshop.licence, ""),
        "archive_path": archive_url(workshop.slug),
        "stable_url": (public or "") + archive_url(workshop.slug),
        "territory_path": f"/territoires/{workshop.territory_kind}/{workshop.territory_code}",
    }


def territory_productions(app: Any, kind: str, code: str) -> Any:  # noqa: ANN401 (SearchPage)
    """Return the published workshops of a territory and of those below it, newest first."""
    from trajectoires.foresight.search import search_documents

    with app.state.db.session() as session:
        return search_documents(session, territory=(kind, code), kind="workshop",
                                limit=TERRITORY_LIST_SIZE)
