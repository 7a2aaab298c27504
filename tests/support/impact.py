"""After the visit (issue 22): a scene with two visits that have ended, made directly in the
database so each part (logbook, learners, feedback, links, reports) can be tested on its own.

- `elective`: organisation "Mbeya Outreach"'s four-week elective at its site in Tanzania, ended
  `ended_days_ago` days ago; `student`'s placement there is completed (attendance confirmed, no
  VisitCompletion row unless `complete=True`).
- `teaching`: a two-week teaching visit at the same site, ended at the same time, whose confirmed
  team has `physician` and `nurse` accepted.
- `host`: a confirmed member of the organisation; `other_host`: a member of another organisation;
  `coordinator`; `stranger`: a student with no part in either visit.
- `procedures`: the taxonomy's entries by code (the reference data every test database has).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from matcher.db import utcnow
from matcher.models import (
    MatchStatus,
    Opportunity,
    Organisation,
    Procedure,
    Site,
    Team,
    TeamBuild,
    TeamMember,
    TeamSlot,
    User,
)
from matcher.models.impact import VisitCompletion
from tests.support.factories import UserFactory
from tests.support.teaching import make_site


@dataclass
class ImpactScene:
    session: Session
    users: UserFactory
    org: Organisation
    site: Site
    host: User
    other_host: User
    coordinator: User
    student: User
    physician: User
    nurse: User
    stranger: User
    elective: Opportunity
    teaching: Opportunity
    team: Team
    today: date
    procedures: dict[str, Procedure] = field(default_factory=dict)

    @property
    def visitors(self) -> list[User]:
        return [self.student, self.physician, self.nurse]

    def complete(self, visit: Opportunity, user: User, code: str | None = None) -> VisitCompletion:
        """The host's confirmation that `user` completed `visit` (made directly)."""
        completion = VisitCompletion(
            visit_id=visit.id,
            user_id=user.id,
            confirmed_by_id=self.host.id,
            certificate_code=code or f"cert-{visit.id}-{user.id}",
        )
        self.session.add(completion)
        self.session.commit()
        return completion


def impact_scene(
    session: Session, users: UserFactory, *, ended_days_ago: int = 3, today: date | None = None
) -> ImpactScene:
    today = today or date.today()
    ends = today - timedelta(days=ended_days_ago)
    org = users.organisation(name="Mbeya Outreach")
    host = users.create("org_member", name="Host Member", organisation=org)
    other_host = users.create("org_member", name="Other Host")
    coordinator = users.create("coordinator", name="Coordinator")
    student = users.create("student", name="Student Visitor")
    physician = users.create("professional", name="Physician Visitor", profession_code="ir-physician")
    nurse = users.create("professional", name="Nurse Visitor", profession_code="ir-nurse")
    stranger = users.create("student", name="Stranger")
    site = make_site(session, org, name="Mbeya Zonal Referral Hospital", slug="mbeya-zonal", city="Mbeya")
    elective = users.opportunity(
        org,
        title="IR elective in Mbeya",
        status="closed",
        starts_on=ends - timedelta(days=27),
        ends_on=ends,
        deadline=None,
        site_id=site.id,
        places_filled=1,
    )
    users.match(student, elective, MatchStatus.COMPLETED, attendance_confirmed_at=utcnow())
    teaching = users.opportunity(
        org,
        title="Teaching visit to Mbeya",
        type="teaching_visit",
        status="closed",
        starts_on=ends - timedelta(days=13),
        ends_on=ends,
        deadline=None,
        site_id=site.id,
        capacity=2,
        places_filled=0,
    )
    build = TeamBuild(name="Mbeya build", created_by_id=coordinator.id)
    team = Team(visit=teaching, build=build, status="confirmed", confirmed_at=utcnow(), approved_at=utcnow())
    team.slots = [
        TeamSlot(role="ir-physician", minimum=1, maximum=1, filled=1),
        TeamSlot(role="ir-nurse", minimum=0, maximum=1, filled=1),
    ]
    session.add_all([build, team])
    session.flush()
    for person, role in ((physician, "ir-physician"), (nurse, "ir-nurse")):
        session.add(
            TeamMember(
                team_id=team.id,
                build_id=build.id,
                user_id=person.id,
                role=role,
                status="accepted",
                fixed=True,
                reasons={"covers": [], "rank": 1, "by": "builder"},
                answered_at=utcnow(),
            )
        )
    session.commit()
    procedures = {p.code: p for p in session.scalars(select(Procedure))}
    return ImpactScene(
        session=session,
        users=users,
        org=org,
        site=site,
        host=host,
        other_host=other_host,
        coordinator=coordinator,
        student=student,
        physician=physician,
        nurse=nurse,
        stranger=stranger,
        elective=elective,
        teaching=teaching,
        team=team,
        today=today,
        procedures=procedures,
    )
