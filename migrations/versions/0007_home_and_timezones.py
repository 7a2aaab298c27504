"""home page further-reading links; each user's time zone

Revision ID: 0007_home_and_timezones
Revises: 0006_outbox_jobs
Create Date: 2026-11-29 09:00:00.000000

"""

from datetime import UTC, datetime

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "0007_home_and_timezones"
down_revision = "0006_outbox_jobs"
branch_labels = None
depends_on = None

# Every fresh install starts with these; coordinators edit them at /coordination/reading.
DEFAULT_LINKS = [
    (
        "An open letter to the WHO on interventional radiology and global health",
        "https://interventionalnews.com/who-address-ir-low-income-countries/",
        "IR societies, SAFIRE and Road2IR ask the WHO to act on the lack of IR in low-income countries.",
    ),
    (
        "Launching an interventional radiology training scheme in Tanzania",
        "https://medicine.yale.edu/radiology-biomedical-imaging/education/global/interventional-radiology-outreach/about-the-program/",
        "How Road2IR and Muhimbili set up the first IR training in East Africa.",
    ),
    (
        "Post-partum haemorrhage and the forgotten role of interventional radiology",
        "https://doi.org/10.1007/s00270-019-02339-x",
        "Embolisation and maternal mortality in low-income countries (CardioVascular and Interventional Radiology).",
    ),
    (
        "RAD-AID International",
        "https://www.rad-aid.org/",
        "A non-profit bringing radiology and IR to low- and middle-income countries.",
    ),
    (
        "SIR RFS International Outreach",
        "https://www.sirweb.org/",
        "The Society of Interventional Radiology's residents, fellows and students section and its outreach.",
    ),
]


def upgrade():
    reading_links = op.create_table(
        "reading_links",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("url", sa.String(length=500), nullable=False),
        sa.Column("description", sa.String(length=200), nullable=True),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_reading_links")),
    )
    with op.batch_alter_table("reading_links", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_reading_links_position"), ["position"], unique=False)

    now = datetime.now(UTC).replace(tzinfo=None)
    op.bulk_insert(
        reading_links,
        [
            {
                "title": title,
                "url": url,
                "description": description,
                "position": position,
                "created_at": now,
                "updated_at": now,
            }
            for position, (title, url, description) in enumerate(DEFAULT_LINKS, start=1)
        ],
    )

    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.add_column(sa.Column("timezone", sa.String(length=64), server_default="UTC", nullable=False))


def downgrade():
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.drop_column("timezone")

    with op.batch_alter_table("reading_links", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_reading_links_position"))

    op.drop_table("reading_links")
