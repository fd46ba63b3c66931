"""Typed fields of a contribution's payload: their kinds and how each value is cleaned.

:class:`Field` is declared in a kind's manifest (:mod:`trajectoires.foresight.kinds.manifest`
re-exports it); the generic store calls :meth:`Field.clean` on every value of a payload.

>>> Field("title", "Titre", "text", max_length=10).clean("  Un   titre ")
'Un titre'
>>> Field("budget", "Budget", "integer", minimum=0).clean("12 000")
12000
>>> month_date("2030-10")
datetime.date(2030, 10, 1)
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

from trajectoires.foresight._text import refuse_control_characters
from trajectoires.foresight.errors import InvalidInputError

__all__ = ["FIELD_KINDS", "Field", "month_date"]

FIELD_KINDS = ("text", "longtext", "integer", "number", "month", "choice", "choices", "ref", "refs")
"""Kinds of field: short and long text, whole and decimal numbers, a month
(``YYYY-MM``), one or several choices among declared values, one or several
references to other contributions of the same workshop (by id)."""

_MONTH = re.compile(r"^(\d{4})-(\d{2})$")
_MAX_REFS = 50

@dataclass(frozen=True)
class Field:
    """One typed field of a contribution's payload.

    ``kind`` is one of :data:`FIELD_KINDS`; ``choices`` are ``(value, label)`` pairs
    for ``choice`` / ``choices``; ``ref_types`` the contribution types a ``ref`` /
    ``refs`` field may point to; ``minimum`` / ``maximum`` bound numbers;
    ``choice_error`` is the message code of a value not among the choices (a long
    list names an ``{example}`` rather than every choice).
    """

    name: str
    label: str
    kind: str = "text"
    required: bool = False
    max_length: int = 280
    choices: tuple[tuple[str, str], ...] = ()
    ref_types: tuple[str, ...] = ()
    minimum: float | None = None
    maximum: float | None = None
    help: str = ""
    computed: bool = False
    choice_error: str = "field_bad_choice"

    def __post_init__(self) -> None:
        if self.kind not in FIELD_KINDS:
            raise ValueError(f"field {self.name!r}: unknown kind {self.kind!r}")

    def fail(self, code: str, **params: object) -> InvalidInputError:
        """Return the error naming this field for the message ``code``."""
        return InvalidInputError(code, field=self.label, **params)

    def clean(self, value: Any) -> Any:  # noqa: ANN401 (payload values are JSON)
        """Return ``value`` checked and normalised for this field, or ``None`` if empty.

        Raises
        ------
        InvalidInputError
            A required field is empty, or the value does not fit the field.

        """
        if self.computed:
            return None
        if value is None or value in ("", []):
            if self.required:
                raise self.fail("field_required")
            return [] if self.kind in ("choices", "refs") else None
        cleaner = _CLEANERS[self.kind]
        return cleaner(self, value)

    def choice_label(self, value: str) -> str:
        """Return the French label of the choice ``value`` (the value itself if unknown)."""
        return dict(self.choices).get(value, value)


def _clean_text(spec: Field, value: Any) -> str:  # noqa: ANN401
    if not isinstance(value, str):
        raise spec.fail("field_not_text")
    refuse_control_characters(value, spec.label)
    text = " ".join(value.split()) if spec.kind == "text" else value.strip()
    if not text:
        if spec.required:
            raise spec.fail("field_required")
        return ""
    if len(text) > spec.max_length:
        raise spec.fail("field_too_long", limit=spec.max_length, length=len(text))
    return text


def _clean_number(spec: Field, value: Any) -> float | int:  # noqa: ANN401
    text = str(value).strip().replace("\u202f", "").replace(" ", "").replace(",", ".")
    try:
        number = int(text) if spec.kind == "integer" else float(text)
    except ValueError:
        raise spec.fail("field_not_number", value=str(value)[:20]) from None
    if not math.isfinite(number):
        raise spec.fail("field_not_number", value=str(value)[:20])
    if spec.minimum is not None and number < spec.minimum:
        raise spec.fail("field_below_minimum", minimum=spec.minimum, value=number)
    if spec.maximum is not None and number > spec.maximum:
        raise spec.fail("field_above_maximum", maximum=spec.maximum, value=number)
    return number


def _clean_month(spec: Field, value: Any) -> str:  # noqa: ANN401
    match = _MONTH.match(str(value).strip())
    if not match or not 1 <= int(match.group(2)) <= 12 or not 1900 < int(match.group(1)) < 2200:
        raise spec.fail("field_not_month", value=str(value)[:20])
    return match.group(0)


def _clean_choice(spec: Field, value: Any) -> str:  # noqa: ANN401
    allowed = [key for key, _label in spec.choices]
    if value not in allowed:
        labels = ", ".join(label for _key, label in spec.choices)
        raise spec.fail(spec.choice_error, value=str(value)[:40], allowed=labels,
                        example=spec.choices[0][1] if spec.choices else "")
    return value


def _clean_choices(spec: Field, value: Any) -> list[str]:  # noqa: ANN401
    values = value if isinstance(value, list) else [value]
    return sorted({_clean_choice(spec, v) for v in values}, key=[k for k, _ in spec.choices].index)


def _clean_refs(spec: Field, value: Any) -> list[int] | int:  # noqa: ANN401
    values = value if isinstance(value, list) else [value]
    if len(values) > _MAX_REFS:
        raise spec.fail("field_too_many_refs", limit=_MAX_REFS)
    ids = []
    for item in values:
        try:
            number = int(str(item).strip())
        except ValueError:
            raise spec.fail("field_bad_ref", value=str(item)[:20]) from None
        if not 1 <= number < 2**31:
            raise spec.fail("field_bad_ref", value=str(item)[:20])
        ids.append(number)
    if spec.kind == "ref":
        if len(ids) != 1:
            raise spec.fail("field_bad_ref", value=str(value)[:20])
        return ids[0]
    return sorted(set(ids))


_CLEANERS: dict[str, Callable[[Field, Any], Any]] = {
    "text": _clean_text,
    "longtext": _clean_text,
    "integer": _clean_number,
    "number": _clean_number,
    "month": _clean_month,
    "choice": _clean_choice,
    "choices": _clean_choices,
    "ref": _clean_refs,
    "refs": _clean_refs,
}


def month_date(value: str) -> date:
    """Return the first day of the month ``YYYY-MM``.

    >>> month_date("2030-10")
    datetime.date(2030, 10, 1)
    """
    year, month = value.split("-")
    return date(int(year), int(month), 1)
