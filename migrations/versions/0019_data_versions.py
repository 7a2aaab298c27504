"""Data versions: a token per kind of data (the reference tables), changed with the data, so that
each process knows when what it keeps from that data is out of date.

Revision ID: 0019_data_versions
Revises: 0018_background_jobs
"""

import uuid

import sqlalchemy as sa
from alembic import op

revision = "0019_data_versions"
down_revision = "0018_background_jobs"
branch_labels = None
depends_on = None


def upgrade():
    table = op.create_table(
        "data_versions",
        sa.Column("name", sa.String(length=40), nullable=False),
        sa.Column("token", sa.String(length=32), nullable=False),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_data_versions")),
    )
    op.bulk_insert(table, [{"name": "reference", "token": uuid.uuid4().hex}])


def downgrade():
    op.drop_table("data_versions")
