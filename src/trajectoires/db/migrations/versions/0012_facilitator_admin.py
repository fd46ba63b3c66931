"""Administrators among facilitators: ``facilitator.is_admin``.

An administrator invites facilitators from the web (a one-time link) instead of the
command line only. Accounts already there stay plain facilitators; the command line
names administrators (``facilitator create --administrateur``, ``facilitator admin``).

Revision ID: 0012_facilitator_admin
Revises: 0011_search_order_event_drafts
Create Date: 2026-12-02
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0012_facilitator_admin"
down_revision: str | None = "0011_search_order_event_drafts"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("facilitator") as batch:
        batch.add_column(sa.Column("is_admin", sa.Boolean(), nullable=False,
                                   server_default=sa.false()))


def downgrade() -> None:
    with op.batch_alter_table("facilitator") as batch:
        batch.drop_column("is_admin")
