"""organisations and opportunities

Revision ID: 0002_opportunities
Revises: 0001_foundation
Create Date: 2026-11-28 21:19:33.139755

"""

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "0002_opportunities"
down_revision = "0001_foundation"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "opportunities",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("type", sa.String(length=30), nullable=False),
        sa.Column("host_institution", sa.String(length=200), nullable=False),
        sa.Column("city", sa.String(length=100), nullable=False),
        sa.Column("country_code", sa.String(length=2), nullable=False),
        sa.Column("level_min", sa.Integer(), nullable=False),
        sa.Column("level_max", sa.Integer(), nullable=False),
        sa.Column("starts_on", sa.Date(), nullable=False),
        sa.Column("ends_on", sa.Date(), nullable=False),
        sa.Column("flexible", sa.Boolean(), nullable=False),
        sa.Column("min_weeks", sa.Integer(), nullable=True),
        sa.Column("capacity", sa.Integer(), nullable=False),
        sa.Column("places_filled", sa.Integer(), nullable=False),
        sa.Column("fee_amount", sa.Numeric(precision=10, scale=2), nullable=True),
        sa.Column("fee_currency", sa.String(length=3), nullable=True),
        sa.Column("accommodation_provided", sa.Boolean(), nullable=False),
        sa.Column("stipend_provided", sa.Boolean(), nullable=False),
        sa.Column("deadline", sa.Date(), nullable=True),
        sa.Column("requirements", sa.Text(), nullable=False),
        sa.Column("needs_visa", sa.Boolean(), nullable=False),
        sa.Column("needs_temporary_licence", sa.Boolean(), nullable=False),
        sa.Column("needs_indemnity", sa.Boolean(), nullable=False),
        sa.Column("needs_immunisations", sa.Boolean(), nullable=False),
        sa.Column("contact_name", sa.String(length=120), nullable=False),
        sa.Column("contact_email", sa.String(length=254), nullable=False),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("published_at", sa.DateTime(), nullable=True),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.CheckConstraint(
            "status IN ('draft', 'published', 'closed', 'archived')",
            name=op.f("ck_opportunities_status_known"),
        ),
        sa.CheckConstraint(
            "type IN ('clinical_elective', 'observership', 'teaching_visit', 'research', 'fieldwork')",
            name=op.f("ck_opportunities_type_known"),
        ),
        sa.CheckConstraint("capacity >= 1", name=op.f("ck_opportunities_capacity_positive")),
        sa.CheckConstraint(
            "deadline IS NULL OR deadline <= starts_on", name=op.f("ck_opportunities_deadline_before_start")
        ),
        sa.CheckConstraint("ends_on >= starts_on", name=op.f("ck_opportunities_ends_after_start")),
        sa.CheckConstraint(
            "fee_amount IS NULL OR fee_amount >= 0", name=op.f("ck_opportunities_fee_not_negative")
        ),
        sa.CheckConstraint("level_min <= level_max", name=op.f("ck_opportunities_level_range_ordered")),
        sa.CheckConstraint(
            "min_weeks IS NULL OR min_weeks >= 1", name=op.f("ck_opportunities_min_weeks_positive")
        ),
        sa.CheckConstraint(
            "places_filled >= 0 AND places_filled <= capacity",
            name=op.f("ck_opportunities_places_within_capacity"),
        ),
        sa.ForeignKeyConstraint(
            ["country_code"], ["countries.iso2"], name=op.f("fk_opportunities_country_code_countries")
        ),
        sa.ForeignKeyConstraint(
            ["created_by_id"],
            ["users.id"],
            name=op.f("fk_opportunities_created_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["level_max"], ["training_levels.rank"], name=op.f("fk_opportunities_level_max_training_levels")
        ),
        sa.ForeignKeyConstraint(
            ["level_min"], ["training_levels.rank"], name=op.f("fk_opportunities_level_min_training_levels")
        ),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisations.id"],
            name=op.f("fk_opportunities_organisation_id_organisations"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_opportunities")),
    )
    with op.batch_alter_table("opportunities", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_opportunities_country_code"), ["country_code"], unique=False)
        batch_op.create_index(batch_op.f("ix_opportunities_deadline"), ["deadline"], unique=False)
        batch_op.create_index("ix_opportunities_levels", ["level_min", "level_max"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_opportunities_organisation_id"), ["organisation_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_opportunities_published_at"), ["published_at"], unique=False)
        batch_op.create_index("ix_opportunities_search", ["status", "starts_on"], unique=False)

    op.create_table(
        "organisation_countries",
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("country_code", sa.String(length=2), nullable=False),
        sa.ForeignKeyConstraint(
            ["country_code"],
            ["countries.iso2"],
            name=op.f("fk_organisation_countries_country_code_countries"),
        ),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisations.id"],
            name=op.f("fk_organisation_countries_organisation_id_organisations"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("organisation_id", "country_code", name=op.f("pk_organisation_countries")),
    )
    op.create_table(
        "organisation_invites",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("email", sa.String(length=254), nullable=False),
        sa.Column("invited_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("accepted_at", sa.DateTime(), nullable=True),
        sa.Column("accepted_by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["accepted_by_id"],
            ["users.id"],
            name=op.f("fk_organisation_invites_accepted_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["invited_by_id"],
            ["users.id"],
            name=op.f("fk_organisation_invites_invited_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisations.id"],
            name=op.f("fk_organisation_invites_organisation_id_organisations"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_organisation_invites")),
    )
    with op.batch_alter_table("organisation_invites", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_organisation_invites_organisation_id"), ["organisation_id"], unique=False
        )

    op.create_table(
        "opportunity_interests",
        sa.Column("opportunity_id", sa.Integer(), nullable=False),
        sa.Column("interest_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["interest_id"],
            ["interests.id"],
            name=op.f("fk_opportunity_interests_interest_id_interests"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["opportunity_id"],
            ["opportunities.id"],
            name=op.f("fk_opportunity_interests_opportunity_id_opportunities"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("opportunity_id", "interest_id", name=op.f("pk_opportunity_interests")),
    )
    with op.batch_alter_table("opportunity_interests", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_opportunity_interests_interest_id"), ["interest_id"], unique=False
        )

    op.create_table(
        "opportunity_languages",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("opportunity_id", sa.Integer(), nullable=False),
        sa.Column("language", sa.String(length=3), nullable=False),
        sa.Column("level", sa.String(length=20), nullable=False),
        sa.CheckConstraint(
            "level IN ('basic', 'conversational', 'professional')",
            name=op.f("ck_opportunity_languages_level_known"),
        ),
        sa.ForeignKeyConstraint(
            ["opportunity_id"],
            ["opportunities.id"],
            name=op.f("fk_opportunity_languages_opportunity_id_opportunities"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_opportunity_languages")),
        sa.UniqueConstraint(
            "opportunity_id", "language", name=op.f("uq_opportunity_languages_opportunity_id_language")
        ),
    )
    with op.batch_alter_table("opportunity_languages", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_opportunity_languages_language"), ["language"], unique=False)

    with op.batch_alter_table("organisations", schema=None) as batch_op:
        batch_op.add_column(sa.Column("rejected_at", sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column("rejection_reason", sa.Text(), nullable=True))


def downgrade():
    with op.batch_alter_table("organisations", schema=None) as batch_op:
        batch_op.drop_column("rejection_reason")
        batch_op.drop_column("rejected_at")

    with op.batch_alter_table("opportunity_languages", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_opportunity_languages_language"))

    op.drop_table("opportunity_languages")
    with op.batch_alter_table("opportunity_interests", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_opportunity_interests_interest_id"))

    op.drop_table("opportunity_interests")
    with op.batch_alter_table("organisation_invites", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_organisation_invites_organisation_id"))

    op.drop_table("organisation_invites")
    op.drop_table("organisation_countries")
    with op.batch_alter_table("opportunities", schema=None) as batch_op:
        batch_op.drop_index("ix_opportunities_search")
        batch_op.drop_index(batch_op.f("ix_opportunities_published_at"))
        batch_op.drop_index(batch_op.f("ix_opportunities_organisation_id"))
        batch_op.drop_index("ix_opportunities_levels")
        batch_op.drop_index(batch_op.f("ix_opportunities_deadline"))
        batch_op.drop_index(batch_op.f("ix_opportunities_country_code"))

    op.drop_table("opportunities")
