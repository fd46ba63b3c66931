"""Facilitator logins kept on the server, so that logging out revokes the cookie.

Revision ID: 0004_facilitator_logins
Revises: 0003_contributions
Create Date: 2026-12-02
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004_facilitator_logins"
down_revision: str | None = "0003_contributions"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TZ = sa.DateTime(timezone=True)


def upgrade() -> None:
    """Create ``facilitator_login`` (sessions opened before this revision must log in again)."""
    op.create_table(
        "facilitator_login",
        sa.Column("token_hash", sa.String(64), nullable=False),
        sa.Column("facilitator_id", sa.Integer(), nullable=False),
        sa.Column("created_at", TZ, nullable=False),
        sa.Column("expires_at", TZ, nullable=False),
        sa.PrimaryKeyConstraint("token_hash", name=op.f("pk_facilitator_login")),
        sa.ForeignKeyConstraint(
            ["facilitator_id"], ["facilitator.id"], ondelete="CASCADE",
            name=op.f("fk_facilitator_login_facilitator_id_facilitator"),
        ),
    )
    op.create_index("ix_facilitator_login_facilitator", "facilitator_login", ["facilitator_id"])


def downgrade() -> None:
    """Drop ``facilitator_login``."""
    op.drop_index("ix_facilitator_login_facilitator", table_name="facilitator_login")
    op.drop_table("facilitator_login")
