"""moderation: each held post keeps its findings' reasons in plain words for the card
("first name in a post about a fall"), never the words found

Revision ID: 0010_held_post_explanations
Revises: 0002_moderation
"""

import sqlalchemy as sa
from alembic import op

revision = "0010_held_post_explanations"
down_revision = "0002_moderation"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("moderation_held_posts") as table:
        table.add_column(sa.Column("explanations", sa.JSON(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("moderation_held_posts") as table:
        table.drop_column("explanations")
