"""History of contributions' versions, enrichment after publication, personal data.

New tables ``contribution_version`` (one snapshot per change of a contribution),
``comment`` (comments on a published workshop's contributions) and ``visitor_email``
(the e-mail a visitor confirms); new columns ``contribution.after_session``
(« ajouté après l'atelier »), ``participant.visitor`` (joined after publication),
``participant.erased_at`` and ``facilitator.erased_at`` (deleted participation or
account). Every existing contribution gets a first version, its state at this
revision, signed by its author.

Revision ID: 0008_history_personal_data
Revises: 0007_events
Create Date: 2026-12-02
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB

revision: str = "0008_history_personal_data"
down_revision: str | None = "0007_events"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TZ = sa.DateTime(timezone=True)
PAYLOAD = sa.JSON().with_variant(JSONB(), "postgresql")


def _fk(table: str, column: str, target: str, ondelete: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint([column], [f"{target}.id"], ondelete=ondelete,
                                   name=op.f(f"fk_{table}_{column}_{target}"))


def _columns() -> None:
    with op.batch_alter_table("contribution") as batch:
        batch.add_column(sa.Column("after_session", sa.Boolean(), nullable=False,
                                   server_default=sa.false()))
    with op.batch_alter_table("participant") as batch:
        batch.add_column(sa.Column("visitor", sa.Boolean(), nullable=False,
                                   server_default=sa.false()))
        batch.add_column(sa.Column("erased_at", TZ, nullable=True))
    with op.batch_alter_table("facilitator") as batch:
        batch.add_column(sa.Column("erased_at", TZ, nullable=True))


def _versions() -> None:
    op.create_table(
        "contribution_version",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("contribution_id", sa.Integer(), nullable=False),
        sa.Column("workshop_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("action", sa.String(20), nullable=False),
        sa.Column("participant_id", sa.Integer(), nullable=True),
        sa.Column("facilitator_id", sa.Integer(), nullable=True),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("payload", PAYLOAD, nullable=False),
        sa.Column("status", sa.String(10), nullable=False),
        sa.Column("reason", sa.String(280), nullable=True),
        sa.Column("merged_into_id", sa.Integer(), nullable=True),
        sa.Column("detail", PAYLOAD, nullable=False),
        sa.Column("created_at", TZ, nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_contribution_version")),
        sa.UniqueConstraint("contribution_id", "number",
                            name=op.f("uq_contribution_version_contribution_id")),
        _fk("contribution_version", "contribution_id", "contribution", "CASCADE"),
        _fk("contribution_version", "workshop_id", "workshop", "CASCADE"),
        _fk("contribution_version", "participant_id", "participant", "SET NULL"),
        _fk("contribution_version", "facilitator_id", "facilitator", "SET NULL"),
    )
    op.create_index("ix_contribution_version_workshop", "contribution_version", ["workshop_id"])
    op.create_index("ix_contribution_version_participant", "contribution_version",
                    ["participant_id"])
    op.execute(
        "insert into contribution_version (contribution_id, workshop_id, number, action,"
        " participant_id, text, payload, status, reason, merged_into_id, detail, created_at)"
        " select id, workshop_id, 1, 'created', participant_id, text, payload, status, reason,"
        " merged_into_id, '{}', updated_at from contribution"
    )


def _enrichment() -> None:
    op.create_table(
        "comment",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("workshop_id", sa.Integer(), nullable=False),
        sa.Column("contribution_id", sa.Integer(), nullable=False),
        sa.Column("participant_id", sa.Integer(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("status", sa.String(10), nullable=False),
        sa.Column("reason", sa.String(280), nullable=True),
        sa.Column("created_at", TZ, nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_comment")),
        _fk("comment", "workshop_id", "workshop", "CASCADE"),
        _fk("comment", "contribution_id", "contribution", "CASCADE"),
        _fk("comment", "participant_id", "participant", "CASCADE"),
    )
    op.create_index("ix_comment_contribution", "comment", ["contribution_id"])
    op.create_index("ix_comment_participant", "comment", ["participant_id"])
    op.create_table(
        "visitor_email",
        sa.Column("participant_id", sa.Integer(), nullable=False),
        sa.Column("email", sa.String(254), nullable=False),
        sa.Column("token_hash", sa.String(64), nullable=False),
        sa.Column("sent_at", TZ, nullable=False),
        sa.Column("confirmed_at", TZ, nullable=True),
        sa.PrimaryKeyConstraint("participant_id", name=op.f("pk_visitor_email")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_visitor_email_token_hash")),
        _fk("visitor_email", "participant_id", "participant", "CASCADE"),
    )


def upgrade() -> None:
    """Create the tables and columns; give every contribution its first version."""
    _columns()
    _versions()
    _enrichment()


def downgrade() -> None:
    """Drop them (the history, comments and visitors' e-mails are lost)."""
    op.drop_table("visitor_email")
    op.drop_index("ix_comment_participant", table_name="comment")
    op.drop_index("ix_comment_contribution", table_name="comment")
    op.drop_table("comment")
    op.drop_index("ix_contribution_version_participant", table_name="contribution_version")
    op.drop_index("ix_contribution_version_workshop", table_name="contribution_version")
    op.drop_table("contribution_version")
    with op.batch_alter_table("facilitator") as batch:
        batch.drop_column("erased_at")
    with op.batch_alter_table("participant") as batch:
        batch.drop_column("erased_at")
        batch.drop_column("visitor")
    with op.batch_alter_table("contribution") as batch:
        batch.drop_column("after_session")
