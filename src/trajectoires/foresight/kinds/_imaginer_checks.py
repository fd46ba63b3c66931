"""Rules of the Imaginer 2030 kind: its settings, and dates between today and the horizon.

The manifest (:mod:`trajectoires.foresight.kinds.imaginer_2030`) declares the fields;
this module holds the rules across fields and rows that its ``check`` hooks apply:

- a **headline** is dated in the horizon year, not after the horizon (default: the
  horizon itself);
- a **milestone** is dated from the current month to the horizon; the milestones it
  ``precedes`` (makes possible) do not come before it;
- a **target** is set on an indicator of the catalogue, for a month up to the horizon
  (default: the horizon); its baseline (value, vintage, source) is read from the data
  of the workshop's territory, or left empty (« non disponible »).

Months are ``YYYY-MM`` strings: they sort as dates do.

Examples
--------
>>> clean_settings({"horizon": "2031-06", "points": "12"}, today=date(2026, 12, 2))
{'horizon': '2031-06', 'points': 12}
>>> french_month("2030-10")
'octobre 2030'
>>> current_month(date(2026, 12, 2))
'2026-12'

"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date
from typing import TYPE_CHECKING, Any

from trajectoires.foresight.errors import InvalidInputError

if TYPE_CHECKING:
    from trajectoires.foresight.contributions import CheckContext

__all__ = [
    "DEFAULT_HORIZON",
    "DEFAULT_POINTS",
    "check_headline",
    "check_milestone",
    "check_target",
    "clean_settings",
    "current_month",
    "french_month",
    "horizon_of",
]

DEFAULT_HORIZON = "2030-10"
DEFAULT_POINTS = 10
LAST_YEAR = 2100
POINTS_RANGE = (1, 100)
_MONTH = re.compile(r"^(\d{4})-(\d{2})$")
_MONTHS = ("janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août",
           "septembre", "octobre", "novembre", "décembre")
_TRUE = {"true", "1", "oui", "on", "yes"}
_FALSE = {"false", "0", "non", "off", "no", ""}


def current_month(today: date) -> str:
    """Return the month of ``today`` as ``YYYY-MM``."""
    return f"{today.year:04d}-{today.month:02d}"


def french_month(month: str) -> str:
    """Write the month ``YYYY-MM`` in French (« octobre 2030 »)."""
    year, number = month.split("-")
    return f"{_MONTHS[int(number) - 1]} {int(year)}"


def french_number(value: float) -> str:
    """Write a number the French way, with the decimals it has (up to 2).

    Forwards to :func:`trajectoires.territory.summary.format_number` (imported on use:
    the territory package loads pandas).

    >>> french_number(95.0), french_number(1234.5), french_number(-0.25)
    ('95', '1\u202f234,5', '-0,25')
    """
    from trajectoires.territory.summary import format_number

    digits = next((d for d in (0, 1) if round(value, d) == value), 2)
    return format_number(value, digits)


def _unit(indicator_id: str) -> str:
    from trajectoires.indicators.catalogue import INDICATORS

    indicator = INDICATORS.get(indicator_id)
    return indicator.unit if indicator is not None else ""


def horizon_of(context: CheckContext) -> str:
    """Return the workshop's horizon month (its setting, else the kind's default)."""
    return str(context.setting("horizon") or DEFAULT_HORIZON)


def _clean_horizon(value: Any, today: date) -> str:  # noqa: ANN401 (a JSON value)
    match = _MONTH.match(str(value).strip())
    if not match or not 1 <= int(match.group(2)) <= 12:
        raise InvalidInputError("imaginer_bad_horizon", value=str(value)[:20])
    month = match.group(0)
    if month <= current_month(today) or int(match.group(1)) > LAST_YEAR:
        raise InvalidInputError("imaginer_horizon_out_of_range", value=french_month(month),
                                today=french_month(current_month(today)), limit=LAST_YEAR)
    return month


def _clean_points(value: Any) -> int:  # noqa: ANN401
    low, high = POINTS_RANGE
    try:
        number = int(str(value).strip())
    except ValueError:
        number = None
    if isinstance(value, bool) or number is None or not low <= number <= high:
        raise InvalidInputError("imaginer_bad_points", value=str(value)[:20], minimum=low,
                                maximum=high)
    return number


def _clean_flag(value: Any) -> bool:  # noqa: ANN401
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in _TRUE | _FALSE:
        return text in _TRUE
    raise InvalidInputError("imaginer_bad_premoderation")


def clean_settings(values: Mapping[str, Any], *, today: date | None = None) -> dict[str, Any]:
    """Check new values of the workshop's options (``horizon``, ``points``, ``premoderation``).

    Raises
    ------
    InvalidInputError
        The horizon is not a month after the current one and in 2100 at the latest,
        the points are not a whole number from 1 to 100, pre-moderation not yes / no.

    """
    today = today or date.today()
    cleaners = {"horizon": lambda v: _clean_horizon(v, today), "points": _clean_points,
                "premoderation": _clean_flag}
    return {name: cleaners[name](value) if name in cleaners else value
            for name, value in values.items()}


def _bounds(context: CheckContext, spec_label: str, value: str, *, earliest: str) -> None:
    """Refuse a month after the horizon, or before ``earliest``."""
    horizon = horizon_of(context)
    params = {"field": spec_label, "value": french_month(value),
              "horizon": french_month(horizon), "today": french_month(earliest)}
    if value > horizon:
        raise InvalidInputError("imaginer_after_horizon", **params)
    if value < earliest:
        raise InvalidInputError("imaginer_before_today", **params)


def check_headline(context: CheckContext, payload: dict[str, Any]) -> None:
    """Date a headline in the horizon year, not after the horizon (default: the horizon)."""
    horizon = horizon_of(context)
    if not payload.get("date"):
        payload["date"] = horizon
        return
    value = payload["date"]
    if not horizon[:4] <= value <= horizon:
        spec = context.contribution_type.field("date")
        raise InvalidInputError("imaginer_headline_year", field=spec.label,
                                value=french_month(value), year=horizon[:4],
                                horizon=french_month(horizon))


def check_milestone(context: CheckContext, payload: dict[str, Any]) -> None:
    """Keep a milestone between today and the horizon, before what it makes possible."""
    spec = context.contribution_type.field("date")
    value = payload["date"]
    _bounds(context, spec.label, value, earliest=current_month(context.today))
    precedes = context.contribution_type.field("precedes")
    for ref in payload.get("precedes") or []:
        later = context.contribution(ref)
        later_date = (later.payload or {}).get("date") if later is not None else None
        if later_date and later_date < value:
            raise InvalidInputError("imaginer_precedes_earlier", field=precedes.label,
                                    title=later.text[:80], value=french_month(later_date),
                                    date=french_month(value))


def check_target(context: CheckContext, payload: dict[str, Any]) -> None:
    """Date a target up to the horizon and fill its baseline from the territory's data.

    The indicator was checked against the catalogue by its field (a choice). The
    baseline fields stay ``None`` when the data hold no value (« non disponible »).
    """
    spec = context.contribution_type.field("target_date")
    if not payload.get("target_date"):
        payload["target_date"] = horizon_of(context)
    _bounds(context, spec.label, payload["target_date"],
            earliest=current_month(context.today))
    indicator = context.contribution_type.field("indicator")
    payload["summary"] = (f"{indicator.choice_label(payload['indicator'])} : "
                          f"{french_number(payload['target_value'])} "
                          f"{_unit(payload['indicator'])} en "
                          f"{french_month(payload['target_date'])}").replace("  ", " ")
    baseline = context.baseline(payload["indicator"])
    if baseline is None:
        payload.update(baseline_value=None, baseline_period=None, baseline_source=None)
    else:
        payload.update(baseline_value=baseline.value, baseline_period=baseline.period,
                       baseline_source=baseline.source)
