"""After-the-visit rows that grow with a Crowd (tests/support/crowd.py): local learners at a site of
organisation A with their milestones, one learner's confirmed sessions across as many visits, and
the applicant's certificate with as many confirmed entries."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select

from matcher.db import utcnow
from matcher.models import Match, Opportunity, Procedure
from matcher.models.impact import LocalLearner, LogEntry, Milestone, VisitCompletion
from matcher.models.matching import MatchRound, MatchRun
from matcher.models.teaching import Site
from tests.support.crowd import TODAY, Crowd

CERTIFICATE_CODE = "crowd-certificate"


def _site(crowd: Crowd) -> Site:
    site = crowd.session.scalar(select(Site).where(Site.slug == "learners-site"))
    if site is None:
        site = Site(
            organisation=crowd.org_a,
            name="Learners site",
            slug="learners-site",
            city="Mbeya",
            country_code=crowd.countries[0].iso2,
        )
        crowd.session.add(site)
        crowd.session.flush()
    return site


def _procedures(crowd: Crowd) -> list[Procedure]:
    return list(
        crowd.session.scalars(
            select(Procedure).where(Procedure.kind == "procedure").order_by(Procedure.position)
        )
    )


def _visit(crowd: Crowd, title: str, site: Site) -> Opportunity:
    visit = crowd._opportunity(crowd.org_a, title, crowd.countries[0], status="closed")
    visit.site_id = site.id
    visit.starts_on, visit.ends_on = TODAY - timedelta(days=40), TODAY - timedelta(days=12)
    visit.deadline = None
    crowd.session.flush()
    return visit


def learners_page(crowd: Crowd) -> str:
    """As many learners as the crowd's size, each with a first supervised and independent case."""
    site = _site(crowd)
    procedures = _procedures(crowd)
    have = crowd.session.scalar(
        select(func.count()).select_from(LocalLearner).where(LocalLearner.site_id == site.id)
    )
    for i in range(have, crowd.size):
        learner = LocalLearner(site_id=site.id, name=f"Learner {i + 1:03}", level="nurses")
        procedure = procedures[i % len(procedures)]
        learner.milestones = [
            Milestone(procedure_id=procedure.id, kind=kind, achieved_on=TODAY - timedelta(days=i + 1))
            for kind in ("first_supervised", "first_independent")
        ]
        crowd.session.add(learner)
    crowd.session.commit()
    return f"/sites/{site.id}/learners"


def learner_page(crowd: Crowd) -> str:
    """One learner named in a confirmed session of each of as many visits, with first cases from them."""
    site = _site(crowd)
    procedures = _procedures(crowd)
    session = crowd.session
    learner = session.scalar(select(LocalLearner).where(LocalLearner.name == "Tracked learner"))
    if learner is None:
        learner = LocalLearner(site_id=site.id, name="Tracked learner", level="radiology-residents")
        session.add(learner)
        session.flush()
    have = session.scalar(
        select(func.count()).select_from(LogEntry).where(LogEntry.local_learner_id == learner.id)
    )
    known = {(m.procedure_id, m.kind) for m in session.scalars(select(Milestone))}
    for i in range(have, crowd.size):
        visit = _visit(crowd, f"Visit {i + 1:03}", site)
        procedure = procedures[i % len(procedures)]
        role = "supervised" if i % 2 == 0 else "independent"
        entry = LogEntry(
            visit_id=visit.id,
            author_id=crowd.applicant.id,
            held_on=visit.starts_on + timedelta(days=1),
            kind="procedure",
            procedure_id=procedure.id,
            learner_role=role,
            cases=1,
            learners_present=2,
            local_learner_id=learner.id,
            confirmed_at=utcnow(),
        )
        session.add(entry)
        session.flush()
        kind = f"first_{role}"
        if (procedure.id, kind) not in known:
            known.add((procedure.id, kind))
            session.add(
                Milestone(
                    learner_id=learner.id,
                    procedure_id=procedure.id,
                    kind=kind,
                    achieved_on=entry.held_on,
                    visit_id=visit.id,
                    entry_id=entry.id,
                )
            )
    session.commit()
    return f"/sites/{site.id}/learners/{learner.id}"


def _certified(crowd: Crowd) -> Opportunity:
    """The applicant's completed visit with its completion, and as many confirmed entries as the crowd."""
    session = crowd.session
    completion = session.scalar(
        select(VisitCompletion).where(VisitCompletion.certificate_code == CERTIFICATE_CODE)
    )
    if completion is None:
        visit = _visit(crowd, "Certified visit", _site(crowd))
        session.add(
            Match(
                run=MatchRun(
                    round=MatchRound(
                        name="Round of the certified visit", mode="ranked", scope={}, status="closed"
                    ),
                    number=1,
                    algorithm_version="test",
                    seed=1,
                    inputs_hash="0" * 64,
                ),
                status="completed",
                applicant_id=crowd.applicant.id,
                opportunity_id=visit.id,
            )
        )
        completion = VisitCompletion(
            visit_id=visit.id,
            user_id=crowd.applicant.id,
            confirmed_by_id=crowd.member.id,
            certificate_code=CERTIFICATE_CODE,
        )
        session.add(completion)
        session.flush()
    visit = session.get(Opportunity, completion.visit_id)
    procedures = _procedures(crowd)
    have = session.scalar(select(func.count()).select_from(LogEntry).where(LogEntry.visit_id == visit.id))
    for i in range(have, crowd.size):
        procedure = i % 3 != 2
        session.add(
            LogEntry(
                visit_id=visit.id,
                author_id=crowd.applicant.id,
                held_on=visit.starts_on + timedelta(days=i % 20),
                kind="procedure" if procedure else "lecture",
                procedure_id=procedures[i % len(procedures)].id if procedure else None,
                learner_role="assisted" if procedure else None,
                cases=1,
                learners_present=3,
                hours=None if procedure else 1,
                confirmed_at=utcnow(),
                confirmed_by_id=crowd.member.id,
            )
        )
    session.commit()
    return visit


def certificate_page(crowd: Crowd) -> str:
    return f"/visits/{_certified(crowd).id}/certificate"


def certificate_check(crowd: Crowd) -> str:
    _certified(crowd)
    return f"/certificates/{CERTIFICATE_CODE}"
