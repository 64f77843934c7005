"""core: the actions each event's handling performed, so a takeover after a crash repeats none
(bot/effects.py)

Revision ID: 0014_event_effects
Revises: 0001_core
"""

import sqlalchemy as sa
from alembic import op

from bot.store.base import UTCDateTime

revision = "0014_event_effects"
down_revision = "0001_core"
branch_labels = ("effects",)
depends_on = None


def upgrade() -> None:
    op.create_table(
        "event_effects",
        sa.Column("event_key", sa.String(255), nullable=False),
        sa.Column("mark", sa.String(64), nullable=False),
        sa.Column("message_id", sa.String(128), nullable=True),
        sa.Column("at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("event_key", "mark", name=op.f("pk_event_effects")),
    )
    op.create_index(op.f("ix_event_effects_at"), "event_effects", ["at"])


def downgrade() -> None:
    op.drop_index(op.f("ix_event_effects_at"), table_name="event_effects")
    op.drop_table("event_effects")
