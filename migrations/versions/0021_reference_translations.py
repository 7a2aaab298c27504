"""Reference data carries its translations: a JSON column on interests and training levels holding
each label in French, Portuguese and Spanish ({"fr": {"label": ..., "group": ...}, ...}). Empty
until `flask reference sync` (run after every upgrade) fills it from matcher/reference/taxonomy.py;
until then pages show the English labels.

Columns are added and dropped in place (SQLite 3.35+ drops one natively): a batch would copy the
table and drop the old one, which, with SQLite's foreign keys on, deletes the rows that refer to it.

Revision ID: 0021_reference_translations
Revises: 0020_user_locale
"""

import sqlalchemy as sa
from alembic import op

revision = "0021_reference_translations"
down_revision = "0020_user_locale"
branch_labels = None
depends_on = None

TABLES = ("interests", "training_levels")


def upgrade():
    for table in TABLES:
        op.add_column(table, sa.Column("translations", sa.JSON(), server_default="{}", nullable=False))


def downgrade():
    for table in TABLES:
        op.drop_column(table, "translations")
