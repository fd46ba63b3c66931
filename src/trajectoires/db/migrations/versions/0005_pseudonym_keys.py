"""Room for the case-folded pseudonym: folding can make a 40-character name longer.

``"ß" * 21`` folds to ``"ss" * 21`` (42 characters); a character folds to three
at most, so the key holds 120.

Revision ID: 0005_pseudonym_keys
Revises: 0004_facilitator_logins
Create Date: 2026-12-02
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005_pseudonym_keys"
down_revision: str | None = "0004_facilitator_logins"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Widen ``participant.pseudonym_key`` to 120 characters."""
    with op.batch_alter_table("participant") as batch:
        batch.alter_column("pseudonym_key", type_=sa.String(120),
                           existing_type=sa.String(40), existing_nullable=False)


def downgrade() -> None:
    """Narrow it back (fails if a longer key was stored)."""
    with op.batch_alter_table("participant") as batch:
        batch.alter_column("pseudonym_key", type_=sa.String(40),
                           existing_type=sa.String(120), existing_nullable=False)
