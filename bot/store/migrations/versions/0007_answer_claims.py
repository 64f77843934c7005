"""questions: who is answering a question and since when, so two experts do not both answer

Revision ID: 0007_answer_claims
Revises: 0006_question_retention
"""

import sqlalchemy as sa
from alembic import op

from bot.store.base import UTCDateTime

revision = "0007_answer_claims"
down_revision = "0006_question_retention"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("questions") as table:
        table.add_column(sa.Column("answering_name", sa.String(255), nullable=True))
        table.add_column(sa.Column("answering_since", UTCDateTime(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("questions") as table:
        table.drop_column("answering_since")
        table.drop_column("answering_name")
