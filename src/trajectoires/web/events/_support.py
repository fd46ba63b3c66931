"""What the event pages share: the files' folder, form parsing, rendering, addresses."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from fastapi import Request
from fastapi.responses import Response

from trajectoires.foresight.events import EventInput, ItemInput
from trajectoires.foresight.events._input import links_text, paris_text
from trajectoires.foresight.events.files import FILES_FOLDER, human_size

__all__ = ["FILES_FOLDER", "UPLOAD_PATH", "UPLOAD_SLACK", "event_fields", "event_values",
           "files_root", "item_fields", "item_values", "public_url", "render"]

UPLOAD_PATH = re.compile(r"/evenements/[^/]+/fichiers")
"""The upload route, whose body may be as large as a file (BodyLimitMiddleware)."""
UPLOAD_SLACK = 256 * 1024
"""Room for the form's other fields and the multipart framing beside the file."""


def files_root(request: Request) -> Path:
    """Return the folder of the events' files in the workspace (``<workspace>/evenements``)."""
    return Path(request.app.state.settings.workspace) / FILES_FOLDER


def public_url(request: Request, path: str) -> str | None:
    """Return the absolute address of ``path`` when the instance knows its public address.

    Built on the ``public_url`` setting only, never on the request's ``Host`` header.
    """
    base = request.app.state.settings.public_url
    return f"{base}{path}" if base else None


def render(request: Request, name: str, context: dict[str, Any], status: int = 200) -> Response:
    """Render the template ``name`` with ``context`` and the helpers of the event pages."""
    templates = request.app.state.templates
    templates.env.filters["paris"] = paris_text
    templates.env.filters["taille"] = human_size
    return templates.TemplateResponse(request, name, context, status_code=status)


def _text(form: dict[str, Any], name: str) -> str:
    value = form.get(name, "")
    return value if isinstance(value, str) else ""


def event_fields(form: dict[str, Any]) -> EventInput:
    """Read the event form's fields (text) into an :class:`EventInput`."""
    return EventInput(
        title=_text(form, "title"), starts_at=_text(form, "starts_at"),
        ends_at=_text(form, "ends_at"), place=_text(form, "place"),
        summary=_text(form, "summary"), organisers=_text(form, "organisers"),
        partners=_text(form, "partners"), preparation=_text(form, "preparation"),
        links=_text(form, "links"))


def event_values(event: Any) -> dict[str, str]:  # noqa: ANN401 (an EventView)
    """Return the event's fields as its form shows them (Paris times, one name per line)."""
    return {"title": event.title, "starts_at": paris_text(event.starts_at),
            "ends_at": paris_text(event.ends_at), "place": event.place,
            "summary": event.summary, "organisers": "\n".join(event.organisers),
            "partners": "\n".join(event.partners), "preparation": event.preparation,
            "links": links_text(list(event.links)),
            "territory": f"{event.territory_name} ({event.territory_code})"}


def item_fields(form: dict[str, Any]) -> ItemInput:
    """Read a programme entry's form fields into an :class:`ItemInput`."""
    return ItemInput(
        title=_text(form, "title"), speaker=_text(form, "speaker"),
        organisation=_text(form, "organisation"), summary=_text(form, "summary"),
        starts_at=_text(form, "starts_at"), ends_at=_text(form, "ends_at"),
        links=_text(form, "links"))


def item_values(item: Any) -> dict[str, str]:  # noqa: ANN401 (an ItemView)
    """Return a programme entry's fields as its form shows them."""
    return {"title": item.title, "speaker": item.speaker, "organisation": item.organisation,
            "summary": item.summary, "starts_at": paris_text(item.starts_at),
            "ends_at": paris_text(item.ends_at), "links": links_text(list(item.links))}
