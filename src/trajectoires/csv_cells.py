"""Cells of the CSV files the product writes, made safe for spreadsheets.

A text starting with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return is read
as a formula by Excel and LibreOffice (CSV injection, OWASP): a participant's
statement ``=HYPERLINK(…)`` would run in the facilitator's spreadsheet. Such a
text gets a leading apostrophe, which spreadsheets show as text; numbers, and
texts that are a plain number (``"-1"``, a vote), are never touched.

Examples
--------
>>> neutralise("=1+1"), neutralise("-- mon avis"), neutralise("Avis"), neutralise(-3)
("'=1+1", "'-- mon avis", 'Avis', -3)
>>> neutralise("-1"), neutralise("+2,5"), neutralise("-1+1")
('-1', '+2,5', "'-1+1")
>>> import pandas as pd
>>> neutralise_frame(pd.DataFrame({"texte": ["@moi", "ok"], "n": [-1, 2]})).values.tolist()
[["'@moi", -1], ['ok', 2]]

"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["FORMULA_STARTS", "neutralise", "neutralise_frame"]

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
PLAIN_NUMBER = re.compile(r"[+-]?\d+([.,]\d+)?")


def neutralise(value: Any) -> Any:
    """Return ``value``, with an apostrophe in front if it is a text a spreadsheet would run."""
    if (isinstance(value, str) and value.startswith(FORMULA_STARTS)
            and not PLAIN_NUMBER.fullmatch(value)):
        return "'" + value
    return value


def neutralise_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """Return a copy of ``frame`` whose text cells are :func:`neutralise`-d."""
    safe = frame.copy()
    for column in safe.columns:
        if safe[column].dtype == object or str(safe[column].dtype) in ("string", "str"):
            safe[column] = safe[column].map(neutralise)
    return safe
