"""Capacity is enforced by the database: concurrent approvals never over-fill an opportunity."""

import threading

import pytest
from sqlalchemy import func, select

from matcher.extensions import db
from matcher.models import Match, MatchRound, MatchRun, Opportunity, User
from matcher.reference.sync import sync_reference_data
from matcher.services.errors import Conflict
from matcher.services.matching import decisions
from tests.support.apps import make_app
from tests.support.databases import fresh_database
from tests.support.factories import UserFactory

CONTENDERS = 8
CAPACITY = 3


@pytest.fixture
def committed_app(tmp_path):
    """An app on its own database whose data is really committed, as concurrent requests need."""
    with fresh_database(tmp_path, "concurrency") as scratch:
        app = make_app(scratch)
        with app.app_context():
            db.create_all()
            sync_reference_data(db.session)
            db.session.commit()
            yield app
            db.session.remove()
            db.engine.dispose()


def test_concurrent_approvals_fill_exactly_the_capacity(committed_app):
    users = UserFactory(db.session)
    coordinator = users.create(role="coordinator")
    opportunity = users.opportunity(capacity=CAPACITY)
    match_round = MatchRound(name="Race", mode="ranked", scope={})
    run = MatchRun(round=match_round, number=1, algorithm_version="test", seed=1, inputs_hash="x")
    db.session.add_all([match_round, run])
    ids = []
    for _ in range(CONTENDERS):
        applicant = users.create(role="student")
        match = Match(run=run, status="proposed", applicant_id=applicant.id, opportunity_id=opportunity.id)
        db.session.add(match)
        db.session.flush()
        ids.append(match.id)
    db.session.commit()
    coordinator_id, opportunity_id = coordinator.id, opportunity.id
    db.session.remove()

    barrier = threading.Barrier(CONTENDERS)
    outcomes: list[str] = []
    lock = threading.Lock()

    def approve(match_id: int) -> None:
        with committed_app.app_context():
            barrier.wait(timeout=30)  # all threads start their transactions together
            try:
                actor = db.session.get(User, coordinator_id)
                decisions.approve(db.session, actor, match_id)
                db.session.commit()
                outcome = "approved"
            except Conflict as refusal:
                db.session.rollback()
                outcome = refusal.message
            finally:
                db.session.remove()
            with lock:
                outcomes.append(outcome)

    threads = [threading.Thread(target=approve, args=(i,)) for i in ids]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert outcomes.count("approved") == CAPACITY
    assert outcomes.count("This opportunity has no place left.") == CONTENDERS - CAPACITY
    assert db.session.get(Opportunity, opportunity_id).places_filled == CAPACITY
    approved = db.session.scalar(select(func.count()).select_from(Match).where(Match.status == "approved"))
    assert approved == CAPACITY


def test_the_check_constraint_refuses_an_overfull_opportunity_even_without_the_service(committed_app):
    from sqlalchemy.exc import IntegrityError

    opportunity = UserFactory(db.session).opportunity(capacity=1)
    opportunity.places_filled = 2
    with pytest.raises(IntegrityError):
        db.session.commit()
    db.session.rollback()
