"""Jinja2 environment of the pages (autoescaped), with the CSRF token helper."""

from __future__ import annotations

from pathlib import Path

from fastapi.templating import Jinja2Templates

from trajectoires.web.security import csrf_token

TEMPLATES_DIR = Path(__file__).parent / "templates"


def format_int(value: int | float | None) -> str:
    """Format a number the French way, with a narrow no-break space between thousands.

    >>> format_int(1234567)
    '1\u202f234\u202f567'
    >>> format_int(None)
    '—'
    """
    if value is None:
        return "—"
    return f"{round(value):,}".replace(",", "\u202f")


def make_templates() -> Jinja2Templates:
    """Build the template environment shared by every page."""
    templates = Jinja2Templates(directory=str(TEMPLATES_DIR))
    templates.env.globals["csrf_token"] = csrf_token
    templates.env.filters["int_fr"] = format_int
    return templates
