"""questions: questions asked, answers, feedback, escalations, draft FAQ entries

Revision ID: 0004_questions
Revises: 0001_core
"""

import sqlalchemy as sa
from alembic import op

from bot.store.base import UTCDateTime

revision = "0004_questions"
down_revision = "0001_core"
branch_labels = ("questions",)
depends_on = None


def upgrade() -> None:
    op.create_table(
        "questions",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("platform", sa.String(32), nullable=False),
        sa.Column("chat_id", sa.String(128), nullable=False),
        sa.Column("chat_kind", sa.String(16), nullable=False),
        sa.Column("chat_title", sa.String(255), nullable=True),
        sa.Column("thread_id", sa.String(128), nullable=True),
        sa.Column("user_id", sa.String(128), nullable=False),
        sa.Column("user_name", sa.String(255), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("entry_id", sa.String(255), nullable=True),
        sa.Column("confidence", sa.Float(), nullable=False),
        sa.Column("status", sa.String(24), nullable=False, index=True),
        sa.Column("feedback", sa.String(16), nullable=True),
        sa.Column("answering_by", sa.String(160), nullable=True),
        sa.Column("expert_name", sa.String(255), nullable=True),
        sa.Column("expert_answer", sa.Text(), nullable=True),
        sa.Column("asked_at", UTCDateTime(), nullable=False),
        sa.Column("answered_at", UTCDateTime(), nullable=True),
    )
    op.create_table(
        "faq_drafts",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("question_id", sa.Integer(), nullable=False, unique=True),
        sa.Column("question", sa.Text(), nullable=False),
        sa.Column("answer", sa.Text(), nullable=False),
        sa.Column("saved_by", sa.String(255), nullable=False),
        sa.Column("saved_at", UTCDateTime(), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("faq_drafts")
    op.drop_table("questions")
