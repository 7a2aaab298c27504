"""A local learner's feedback link remembers the day the hosts withdrew it, so its page can say so
(instead of "its time to answer is over"). A nullable column added in place: no table is copied.

Revision ID: 0031_learner_link_withdrawn
Revises: 0030_impact
Create Date: 2026-12-03 08:40:00

"""

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "0031_learner_link_withdrawn"
down_revision = "0030_impact"
branch_labels = None
depends_on = None


def upgrade():
    op.add_column("learner_feedback_links", sa.Column("withdrawn_on", sa.Date(), nullable=True))


def downgrade():
    op.drop_column("learner_feedback_links", "withdrawn_on")
