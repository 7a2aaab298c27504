"""Migration 0029_reach: cost columns added in place, the kinds' CHECK widened in place (the
opportunities and what references them survive), and all of it undone."""

from datetime import date, datetime

import pytest
from alembic import command
from sqlalchemy import inspect, text
from sqlalchemy.exc import IntegrityError

from matcher.extensions import db
from tests.support.databases import alembic_config
from tests.test_migrations import _insert

NOW = datetime(2027, 1, 1, 12, 0)


def _opportunity(connection, n: int, kind: str) -> None:
    _insert(
        connection, "opportunities", id=n, organisation_id=1, title="T", description="D",
        type=kind, host_institution="H", city="Boston", country_code="US", level_min=4,
        level_max=4, starts_on=date(2030, 1, 1), ends_on=date(2030, 2, 1), flexible=False, capacity=1,
        places_filled=0, accommodation_provided=False, stipend_provided=False, requirements="",
        needs_visa=False, needs_temporary_licence=False, needs_indemnity=False,
        needs_immunisations=False, contact_name="", contact_email="", status="draft", created_at=NOW,
        updated_at=NOW, written_in="en", summaries="{}",
    )  # fmt: skip


def _type_check() -> str:
    with db.engine.connect() as connection:
        checks = inspect(connection).get_check_constraints("opportunities")
    return next(c["sqltext"] for c in checks if c["name"] == "ck_opportunities_type_known")


def test_reach_migration_widens_the_kinds_in_place_and_adds_the_cost_columns(empty_app):
    config = alembic_config(empty_app)
    command.upgrade(config, "0026_departure")
    with db.engine.begin() as connection:
        _insert(connection, "countries", iso2="US", name="United States", region="Americas",
                subregion="Northern America")  # fmt: skip
        _insert(connection, "training_levels", code="ms4", label="Year 4", rank=4)
        _insert(connection, "organisations", id=1, name="H", slug="h", description="", created_at=NOW)
        _opportunity(connection, 1, "observership")
        _insert(connection, "opportunity_languages", id=1, opportunity_id=1, language="en", level="basic")
    assert "course" not in _type_check()

    command.upgrade(config, "0029_reach")
    assert "'fellowship'" in _type_check() and "'course'" in _type_check()
    with db.engine.begin() as connection:
        _opportunity(connection, 2, "fellowship")
        _opportunity(connection, 3, "course")
        row = connection.execute(
            text("SELECT type, fee_waiver, travel_grant, accommodation_cost FROM opportunities WHERE id = 1")
        ).one()
        # The row made before, and the row that references it, are untouched: no table was copied.
        languages = connection.execute(text("SELECT count(*) FROM opportunity_languages")).scalar()
        fees = {c["name"] for c in inspect(connection).get_columns("country_rules")}
    assert (row[0], bool(row[1]), bool(row[2]), row[3]) == ("observership", False, False, None)
    assert languages == 1 and {"fee_amount", "fee_currency"} <= fees
    with pytest.raises(IntegrityError), db.engine.begin() as connection:
        _opportunity(connection, 4, "holiday")
    if db.engine.dialect.name == "sqlite":
        with db.engine.connect() as connection:
            assert connection.exec_driver_sql("PRAGMA integrity_check").scalar() == "ok"

    with pytest.raises(RuntimeError, match="2 opportunities are fellowships or courses"):
        command.downgrade(config, "0026_departure")
    with db.engine.begin() as connection:
        connection.execute(text("DELETE FROM opportunities WHERE id > 1"))
    command.downgrade(config, "0026_departure")
    assert "course" not in _type_check()
    with db.engine.connect() as connection:
        columns = {c["name"] for c in inspect(connection).get_columns("opportunities")}
        assert connection.execute(text("SELECT count(*) FROM opportunity_languages")).scalar() == 1
    assert not {"fee_waiver", "travel_grant", "accommodation_cost"} & columns
    command.downgrade(config, "base")
