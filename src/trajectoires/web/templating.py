"""Jinja2 environment of the pages (autoescaped), with the CSRF token helper."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from fastapi.templating import Jinja2Templates

from trajectoires.invocation import tool_command
from trajectoires.territory.summary import format_number
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


PARIS = ZoneInfo("Europe/Paris")
"""Times are shown as the people in the room read them (metropolitan France)."""


def paris_time(moment: datetime, pattern: str = "%H:%M:%S") -> str:
    """Format an aware time in Europe/Paris (winter UTC+1, summer UTC+2).

    >>> from datetime import UTC
    >>> paris_time(datetime(2026, 12, 2, 9, 30, tzinfo=UTC))
    '10:30:00'
    >>> paris_time(datetime(2026, 7, 1, 9, 30, tzinfo=UTC))
    '11:30:00'
    """
    return moment.astimezone(PARIS).strftime(pattern)


_MONTHS_FR = ("janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août",
              "septembre", "octobre", "novembre", "décembre")


def french_date(moment: datetime | None) -> str:
    """Write the day of an aware time in Europe/Paris, in French (« 2 décembre 2026 »).

    >>> from datetime import UTC
    >>> french_date(datetime(2026, 12, 31, 23, 30, tzinfo=UTC)), french_date(None)
    ('1er janvier 2027', '—')
    """
    if moment is None:
        return "—"
    day = moment.astimezone(PARIS)
    number = "1er" if day.day == 1 else str(day.day)
    return f"{number} {_MONTHS_FR[day.month - 1]} {day.year}"


def make_templates() -> Jinja2Templates:
    """Build the template environment shared by every page.

    Compiled templates are kept in Jinja's bytecode cache (as the diagnosis
    report's: a private folder of the user in the temporary directory, keyed by
    each template's checksum, so an edited template is compiled again): compiling
    the pages' templates took about 0.4 s of a restarted server's warm-up.
    """
    from jinja2 import FileSystemBytecodeCache

    templates = Jinja2Templates(directory=str(TEMPLATES_DIR))
    try:
        templates.env.bytecode_cache = FileSystemBytecodeCache()
    except (OSError, RuntimeError):  # no writable temporary directory: compile every time
        templates.env.bytecode_cache = None
    templates.env.globals["csrf_token"] = csrf_token
    templates.env.globals["tool"] = tool_command()  # « .venv/bin/trajectoires » or « trajectoires »
    templates.env.filters["int_fr"] = format_int
    templates.env.filters["heure"] = paris_time
    templates.env.filters["date_fr"] = french_date
    templates.env.filters["num_fr"] = format_number  # also set by the territory and archive pages
    return templates
