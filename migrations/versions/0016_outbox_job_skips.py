"""Outbox jobs record the rows they skipped: how many, and the last error.

A row that cannot be turned into an email (a bad value saved before it was refused) is skipped
and counted, so that it never holds back the rest of a publication's emails.

Revision ID: 0016_outbox_job_skips
Revises: 0013_organisation_pending_name
"""

import sqlalchemy as sa
from alembic import op

revision = "0016_outbox_job_skips"
down_revision = "0013_organisation_pending_name"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("outbox_jobs", schema=None) as batch_op:
        batch_op.add_column(sa.Column("skipped", sa.Integer(), server_default="0", nullable=False))
        batch_op.add_column(sa.Column("last_error", sa.Text(), nullable=True))


def downgrade():
    with op.batch_alter_table("outbox_jobs", schema=None) as batch_op:
        batch_op.drop_column("last_error")
        batch_op.drop_column("skipped")
