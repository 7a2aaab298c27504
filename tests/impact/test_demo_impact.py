"""Demo data after the visit (issue 22): finished visits with logbooks, learners, completions,
feedback from both sides and learners' answers; a second seed changes nothing."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import func, select

from matcher.extensions import db
from matcher.models import Opportunity
from matcher.models.impact import (
    FEEDBACK_WINDOW_DAYS,
    LearnerLink,
    LearnerResponse,
    LocalLearner,
    LogEntry,
    Milestone,
    VisitCompletion,
    VisitFeedback,
)
from matcher.seed.demo import seed
from matcher.seed.demo_impact_data import VISITS
from matcher.services.impact import visits

TABLES = (LogEntry, LocalLearner, Milestone, VisitCompletion, VisitFeedback, LearnerLink, LearnerResponse)


def _counts() -> dict[str, int]:
    counts = {t.__tablename__: db.session.scalar(select(func.count()).select_from(t)) for t in TABLES}
    counts["opportunities"] = db.session.scalar(select(func.count()).select_from(Opportunity))
    return counts


def _by(*columns) -> dict:
    return dict(db.session.execute(select(*columns, func.count()).group_by(*columns)).all())


def test_the_demo_has_finished_visits_with_every_shape_and_a_second_seed_changes_nothing(app):
    seed(db.session, "demo password")
    db.session.commit()
    today = date.today()
    finished = db.session.scalars(
        select(Opportunity)
        .where(Opportunity.title.in_([d.title for d in VISITS]))
        .order_by(Opportunity.ends_on)
    ).all()
    assert len(finished) == len(VISITS)
    assert all(today - timedelta(days=430) <= v.ends_on < today - timedelta(days=20) for v in finished)
    assert len({v.country_code for v in finished}) >= 2 and len({v.ends_on.year for v in finished}) >= 2
    for visit in finished:  # every visit has its visitors: placements and team places
        assert len(visits.visitor_ids(db.session, visit.id)) == len(
            next(d for d in VISITS if d.title == visit.title).visitors
        )

    # The logbook: every kind and every learner's role; mostly confirmed, a few waiting.
    assert set(_by(LogEntry.kind)) == {"procedure", "lecture", "simulation"}
    assert set(_by(LogEntry.learner_role)) >= {"observed", "assisted", "supervised", "independent"}
    confirmed = _by(LogEntry.confirmed_at.is_not(None))
    assert 0 < confirmed[False] < confirmed[True]

    # Milestones from confirmed entries, and some the host entered.
    sources = _by(Milestone.entry_id.is_not(None))
    assert sources[True] >= 1 and sources[False] >= 1
    from_entries = db.session.execute(
        select(LogEntry.confirmed_at).join(Milestone, Milestone.entry_id == LogEntry.id)
    ).scalars()
    assert all(at is not None for at in from_entries)

    # Completions with certificate codes; one visitor still waits for the host's confirmation.
    codes = db.session.scalars(select(VisitCompletion.certificate_code)).all()
    assert len(codes) == len(set(codes)) == sum(v[4] for d in VISITS for v in d.visitors)

    # Feedback from both sides: a released pair, and a pair waiting for the other side.
    sides = {}
    for feedback in db.session.scalars(select(VisitFeedback)):
        sides.setdefault((feedback.visit_id, feedback.visitor_id), set()).add(feedback.side)
    assert any(s == {"visitor", "host"} for s in sides.values())
    ends = {v.id: v.ends_on for v in finished}
    window = timedelta(days=FEEDBACK_WINDOW_DAYS)
    assert any(len(s) == 1 and today <= ends[visit_id] + window for (visit_id, _), s in sides.items())

    # Learners' answers: at least three for one visit, and each used link's answer.
    answers = _by(LearnerResponse.visit_id)
    assert max(answers.values()) >= 3
    assert db.session.scalar(select(func.count()).where(LearnerLink.used_at.is_not(None))) == sum(
        answers.values()
    )
    assert db.session.scalar(select(func.count()).where(LearnerLink.used_at.is_(None))) >= 1

    before = _counts()
    seed(db.session, "demo password")
    db.session.commit()
    assert _counts() == before
