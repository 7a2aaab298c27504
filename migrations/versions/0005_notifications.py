"""notification preferences, digests, once-only keys, outbox unsubscribe

Revision ID: 0005_notifications
Revises: 0004_match_rounds
Create Date: 2026-11-28 22:02:58.378136

"""

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "0005_notifications"
down_revision = "0004_match_rounds"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "sent_once",
        sa.Column("key", sa.String(length=120), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_sent_once")),
    )
    op.create_table(
        "notification_preferences",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("category", sa.String(length=20), nullable=False),
        sa.Column("frequency", sa.String(length=10), nullable=False),
        sa.CheckConstraint(
            "frequency IN ('immediate', 'daily', 'weekly', 'off')",
            name=op.f("ck_notification_preferences_frequency_known"),
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_notification_preferences_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_notification_preferences")),
        sa.UniqueConstraint("user_id", "category", name=op.f("uq_notification_preferences_user_id_category")),
    )
    with op.batch_alter_table("notification_preferences", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_notification_preferences_user_id"), ["user_id"], unique=False)

    op.create_table(
        "digest_items",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("category", sa.String(length=20), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("link", sa.String(length=500), nullable=True),
        sa.Column("opportunity_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("digested_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["opportunity_id"],
            ["opportunities.id"],
            name=op.f("fk_digest_items_opportunity_id_opportunities"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_digest_items_user_id_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_digest_items")),
    )
    with op.batch_alter_table("digest_items", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_digest_items_digested_at"), ["digested_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_digest_items_user_id"), ["user_id"], unique=False)

    with op.batch_alter_table("outbox_messages", schema=None) as batch_op:
        batch_op.add_column(sa.Column("unsubscribe_url", sa.String(length=500), nullable=True))
        # A new status, "skipped": the recipient turned this kind of email off before it was sent.
        batch_op.drop_constraint(op.f("ck_outbox_messages_status_known"), type_="check")
        batch_op.create_check_constraint(
            op.f("ck_outbox_messages_status_known"),
            "status IN ('pending', 'sent', 'failed', 'dead', 'skipped')",
        )


def downgrade():
    op.execute("UPDATE outbox_messages SET status = 'dead' WHERE status = 'skipped'")
    with op.batch_alter_table("outbox_messages", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_outbox_messages_status_known"), type_="check")
        batch_op.create_check_constraint(
            op.f("ck_outbox_messages_status_known"), "status IN ('pending', 'sent', 'failed', 'dead')"
        )
        batch_op.drop_column("unsubscribe_url")

    with op.batch_alter_table("digest_items", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_digest_items_user_id"))
        batch_op.drop_index(batch_op.f("ix_digest_items_digested_at"))

    op.drop_table("digest_items")
    with op.batch_alter_table("notification_preferences", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_notification_preferences_user_id"))

    op.drop_table("notification_preferences")
    op.drop_table("sent_once")
