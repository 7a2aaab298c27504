"""The database itself refuses bad data, and every migration can be undone step by step."""

from __future__ import annotations

from datetime import timedelta

import pytest
from alembic import command
from alembic.script import ScriptDirectory
from sqlalchemy import delete, inspect, select, text, update
from sqlalchemy.exc import IntegrityError

from matcher.extensions import db
from matcher.models import Application, Membership, Opportunity
from tests.support.apps import make_app
from tests.support.databases import alembic_config, fresh_database


def refused(change, why: str) -> None:
    """`change` must fail in the database, for the reason named (a constraint, or the kind of
    constraint, as both SQLite and PostgreSQL word it); the test's session stays usable afterwards."""
    with pytest.raises(IntegrityError) as error, db.session.begin_nested():
        change()
        db.session.flush()
    assert why.lower() in str(error.value.orig).lower(), str(error.value.orig)


def _set(opportunity: Opportunity, **values) -> None:
    db.session.execute(update(Opportunity).where(Opportunity.id == opportunity.id).values(**values))


def test_one_application_per_applicant_and_opportunity(users):
    student = users.create()
    opportunity = users.opportunity()
    users.application(student, opportunity, rank=1)
    twice = Application(applicant_id=student.id, opportunity_id=opportunity.id, rank=2)
    refused(lambda: db.session.add(twice), "unique")


def test_two_applications_cannot_share_a_rank(users):
    student = users.create()
    users.application(student, users.opportunity(), rank=1)
    other = users.opportunity()
    refused(
        lambda: db.session.add(Application(applicant_id=student.id, opportunity_id=other.id, rank=1)),
        "unique",
    )


@pytest.mark.parametrize(
    ("values", "why"),
    [
        ({"capacity": 0}, "ck_opportunities_capacity_positive"),
        ({"places_filled": 3}, "ck_opportunities_places_within_capacity"),
        ({"places_filled": -1}, "ck_opportunities_places_within_capacity"),
        ({"level_min": 6, "level_max": 4}, "ck_opportunities_level_range_ordered"),
        ({"written_in": "de"}, "ck_opportunities_written_in_known"),
    ],
)
def test_opportunity_checks(users, values, why):
    opportunity = users.opportunity(capacity=2)
    refused(lambda: _set(opportunity, **values), why)


def test_an_opportunity_cannot_end_before_it_starts(users):
    opportunity = users.opportunity()
    refused(
        lambda: _set(opportunity, ends_on=opportunity.starts_on - timedelta(days=1), deadline=None),
        "ck_opportunities_ends_after_start",
    )


def test_a_place_can_be_filled_up_to_capacity_and_no_further(users):
    opportunity = users.opportunity(capacity=2)
    _set(opportunity, places_filled=2)  # allowed: full
    db.session.flush()
    refused(
        lambda: _set(opportunity, places_filled=Opportunity.places_filled + 1),
        "ck_opportunities_places_within_capacity",
    )


def test_foreign_keys_are_enforced(users):
    student, organisation = users.create(), users.organisation()
    nowhere = 2_000_000_000
    refused(
        lambda: db.session.add(Application(applicant_id=student.id, opportunity_id=nowhere, rank=1)),
        "foreign key",
    )
    refused(
        lambda: db.session.add(Membership(user_id=nowhere, organisation_id=organisation.id)), "foreign key"
    )


def test_sqlite_connections_turn_foreign_keys_on(app):
    if db.engine.dialect.name != "sqlite":
        pytest.skip("PostgreSQL always enforces foreign keys")
    assert db.session.execute(text("PRAGMA foreign_keys")).scalar() == 1


def test_deleting_an_opportunity_deletes_its_applications(users):
    student = users.create()
    opportunity = users.opportunity()
    application_id = users.application(student, opportunity).id
    db.session.execute(delete(Opportunity).where(Opportunity.id == opportunity.id))
    db.session.expire_all()
    assert db.session.scalar(select(Application.id).where(Application.id == application_id)) is None


def _schema(connection) -> dict[str, object]:
    """Tables with their columns, indexes, unique and foreign keys: what a migration changes.

    Reflected in bulk (a few queries per snapshot, not a few per table): PostgreSQL's catalogue
    queries are slow enough to matter when the schema is read twenty times.
    """
    inspector = inspect(connection)
    columns = inspector.get_multi_columns()
    indexes = inspector.get_multi_indexes()
    uniques = inspector.get_multi_unique_constraints()
    foreign = inspector.get_multi_foreign_keys()
    found = {}
    for key in sorted(columns, key=lambda k: k[1]):
        if key[1] == "alembic_version":
            continue
        found[key[1]] = (
            sorted((c["name"], str(c["type"]), c["nullable"]) for c in columns[key]),
            sorted(i["name"] or "" for i in indexes.get(key, [])),
            sorted(str(u["column_names"]) for u in uniques.get(key, [])),
            sorted((str(k["constrained_columns"]), k["referred_table"]) for k in foreign.get(key, [])),
        )
    return found


def test_each_migration_steps_down_and_up_again_to_the_same_schema(tmp_path):
    with fresh_database(tmp_path, "migration_steps") as scratch:
        app = make_app(scratch)
        with app.app_context():
            config = alembic_config(app)
            revisions = [
                r.revision for r in reversed(list(ScriptDirectory.from_config(config).walk_revisions()))
            ]
            assert len(revisions) >= 2

            def snapshot():
                with db.engine.connect() as connection:
                    return _schema(connection)

            up = {"base": snapshot()}
            for revision in revisions:
                command.upgrade(config, "+1")
                up[revision] = snapshot()
            assert up[revisions[-1]] != up["base"]

            for below in reversed(["base", *revisions[:-1]]):
                command.downgrade(config, "-1")
                assert snapshot() == up[below], f"downgrading to {below} did not undo the next migration"
            assert snapshot() == {}

            for revision in revisions:
                command.upgrade(config, "+1")
                assert snapshot() == up[revision], f"upgrading again to {revision} built something else"
            db.engine.dispose()
