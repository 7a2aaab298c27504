"""Both directions and costs: an opportunity's accommodation cost, fee waiver and travel grant;
a country rule's fee. Nullable or defaulted columns added in place (no table is copied).

Revision ID: 0029_reach
Revises: 0026_departure
Create Date: 2026-12-02 18:45:00

"""

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "0029_reach"
down_revision = "0026_departure"
branch_labels = None
depends_on = None

OPPORTUNITY_FLAGS = ("fee_waiver", "travel_grant")


def upgrade():
    op.add_column("opportunities", sa.Column("accommodation_cost", sa.Numeric(10, 2), nullable=True))
    for flag in OPPORTUNITY_FLAGS:
        op.add_column(
            "opportunities", sa.Column(flag, sa.Boolean(), server_default=sa.false(), nullable=False)
        )
    op.add_column("country_rules", sa.Column("fee_amount", sa.Numeric(10, 2), nullable=True))
    op.add_column("country_rules", sa.Column("fee_currency", sa.String(length=3), nullable=True))


def downgrade():
    op.drop_column("country_rules", "fee_currency")
    op.drop_column("country_rules", "fee_amount")
    for flag in reversed(OPPORTUNITY_FLAGS):
        op.drop_column("opportunities", flag)
    op.drop_column("opportunities", "accommodation_cost")
