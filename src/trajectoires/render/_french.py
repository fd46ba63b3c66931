"""Numbers and dates written the French way: decimal comma, thin spaces, « 1er mars ».

The thousands separator is U+202F NARROW NO-BREAK SPACE, the thin space the
Imprimerie nationale's *Lexique des règles typographiques* asks for, which
also keeps a number from breaking across lines. The formatting itself is
:func:`trajectoires.territory.summary.format_number`'s, shared with the pages
and the diagnosis report; maps write ``NaN`` and never ``-0``. Dates and
counted words (« 3 jalons ») are written for the workshop drawings.
"""

from __future__ import annotations

import datetime
import math
from collections.abc import Sequence

from trajectoires.territory.summary import format_number as _french_or_dash

__all__ = ["MONTHS", "THIN_SPACE", "bound_decimals", "count", "format_many", "format_number",
           "french_date", "french_month"]

THIN_SPACE = "\u202f"

_MAX_DECIMALS = 4
MONTHS = ("janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août",
          "septembre", "octobre", "novembre", "décembre")


def format_number(value: float, decimals: int = 0) -> str:
    """Format ``value`` with ``decimals`` decimals, French style.

    Examples
    --------
    >>> format_number(1234567.891, 1).replace(THIN_SPACE, "_")
    '1_234_567,9'
    >>> format_number(-0.5, 2)
    '-0,50'
    >>> format_number(float("nan"))
    'NaN'

    """
    if not math.isfinite(value):
        return "NaN"
    text = _french_or_dash(value, decimals)
    return text[1:] if text in {"-0", "-0," + "0" * decimals} else text


def format_many(values: Sequence[float], decimals: int = 0) -> list[str]:
    """Format many finite values at once, as :func:`format_number` does.

    One ``str.format`` per value, then a single pass of replacements over the
    joined texts.

    Examples
    --------
    >>> [text.replace(THIN_SPACE, "_") for text in format_many([1234.5, -0.25, 7], 1)]
    ['1_234,5', '-0,2', '7,0']

    """
    if len(values) == 0:
        return []
    template = f"{{:,.{decimals}f}}"
    joined = "\x00".join(map(template.format, values))
    return joined.replace(",", THIN_SPACE).replace(".", ",").split("\x00")


def bound_decimals(bounds: Sequence[float]) -> int:
    """Fewest decimals (0 to 4) that keep distinct successive class bounds distinct.

    Integers get none; otherwise values below 10 get at least one decimal,
    below 1 at least two.

    Examples
    --------
    >>> bound_decimals([0.4, 15.44, 29.65, 120.65, 26527.7])
    0
    >>> bound_decimals([12.3, 12.4, 40])
    1
    >>> bound_decimals([1, 2, 3])
    0
    >>> bound_decimals([0.011, 0.012])
    3
    >>> bound_decimals([12.5, 12.5, 30.0])
    0

    """
    finite = [b for b in bounds if math.isfinite(b)]
    if not finite or all(float(b).is_integer() for b in finite):
        return 0
    largest = max(abs(b) for b in finite)
    smallest_needed = 2 if largest < 1 else 1 if largest < 10 else 0
    for decimals in range(smallest_needed, _MAX_DECIMALS + 1):
        rounded = [round(b, decimals) for b in finite]
        pairs = zip(zip(finite, rounded, strict=True), zip(finite[1:], rounded[1:], strict=True),
                    strict=False)
        if all(low[1] < high[1] or low[0] == high[0] for low, high in pairs):
            return decimals
    return _MAX_DECIMALS


def french_month(when: datetime.date) -> str:
    """Write the month and year of ``when`` in French.

    Examples
    --------
    >>> french_month(datetime.date(2027, 8, 15))
    'août 2027'

    """
    return f"{MONTHS[when.month - 1]} {when.year}"


def french_date(when: datetime.date) -> str:
    """Write ``when`` in French, with « 1er » for the first of the month.

    Examples
    --------
    >>> french_date(datetime.date(2030, 1, 1)), french_date(datetime.date(2026, 3, 12))
    ('1er janvier 2030', '12 mars 2026')

    """
    day = "1er" if when.day == 1 else str(when.day)
    return f"{day} {french_month(when)}"


def count(number: int, word: str) -> str:
    """Write ``number`` and ``word``, plural from 2 on as French does.

    Examples
    --------
    >>> count(1, "jalon"), count(0, "action"), count(3, "acteur")
    ('1 jalon', '0 action', '3 acteurs')

    """
    return f"{number} {word}{'s' if number > 1 else ''}"
