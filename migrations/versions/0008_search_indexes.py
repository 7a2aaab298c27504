"""search indexes: trigram free text (PostgreSQL), listing count, deadline order, review order

Revision ID: 0008_search_indexes
Revises: 0007_home_and_timezones
Create Date: 2026-12-01 13:00:00.000000

The trigram indexes need the pg_trgm extension (in PostgreSQL's contrib; trusted, so a database
owner may create it). Where it is installed already, its schema is used; otherwise it is created in
`public`. Where it cannot be had, those two indexes are skipped with a warning: free-text search
then reads every row, as it does on SQLite. Downgrading drops the indexes and keeps the extension.
"""

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "0008_search_indexes"
down_revision = "0007_home_and_timezones"
branch_labels = None
depends_on = None

TRIGRAM_COLUMNS = ("title", "description")


def upgrade():
    # The public listing's count reads this index only (with the organisation to join), not the rows.
    op.create_index(
        "ix_opportunities_status_organisation", "opportunities", ["status", "organisation_id"], unique=False
    )
    # sort=deadline orders by "deadline IS NULL, deadline, starts_on": the first page comes from here.
    op.create_index(
        "ix_opportunities_deadline_order",
        "opportunities",
        ["status", sa.text("(deadline IS NULL)"), "deadline", "starts_on"],
        unique=False,
    )
    # The review page: a run's matches by from_waitlist DESC, score DESC, id DESC (read backwards).
    op.create_index(
        "ix_matches_run_review", "matches", ["run_id", "from_waitlist", "score", "id"], unique=False
    )

    bind = op.get_bind()
    if bind.dialect.name != "postgresql":
        return
    schema = _trigram_schema(bind)
    if schema is None:
        import warnings

        warnings.warn(
            "pg_trgm is not available: free-text search will scan instead of using an index.", stacklevel=2
        )
        return
    ops = bind.dialect.identifier_preparer.quote_schema(schema) + ".gin_trgm_ops"
    for column in TRIGRAM_COLUMNS:
        op.create_index(
            f"ix_opportunities_{column}_trgm",
            "opportunities",
            [sa.text(f"lower({column}) {ops}")],
            unique=False,
            postgresql_using="gin",
        )


def downgrade():
    if op.get_bind().dialect.name == "postgresql":
        for column in TRIGRAM_COLUMNS:
            op.drop_index(f"ix_opportunities_{column}_trgm", table_name="opportunities", if_exists=True)
    op.drop_index("ix_matches_run_review", table_name="matches")
    op.drop_index("ix_opportunities_deadline_order", table_name="opportunities")
    op.drop_index("ix_opportunities_status_organisation", table_name="opportunities")


def _trigram_schema(bind):
    """The schema pg_trgm is installed in, installing it in `public` if need be; None if impossible."""
    installed = bind.scalar(
        sa.text(
            "SELECT n.nspname FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace "
            "WHERE e.extname = 'pg_trgm'"
        )
    )
    if installed:
        return installed
    if not bind.scalar(sa.text("SELECT 1 FROM pg_available_extensions WHERE name = 'pg_trgm'")):
        return None
    try:
        with bind.begin_nested():  # a failure (no privilege) must not abort the whole migration
            bind.execute(sa.text("CREATE EXTENSION pg_trgm WITH SCHEMA public"))
    except sa.exc.DBAPIError:
        return None
    return "public"
