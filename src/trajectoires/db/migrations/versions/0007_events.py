"""Events: a foresight day or cycle, its programme (talks, workshops) and its files.

Revision ID: 0007_events
Revises: 0006_publication
Create Date: 2026-12-02
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB

revision: str = "0007_events"
down_revision: str | None = "0006_publication"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TZ = sa.DateTime(timezone=True)
LIST = sa.JSON().with_variant(JSONB(), "postgresql")


def _event() -> None:
    op.create_table(
        "event",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("slug", sa.String(80), nullable=False),
        sa.Column("title", sa.String(160), nullable=False),
        sa.Column("summary", sa.Text(), nullable=False),
        sa.Column("territory_kind", sa.String(20), nullable=False),
        sa.Column("territory_code", sa.String(20), nullable=False),
        sa.Column("territory_name", sa.String(200), nullable=False),
        sa.Column("starts_at", TZ, nullable=False),
        sa.Column("ends_at", TZ, nullable=False),
        sa.Column("place", sa.String(300), nullable=False),
        sa.Column("organisers", LIST, nullable=False),
        sa.Column("partners", LIST, nullable=False),
        sa.Column("preparation", sa.Text(), nullable=False),
        sa.Column("links", LIST, nullable=False),
        sa.Column("facilitator_id", sa.Integer(), nullable=False),
        sa.Column("example", sa.Boolean(), nullable=False),
        sa.Column("created_at", TZ, nullable=False),
        sa.Column("updated_at", TZ, nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_event")),
        sa.UniqueConstraint("slug", name=op.f("uq_event_slug")),
        sa.ForeignKeyConstraint(["facilitator_id"], ["facilitator.id"], ondelete="RESTRICT",
                                name=op.f("fk_event_facilitator_id_facilitator")),
    )
    op.create_index("ix_event_territory", "event", ["territory_kind", "territory_code"])
    op.create_index("ix_event_facilitator", "event", ["facilitator_id"])


def _item() -> None:
    op.create_table(
        "event_item",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("event_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(10), nullable=False),
        sa.Column("title", sa.String(200), nullable=False),
        sa.Column("speaker", sa.String(160), nullable=False),
        sa.Column("organisation", sa.String(160), nullable=False),
        sa.Column("summary", sa.Text(), nullable=False),
        sa.Column("starts_at", TZ, nullable=True),
        sa.Column("ends_at", TZ, nullable=True),
        sa.Column("links", LIST, nullable=False),
        sa.Column("workshop_id", sa.Integer(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_event_item")),
        sa.CheckConstraint("kind in ('talk', 'workshop')", name=op.f("ck_event_item_kind")),
        sa.ForeignKeyConstraint(["event_id"], ["event.id"], ondelete="CASCADE",
                                name=op.f("fk_event_item_event_id_event")),
        sa.ForeignKeyConstraint(["workshop_id"], ["workshop.id"], ondelete="CASCADE",
                                name=op.f("fk_event_item_workshop_id_workshop")),
    )
    op.create_index("ix_event_item_event_position", "event_item", ["event_id", "position"])
    op.create_index("ix_event_item_workshop", "event_item", ["workshop_id"])


def _file() -> None:
    op.create_table(
        "event_file",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("event_id", sa.Integer(), nullable=False),
        sa.Column("item_id", sa.Integer(), nullable=True),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("stored_name", sa.String(80), nullable=False),
        sa.Column("content_type", sa.String(40), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("created_at", TZ, nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_event_file")),
        sa.UniqueConstraint("stored_name", name=op.f("uq_event_file_stored_name")),
        sa.ForeignKeyConstraint(["event_id"], ["event.id"], ondelete="CASCADE",
                                name=op.f("fk_event_file_event_id_event")),
        sa.ForeignKeyConstraint(["item_id"], ["event_item.id"], ondelete="CASCADE",
                                name=op.f("fk_event_file_item_id_event_item")),
    )
    op.create_index("ix_event_file_event", "event_file", ["event_id"])


def upgrade() -> None:
    """Create ``event``, ``event_item`` and ``event_file``."""
    _event()
    _item()
    _file()


def downgrade() -> None:
    """Drop the three tables (the files in the workspace folder stay where they are)."""
    op.drop_index("ix_event_file_event", table_name="event_file")
    op.drop_table("event_file")
    op.drop_index("ix_event_item_workshop", table_name="event_item")
    op.drop_index("ix_event_item_event_position", table_name="event_item")
    op.drop_table("event_item")
    op.drop_index("ix_event_facilitator", table_name="event")
    op.drop_index("ix_event_territory", table_name="event")
    op.drop_table("event")
