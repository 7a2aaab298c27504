"""applicant profiles and ranked applications

Profiles (level, home country, places and interests of interest, availability windows, languages,
volunteer teaching, CV metadata) and applications (rank 1..10, unique per applicant and rank,
the organisation's own order in host_rank).

Revision ID: 0003_profiles
Revises: 0002_opportunities
Create Date: 2026-11-28 21:25:44.846057

"""

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "0003_profiles"
down_revision = "0002_opportunities"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "profiles",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("level_rank", sa.Integer(), nullable=True),
        sa.Column("institution", sa.String(length=200), nullable=False),
        sa.Column("home_country_code", sa.String(length=2), nullable=True),
        sa.Column("statement", sa.Text(), nullable=False),
        sa.Column("volunteers_to_teach", sa.Boolean(), nullable=False),
        sa.Column("teaching_weeks", sa.Integer(), nullable=True),
        sa.Column("cv_filename", sa.String(length=64), nullable=True),
        sa.Column("cv_original_name", sa.String(length=200), nullable=True),
        sa.Column("cv_size", sa.Integer(), nullable=True),
        sa.Column("cv_uploaded_at", sa.DateTime(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.CheckConstraint("cv_size IS NULL OR cv_size > 0", name=op.f("ck_profiles_cv_size_positive")),
        sa.CheckConstraint(
            "teaching_weeks IS NULL OR (teaching_weeks >= 1 AND teaching_weeks <= 52)",
            name=op.f("ck_profiles_teaching_weeks_in_range"),
        ),
        sa.CheckConstraint(
            "volunteers_to_teach OR teaching_weeks IS NULL", name=op.f("ck_profiles_weeks_only_if_volunteer")
        ),
        sa.ForeignKeyConstraint(
            ["home_country_code"], ["countries.iso2"], name=op.f("fk_profiles_home_country_code_countries")
        ),
        sa.ForeignKeyConstraint(
            ["level_rank"], ["training_levels.rank"], name=op.f("fk_profiles_level_rank_training_levels")
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_profiles_user_id_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_profiles")),
        sa.UniqueConstraint("cv_filename", name=op.f("uq_profiles_cv_filename")),
        sa.UniqueConstraint("user_id", name=op.f("uq_profiles_user_id")),
    )
    with op.batch_alter_table("profiles", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_profiles_level_rank"), ["level_rank"], unique=False)

    op.create_table(
        "availability_windows",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("profile_id", sa.Integer(), nullable=False),
        sa.Column("starts_on", sa.Date(), nullable=False),
        sa.Column("ends_on", sa.Date(), nullable=False),
        sa.CheckConstraint("ends_on >= starts_on", name=op.f("ck_availability_windows_ends_after_start")),
        sa.ForeignKeyConstraint(
            ["profile_id"],
            ["profiles.id"],
            name=op.f("fk_availability_windows_profile_id_profiles"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_availability_windows")),
    )
    with op.batch_alter_table("availability_windows", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_availability_windows_profile_id"), ["profile_id"], unique=False)

    op.create_table(
        "profile_interests",
        sa.Column("profile_id", sa.Integer(), nullable=False),
        sa.Column("interest_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["interest_id"],
            ["interests.id"],
            name=op.f("fk_profile_interests_interest_id_interests"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["profile_id"],
            ["profiles.id"],
            name=op.f("fk_profile_interests_profile_id_profiles"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("profile_id", "interest_id", name=op.f("pk_profile_interests")),
    )
    with op.batch_alter_table("profile_interests", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_profile_interests_interest_id"), ["interest_id"], unique=False)

    op.create_table(
        "profile_languages",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("profile_id", sa.Integer(), nullable=False),
        sa.Column("language", sa.String(length=3), nullable=False),
        sa.Column("level", sa.String(length=20), nullable=False),
        sa.CheckConstraint(
            "level IN ('basic', 'conversational', 'professional')",
            name=op.f("ck_profile_languages_level_known"),
        ),
        sa.ForeignKeyConstraint(
            ["profile_id"],
            ["profiles.id"],
            name=op.f("fk_profile_languages_profile_id_profiles"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_profile_languages")),
        sa.UniqueConstraint("profile_id", "language", name=op.f("uq_profile_languages_profile_id_language")),
    )
    op.create_table(
        "profile_places",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("profile_id", sa.Integer(), nullable=False),
        sa.Column("scope", sa.String(length=10), nullable=False),
        sa.Column("name", sa.String(length=60), nullable=False),
        sa.CheckConstraint("scope IN ('region', 'subregion')", name=op.f("ck_profile_places_scope_known")),
        sa.ForeignKeyConstraint(
            ["profile_id"],
            ["profiles.id"],
            name=op.f("fk_profile_places_profile_id_profiles"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_profile_places")),
        sa.UniqueConstraint(
            "profile_id", "scope", "name", name=op.f("uq_profile_places_profile_id_scope_name")
        ),
    )
    with op.batch_alter_table("profile_places", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_profile_places_name"), ["name"], unique=False)

    op.create_table(
        "profile_teaching_interests",
        sa.Column("profile_id", sa.Integer(), nullable=False),
        sa.Column("interest_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["interest_id"],
            ["interests.id"],
            name=op.f("fk_profile_teaching_interests_interest_id_interests"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["profile_id"],
            ["profiles.id"],
            name=op.f("fk_profile_teaching_interests_profile_id_profiles"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("profile_id", "interest_id", name=op.f("pk_profile_teaching_interests")),
    )
    with op.batch_alter_table("profile_teaching_interests", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_profile_teaching_interests_interest_id"), ["interest_id"], unique=False
        )

    op.create_table(
        "applications",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("applicant_id", sa.Integer(), nullable=False),
        sa.Column("opportunity_id", sa.Integer(), nullable=False),
        sa.Column("rank", sa.Integer(), nullable=False),
        sa.Column("motivation", sa.Text(), nullable=False),
        sa.Column("host_rank", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.CheckConstraint(
            "host_rank IS NULL OR host_rank >= 1", name=op.f("ck_applications_host_rank_positive")
        ),
        sa.CheckConstraint("rank >= 1 AND rank <= 10", name=op.f("ck_applications_rank_in_range")),
        sa.ForeignKeyConstraint(
            ["applicant_id"],
            ["users.id"],
            name=op.f("fk_applications_applicant_id_users"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["opportunity_id"],
            ["opportunities.id"],
            name=op.f("fk_applications_opportunity_id_opportunities"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_applications")),
        sa.UniqueConstraint(
            "applicant_id", "opportunity_id", name=op.f("uq_applications_applicant_id_opportunity_id")
        ),
        sa.UniqueConstraint("applicant_id", "rank", name=op.f("uq_applications_applicant_id_rank")),
        sa.UniqueConstraint(
            "opportunity_id", "host_rank", name=op.f("uq_applications_opportunity_id_host_rank")
        ),
    )
    with op.batch_alter_table("applications", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_applications_opportunity_id"), ["opportunity_id"], unique=False)


def downgrade():
    with op.batch_alter_table("applications", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_applications_opportunity_id"))

    op.drop_table("applications")
    with op.batch_alter_table("profile_teaching_interests", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_profile_teaching_interests_interest_id"))

    op.drop_table("profile_teaching_interests")
    with op.batch_alter_table("profile_places", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_profile_places_name"))

    op.drop_table("profile_places")
    op.drop_table("profile_languages")
    with op.batch_alter_table("profile_interests", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_profile_interests_interest_id"))

    op.drop_table("profile_interests")
    with op.batch_alter_table("availability_windows", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_availability_windows_profile_id"))

    op.drop_table("availability_windows")
    with op.batch_alter_table("profiles", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_profiles_level_rank"))

    op.drop_table("profiles")
