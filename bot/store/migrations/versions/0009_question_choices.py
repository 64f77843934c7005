"""questions: the entries a question was offered (choices, and what "None of these" passes on),
and draft FAQ entries that are a new phrasing of an existing entry rather than a new answer

Revision ID: 0009_question_choices
Revises: 0008_processed_events_age
"""

import sqlalchemy as sa
from alembic import op

revision = "0009_question_choices"
down_revision = "0008_processed_events_age"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("questions") as table:
        table.add_column(sa.Column("candidates", sa.Text(), nullable=True))
    with op.batch_alter_table("faq_drafts") as table:
        table.add_column(sa.Column("kind", sa.String(16), nullable=False, server_default="answer"))


def downgrade() -> None:
    with op.batch_alter_table("faq_drafts") as table:
        table.drop_column("kind")
    with op.batch_alter_table("questions") as table:
        table.drop_column("candidates")
