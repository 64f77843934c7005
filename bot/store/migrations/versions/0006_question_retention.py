"""questions: when a question's words were deleted under the retention policy

Revision ID: 0006_question_retention
Revises: 0005_faq_draft_review
"""

import sqlalchemy as sa
from alembic import op

from bot.store.base import UTCDateTime

revision = "0006_question_retention"
down_revision = "0005_faq_draft_review"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("questions") as table:
        table.add_column(sa.Column("purged_at", UTCDateTime(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("questions") as table:
        table.drop_column("purged_at")
