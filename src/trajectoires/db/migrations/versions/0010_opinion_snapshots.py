"""The latest opinion snapshot of each debate, shared by the server processes.

Revision ID: 0010_opinion_snapshots
Revises: 0009_rate_counters
Create Date: 2026-12-02
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010_opinion_snapshots"
down_revision: str | None = "0009_rate_counters"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Create ``opinion_snapshot``."""
    op.create_table(
        "opinion_snapshot",
        sa.Column("workshop_id", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("snapshot", sa.LargeBinary(), nullable=False),
        sa.Column("html", sa.Text(), nullable=False),
        sa.Column("votes_read_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["workshop_id"], ["workshop.id"], ondelete="CASCADE",
                                name=op.f("fk_opinion_snapshot_workshop_id_workshop")),
        sa.PrimaryKeyConstraint("workshop_id", name=op.f("pk_opinion_snapshot")),
    )


def downgrade() -> None:
    """Drop ``opinion_snapshot``."""
    op.drop_table("opinion_snapshot")
