"""`flask seed-bulk`: the large seeded dataset, run here with tiny numbers on fresh databases."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from flask import Flask
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from matcher.extensions import db
from matcher.models import Application, MatchRound, Opportunity, Organisation, Profile, User
from matcher.security import verify_password
from matcher.seed.bulk import COORDINATOR_EMAIL
from matcher.seed.bulk_generate import COLUMNS
from matcher.services.matching.rounds import Scope, opportunities_in_scope
from matcher.services.profiles import is_complete
from tests.support.apps import make_app
from tests.support.databases import fresh_database

ARGS = ["seed-bulk", "--applicants", "200", "--opportunities", "30", "--year", "2027"]
# Salted or random on every run, by design.
SECRET_COLUMNS = {"password_hash", "session_token", "calendar_token"}


@contextmanager
def seeded(tmp_path, label: str, *extra: str) -> Iterator[tuple[Flask, str]]:
    """A fresh, empty schema (as after `flask db upgrade`) with seed-bulk run into it."""
    with fresh_database(tmp_path, label) as scratch:
        app = make_app(scratch)
        with app.app_context():
            db.create_all()
            db.session.commit()
            result = app.test_cli_runner().invoke(args=[*ARGS, *extra])
            assert result.exit_code == 0, result.output
            try:
                yield app, result.output
            finally:
                db.session.remove()
                db.engine.dispose()


def snapshot() -> dict[str, list[tuple]]:
    tables = {}
    for name, columns in COLUMNS.items():
        table = db.metadata.tables[name]
        kept = [table.c[c] for c in columns if c not in SECRET_COLUMNS]
        stmt = select(*kept).order_by(*kept[:2])
        if name == "users":  # the coordinator is created (or found) at run time, stamped now
            stmt = stmt.where(table.c.email != COORDINATOR_EMAIL)
        tables[name] = [tuple(row) for row in db.session.execute(stmt)]
    return tables


@pytest.fixture(scope="module")
def bulk(tmp_path_factory) -> Iterator[tuple[Flask, str]]:
    with seeded(tmp_path_factory.mktemp("bulk"), "bulk_a") as loaded:
        yield loaded


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def test_counts_and_the_printed_timings_and_login(bulk):
    app, output = bulk
    assert count(Opportunity) == 30 and count(Organisation) == 3
    assert count(Profile) == 200
    applicants = select(func.count()).where(User.role.in_(["student", "trainee"]))
    assert db.session.scalar(applicants) == 200
    assert db.session.scalar(select(func.count()).where(User.role == "coordinator")) == 1
    for phase in ("organisations", "opportunities", "applicants", "applications", "total"):
        assert phase in output
    assert COORDINATOR_EMAIL in output
    coordinator = db.session.scalar(select(User).where(User.email == COORDINATOR_EMAIL))
    assert verify_password(coordinator.password_hash, app.config["DEMO_PASSWORD"])
    organisations = db.session.scalars(select(Organisation)).all()
    assert organisations and all(o.is_verified and o.memberships for o in organisations)


def test_profiles_are_complete_and_capacities_positive(bulk):
    profiles = db.session.scalars(
        select(Profile).options(
            selectinload(Profile.places),
            selectinload(Profile.interests),
            selectinload(Profile.availability),
            selectinload(Profile.languages),
        )
    ).all()
    assert len(profiles) == 200 and all(is_complete(p) for p in profiles)
    capacities = db.session.scalars(select(Opportunity.capacity)).all()
    assert capacities and all(1 <= c <= 20 for c in capacities)
    statuses = Counter(db.session.scalars(select(Opportunity.status)))
    assert statuses["published"] >= 20  # mostly published


def test_applications_go_to_published_opportunities_with_contiguous_ranks(bulk):
    rows = db.session.execute(
        select(Application.applicant_id, Application.rank, Application.opportunity_id, Application.host_rank)
    ).all()
    assert len(rows) >= 200
    statuses = set(
        db.session.scalars(
            select(Opportunity.status).join(Application, Application.opportunity_id == Opportunity.id)
        )
    )
    assert statuses == {"published"}
    ranks, host_ranks = defaultdict(list), defaultdict(list)
    for applicant_id, rank, opportunity_id, host_rank in rows:
        ranks[applicant_id].append(rank)
        host_ranks[opportunity_id].append(host_rank)
    assert all(sorted(r) == list(range(1, len(r) + 1)) and len(r) <= 10 for r in ranks.values())
    ranked_by_host = [h for h in host_ranks.values() if None not in h]
    assert ranked_by_host  # some hosts ordered their applicants: a ranked round has both sides
    assert all(sorted(h) == list(range(1, len(h) + 1)) for h in ranked_by_host)
    unranked = [h for h in host_ranks.values() if None in h]
    assert unranked and all(set(h) == {None} for h in unranked)  # and some hosts left the order to scores


def test_an_open_ranked_round_covers_the_bulk_opportunities_and_runs(bulk):
    app, _ = bulk
    match_round = db.session.scalar(select(MatchRound))
    assert (match_round.mode, match_round.status) == ("ranked", "open")
    in_scope = {o.id for o in opportunities_in_scope(db.session, Scope.from_json(match_round.scope))}
    takes_part = select(Opportunity.id).where(Opportunity.status.in_(["published", "closed"]))
    assert in_scope == set(db.session.scalars(takes_part))
    result = app.test_cli_runner().invoke(
        args=["match", "run", str(match_round.id), "--as", COORDINATOR_EMAIL]
    )
    assert result.exit_code == 0, result.output
    assert "proposed: 0," not in result.output and "proposed:" in result.output


def test_refuses_a_database_with_users_and_never_loads_a_seed_twice(bulk):
    app, _ = bulk
    runner = app.test_cli_runner()
    again = runner.invoke(args=ARGS)
    assert again.exit_code != 0 and "already holds users" in again.output
    forced = runner.invoke(args=[*ARGS, "--force"])
    assert forced.exit_code != 0 and "loaded already" in forced.output
    assert count(Profile) == 200


def test_the_same_seed_gives_the_same_data_and_another_seed_other_data(bulk, tmp_path):
    first = snapshot()
    with seeded(tmp_path, "bulk_b"):
        assert snapshot() == first
    with seeded(tmp_path, "bulk_c", "--seed", "2"):
        other = snapshot()
    assert other["opportunities"] != first["opportunities"]
    assert other["applications"] != first["applications"]
