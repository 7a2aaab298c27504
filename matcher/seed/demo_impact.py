"""Demo data for after the visit (issue 22): finished visits with logbooks and feedback, so the
after-visit pages, the impact pages and the reports show real shapes.

Four visits of the demo organisations that have ended, in Tanzania, Kenya and Uganda, over two
years: Road2IR's elective at Muhimbili (ended 25 days ago: some entries still wait for the host,
one visitor waits for the host's confirmation, and each visitor's feedback waits for the other
side's), Road2IR's teaching visit to Bagamoyo (four months ago), RAD-AID's teaching visit to
Kenyatta (eight months ago) and RAD-AID's elective at Mulago (fourteen months ago). Their visitors
are existing demo people (placements completed, team places accepted); their logbooks have every
kind of session and learner's role; the sites' local learners have milestones from the confirmed
entries and some the host entered; completions carry certificate codes; feedback comes from both
sides; local learners answered through links.

Deterministic (one seeded random per visit) and idempotent: a visit found by its organisation
and title is left alone, and so are local learners found by site and name.
"""

from __future__ import annotations

import hashlib
import random
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from matcher.models import MatchRound, Opportunity, Organisation, Team, TeamBuild, TeamMember, TeamSlot, User
from matcher.models.impact import (
    MILESTONE_FOR_ROLE,
    LearnerLink,
    LearnerResponse,
    LearnerRole,
    LocalLearner,
    LogEntry,
    Milestone,
    SessionKind,
    VisitCompletion,
    VisitFeedback,
)
from matcher.models.matching import Match, MatchRun, MatchStatus
from matcher.models.reference import TrainingLevel
from matcher.models.teaching import Procedure, Site
from matcher.seed.demo_impact_data import (
    HELPED,
    HOST_WORDS,
    IMPROVE,
    LEARNERS,
    ROLES,
    ROUND_NAME,
    SEED,
    SIMULATIONS,
    TOPICS,
    VISITOR_WORDS,
    VISITS,
    VisitDef,
)


def seed_impact(session: Session, today: date) -> int:
    """Create the missing finished visits with their logs and feedback; returns how many it made."""
    organisations = {o.slug: o for o in session.scalars(select(Organisation))}
    procedures = {p.code: p for p in session.scalars(select(Procedure))}
    made = 0
    for d in VISITS:
        organisation = organisations.get(d.organisation)
        site = organisation and session.scalar(
            select(Site).where(Site.organisation_id == organisation.id, Site.slug == d.site)
        )
        if site is None:
            continue
        exists = session.scalar(
            select(Opportunity.id).where(
                Opportunity.organisation_id == organisation.id, Opportunity.title == d.title
            )
        )
        if exists is not None:
            continue
        emails = [v[0] for v in d.visitors]
        people = {u.email: u for u in session.scalars(select(User).where(User.email.in_(emails)))}
        if len(people) < len(emails):
            continue
        host = _host(session, organisation)
        _visit(session, d, organisation, site, people, host, procedures, today)
        made += 1
    session.flush()
    return made


def _host(session: Session, organisation: Organisation) -> User | None:
    return session.scalar(select(User).where(User.email == f"contact@{organisation.slug}.demo.irmatch.org"))


def _at(day: date) -> datetime:
    return datetime.combine(day, time(15, 0))


def _visit(
    session: Session,
    d: VisitDef,
    organisation: Organisation,
    site: Site,
    people: dict[str, User],
    host: User | None,
    procedures: dict[str, Procedure],
    today: date,
) -> Opportunity:
    rng = random.Random(f"{SEED}-{d.title}")  # noqa: S311 - deterministic demo data, not security
    ends = today - timedelta(days=d.ended_days_ago)
    starts = ends - timedelta(days=7 * d.weeks - 1)
    levels = session.execute(select(func.min(TrainingLevel.rank), func.max(TrainingLevel.rank))).one()
    visit = Opportunity(
        organisation=organisation,
        title=d.title,
        description=f"{d.title}: finished.",
        type=d.kind,
        host_institution=site.name,
        city=site.city,
        country_code=site.country_code,
        level_min=levels[0],
        level_max=levels[1],
        starts_on=starts,
        ends_on=ends,
        capacity=len(d.visitors),
        places_filled=sum(role is None for _, role, *_ in d.visitors),
        status="closed",
        site_id=site.id,
        written_in=site.written_in,
    )
    session.add(visit)
    session.flush()
    _visitors(session, d, visit, people, host)
    learners = _learners(session, site, host, procedures, starts, rng)
    _logbook(session, d, visit, people, learners, host, procedures, rng)
    _completions_and_feedback(session, d, visit, people, host, rng)
    _links(session, d, visit, host, rng)
    return visit


