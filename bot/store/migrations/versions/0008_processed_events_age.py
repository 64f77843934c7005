"""core: an index on when each event was claimed, so the daily purge of old ones is a range scan

Revision ID: 0008_processed_events_age
Revises: 0007_answer_claims
"""

from alembic import op

revision = "0008_processed_events_age"
down_revision = "0007_answer_claims"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_processed_events_claimed_at", "processed_events", ["claimed_at"])


def downgrade() -> None:
    op.drop_index("ix_processed_events_claimed_at", "processed_events")
