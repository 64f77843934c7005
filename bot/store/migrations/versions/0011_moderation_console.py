"""moderation: the reason a moderator gave to see an original (web console), and the indexes
the console's weekly figures read by

Revision ID: 0011_moderation_console
Revises: 0010_held_post_explanations
"""

import sqlalchemy as sa
from alembic import op

revision = "0011_moderation_console"
down_revision = "0010_held_post_explanations"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("moderation_audit") as table:
        table.add_column(sa.Column("reason", sa.Text(), nullable=True))
    op.create_index("ix_moderation_held_posts_held_at", "moderation_held_posts", ["held_at"])
    op.create_index("ix_moderation_audit_at", "moderation_audit", ["at"])


def downgrade() -> None:
    op.drop_index("ix_moderation_audit_at", table_name="moderation_audit")
    op.drop_index("ix_moderation_held_posts_held_at", table_name="moderation_held_posts")
    with op.batch_alter_table("moderation_audit") as table:
        table.drop_column("reason")
