"""Workshop kinds as the extension point: one generic contribution store.

Statements of the open debate become contributions of type ``statement`` (same ids,
``hidden`` becomes the status ``hidden``); votes point at contributions; workshops
lose the database constraint on their phase (the kind's manifest checks it) and gain
settings, a lock, a timer and an example flag; participants gain an organisation, a
role, a table and the actor they speak for; tables and priority points are new.

Revision ID: 0003_contributions
Revises: 0002_indicators
Create Date: 2026-12-02
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB

revision: str = "0003_contributions"
down_revision: str | None = "0002_indicators"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TZ = sa.DateTime(timezone=True)
PAYLOAD = sa.JSON().with_variant(JSONB(), "postgresql")


def _workshop_columns() -> None:
    with op.batch_alter_table("workshop") as batch:
        batch.drop_constraint(op.f("ck_workshop_status"), type_="check")
        batch.alter_column("status", type_=sa.String(40), existing_type=sa.String(10))
        batch.add_column(sa.Column("settings", PAYLOAD, nullable=False, server_default="{}"))
        batch.add_column(
            sa.Column("locked", sa.Boolean(), nullable=False, server_default=sa.false())
        )
        batch.add_column(sa.Column("timer_ends_at", TZ, nullable=True))
        batch.add_column(sa.Column("timer_label", sa.String(80), nullable=True))
        batch.add_column(
            sa.Column("example", sa.Boolean(), nullable=False, server_default=sa.false())
        )
    with op.batch_alter_table("workshop") as batch:  # defaults live in the models
        batch.alter_column("settings", server_default=None, existing_type=PAYLOAD)
        batch.alter_column("locked", server_default=None, existing_type=sa.Boolean())
        batch.alter_column("example", server_default=None, existing_type=sa.Boolean())


def _tables() -> None:
    op.create_table(
        "workshop_table",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("workshop_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(60), nullable=False),
        sa.Column("created_at", TZ, nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_workshop_table")),
        sa.UniqueConstraint("workshop_id", "name", name=op.f("uq_workshop_table_workshop_id")),
        sa.ForeignKeyConstraint(
            ["workshop_id"], ["workshop.id"], ondelete="CASCADE",
            name=op.f("fk_workshop_table_workshop_id_workshop"),
        ),
    )


def _contributions() -> None:
    op.create_table(
        "contribution",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("workshop_id", sa.Integer(), nullable=False),
        sa.Column("participant_id", sa.Integer(), nullable=True),
        sa.Column("type", sa.String(40), nullable=False),
        sa.Column("parent_id", sa.Integer(), nullable=True),
        sa.Column("table_id", sa.Integer(), nullable=True),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("payload", PAYLOAD, nullable=False),
        sa.Column("status", sa.String(10), nullable=False),
        sa.Column("reason", sa.String(280), nullable=True),
        sa.Column("merged_into_id", sa.Integer(), nullable=True),
        sa.Column("on_paper", sa.Boolean(), nullable=False),
        sa.Column("created_at", TZ, nullable=False),
        sa.Column("updated_at", TZ, nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_contribution")),
        sa.CheckConstraint(
            "status in ('visible', 'hidden', 'pending', 'merged')",
            name=op.f("ck_contribution_status"),
        ),
        sa.ForeignKeyConstraint(
            ["workshop_id"], ["workshop.id"], ondelete="CASCADE",
            name=op.f("fk_contribution_workshop_id_workshop"),
        ),
        sa.ForeignKeyConstraint(
            ["participant_id"], ["participant.id"], ondelete="CASCADE",
            name=op.f("fk_contribution_participant_id_participant"),
        ),
        sa.ForeignKeyConstraint(
            ["parent_id"], ["contribution.id"], ondelete="CASCADE",
            name=op.f("fk_contribution_parent_id_contribution"),
        ),
        sa.ForeignKeyConstraint(
            ["table_id"], ["workshop_table.id"], ondelete="SET NULL",
            name=op.f("fk_contribution_table_id_workshop_table"),
        ),
        sa.ForeignKeyConstraint(
            ["merged_into_id"], ["contribution.id"], ondelete="SET NULL",
            name=op.f("fk_contribution_merged_into_id_contribution"),
        ),
    )
    op.create_index("ix_contribution_workshop_id_id", "contribution", ["workshop_id", "id"])
    op.create_index("ix_contribution_participant", "contribution", ["participant_id"])


def _copy_statements() -> None:
    bind = op.get_bind()
    as_payload = (
        "json_build_object('text', text)::jsonb" if bind.dialect.name == "postgresql"
        else "json_object('text', text)"
    )
    copy = (  # constant text, no user input
        "insert into contribution (id, workshop_id, participant_id, type, text, payload, status,"  # noqa: S608
        " on_paper, created_at, updated_at)"
        f" select id, workshop_id, participant_id, 'statement', text, {as_payload},"
        " case when hidden then 'hidden' else 'visible' end, false, created_at, created_at"
        " from statement"
    )
    op.execute(copy)
    if bind.dialect.name == "postgresql":
        op.execute(
            "select setval(pg_get_serial_sequence('contribution', 'id'),"
            " coalesce((select max(id) from contribution), 0) + 1, false)"
        )


def _votes_on_contributions() -> None:
    op.drop_index("ix_vote_statement_value", table_name="vote")
    with op.batch_alter_table("vote") as batch:
        batch.drop_constraint(op.f("fk_vote_statement_id_statement"), type_="foreignkey")
        batch.alter_column(
            "statement_id", new_column_name="contribution_id", existing_type=sa.Integer(),
            existing_nullable=False,
        )
    with op.batch_alter_table("vote") as batch:  # one batch renaming and adding loses the key
        batch.create_foreign_key(
            op.f("fk_vote_contribution_id_contribution"), "contribution", ["contribution_id"],
            ["id"], ondelete="CASCADE",
        )
    op.create_index("ix_vote_contribution_value", "vote", ["contribution_id", "value"])


def _participant_columns() -> None:
    with op.batch_alter_table("participant") as batch:
        batch.add_column(sa.Column("organisation", sa.String(120), nullable=True))
        batch.add_column(sa.Column("role", sa.String(20), nullable=True))
        batch.add_column(sa.Column("table_id", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("actor_id", sa.Integer(), nullable=True))
        batch.create_foreign_key(
            op.f("fk_participant_table_id_workshop_table"), "workshop_table", ["table_id"], ["id"],
            ondelete="SET NULL",
        )


def _priority_points() -> None:
    op.create_table(
        "priority_points",
        sa.Column("participant_id", sa.Integer(), nullable=False),
        sa.Column("contribution_id", sa.Integer(), nullable=False),
        sa.Column("points", sa.SmallInteger(), nullable=False),
        sa.Column("updated_at", TZ, nullable=False),
        sa.PrimaryKeyConstraint(
            "participant_id", "contribution_id", name=op.f("pk_priority_points")
        ),
        sa.CheckConstraint("points > 0", name=op.f("ck_priority_points_points")),
        sa.ForeignKeyConstraint(
            ["participant_id"], ["participant.id"], ondelete="CASCADE",
            name=op.f("fk_priority_points_participant_id_participant"),
        ),
        sa.ForeignKeyConstraint(
            ["contribution_id"], ["contribution.id"], ondelete="CASCADE",
            name=op.f("fk_priority_points_contribution_id_contribution"),
        ),
    )
    op.create_index(
        "ix_priority_points_contribution", "priority_points", ["contribution_id"]
    )


def upgrade() -> None:
    _workshop_columns()
    _tables()
    _contributions()
    _copy_statements()
    _votes_on_contributions()
    op.drop_index("ix_statement_workshop_id_id", table_name="statement")
    op.drop_index("ix_statement_participant", table_name="statement")
    op.drop_table("statement")
    _participant_columns()
    _priority_points()


def downgrade() -> None:
    op.drop_table("priority_points")
    with op.batch_alter_table("participant") as batch:
        batch.drop_constraint(op.f("fk_participant_table_id_workshop_table"), type_="foreignkey")
        for column in ("actor_id", "table_id", "role", "organisation"):
            batch.drop_column(column)
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
    op.execute(  # only what the debate can hold: its statements written by participants
        "insert into statement (id, workshop_id, participant_id, text, hidden, created_at)"
        " select id, workshop_id, participant_id, substr(text, 1, 280), status <> 'visible',"
        " created_at from contribution where type = 'statement' and participant_id is not null"
    )
    op.execute("delete from vote where contribution_id not in (select id from statement)")
    op.drop_index("ix_vote_contribution_value", table_name="vote")
    with op.batch_alter_table("vote") as batch:
        batch.drop_constraint(op.f("fk_vote_contribution_id_contribution"), type_="foreignkey")
        batch.alter_column(
            "contribution_id", new_column_name="statement_id", existing_type=sa.Integer(),
            existing_nullable=False,
        )
    with op.batch_alter_table("vote") as batch:
        batch.create_foreign_key(
            op.f("fk_vote_statement_id_statement"), "statement", ["statement_id"], ["id"],
            ondelete="CASCADE",
        )
    op.create_index("ix_vote_statement_value", "vote", ["statement_id", "value"])
    op.drop_table("contribution")
    op.drop_table("workshop_table")
    other_kinds = "select id from workshop where kind <> 'debate'"  # the old schema knew one
    op.execute(f"delete from vote where participant_id in"  # noqa: S608 (constant text)
               f" (select id from participant where workshop_id in ({other_kinds}))")
    op.execute(f"delete from participant where workshop_id in ({other_kinds})")  # noqa: S608
    op.execute("delete from workshop where kind <> 'debate'")
    with op.batch_alter_table("workshop") as batch:
        for column in ("example", "timer_label", "timer_ends_at", "locked", "settings"):
            batch.drop_column(column)
        batch.alter_column("status", type_=sa.String(10), existing_type=sa.String(40))
        batch.create_check_constraint("status", "status in ('draft', 'open', 'closed')")
