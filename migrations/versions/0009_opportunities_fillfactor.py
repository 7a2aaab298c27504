"""Leave a tenth of each page of opportunities free, so that places_filled updates stay HOT.

Approving and publishing change opportunities.places_filled many times in a round. With full pages
PostgreSQL writes each new row version elsewhere and updates every index: the bulk benchmark's
opportunities table grew from 9 MB to 86 MB that way, and every search that counts its results
read nine times the pages. With free space on the page, an update that touches no indexed column
is a heap-only tuple (HOT) update, written beside the old version and cleaned without vacuum.
PostgreSQL only; SQLite has no such setting.

Revision ID: 0009_opportunities_fillfactor
Revises: 0008_search_indexes
"""

from alembic import op

revision = "0009_opportunities_fillfactor"
down_revision = "0008_search_indexes"
branch_labels = None
depends_on = None


def upgrade():
    if op.get_bind().dialect.name == "postgresql":
        op.execute("ALTER TABLE opportunities SET (fillfactor = 90)")


def downgrade():
    if op.get_bind().dialect.name == "postgresql":
        op.execute("ALTER TABLE opportunities RESET (fillfactor)")
