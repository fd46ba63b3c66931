"""Checks of archived values against their columns, made once per column (fast on 10⁵ values).

Examples
--------
>>> from sqlalchemy import Column, Integer, String
>>> check = checker(Column("pseudonym", String(5), nullable=False))
>>> check("Yann", {"name": "data/participants.json", "row": 1})
'Yann'
>>> try:
...     check("Nolwenn", {"name": "data/participants.json", "row": 2})
... except ArchiveError as error:
...     print(error.message)
Valeur refusée dans « data/participants.json », ligne 2, colonne « pseudonym » : 7 caractères, \
au plus 5. Rien n'a été importé.

"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import JSON, Boolean, DateTime, Integer, String

from trajectoires.foresight.carry._messages import ArchiveError

__all__ = ["checker"]

Check = Callable[[Any, dict], Any]


def _moment(value: Any) -> datetime | None:  # noqa: ANN401
    try:
        moment = datetime.fromisoformat(str(value))
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _json_test(column: Any) -> Callable[[Any], tuple[Any, str | None]]:  # noqa: ANN401
    """Return the test of a JSON column: a list when its default is ``list``, else an object."""
    default = getattr(column.default, "arg", None)
    if getattr(default, "__wrapped__", default) is list or default is list:
        return lambda v: (v, None if isinstance(v, list) else "liste JSON attendue")
    return lambda v: (v, None if isinstance(v, dict) else "objet JSON attendu")


def _test(kind: Any) -> Callable[[Any], tuple[Any, str | None]]:  # noqa: ANN401, C901
    """Return ``test(value) -> (value as stored, error or None)`` for a column type."""
    if isinstance(kind, DateTime) or getattr(kind, "impl", None).__class__ is DateTime:
        def moment(value: Any) -> tuple[Any, str | None]:  # noqa: ANN401
            found = _moment(value)
            return found, None if found else f"date invalide « {str(value)[:40]} »"
        return moment
    if isinstance(kind, Boolean):
        return lambda v: (v, None if isinstance(v, bool) else "vrai ou faux attendu")
    if isinstance(kind, Integer):
        return lambda v: (v, None if type(v) is int and abs(v) <= 2**31
                          else "nombre entier attendu")
    if isinstance(kind, String):
        limit = kind.length

        def text(value: Any) -> tuple[Any, str | None]:  # noqa: ANN401
            if not isinstance(value, str):
                return value, "texte attendu"
            if limit is not None and len(value) > limit:
                return value, f"{len(value)} caractères, au plus {limit}"
            return value, None
        return text
    return lambda v: (v, None)


def checker(column: Any) -> Check:  # noqa: ANN401
    """Return ``check(value, where)`` for ``column``: the value as stored, or an error.

    ``where`` (``name`` of the file and ``row`` number) goes into the message.
    """
    test = _json_test(column) if isinstance(column.type, JSON) else _test(column.type)
    required = not column.nullable or column.primary_key

    def check(value: Any, where: dict) -> Any:  # noqa: ANN401
        if value is None:
            if required:
                raise ArchiveError("archive_bad_value", column=column.name,
                                   detail="valeur obligatoire", **where)
            return None
        stored, error = test(value)
        if error:
            raise ArchiveError("archive_bad_value", column=column.name, detail=error, **where)
        return stored

    return check
