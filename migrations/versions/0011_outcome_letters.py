"""Outcome letters: what each applicant who got no offer in a published round is told, choice by choice.

Revision ID: 0011_outcome_letters
Revises: 0010_calendar_tokens
"""

import sqlalchemy as sa
from alembic import op

revision = "0011_outcome_letters"
down_revision = "0010_calendar_tokens"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "outcome_letters",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("run_id", sa.Integer(), nullable=False),
        sa.Column("applicant_id", sa.Integer(), nullable=False),
        sa.Column("choices", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["applicant_id"],
            ["users.id"],
            name=op.f("fk_outcome_letters_applicant_id_users"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["run_id"],
            ["match_runs.id"],
            name=op.f("fk_outcome_letters_run_id_match_runs"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_outcome_letters")),
        sa.UniqueConstraint("run_id", "applicant_id", name=op.f("uq_outcome_letters_run_id_applicant_id")),
    )
    with op.batch_alter_table("outcome_letters", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_outcome_letters_applicant_id"), ["applicant_id"], unique=False)


def downgrade():
    with op.batch_alter_table("outcome_letters", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_outcome_letters_applicant_id"))
    op.drop_table("outcome_letters")
