"""Local learners' feedback (issue 22) for the query-count test: A's ended visit with as many
links and answers as the crowd has members, so a page that read them one by one would show."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import func, select

from matcher.extensions import db
from matcher.models import Opportunity
from matcher.models.impact import LearnerLink, LearnerResponse
from matcher.services.impact import learner_links
from tests.support.crowd import Crowd
from tests.support.factories import UserFactory

TITLE = "Ended visit of A (learner feedback)"


def _visit(crowd: Crowd) -> Opportunity:
    visit = db.session.scalar(select(Opportunity).where(Opportunity.title == TITLE))
    if visit is None:
        today = date.today()
        visit = UserFactory(db.session).opportunity(
            crowd.org_a,
            title=TITLE,
            status="closed",
            starts_on=today - timedelta(days=40),
            ends_on=today - timedelta(days=33),
            deadline=None,
        )
    return visit


def _grow(crowd: Crowd) -> Opportunity:
    """Links and answers up to the crowd's size (answers: "Comment 001"...), every other link used."""
    visit = _visit(crowd)
    today = date.today()
    have = db.session.scalar(select(func.count()).where(LearnerResponse.visit_id == visit.id))
    for n in range(have + 1, crowd.size + 1):
        made = learner_links.make_links(db.session, crowd.member, visit, 2, 60, today)
        learner_links.answer(
            db.session,
            made[0].token,
            learner_links.Answers(n % 5 + 1, n % 4 + 1, f"Comment {n:03}", ""),
            today,
        )
    db.session.commit()
    return visit


def links_page(crowd: Crowd) -> str:
    return f"/visits/{_grow(crowd).id}/learner-links"


def answers_page(crowd: Crowd) -> str:
    return f"/visits/{_grow(crowd).id}/learner-feedback"


def form_page(crowd: Crowd) -> str:
    """A new unused link's form, the visit's other links and answers grown as above."""
    visit = _grow(crowd)
    token = learner_links.make_links(db.session, crowd.member, visit, 1, 60, date.today())[0].token
    db.session.commit()
    assert db.session.scalar(select(func.count()).where(LearnerLink.visit_id == visit.id)) > crowd.size
    return f"/f/{token}"
