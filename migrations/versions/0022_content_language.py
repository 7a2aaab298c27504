"""Content stays in its author's language: opportunities and organisations record the language
their text is written in (`written_in`, one of the interface languages), and opportunities may
carry short summaries in other languages (`summaries`, {"fr": "..."}). Existing opportunities take
their author's chosen language when there is one, else English; organisations English.

Columns are added and dropped in place. The CHECK on `written_in` is added on PostgreSQL only:
SQLite can add one only by copying the table, and dropping the old copy with foreign keys on
would delete every application, interest link and placement that refers to it.

Revision ID: 0022_content_language
Revises: 0021_reference_translations
"""

import sqlalchemy as sa
from alembic import op

revision = "0022_content_language"
down_revision = "0021_reference_translations"
branch_labels = None
depends_on = None

TABLES = ("opportunities", "organisations")
KNOWN = "written_in IN ('en', 'fr', 'pt', 'es')"


def _checks() -> bool:
    return op.get_bind().dialect.name != "sqlite"


def upgrade():
    for table in TABLES:
        op.add_column(
            table, sa.Column("written_in", sa.String(length=8), server_default="en", nullable=False)
        )
        if _checks():
            op.create_check_constraint(op.f(f"ck_{table}_written_in_known"), table, KNOWN)
    op.add_column("opportunities", sa.Column("summaries", sa.JSON(), server_default="{}", nullable=False))
    op.execute(
        "UPDATE opportunities SET written_in = (SELECT users.locale FROM users"
        " WHERE users.id = opportunities.created_by_id)"
        " WHERE created_by_id IN (SELECT id FROM users WHERE locale IN ('fr', 'pt', 'es'))"
    )


def downgrade():
    op.drop_column("opportunities", "summaries")
    for table in reversed(TABLES):
        if _checks():
            op.drop_constraint(op.f(f"ck_{table}_written_in_known"), table, type_="check")
        op.drop_column(table, "written_in")
