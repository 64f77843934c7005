"""moderation: the files of a held post (issue 18), each encrypted at rest like the post's text,
its name with it (a file's name can name someone)

Revision ID: 0013_moderation_held_files
Revises: 0011_moderation_console
"""

import sqlalchemy as sa
from alembic import op

revision = "0013_moderation_held_files"
down_revision = "0011_moderation_console"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "moderation_held_files",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column(
            "held_post_id",
            sa.Integer(),
            sa.ForeignKey(
                "moderation_held_posts.id",
                name="fk_moderation_held_files_held_post_id_moderation_held_posts",
            ),
            nullable=False,
        ),
        sa.Column("mime_type", sa.String(127), nullable=False),
        sa.Column("content", sa.LargeBinary(), nullable=True),
    )
    op.create_index(
        "ix_moderation_held_files_held_post_id", "moderation_held_files", ["held_post_id"]
    )


def downgrade() -> None:
    op.drop_index("ix_moderation_held_files_held_post_id", "moderation_held_files")
    op.drop_table("moderation_held_files")
