"""questions: an index on asked_at for the web console's weekly figures

Revision ID: 0012_questions_asked_index
Revises: 0009_question_choices
"""

from alembic import op

revision = "0012_questions_asked_index"
down_revision = "0009_question_choices"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_questions_asked_at", "questions", ["asked_at"])


def downgrade() -> None:
    op.drop_index("ix_questions_asked_at", table_name="questions")
