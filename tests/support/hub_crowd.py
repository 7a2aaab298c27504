"""After-visit rows that grow with a Crowd (tests/support/crowd.py), for "Your visits" and one
visit's page in tests/web/test_query_counts.py: per crowd member, a visit of organisation A that
has started (each at its own site, in its own country) where the crowd's applicant holds a placement
(completed or accepted), with their logbook entries (one confirmed, one waiting), a completion for
every other visit and the host's feedback on every third; and on the first such visit, one more
visitor per crowd member, each with an entry and their own feedback."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select

from matcher.db import utcnow
from matcher.models import Match, MatchRound, MatchRun, Opportunity, Role
from matcher.models.impact import LogEntry, VisitCompletion, VisitFeedback
from matcher.models.teaching import Site
from tests.support.crowd import TODAY, Crowd

TITLE = "Past visit {i:03}"


def _run(crowd: Crowd, name: str) -> MatchRun:
    match_round = MatchRound(name=name, mode="ranked", scope={}, status="closed")
    run = MatchRun(round=match_round, number=1, algorithm_version="test", seed=1, inputs_hash="0" * 64)
    crowd.session.add_all([match_round, run])
    return run


def _entry(visit: Opportunity, author_id: int, confirmed: bool, by_id: int) -> LogEntry:
    return LogEntry(
        visit=visit,
        author_id=author_id,
        held_on=visit.starts_on,
        kind="lecture",
        topic="Access",
        hours=1,
        learners_present=3,
        confirmed_at=utcnow() if confirmed else None,
        confirmed_by_id=by_id if confirmed else None,
    )


def top_up(crowd: Crowd) -> Opportunity:
    """The past visits up to the crowd's size; returns the first."""
    session = crowd.session
    like = Opportunity.title.like("Past visit %")
    have = session.scalar(select(func.count()).select_from(Opportunity).where(like)) or 0
    member_id, applicant_id = crowd.member.id, crowd.applicant.id
    for i in range(have + 1, crowd.size + 1):
        country = crowd.countries[i % len(crowd.countries)]
        site = Site(
            organisation=crowd.org_a,
            name=f"Past site {i:03}",
            slug=f"past-site-{i:03}",
            city="City",
            country_code=country.iso2,
        )
        starts = TODAY - timedelta(days=40 + i)
        visit = Opportunity(
            organisation=crowd.org_a,
            title=TITLE.format(i=i),
            description="Four weeks.",
            type="clinical_elective",
            host_institution="A hospital",
            city="City",
            country_code=country.iso2,
            level_min=1,
            level_max=12,
            starts_on=starts,
            ends_on=starts + timedelta(days=28),
            capacity=40,
            places_filled=1,
            status="closed",
            site=site,
        )
        status = "completed" if i % 2 else "accepted"
        session.add(
            Match(
                run=_run(crowd, f"Past round {i:03}"),
                status=status,
                applicant_id=applicant_id,
                opportunity=visit,
            )
        )
        session.add_all(
            [_entry(visit, applicant_id, True, member_id), _entry(visit, applicant_id, False, member_id)]
        )
        session.flush()
        if i % 2:
            session.add(
                VisitCompletion(visit_id=visit.id, user_id=applicant_id, certificate_code=f"past-{visit.id}")
            )
        if i % 3 == 0:
            session.add(
                VisitFeedback(
                    visit_id=visit.id, visitor_id=applicant_id, side="host", author_id=member_id, rating=4
                )
            )
    first = session.scalar(select(Opportunity).where(like).order_by(Opportunity.id))
    _visitors(crowd, first)
    session.commit()
    return first


def _visitors(crowd: Crowd, first: Opportunity) -> None:
    """One more visitor on the first visit per crowd member."""
    session = crowd.session
    run = session.scalar(select(MatchRun).join(MatchRound).where(MatchRound.name == "Past visitors"))
    run = run or _run(crowd, "Past visitors")
    session.flush()
    have = session.scalar(select(func.count()).select_from(Match).where(Match.run_id == run.id)) or 0
    for i in range(have + 1, crowd.size + 1):
        person = crowd._user(Role.STUDENT, f"Past visitor {i:03}")
        session.flush()
        session.add(Match(run=run, status="completed", applicant_id=person.id, opportunity_id=first.id))
        session.add(_entry(first, person.id, i % 2 == 0, crowd.member.id))
        session.add(
            VisitFeedback(
                visit_id=first.id, visitor_id=person.id, side="visitor", author_id=person.id, rating=5
            )
        )
        if i % 2:
            session.add(
                VisitCompletion(
                    visit_id=first.id, user_id=person.id, certificate_code=f"past-{first.id}-{person.id}"
                )
            )


def page(path: str):
    """A page whose path is formatted with the first past visit (v) and the crowd (c)."""

    def build(crowd: Crowd) -> str:
        return path.format(v=top_up(crowd), c=crowd)

    return build
