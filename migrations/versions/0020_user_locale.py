"""A user's language: the locale the interface (and later their emails) is shown in; NULL means
"not chosen", so the switcher's cookie or the browser's Accept-Language decides.

Revision ID: 0020_user_locale
Revises: 0019_data_versions
"""

import sqlalchemy as sa
from alembic import op

revision = "0020_user_locale"
down_revision = "0019_data_versions"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("users") as batch_op:
        batch_op.add_column(sa.Column("locale", sa.String(length=8), nullable=True))


def downgrade():
    with op.batch_alter_table("users") as batch_op:
        batch_op.drop_column("locale")
