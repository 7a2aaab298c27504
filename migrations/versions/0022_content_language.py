"""Content stays in its author's language: opportunities and organisations record the language
their text is written in (`written_in`, one of the interface languages), and opportunities may
carry short summaries in other languages (`summaries`, {"fr": "..."}). Existing opportunities take
their author's chosen language when there is one, else English; organisations English.

Revision ID: 0022_content_language
Revises: 0021_reference_translations
"""

from contextlib import contextmanager

import sqlalchemy as sa
from alembic import op

revision = "0022_content_language"
down_revision = "0021_reference_translations"
branch_labels = None
depends_on = None

KNOWN = "written_in IN ('en', 'fr', 'pt', 'es')"
DEADLINE_ORDER = "ix_opportunities_deadline_order"


@contextmanager
def _opportunities_batch():
    """A batch on opportunities. SQLite adds a CHECK by copying the table, which loses the
    expression index of 0008 (the copy carries only plain-column indexes): it is built again."""
    sqlite = op.get_bind().dialect.name == "sqlite"
    if sqlite:
        op.drop_index(DEADLINE_ORDER, table_name="opportunities")
    with op.batch_alter_table("opportunities") as batch_op:
        yield batch_op
    if sqlite:
        op.create_index(
            DEADLINE_ORDER,
            "opportunities",
            ["status", sa.text("(deadline IS NULL)"), "deadline", "starts_on"],
        )


def upgrade():
    with _opportunities_batch() as batch_op:
        batch_op.add_column(sa.Column("written_in", sa.String(length=8), server_default="en", nullable=False))
        batch_op.add_column(sa.Column("summaries", sa.JSON(), server_default="{}", nullable=False))
        batch_op.create_check_constraint("written_in_known", KNOWN)
    with op.batch_alter_table("organisations") as batch_op:
        batch_op.add_column(sa.Column("written_in", sa.String(length=8), server_default="en", nullable=False))
        batch_op.create_check_constraint("written_in_known", KNOWN)
    op.execute(
        "UPDATE opportunities SET written_in = (SELECT users.locale FROM users"
        " WHERE users.id = opportunities.created_by_id)"
        " WHERE created_by_id IN (SELECT id FROM users WHERE locale IN ('fr', 'pt', 'es'))"
    )


def downgrade():
    with op.batch_alter_table("organisations") as batch_op:
        batch_op.drop_constraint("written_in_known", type_="check")
        batch_op.drop_column("written_in")
    with _opportunities_batch() as batch_op:
        batch_op.drop_constraint("written_in_known", type_="check")
        batch_op.drop_column("summaries")
        batch_op.drop_column("written_in")
