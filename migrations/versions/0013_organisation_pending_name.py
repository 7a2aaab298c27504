"""A verified organisation's new name waits for a coordinator (issue 16).

Revision ID: 0013_organisation_pending_name
Revises: 0011_outcome_letters
"""

import sqlalchemy as sa
from alembic import op

revision = "0013_organisation_pending_name"
down_revision = "0011_outcome_letters"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("organisations") as batch:
        batch.add_column(sa.Column("pending_name", sa.String(length=160), nullable=True))


def downgrade():
    with op.batch_alter_table("organisations") as batch:
        batch.drop_column("pending_name")
