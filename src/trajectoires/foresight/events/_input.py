r"""Checking what a facilitator types for an event: texts, Paris times, lists and links.

Every function returns the clean value or raises
:class:`~trajectoires.foresight.errors.InvalidInputError` naming the field.

Examples
--------
>>> paris_datetime("2027-03-14T09:30", "Début").isoformat()
'2027-03-14T08:30:00+00:00'
>>> paris_datetime("2027-07-01 09:30", "Début").isoformat()
'2027-07-01T07:30:00+00:00'
>>> names("Mairie de Brest\n\n  Région Bretagne ", "Organisateurs")
['Mairie de Brest', 'Région Bretagne']
>>> for link in links("Diaporama | https://example.org/d.pdf\nhttps://example.org/n", "Liens"):
...     print(link)
{'label': 'Diaporama', 'url': 'https://example.org/d.pdf'}
{'label': 'https://example.org/n', 'url': 'https://example.org/n'}
>>> links_text([{'label': 'Diaporama', 'url': 'https://example.org/d.pdf'}])
'Diaporama | https://example.org/d.pdf'

"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from trajectoires.foresight._text import refuse_control_characters
from trajectoires.foresight.errors import InvalidInputError

__all__ = ["CONTROL_OR_SEPARATOR", "PARIS", "links", "links_text", "names", "one_line",
           "paris_datetime", "paris_text", "text_block"]

PARIS = ZoneInfo("Europe/Paris")
CONTROL_OR_SEPARATOR = re.compile(r'[\x00-\x1f\x7f-\x9f"<>:|?*]')
"""Characters dropped from a file name: controls, and those no file system takes."""
MAX_LIST = 30
MAX_NAME = 160
MAX_URL = 2000


def one_line(text: str | None, field: str, limit: int, *, required: bool = False) -> str:
    """Return ``text`` on one line (spaces folded); raise if empty (when required) or too long."""
    text = refuse_control_characters(text or "", field)
    cleaned = " ".join(text.split())
    if required and not cleaned:
        raise InvalidInputError("event_field_empty", field=field)
    if len(cleaned) > limit:
        raise InvalidInputError("event_field_too_long", field=field, limit=limit,
                                length=len(cleaned))
    return cleaned


def text_block(text: str | None, field: str, limit: int) -> str:
    """Return a long text with its line breaks (trimmed); raise if too long."""
    cleaned = refuse_control_characters(text or "", field).replace("\r\n", "\n").strip()
    if len(cleaned) > limit:
        raise InvalidInputError("event_field_too_long", field=field, limit=limit,
                                length=len(cleaned))
    return cleaned


def paris_datetime(text: str | None, field: str, *, required: bool = True) -> datetime | None:
    """Read ``YYYY-MM-DDTHH:MM`` (a form's ``datetime-local``) as a Paris time; return it in UTC.

    An aware value (with an offset) is taken as it is. Empty: ``None`` unless required.
    """
    value = (text or "").strip()
    if not value:
        if required:
            raise InvalidInputError("event_field_empty", field=field)
        return None
    try:
        moment = datetime.fromisoformat(value[:40])
    except ValueError:
        raise InvalidInputError("event_bad_datetime", field=field, value=value[:40]) from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=PARIS)
    return moment.astimezone(UTC)


def paris_text(moment: datetime | None, pattern: str = "%Y-%m-%dT%H:%M") -> str:
    """Show an aware time in Paris (the value of a ``datetime-local`` field by default)."""
    return moment.astimezone(PARIS).strftime(pattern) if moment else ""


def names(text: str | list[str] | None, field: str) -> list[str]:
    """One name per line (or a list): cleaned, empty lines dropped, at most 30 of 160 characters."""
    lines = text if isinstance(text, list) else (text or "").splitlines()
    found = [one_line(line, field, MAX_NAME) for line in lines]
    found = [name for name in found if name]
    if len(found) > MAX_LIST:
        raise InvalidInputError("event_too_many", field=field, limit=MAX_LIST, count=len(found))
    return found


def _url(value: str, line: int) -> str:
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.netloc or len(value) > MAX_URL:
        raise InvalidInputError("event_bad_link", line=line, value=value[:80])
    return value


def links(text: str | list[dict] | None, field: str) -> list[dict[str, str]]:
    """Links, one per line as ``Title | https://…`` or the address alone (http/https only)."""
    if isinstance(text, list):
        text = links_text(text)
    found = []
    for number, typed in enumerate((text or "").splitlines(), start=1):
        line = one_line(typed, field, MAX_URL + MAX_NAME + 3)
        if not line:
            continue
        label, _, url = line.rpartition("|")
        url = _url(url.strip(), number)
        found.append({"label": one_line(label, field, MAX_NAME) or url, "url": url})
    if len(found) > MAX_LIST:
        raise InvalidInputError("event_too_many", field=field, limit=MAX_LIST, count=len(found))
    return found


def links_text(items: list[dict]) -> str:
    """Write the links as a form shows them again, one ``Title | address`` per line."""
    return "\n".join(
        link["url"] if link.get("label") in (None, "", link.get("url"))
        else f"{link['label']} | {link['url']}"
        for link in items
    )
