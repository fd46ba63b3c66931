"""Web modules of the workshop kinds: a kind adds its routes, page context and templates here.

A kind of workshop is one domain module (:mod:`trajectoires.foresight.kinds`), one web
module in this package and its templates (``web/templates/kinds/<key>/``). Adding a
kind adds those; no shared page or router is edited.

The contract
------------
A web module is a module or package ``trajectoires.web.workshops.kinds.<name>`` (names
starting with ``_`` are skipped) that defines ``WEB_KIND``, a :class:`KindWeb`::

    WEB_KIND = KindWeb(
        key="debate",                 # the key of its foresight manifest
        router=router,                # its pages and API, at their full paths
        participant=KindPage(context=participant_context,
                             sections=("kinds/debate/_opinions.html",)),
        facilitator=KindPage(context=facilitator_context,
                             sections=("kinds/debate/_opinions.html",)),
        service=build_opinions,       # optional, long-lived, closed at shutdown
    )

- **Routes.** ``create_app`` includes every kind's ``router`` as it is: paths are
  absolute (pages under ``/ateliers/{slug}/…`` with ``include_in_schema=False``,
  JSON under ``/api/v1/workshops/{slug}/…`` in the OpenAPI schema) and must not clash
  with the shared routes or another kind's. A kind's routes serve workshops of that
  kind only: they look workshops up with ``access.visible_workshop(…, kind=key)`` or
  ``access.own_workshop(…, kind=key)`` and let domain errors through (one handler
  turns them into the French page or JSON).
- **Pages.** The shared participant, facilitation and projection pages of a workshop
  of this kind call the matching :class:`KindPage`: ``context(request, workshop,
  participant)`` returns what its templates need (``participant`` is ``None`` on the
  facilitator's pages and for a visitor), merged into the page's context; it runs in
  the route's worker thread and may block (read the database, wait for a
  computation). Its ``sections`` are template names included, in order, at the end of
  the page, with the page's whole context. Prefix the context's names with the kind
  to avoid clashing with the page's own (``workshop``, ``board``, ``me``, ``phase``).
- **Live regions.** ``regions=KindRegions(names, render)`` names the parts of its
  sections that pages refresh live (``"construire.roadmap"``…: the kind's prefix, a dot,
  a name) and ``render(request, session, workshop, *, participant, page, names)`` returns
  ``{name: html}``, each body rendered exactly as the page ``page`` shows it (its digest
  tells a page it changed). ``GET /ateliers/{slug}/fragments`` serves them with the
  shared regions (:mod:`trajectoires.web.workshops.fragments`), after its access checks.
- **Archive views.** ``archive_views={"timeline": draw, …}`` renders the views that
  the kind's manifest names in its productions (``Production.view``) for the public
  page and the compte rendu of a published workshop: ``draw(request, session,
  workshop)`` returns HTML (an SVG drawing, a section's body), safe to print (no
  script, no live region).
- **Templates** live under ``web/templates/kinds/<key>/`` (packaged with the others).
- **Service.** ``service(app)`` is called once by ``create_app``, after the shared
  state is built (``app.state.settings``, ``db``, ``templates``, ``live``); the result
  is ``app.state.kind_services[key]`` (a kind's dependencies read it there). The
  application's lifespan calls its ``start()`` on the running loop and its ``close()``
  at shutdown, which must stop every thread it started (:class:`KindService`).

Examples
--------
>>> "debate" in [kind.key for kind in discover()]
True
>>> KindPage().context_for(None, None, None)
{'kind_sections': ()}

"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal, Protocol

from fastapi import APIRouter, FastAPI, Request

from trajectoires.foresight.errors import ForesightError
from trajectoires.foresight.kinds import get_kind

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from trajectoires.foresight.participation import ParticipantView
    from trajectoires.foresight.workshops import WorkshopView

__all__ = [
    "ArchiveView",
    "KindPage",
    "KindRegions",
    "KindService",
    "KindWeb",
    "PageName",
    "discover",
    "page_context",
]

PageName = Literal["participant", "facilitator", "projection"]
ArchiveView = Callable[[Request, "Session", "WorkshopView"], str]
PageContext = Callable[[Request, "WorkshopView", "ParticipantView | None"], Mapping[str, Any]]


class KindService(Protocol):
    """A long-lived object of a kind (caches, background work), built by ``create_app``."""

    def start(self) -> None:
        """Start background work; called on the running loop when the application starts."""

    def close(self) -> None:
        """Stop background work and every thread started (called when the application stops)."""


@dataclass(frozen=True)
class KindPage:
    """What a kind adds to one shared page: context for its templates, and its sections."""

    context: PageContext | None = None
    sections: tuple[str, ...] = ()

    def context_for(
        self, request: Request, workshop: WorkshopView, participant: ParticipantView | None
    ) -> dict[str, Any]:
        """Return the kind's context, plus ``kind_sections`` (the templates to include)."""
        extra = self.context(request, workshop, participant) if self.context else {}
        return {**extra, "kind_sections": self.sections}


