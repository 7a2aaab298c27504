"""Background jobs: long work (match runs) recorded for the person who started it, run by the task queue.

Revision ID: 0018_background_jobs
Revises: 0017_withdrawals
"""

import sqlalchemy as sa
from alembic import op

revision = "0018_background_jobs"
down_revision = "0017_withdrawals"
branch_labels = None
depends_on = None

ACTIVE = "status IN ('queued', 'running')"


def upgrade():
    op.create_table(
        "background_jobs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("dedupe_key", sa.String(length=120), nullable=True),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("parameters", sa.JSON(), nullable=False),
        sa.Column("progress_done", sa.Integer(), nullable=False),
        sa.Column("progress_total", sa.Integer(), nullable=True),
        sa.Column("progress_note", sa.String(length=300), nullable=False),
        sa.Column("error", sa.Text(), nullable=True),
        sa.Column("result_url", sa.String(length=500), nullable=True),
        sa.Column("result_label", sa.String(length=200), nullable=True),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("started_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("enqueued_at", sa.DateTime(), nullable=False),
        sa.Column("started_at", sa.DateTime(), nullable=True),
        sa.Column("heartbeat_at", sa.DateTime(), nullable=True),
        sa.Column("finished_at", sa.DateTime(), nullable=True),
        sa.CheckConstraint(
            "status IN ('queued', 'running', 'done', 'failed')", name=op.f("ck_background_jobs_status_known")
        ),
        sa.CheckConstraint("attempts >= 0", name=op.f("ck_background_jobs_attempts_not_negative")),
        sa.CheckConstraint("progress_done >= 0", name=op.f("ck_background_jobs_progress_not_negative")),
        sa.ForeignKeyConstraint(
            ["started_by_id"],
            ["users.id"],
            name=op.f("fk_background_jobs_started_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_background_jobs")),
    )
    with op.batch_alter_table("background_jobs", schema=None) as batch_op:
        batch_op.create_index(
            "uq_background_jobs_active_dedupe_key",
            ["dedupe_key"],
            unique=True,
            sqlite_where=sa.text(ACTIVE),
            postgresql_where=sa.text(ACTIVE),
        )
        batch_op.create_index("ix_background_jobs_status_created_at", ["status", "created_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_background_jobs_started_by_id"), ["started_by_id"], unique=False)


def downgrade():
    with op.batch_alter_table("background_jobs", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_background_jobs_started_by_id"))
        batch_op.drop_index("ix_background_jobs_status_created_at")
        batch_op.drop_index("uq_background_jobs_active_dedupe_key")
    op.drop_table("background_jobs")
