"""Withdrawals: when an applicant withdrew an application, so "My applications" can say so.

Revision ID: 0017_withdrawals
Revises: 0016_outbox_job_skips
"""

import sqlalchemy as sa
from alembic import op

revision = "0017_withdrawals"
down_revision = "0016_outbox_job_skips"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "withdrawals",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("applicant_id", sa.Integer(), nullable=False),
        sa.Column("opportunity_id", sa.Integer(), nullable=False),
        sa.Column("withdrawn_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["applicant_id"], ["users.id"], name=op.f("fk_withdrawals_applicant_id_users"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["opportunity_id"],
            ["opportunities.id"],
            name=op.f("fk_withdrawals_opportunity_id_opportunities"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_withdrawals")),
        sa.UniqueConstraint(
            "applicant_id", "opportunity_id", name=op.f("uq_withdrawals_applicant_id_opportunity_id")
        ),
    )
    with op.batch_alter_table("withdrawals", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_withdrawals_opportunity_id"), ["opportunity_id"], unique=False)


def downgrade():
    with op.batch_alter_table("withdrawals", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_withdrawals_opportunity_id"))
    op.drop_table("withdrawals")
