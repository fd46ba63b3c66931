r"""Text typed by people: control characters are refused, the same on SQLite and PostgreSQL.

PostgreSQL refuses a NUL byte in text where SQLite stores it; other control
characters (escape, bell…) are invisible on a page and break CSV files. They are
refused before any database sees them, with a message naming the field; line
breaks and tabs of a long text are kept.

Examples
--------
>>> refuse_control_characters("Un avis\nsur deux lignes", "Texte")
'Un avis\nsur deux lignes'
>>> try:
...     refuse_control_characters("Lou\x00", "Pseudonyme")
... except Exception as error:
...     print(error)
« Pseudonyme » contient un caractère de contrôle invisible (U+0000) : retirez-le.

"""

from __future__ import annotations

import re

from trajectoires.foresight.errors import InvalidInputError

__all__ = ["refuse_control_characters"]

CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
"""C0 and C1 control characters, except tab, line feed and carriage return."""


def refuse_control_characters(text: str, field: str) -> str:
    """Return ``text`` unchanged, or raise if it holds a control character."""
    found = CONTROL.search(text)
    if found:
        raise InvalidInputError("control_character", field=field,
                                code=f"U+{ord(found.group()):04X}")
    return text
