"""Declarative base shared by every model, with a naming convention for constraints."""

from datetime import UTC, datetime

from sqlalchemy import DateTime, MetaData
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase
from sqlalchemy.types import TypeDecorator

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    """Base class of all Trajectoires models."""

    metadata = MetaData(naming_convention=NAMING_CONVENTION)


def utcnow() -> datetime:
    """Return the current time, timezone-aware, in UTC (default of timestamp columns)."""
    return datetime.now(UTC)


class UtcDateTime(TypeDecorator):
    """A timestamp read back aware, in UTC, on every database.

    PostgreSQL keeps the zone (``timestamptz``); SQLite stores text without it and
    returns naive datetimes, which the API then printed without an offset. Values are
    written in UTC and read back with ``tzinfo=UTC`` on both.

    >>> from datetime import timezone, timedelta
    >>> column = UtcDateTime()
    >>> column.process_result_value(datetime(2026, 12, 2, 9, 30), None).isoformat()
    '2026-12-02T09:30:00+00:00'
    >>> paris = timezone(timedelta(hours=1))
    >>> column.process_bind_param(datetime(2026, 12, 2, 10, 30, tzinfo=paris), None).isoformat()
    '2026-12-02T09:30:00+00:00'
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        """Write aware values in UTC (a naive value is taken as UTC already)."""
        if value is None or value.tzinfo is None:
            return value
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        """Read values back aware, in UTC."""
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)