def _visitors(
    session: Session, d: VisitDef, visit: Opportunity, people: dict[str, User], host: User | None
) -> None:
    placed = [(people[e], rest) for e, role, *rest in d.visitors if role is None]
    team = [(people[e], role) for e, role, *_ in d.visitors if role is not None]
    if placed:
        run = session.scalar(select(MatchRun).join(MatchRound).where(MatchRound.name == ROUND_NAME))
        if run is None:
            demo_round = MatchRound(name=ROUND_NAME, mode="ranked", scope={}, status="closed")
            run = MatchRun(round=demo_round, number=1, algorithm_version="demo", seed=1, inputs_hash="0" * 64)
            session.add_all([demo_round, run])
        for user, _ in placed:
            session.add(
                Match(
                    run=run,
                    status=MatchStatus.COMPLETED,
                    applicant_id=user.id,
                    opportunity_id=visit.id,
                    score=1.0,
                    breakdown=[],
                    responded_at=_at(visit.starts_on - timedelta(days=60)),
                    attendance_confirmed_at=_at(visit.ends_on),
                )
            )
    if team:
        build = TeamBuild(name=f"Demo: {visit.title}", created_by_id=host.id if host else None)
        confirmed = _at(visit.starts_on - timedelta(days=45))
        squad = Team(
            visit=visit, build=build, status="confirmed", confirmed_at=confirmed, approved_at=confirmed
        )
        squad.slots = [TeamSlot(role=role, minimum=1, maximum=1, filled=1) for _, role in team]
        session.add_all([build, squad])
        session.flush()
        for user, role in team:
            session.add(
                TeamMember(
                    team_id=squad.id,
                    build_id=build.id,
                    user_id=user.id,
                    role=role,
                    status="accepted",
                    fixed=True,
                    reasons={"covers": [], "rank": 1, "by": "builder"},
                    answered_at=confirmed,
                )
            )
    session.flush()


def _learners(
    session: Session,
    site: Site,
    host: User | None,
    procedures: dict[str, Procedure],
    before: date,
    rng: random.Random,
) -> list[LocalLearner]:
    """The site's local learners (made once); a new one gets a milestone the host entered, from
    cases before the platform."""
    learners = []
    for name, level in LEARNERS:
        learner = session.scalar(
            select(LocalLearner).where(LocalLearner.site_id == site.id, LocalLearner.name == name)
        )
        if learner is None:
            learner = LocalLearner(
                site_id=site.id, name=name, level=level, created_by_id=host.id if host else None
            )
            session.add(learner)
            session.flush()
            if level == "radiology-residents":
                session.add(
                    Milestone(
                        learner_id=learner.id,
                        procedure_id=procedures["us-vascular-access"].id,
                        kind="first_supervised",
                        achieved_on=before - timedelta(days=rng.randint(30, 200)),
                        recorded_by_id=host.id if host else None,
                    )
                )
        learners.append(learner)
    session.flush()
    return learners


