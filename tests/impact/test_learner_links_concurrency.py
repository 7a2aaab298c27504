"""One response per link, kept by the database: answers sent at once through one link save one.

On PostgreSQL the contenders are held together after each has found the link still open, so the
conditional UPDATE alone decides. SQLite serialises whole transactions (BEGIN IMMEDIATE): the
contenders then run one after the other, and the test that skips the check covers the UPDATE."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from matcher.extensions import db
from matcher.models.impact import LearnerLink, LearnerResponse
from matcher.reference.sync import sync_reference_data
from matcher.services.impact import learner_links
from matcher.services.impact.learner_links import Answers, LinkClosed
from tests.support.apps import make_app
from tests.support.databases import fresh_database
from tests.support.factories import UserFactory
from tests.support.impact import impact_scene

CONTENDERS = 4


def _count() -> int:
    return db.session.scalar(select(func.count()).select_from(LearnerResponse))


def test_the_update_refuses_a_used_link_even_when_the_check_is_passed(users, monkeypatch):
    scene = impact_scene(db.session, users)
    token = learner_links.make_links(db.session, scene.host, scene.elective, 1, 60, scene.today)[0].token
    learner_links.answer(db.session, token, Answers(4, 4, "first", ""), scene.today)
    db.session.commit()
    monkeypatch.setattr(learner_links, "check_open", lambda link, today: None)  # as if read before the first
    with pytest.raises(LinkClosed) as refused:
        learner_links.answer(db.session, token, Answers(1, 1, "second", ""), scene.today)
    db.session.rollback()
    assert refused.value.used
    assert _count() == 1
    assert db.session.scalars(select(LearnerResponse.helped)).all() == ["first"]


def test_the_update_refuses_an_expired_link_even_when_the_check_is_passed(users, monkeypatch):
    scene = impact_scene(db.session, users)
    token = learner_links.make_links(db.session, scene.host, scene.elective, 1, 1, scene.today)[0].token
    db.session.commit()
    later = scene.today + timedelta(days=2)  # the link's last day was tomorrow
    monkeypatch.setattr(learner_links, "check_open", lambda link, today: None)  # as if read in time
    with pytest.raises(LinkClosed) as refused:
        learner_links.answer(db.session, token, Answers(4, 4, "late", ""), later)
    db.session.rollback()
    assert (refused.value.used, refused.value.message) == (
        False,
        "This link no longer works: its time to answer is over.",
    )
    assert _count() == 0


@pytest.fixture
def committed_app(tmp_path):
    """An app on its own database whose data is really committed, as concurrent requests need."""
    with fresh_database(tmp_path, "learner_links_race") as scratch:
        app = make_app(scratch)
        with app.app_context():
            db.create_all()
            sync_reference_data(db.session)
            db.session.commit()
            yield app
            db.session.remove()
            db.engine.dispose()


def test_answers_sent_at_once_through_one_link_save_one(committed_app, monkeypatch):
    scene = impact_scene(db.session, UserFactory(db.session))
    token = learner_links.make_links(db.session, scene.host, scene.teaching, 1, 60, scene.today)[0].token
    db.session.commit()
    today = scene.today
    db.session.remove()
    racing = db.engine.dialect.name == "postgresql"
    start = threading.Barrier(CONTENDERS)
    checked = threading.Barrier(CONTENDERS)
    real_check = learner_links.check_open

    def check_then_wait(link, when):
        real_check(link, when)
        if racing:
            checked.wait(timeout=30)  # every contender has found the link open

    monkeypatch.setattr(learner_links, "check_open", check_then_wait)
    outcomes: list[str] = []
    lock = threading.Lock()

    def send(n: int) -> None:
        with committed_app.app_context():
            start.wait(timeout=30)
            try:
                learner_links.answer(db.session, token, Answers(3, None, f"answer {n}", ""), today)
                db.session.commit()
                outcome = "saved"
            except LinkClosed:
                db.session.rollback()
                outcome = "refused"
            finally:
                db.session.remove()
            with lock:
                outcomes.append(outcome)

    threads = [threading.Thread(target=send, args=(n,)) for n in range(CONTENDERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert sorted(outcomes) == ["refused"] * (CONTENDERS - 1) + ["saved"]
    assert _count() == 1
    assert db.session.scalar(select(func.count()).where(LearnerLink.used_at.is_not(None))) == 1