class RegionRenderer(Protocol):
    """Renders some live regions of a kind's sections for one viewer of one page."""

    def __call__(self, request: Request, session: Session, workshop: WorkshopView, *,
                 participant: ParticipantView | None, page: PageName,
                 names: tuple[str, ...]) -> Mapping[str, str]:
        """Return ``{name: html}`` for ``names``, as the page ``page`` shows them."""


@dataclass(frozen=True)
class KindRegions:
    """The live regions of a kind's sections: their names and how to render their bodies."""

    names: tuple[str, ...]
    render: RegionRenderer


@dataclass(frozen=True)
class KindWeb:
    """The web module of a workshop kind (the contract is in the module docstring)."""

    key: str
    router: APIRouter | None = None
    participant: KindPage = field(default_factory=KindPage)
    facilitator: KindPage = field(default_factory=KindPage)
    projection: KindPage = field(default_factory=KindPage)
    service: Callable[[FastAPI], KindService] | None = None
    regions: KindRegions | None = None
    archive_views: Mapping[str, ArchiveView] = field(default_factory=dict)

    def page(self, name: PageName) -> KindPage:
        """Return what this kind adds to the page ``name``."""
        return {"participant": self.participant, "facilitator": self.facilitator,
                "projection": self.projection}[name]


def discover() -> tuple[KindWeb, ...]:
    """Import every web module of this package and return their ``WEB_KIND``, by key.

    Raises
    ------
    TypeError
        A module does not define a :class:`KindWeb` named ``WEB_KIND``.
    ValueError
        Two modules declare the same key, or a key has no foresight manifest.

    """
    found: dict[str, KindWeb] = {}
    for info in pkgutil.iter_modules(__path__, prefix=f"{__name__}."):
        if info.name.rsplit(".", 1)[-1].startswith("_"):
            continue
        web = getattr(importlib.import_module(info.name), "WEB_KIND", None)
        if not isinstance(web, KindWeb):
            raise TypeError(f"{info.name} must define WEB_KIND = KindWeb(...)")
        if web.key in found:
            raise ValueError(f"{info.name}: workshop kind {web.key!r} is declared twice")
        try:
            get_kind(web.key)
        except ForesightError as error:
            raise ValueError(f"{info.name}: no foresight manifest for {web.key!r}") from error
        found[web.key] = web
    return tuple(found[key] for key in sorted(found))


def page_context(
    request: Request, page: PageName, workshop: WorkshopView,
    participant: ParticipantView | None = None,
) -> dict[str, Any]:
    """Context that the kind of ``workshop`` adds to the shared page ``page``.

    A workshop whose kind has no web module gets no sections.
    """
    web: KindWeb | None = request.app.state.web_kinds.get(workshop.kind)
    kind_page = web.page(page) if web is not None else KindPage()
    return kind_page.context_for(request, workshop, participant)