def _logbook(
    session: Session,
    d: VisitDef,
    visit: Opportunity,
    people: dict[str, User],
    learners: list[LocalLearner],
    host: User | None,
    procedures: dict[str, Procedure],
    rng: random.Random,
) -> None:
    """Each visitor's sessions, by day: procedures with each learner's role, a lecture, a
    simulation; all confirmed but the visit's last `waiting`, and milestones from the confirmed."""
    entries: list[LogEntry] = []
    days = (visit.ends_on - visit.starts_on).days
    for email, *_ in d.visitors:
        author = people[email]
        for n, code in enumerate(d.procedures):
            role = ROLES[(n + len(entries)) % len(ROLES)]
            entries.append(
                LogEntry(
                    visit_id=visit.id,
                    author_id=author.id,
                    held_on=visit.starts_on + timedelta(days=rng.randint(0, days)),
                    kind=SessionKind.PROCEDURE,
                    procedure_id=procedures[code].id,
                    learner_role=role,
                    cases=rng.randint(1, 6),
                    learners_present=rng.randint(1, 5),
                    local_learner_id=learners[(n + len(entries)) % len(learners)].id,
                )
            )
        for kind, subjects in ((SessionKind.LECTURE, TOPICS), (SessionKind.SIMULATION, SIMULATIONS)):
            entries.append(
                LogEntry(
                    visit_id=visit.id,
                    author_id=author.id,
                    held_on=visit.starts_on + timedelta(days=rng.randint(0, days)),
                    kind=kind,
                    topic=rng.choice(subjects),
                    hours=Decimal(rng.choice(("1", "1.5", "2"))),
                    learners_present=rng.randint(4, 20),
                )
            )
    entries.sort(key=lambda e: e.held_on)
    for entry in entries[: len(entries) - d.waiting]:
        entry.confirmed_at = _at(min(entry.held_on + timedelta(days=2), visit.ends_on + timedelta(days=3)))
        entry.confirmed_by_id = host.id if host else None
    session.add_all(entries)
    session.flush()
    reached = {
        (m.learner_id, m.procedure_id, m.kind)
        for m in session.scalars(
            select(Milestone).where(Milestone.learner_id.in_([lr.id for lr in learners]))
        )
    }
    for entry in entries:
        kind = MILESTONE_FOR_ROLE.get(LearnerRole(entry.learner_role)) if entry.learner_role else None
        key = (entry.local_learner_id, entry.procedure_id, kind)
        if entry.confirmed_at is None or kind is None or key in reached:
            continue
        reached.add(key)
        session.add(
            Milestone(
                learner_id=entry.local_learner_id,
                procedure_id=entry.procedure_id,
                kind=kind,
                achieved_on=entry.held_on,
                visit_id=visit.id,
                entry_id=entry.id,
                recorded_by_id=entry.confirmed_by_id,
            )
        )


def _completions_and_feedback(
    session: Session,
    d: VisitDef,
    visit: Opportunity,
    people: dict[str, User],
    host: User | None,
    rng: random.Random,
) -> None:
    written = _at(visit.ends_on + timedelta(days=3))
    for email, _, visitor_wrote, host_wrote, completed in d.visitors:
        user = people[email]
        if completed:
            code = f"{rng.getrandbits(64):016x}"
            session.add(
                VisitCompletion(
                    visit_id=visit.id,
                    user_id=user.id,
                    confirmed_by_id=host.id if host else None,
                    confirmed_at=written,
                    certificate_code=code,
                )
            )
        if visitor_wrote:
            session.add(
                VisitFeedback(
                    visit_id=visit.id,
                    visitor_id=user.id,
                    side="visitor",
                    author_id=user.id,
                    rating=rng.choice((4, 5)),
                    comments=rng.choice(VISITOR_WORDS),
                    would_return=True,
                    written_at=written,
                )
            )
        if host_wrote:
            session.add(
                VisitFeedback(
                    visit_id=visit.id,
                    visitor_id=user.id,
                    side="host",
                    author_id=host.id if host else None,
                    rating=rng.choice((4, 5)),
                    comments=rng.choice(HOST_WORDS),
                    would_return=True,
                    written_at=written + timedelta(days=1),
                )
            )


def _links(session: Session, d: VisitDef, visit: Opportunity, host: User | None, rng: random.Random) -> None:
    """Learner links (the tokens are not kept: nobody can use a demo link) and the answers of the
    used ones, not tied to them."""
    handed = visit.ends_on + timedelta(days=1)
    for n in range(d.links):
        token = f"{SEED}-{visit.title}-{n}-{rng.getrandbits(64)}"
        used = n < d.answers
        session.add(
            LearnerLink(
                visit_id=visit.id,
                token_hash=hashlib.sha256(token.encode()).hexdigest(),
                created_by_id=host.id if host else None,
                created_at=_at(handed),
                expires_on=handed + timedelta(days=60),
                used_at=_at(handed + timedelta(days=n + 1)) if used else None,
            )
        )
        if used:
            session.add(
                LearnerResponse(
                    visit_id=visit.id,
                    usefulness=rng.choice((4, 5, 5)),
                    confidence=rng.choice((3, 4, 5, None)),
                    helped=HELPED[n % len(HELPED)],
                    improve=IMPROVE[n % len(IMPROVE)],
                    answered_on=handed + timedelta(days=n + 1),
                )
            )
