"""Rate counters in the database: the write and login throttles of every server process.

One row per key and second (:mod:`trajectoires.db.counters`).

Revision ID: 0009_rate_counters
Revises: 0008_history_personal_data
Create Date: 2026-12-02
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009_rate_counters"
down_revision: str | None = "0008_history_personal_data"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Create ``rate_counter``."""
    op.create_table(
        "rate_counter",
        sa.Column("key", sa.String(120), nullable=False),
        sa.Column("second", sa.BigInteger(), nullable=False),
        sa.Column("n", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("key", "second", name=op.f("pk_rate_counter")),
    )


def downgrade() -> None:
    """Drop ``rate_counter``."""
    op.drop_table("rate_counter")
