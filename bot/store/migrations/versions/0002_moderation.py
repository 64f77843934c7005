"""moderation: held posts (original encrypted) and the append-only audit log of decisions

Revision ID: 0002_moderation
Revises: 0001_core
"""

import sqlalchemy as sa
from alembic import op

from bot.store.base import UTCDateTime

revision = "0002_moderation"
down_revision = "0001_core"
branch_labels = ("moderation",)
depends_on = None


def upgrade() -> None:
    op.create_table(
        "moderation_held_posts",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("platform", sa.String(32), nullable=False),
        sa.Column("chat_id", sa.String(128), nullable=False),
        sa.Column("chat_title", sa.String(255), nullable=True),
        sa.Column("message_id", sa.String(128), nullable=False),
        sa.Column("thread_id", sa.String(128), nullable=True),
        sa.Column("author_id", sa.String(128), nullable=False),
        sa.Column("author_name", sa.String(255), nullable=False),
        sa.Column("posted_at", UTCDateTime(), nullable=False),
        sa.Column("held_at", UTCDateTime(), nullable=False),
        sa.Column("mode", sa.String(16), nullable=False),
        sa.Column("removed", sa.Boolean(), nullable=False),
        sa.Column("types", sa.JSON(), nullable=False),
        sa.Column("preview", sa.Text(), nullable=False),
        sa.Column("original", sa.LargeBinary(), nullable=True),
        sa.Column("card_chat_id", sa.String(128), nullable=True),
        sa.Column("card_message_id", sa.String(128), nullable=True),
        sa.Column("decision", sa.String(16), nullable=True),
        sa.Column("decided_by", sa.String(255), nullable=True),
        sa.Column("decided_at", UTCDateTime(), nullable=True),
        sa.Column("purged_at", UTCDateTime(), nullable=True),
    )
    op.create_index(
        "ix_moderation_held_posts_message",
        "moderation_held_posts",
        ["platform", "chat_id", "message_id"],
    )
    op.create_index("ix_moderation_held_posts_decision", "moderation_held_posts", ["decision"])
    op.create_table(
        "moderation_audit",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column(
            "held_post_id",
            sa.Integer(),
            sa.ForeignKey(
                "moderation_held_posts.id",
                name="fk_moderation_audit_held_post_id_moderation_held_posts",
            ),
            nullable=False,
        ),
        sa.Column("action", sa.String(32), nullable=False),
        sa.Column("actor", sa.String(255), nullable=False),
        sa.Column("at", UTCDateTime(), nullable=False),
    )
    op.create_index("ix_moderation_audit_held_post_id", "moderation_audit", ["held_post_id"])
    # Append-only in the database itself, not only by convention in the code.
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            "CREATE FUNCTION moderation_audit_append_only() RETURNS trigger AS $$ BEGIN "
            "RAISE EXCEPTION 'the moderation audit log is append-only'; END; $$ LANGUAGE plpgsql"
        )
        op.execute(
            "CREATE TRIGGER moderation_audit_append_only BEFORE UPDATE OR DELETE ON "
            "moderation_audit FOR EACH ROW EXECUTE FUNCTION moderation_audit_append_only()"
        )
    else:
        for event in ("UPDATE", "DELETE"):
            op.execute(
                f"CREATE TRIGGER moderation_audit_no_{event.lower()} BEFORE {event} ON "
                "moderation_audit BEGIN SELECT RAISE(ABORT, "
                "'the moderation audit log is append-only'); END"
            )


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS moderation_audit_append_only ON moderation_audit")
        op.execute("DROP FUNCTION IF EXISTS moderation_audit_append_only()")
    op.drop_table("moderation_audit")
    op.drop_table("moderation_held_posts")
