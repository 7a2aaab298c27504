"""each user's calendar feed gets its own random, revocable token; opportunities keep the one-time
token of the form that created them

Revision ID: 0010_calendar_tokens
Revises: 0009_opportunities_fillfactor
Create Date: 2026-12-02 03:10:00.000000

"""

import secrets

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "0010_calendar_tokens"
down_revision = "0009_opportunities_fillfactor"
branch_labels = None
depends_on = None

BATCH = 5000


def upgrade():
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.add_column(sa.Column("calendar_token", sa.String(length=64), nullable=True))

    # Existing accounts get a token each; their old signed calendar links stop working.
    users = sa.table("users", sa.column("id", sa.Integer), sa.column("calendar_token", sa.String))
    connection = op.get_bind()
    ids = connection.execute(sa.select(users.c.id).where(users.c.calendar_token.is_(None))).scalars().all()
    update = (
        sa.update(users)
        .where(users.c.id == sa.bindparam("user_id"))
        .values(calendar_token=sa.bindparam("token"))
    )
    for start in range(0, len(ids), BATCH):
        connection.execute(
            update, [{"user_id": i, "token": secrets.token_urlsafe(32)} for i in ids[start : start + BATCH]]
        )

    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.alter_column("calendar_token", existing_type=sa.String(length=64), nullable=False)
        batch_op.create_unique_constraint(batch_op.f("uq_users_calendar_token"), ["calendar_token"])

    # A unique index, not a constraint: SQLite adds both without copying the table and its indexes.
    op.add_column("opportunities", sa.Column("form_token", sa.String(length=64), nullable=True))
    op.create_index(op.f("ix_opportunities_form_token"), "opportunities", ["form_token"], unique=True)


def downgrade():
    op.drop_index(op.f("ix_opportunities_form_token"), table_name="opportunities")
    # Not in batch mode, which would copy the table without its expression indexes (0008).
    op.drop_column("opportunities", "form_token")

    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("uq_users_calendar_token"), type_="unique")
        batch_op.drop_column("calendar_token")
