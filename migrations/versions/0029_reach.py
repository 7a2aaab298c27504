"""Both directions and costs: an opportunity's accommodation cost, fee waiver and travel grant;
a country rule's fee; two more kinds of opportunity (fellowship, course). Nullable or defaulted
columns added in place, and the kinds' CHECK widened in place: no table is copied (on SQLite a
copy of `opportunities` would cascade-delete the rows that reference it).

Revision ID: 0029_reach
Revises: 0026_departure
Create Date: 2026-12-02 18:45:00

"""

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "0029_reach"
down_revision = "0028_webhooks"
branch_labels = None
depends_on = None

OPPORTUNITY_FLAGS = ("fee_waiver", "travel_grant")
OLD_TYPES = ("clinical_elective", "observership", "teaching_visit", "research", "fieldwork")
NEW_TYPES = (*OLD_TYPES, "fellowship", "course")
TYPES_CHECK = "ck_opportunities_type_known"


def _types_check(types: tuple[str, ...]) -> str:
    return "type IN (" + ", ".join(f"'{t}'" for t in types) + ")"


def _rewrite_sqlite_table_sql(bind, table: str, old: str, new: str) -> None:
    """Change a CHECK in SQLite's stored CREATE TABLE text, the way SQLite documents for changes
    that leave every stored row valid (https://www.sqlite.org/lang_altertable.html, section
    "Making Other Kinds Of Table Schema Changes"): no row is read or written."""
    sql = bind.exec_driver_sql(
        "SELECT sql FROM sqlite_master WHERE type = 'table' AND name = ?", (table,)
    ).scalar()
    if sql.count(old) != 1:
        raise RuntimeError(f"{table}: the CHECK {old!r} is not in its schema as expected")
    version = bind.exec_driver_sql("PRAGMA schema_version").scalar()
    bind.exec_driver_sql("PRAGMA writable_schema = ON")
    bind.exec_driver_sql(
        "UPDATE sqlite_master SET sql = ? WHERE type = 'table' AND name = ?", (sql.replace(old, new), table)
    )
    bind.exec_driver_sql(f"PRAGMA schema_version = {int(version) + 1}")
    bind.exec_driver_sql("PRAGMA writable_schema = OFF")


def _set_types(old: tuple[str, ...], new: tuple[str, ...]) -> None:
    bind = op.get_bind()
    if bind.dialect.name == "sqlite":
        _rewrite_sqlite_table_sql(bind, "opportunities", _types_check(old), _types_check(new))
    else:
        op.drop_constraint(op.f(TYPES_CHECK), "opportunities", type_="check")
        op.create_check_constraint(op.f(TYPES_CHECK), "opportunities", _types_check(new))


def upgrade():
    op.add_column("opportunities", sa.Column("accommodation_cost", sa.Numeric(10, 2), nullable=True))
    for flag in OPPORTUNITY_FLAGS:
        op.add_column(
            "opportunities", sa.Column(flag, sa.Boolean(), server_default=sa.false(), nullable=False)
        )
    op.add_column("country_rules", sa.Column("fee_amount", sa.Numeric(10, 2), nullable=True))
    op.add_column("country_rules", sa.Column("fee_currency", sa.String(length=3), nullable=True))
    _set_types(OLD_TYPES, NEW_TYPES)


def downgrade():
    bind = op.get_bind()
    newer = bind.execute(
        sa.text("SELECT count(*) FROM opportunities WHERE type IN ('fellowship', 'course')")
    ).scalar()
    if newer:
        raise RuntimeError(
            f"{newer} opportunities are fellowships or courses: change their type before going back"
        )
    _set_types(NEW_TYPES, OLD_TYPES)
    op.drop_column("country_rules", "fee_currency")
    op.drop_column("country_rules", "fee_amount")
    for flag in reversed(OPPORTUNITY_FLAGS):
        op.drop_column("opportunities", flag)
    op.drop_column("opportunities", "accommodation_cost")
