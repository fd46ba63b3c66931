"""Workshops: facilitators, workshops, participants, statements, votes.

Revision ID: 0001_workshops
Revises:
Create Date: 2026-11-27
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0001_workshops"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TZ = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "facilitator",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("email", sa.String(254), nullable=False),
        sa.Column("display_name", sa.String(120), nullable=False),
        sa.Column("password_hash", sa.String(255), nullable=False),
        sa.Column("created_at", TZ, nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_facilitator")),
        sa.UniqueConstraint("email", name=op.f("uq_facilitator_email")),
    )
    op.create_table(
        "workshop",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("slug", sa.String(80), nullable=False),
        sa.Column("join_code", sa.String(6), nullable=False),
        sa.Column("title", sa.String(120), nullable=False),
        sa.Column("question", sa.String(500), nullable=False),
        sa.Column("territory_kind", sa.String(20), nullable=False),
        sa.Column("territory_code", sa.String(20), nullable=False),
        sa.Column("territory_name", sa.String(200), nullable=False),
        sa.Column("kind", sa.String(40), nullable=False),
        sa.Column("status", sa.String(10), nullable=False),
        sa.Column("facilitator_id", sa.Integer(), nullable=False),
        sa.Column("created_at", TZ, nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_workshop")),
        sa.UniqueConstraint("slug", name=op.f("uq_workshop_slug")),
        sa.UniqueConstraint("join_code", name=op.f("uq_workshop_join_code")),
        sa.CheckConstraint(
            "status in ('draft', 'open', 'closed')", name=op.f("ck_workshop_status")
        ),
        sa.ForeignKeyConstraint(
            ["facilitator_id"], ["facilitator.id"], ondelete="RESTRICT",
            name=op.f("fk_workshop_facilitator_id_facilitator"),
        ),
    )
    op.create_index("ix_workshop_facilitator", "workshop", ["facilitator_id"])
    op.create_table(
        "participant",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("workshop_id", sa.Integer(), nullable=False),
        sa.Column("pseudonym", sa.String(40), nullable=False),
        sa.Column("pseudonym_key", sa.String(40), nullable=False),
        sa.Column("token_hash", sa.String(64), nullable=False),
        sa.Column("created_at", TZ, nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_participant")),
        sa.UniqueConstraint(
            "workshop_id", "pseudonym_key", name=op.f("uq_participant_workshop_id")
        ),
        sa.UniqueConstraint("token_hash", name=op.f("uq_participant_token_hash")),
        sa.ForeignKeyConstraint(
            ["workshop_id"], ["workshop.id"], ondelete="CASCADE",
            name=op.f("fk_participant_workshop_id_workshop"),
        ),
    )
    op.create_table(
        "statement",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("workshop_id", sa.Integer(), nullable=False),
        sa.Column("participant_id", sa.Integer(), nullable=False),
        sa.Column("text", sa.String(280), nullable=False),
        sa.Column("hidden", sa.Boolean(), nullable=False),
        sa.Column("created_at", TZ, nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_statement")),
        sa.ForeignKeyConstraint(
            ["workshop_id"], ["workshop.id"], ondelete="CASCADE",
            name=op.f("fk_statement_workshop_id_workshop"),
        ),
        sa.ForeignKeyConstraint(
            ["participant_id"], ["participant.id"], ondelete="CASCADE",
            name=op.f("fk_statement_participant_id_participant"),
        ),
    )
    op.create_index("ix_statement_workshop_id_id", "statement", ["workshop_id", "id"])
    op.create_index("ix_statement_participant", "statement", ["participant_id"])
    op.create_table(
        "vote",
        sa.Column("participant_id", sa.Integer(), nullable=False),
        sa.Column("statement_id", sa.Integer(), nullable=False),
        sa.Column("value", sa.SmallInteger(), nullable=False),
        sa.Column("updated_at", TZ, nullable=False),
        sa.PrimaryKeyConstraint("participant_id", "statement_id", name=op.f("pk_vote")),
        sa.CheckConstraint("value in (-1, 0, 1)", name=op.f("ck_vote_value")),
        sa.ForeignKeyConstraint(
            ["participant_id"], ["participant.id"], ondelete="CASCADE",
            name=op.f("fk_vote_participant_id_participant"),
        ),
        sa.ForeignKeyConstraint(
            ["statement_id"], ["statement.id"], ondelete="CASCADE",
            name=op.f("fk_vote_statement_id_statement"),
        ),
    )
    op.create_index("ix_vote_statement_value", "vote", ["statement_id", "value"])


def downgrade() -> None:
    op.drop_table("vote")
    op.drop_table("statement")
    op.drop_table("participant")
    op.drop_table("workshop")
    op.drop_table("facilitator")
