"""questions: an admin approves or discards a draft FAQ entry (who, when, the entry it became)

Revision ID: 0005_faq_draft_review
Revises: 0004_questions
"""

import sqlalchemy as sa
from alembic import op

from bot.store.base import UTCDateTime

revision = "0005_faq_draft_review"
down_revision = "0004_questions"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("faq_drafts") as table:
        table.add_column(
            sa.Column("status", sa.String(16), nullable=False, server_default="pending")
        )
        table.add_column(sa.Column("decided_by", sa.String(255), nullable=True))
        table.add_column(sa.Column("decided_at", UTCDateTime(), nullable=True))
        table.add_column(sa.Column("entry_id", sa.String(255), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("faq_drafts") as table:
        for column in ("entry_id", "decided_at", "decided_by", "status"):
            table.drop_column(column)
