"""Models of the indicator store: datasets, commune values and places.

The schema is created by the Alembic migration ``0002_indicators``; keep both in step.
Values and places belong to their dataset and go with it (``ON DELETE CASCADE``):
re-importing a dataset replaces all its rows in one transaction.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Float, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from trajectoires.db.base import Base, UtcDateTime, utcnow

__all__ = ["Dataset", "IndicatorValue", "Place"]



class Dataset(Base):
    """One imported file: its kind, checksum, vintage, licence and import counts."""

    __tablename__ = "dataset"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(120), unique=True)
    kind: Mapped[str] = mapped_column(String(40))
    file_name: Mapped[str] = mapped_column(String(255))
    sha256: Mapped[str] = mapped_column(String(64))
    period: Mapped[str] = mapped_column(String(20))
    licence: Mapped[str] = mapped_column(String(120))
    source_url: Mapped[str] = mapped_column(String(500))
    imported_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)
    rows_read: Mapped[int] = mapped_column(Integer, default=0)
    rows_matched: Mapped[int] = mapped_column(Integer, default=0)
    rows_folded: Mapped[int] = mapped_column(Integer, default=0)
    rows_rejected: Mapped[int] = mapped_column(Integer, default=0)
    communes: Mapped[int] = mapped_column(Integer, default=0)
    report: Mapped[str] = mapped_column(Text, default="")


class IndicatorValue(Base):
    """The value of one indicator for one unit (a commune, as imported) and period."""

    __tablename__ = "indicator_value"
    __table_args__ = (
        UniqueConstraint("dataset_id", "unit_kind", "unit_code", "indicator", "period",
                         name="uq_indicator_value_key"),
        Index("ix_indicator_value_indicator", "indicator", "period"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    dataset_id: Mapped[int] = mapped_column(ForeignKey("dataset.id", ondelete="CASCADE"))
    unit_kind: Mapped[str] = mapped_column(String(12))
    unit_code: Mapped[str] = mapped_column(String(12))
    indicator: Mapped[str] = mapped_column(String(60))
    period: Mapped[str] = mapped_column(String(20))
    value: Mapped[float] = mapped_column(Float)


class Place(Base):
    """A located place of a point dataset: mediation place, France Services site, library."""

    __tablename__ = "place"
    __table_args__ = (
        Index("ix_place_kind_commune", "kind", "commune_code"),
        Index("ix_place_dataset", "dataset_id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    dataset_id: Mapped[int] = mapped_column(ForeignKey("dataset.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(40))
    source_id: Mapped[str] = mapped_column(String(120))
    name: Mapped[str] = mapped_column(String(500))
    commune_code: Mapped[str] = mapped_column(String(5))
    lat: Mapped[float | None] = mapped_column(Float, nullable=True)
    lon: Mapped[float | None] = mapped_column(Float, nullable=True)
    attributes: Mapped[str] = mapped_column(Text, default="{}")
