"""Impact rows for the query-count test (tests/web/test_query_counts.py): per crowd member, a
finished visit of organisation A (in its own country and one of five years) with a confirmed
completion, confirmed entries of every kind (one naming a learner) and a learner's milestone."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta

from sqlalchemy import func, select

from matcher.extensions import db
from matcher.models import Procedure
from matcher.models.impact import LocalLearner, LogEntry, Milestone, VisitCompletion
from tests.support.crowd import Crowd
from tests.support.teaching import make_site

CONFIRMED = date(2025, 12, 1)
IMPACT = "/organisations/{c.org_a.slug}/impact"  # organisation A's impact page


def impact_page(path: str) -> Callable[[Crowd], str]:
    def build(crowd: Crowd) -> str:
        session = db.session
        have = session.scalar(select(func.count()).select_from(VisitCompletion))
        procedures = session.scalars(select(Procedure).order_by(Procedure.position, Procedure.id)).all()
        if have < crowd.size:
            site = make_site(session, crowd.org_a, name=f"Impact site {have:03}", slug=f"impact-site-{have}")
            session.flush()
            site_id = site.id
        for i in range(have + 1, crowd.size + 1):
            country = crowd.countries[i % len(crowd.countries)]
            visit = crowd._opportunity(crowd.org_a, f"Impact visit {i:03}", country, status="closed")
            visit.starts_on = date(2020 + i % 5, 1 + i % 12, 1)
            visit.ends_on, visit.site_id, visit.deadline = visit.starts_on + timedelta(days=13), site_id, None
            learner = LocalLearner(site_id=site_id, name=f"Learner {i:03}")
            session.add_all([visit, learner])
            session.flush()
            session.add(
                VisitCompletion(visit_id=visit.id, user_id=crowd.applicant.id, certificate_code=f"q-{i}")
            )
            procedure = procedures[i % len(procedures)]
            done = {"visit_id": visit.id, "held_on": visit.starts_on, "confirmed_at": CONFIRMED}
            session.add_all(
                [
                    LogEntry(
                        kind="procedure",
                        procedure_id=procedure.id,
                        learner_role="independent",
                        cases=i,
                        learners_present=2,
                        local_learner_id=learner.id,
                        **done,
                    ),
                    LogEntry(kind="lecture", hours=1, learners_present=10, **done),
                    LogEntry(kind="simulation", hours=2, learners_present=4, **done),
                    Milestone(
                        learner_id=learner.id,
                        procedure_id=procedure.id,
                        kind="first_independent",
                        achieved_on=visit.starts_on,
                    ),
                ]
            )
        session.commit()
        return path.format(c=crowd)

    return build
