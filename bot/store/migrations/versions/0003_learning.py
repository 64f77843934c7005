"""learning: enrolments, deliveries, review cards, badges

Revision ID: 0003_learning
Revises: 0001_core
"""

import sqlalchemy as sa
from alembic import op

from bot.store.base import UTCDateTime

revision = "0003_learning"
down_revision = "0001_core"
branch_labels = ("learning",)
depends_on = None


def upgrade() -> None:
    op.create_table(
        "learning_enrolments",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("platform", sa.String(32), nullable=False),
        sa.Column("user_id", sa.String(128), nullable=False),
        sa.Column("user_name", sa.String(255), nullable=False),
        sa.Column("programme_id", sa.String(64), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("days", sa.String(32), nullable=False),
        sa.Column("at_time", sa.String(5), nullable=False),
        sa.Column("timezone", sa.String(64), nullable=False),
        sa.Column("quiet", sa.String(11), nullable=True),
        sa.Column("task_ids", sa.JSON(), nullable=False),
        sa.Column("missed_in_row", sa.Integer(), nullable=False),
        sa.Column("enrolled_at", UTCDateTime(), nullable=False),
        sa.Column("finished_at", UTCDateTime(), nullable=True),
    )
    op.create_index(
        "ix_learning_enrolments_learner",
        "learning_enrolments",
        ["platform", "user_id", "programme_id"],
        unique=True,
    )
    op.create_table(
        "learning_deliveries",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("key", sa.String(160), nullable=False),
        sa.Column(
            "enrolment_id",
            sa.Integer(),
            sa.ForeignKey(
                "learning_enrolments.id",
                ondelete="CASCADE",
                name="fk_learning_deliveries_enrolment_id_learning_enrolments",
            ),
            nullable=False,
        ),
        sa.Column("task_id", sa.String(64), nullable=False),
        sa.Column("kind", sa.String(8), nullable=False),
        sa.Column("content", sa.JSON(), nullable=False),
        sa.Column("due_at", UTCDateTime(), nullable=False),
        sa.Column("state", sa.String(12), nullable=False),
        sa.Column("claim_token", sa.String(40), nullable=True),
        sa.Column("lease_until", UTCDateTime(), nullable=True),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("sent_at", UTCDateTime(), nullable=True),
        sa.Column("message_id", sa.String(128), nullable=True),
        sa.Column("remind_at", UTCDateTime(), nullable=True),
        sa.Column("reminder", sa.String(8), nullable=True),
        sa.Column("answered_at", UTCDateTime(), nullable=True),
        sa.Column("choice", sa.Integer(), nullable=True),
        sa.Column("correct", sa.Boolean(), nullable=True),
        sa.Column("reflection", sa.Text(), nullable=True),
        sa.Column("held", sa.Boolean(), nullable=False),
        sa.UniqueConstraint("key", name="uq_learning_deliveries_key"),
    )
    op.create_index("ix_learning_deliveries_enrolment_id", "learning_deliveries", ["enrolment_id"])
    op.create_index("ix_learning_deliveries_due", "learning_deliveries", ["state", "due_at"])
    op.create_index(
        "ix_learning_deliveries_remind", "learning_deliveries", ["reminder", "remind_at"]
    )
    op.create_table(
        "learning_review_cards",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column(
            "enrolment_id",
            sa.Integer(),
            sa.ForeignKey(
                "learning_enrolments.id",
                ondelete="CASCADE",
                name="fk_learning_review_cards_enrolment_id_learning_enrolments",
            ),
            nullable=False,
        ),
        sa.Column("task_id", sa.String(64), nullable=False),
        sa.Column("card", sa.JSON(), nullable=False),
        sa.Column("reviews", sa.Integer(), nullable=False),
        sa.Column("retired", sa.Boolean(), nullable=False),
    )
    op.create_index(
        "ix_learning_review_cards_item",
        "learning_review_cards",
        ["enrolment_id", "task_id"],
        unique=True,
    )
    op.create_table(
        "learning_badges",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column(
            "enrolment_id",
            sa.Integer(),
            sa.ForeignKey(
                "learning_enrolments.id",
                ondelete="CASCADE",
                name="fk_learning_badges_enrolment_id_learning_enrolments",
            ),
            nullable=False,
        ),
        sa.Column("credential", sa.Text(), nullable=False),
        sa.Column("issued_at", UTCDateTime(), nullable=False),
        sa.UniqueConstraint("enrolment_id", name="uq_learning_badges_enrolment_id"),
    )


def downgrade() -> None:
    op.drop_table("learning_badges")
    op.drop_table("learning_review_cards")
    op.drop_table("learning_deliveries")
    op.drop_table("learning_enrolments")
