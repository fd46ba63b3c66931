"""Indicators: datasets, indicator values per unit and period, places.

Revision ID: 0002_indicators
Revises: 0001_workshops
Create Date: 2026-11-27
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002_indicators"
down_revision: str | None = "0001_workshops"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "dataset",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(120), nullable=False),
        sa.Column("kind", sa.String(40), nullable=False),
        sa.Column("file_name", sa.String(255), nullable=False),
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("period", sa.String(20), nullable=False),
        sa.Column("licence", sa.String(120), nullable=False),
        sa.Column("source_url", sa.String(500), nullable=False),
        sa.Column("imported_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("rows_read", sa.Integer(), nullable=False),
        sa.Column("rows_matched", sa.Integer(), nullable=False),
        sa.Column("rows_folded", sa.Integer(), nullable=False),
        sa.Column("rows_rejected", sa.Integer(), nullable=False),
        sa.Column("communes", sa.Integer(), nullable=False),
        sa.Column("report", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_dataset")),
        sa.UniqueConstraint("name", name=op.f("uq_dataset_name")),
    )
    op.create_table(
        "indicator_value",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("dataset_id", sa.Integer(), nullable=False),
        sa.Column("unit_kind", sa.String(12), nullable=False),
        sa.Column("unit_code", sa.String(12), nullable=False),
        sa.Column("indicator", sa.String(60), nullable=False),
        sa.Column("period", sa.String(20), nullable=False),
        sa.Column("value", sa.Float(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_indicator_value")),
        sa.UniqueConstraint(
            "dataset_id", "unit_kind", "unit_code", "indicator", "period",
            name="uq_indicator_value_key",
        ),
        sa.ForeignKeyConstraint(
            ["dataset_id"], ["dataset.id"], ondelete="CASCADE",
            name=op.f("fk_indicator_value_dataset_id_dataset"),
        ),
    )
    op.create_index("ix_indicator_value_indicator", "indicator_value", ["indicator", "period"])
    op.create_table(
        "place",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("dataset_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(40), nullable=False),
        sa.Column("source_id", sa.String(120), nullable=False),
        sa.Column("name", sa.String(500), nullable=False),
        sa.Column("commune_code", sa.String(5), nullable=False),
        sa.Column("lat", sa.Float(), nullable=True),
        sa.Column("lon", sa.Float(), nullable=True),
        sa.Column("attributes", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_place")),
        sa.ForeignKeyConstraint(
            ["dataset_id"], ["dataset.id"], ondelete="CASCADE",
            name=op.f("fk_place_dataset_id_dataset"),
        ),
    )
    op.create_index("ix_place_kind_commune", "place", ["kind", "commune_code"])
    op.create_index("ix_place_dataset", "place", ["dataset_id"])


def downgrade() -> None:
    op.drop_table("place")
    op.drop_table("indicator_value")
    op.drop_table("dataset")
