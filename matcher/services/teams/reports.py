"""What the teams' pages and exports read: the review matrix of a team, the CSV rows of a build,
the coordinator dashboard's counts, and a volunteer's own visits."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from matcher.models import (
    MemberStatus,
    Opportunity,
    Procedure,
    ProcedureSkill,
    Profession,
    Profile,
    Team,
    TeamBuild,
    TeamMember,
    TeamStatus,
    User,
    VisitApplication,
)
from matcher.models.teaching import TeachingRequest
from matcher.models.teams import HOLDING
from matcher.services.teams import builds, inputs


@dataclass(frozen=True)
class SlotLine:
    role: str
    minimum: int
    maximum: int
    filled: int

    @property
    def missing(self) -> int:
        return max(self.minimum - self.filled, 0)

    @property
    def open(self) -> int:
        return self.maximum - self.filled


@dataclass
class TeamReview:
    """One team on one page: its needs against its members, its roles, what is missing and why."""

    team: Team
    needs: list[Procedure]
    members: list[TeamMember]  # holding a place, by role then name
    others: list[TeamMember]  # declined or removed
    skills: dict[int, dict[int, str]]  # user id -> procedure id -> teach | assist
    slots: list[SlotLine]
    missing_needs: list[Procedure]
    unreachable: set[str]  # need codes no fitting volunteer has
    why_not: list[dict[str, Any]]  # the builder's reasons when the team was not formed
    candidates: list[tuple[User, str | None]] = field(default_factory=list)  # (volunteer, misfit code)
    professions: dict[str, Profession] = field(default_factory=dict)

    @property
    def formed(self) -> bool:
        return all(s.filled >= s.minimum for s in self.slots) and bool(self.members)

    def covers(self, procedure: Procedure) -> bool:
        return any(procedure.id in self.skills.get(m.user_id, {}) for m in self.members)


def professions(session: Session) -> dict[str, Profession]:
    return {p.code: p for p in session.scalars(select(Profession))}


def _skills(session: Session, user_ids: list[int]) -> dict[int, dict[int, str]]:
    rows = session.execute(
        select(Profile.user_id, ProcedureSkill.procedure_id, ProcedureSkill.level)
        .join(ProcedureSkill, ProcedureSkill.profile_id == Profile.id)
        .where(Profile.user_id.in_(user_ids))
    )
    skills: dict[int, dict[int, str]] = {}
    for user_id, procedure_id, level in rows:
        skills.setdefault(user_id, {})[procedure_id] = level
    return skills


def review(session: Session, team: Team, with_candidates: bool = True) -> TeamReview:
    """One team's review (with the volunteers a coordinator could add, unless told otherwise)."""
    return reviews(session, [team], with_candidates)[0]


def reviews(
    session: Session,
    teams: list[Team],
    with_candidates: bool = False,
    known: dict[str, Profession] | None = None,
) -> list[TeamReview]:
    """The reviews of several teams in a fixed number of statements, whatever their number and
    members: the teams with their visits, requests, needs, slots and members loaded together."""
    if not teams:
        return []
    ids = [t.id for t in teams]
    loaded = {
        t.id: t
        for t in session.scalars(
            select(Team)
            .where(Team.id.in_(ids))
            .options(
                selectinload(Team.visit)
                .selectinload(Opportunity.teaching_request)
                .selectinload(TeachingRequest.procedures),
                selectinload(Team.slots),
                selectinload(Team.members).selectinload(TeamMember.user),
            )
        )
    }
    teams = [loaded[i] for i in ids]
    skills = _skills(session, sorted({m.user_id for t in teams for m in t.holding}))
    runs = builds.runs_of(session, {t.build_id for t in teams})
    known = known if known is not None else professions(session)
    found = []
    for team in teams:
        request = team.visit.teaching_request
        needs = list(request.procedures) if request else []
        members = sorted(team.holding, key=lambda m: (m.role, m.user.name.lower(), m.id))
        explanation = builds.explanation_in(runs, team) or {}
        result = TeamReview(
            team=team,
            needs=needs,
            members=members,
            others=[m for m in team.members if m.status not in HOLDING],
            skills={m.user_id: skills.get(m.user_id, {}) for m in members},
            slots=[SlotLine(s.role, s.minimum, s.maximum, s.filled) for s in team.slots],
            missing_needs=[],
            unreachable=set(explanation.get("unreachable", [])),
            why_not=list(explanation.get("why_not", [])),
            professions=known,
        )
        result.missing_needs = [p for p in needs if not result.covers(p)]
        if with_candidates and team.status != TeamStatus.CANCELLED:
            busy = inputs.holders_elsewhere(session, team.build_id)
            free = [u for u in inputs.candidates(session, [team.visit]) if u.id not in busy]
            failed = inputs.misfits_for(session, free, team)
            result.candidates = [(u, str(failed[u.id]) if failed[u.id] else None) for u in free]
        found.append(result)
    return found


CSV_HEADER = (
    "build",
    "team",
    "visit",
    "site",
    "starts_on",
    "ends_on",
    "team_status",
    "member",
    "email",
    "role",
    "member_status",
    "reply_by",
    "covers",
)


def csv_rows(session: Session, build: TeamBuild) -> list[list[Any]]:
    """One row per member (holding a place or not) of each team of the build; a team with no
    member has one row of its own."""
    rows: list[list[Any]] = []
    teams = session.scalars(
        select(Team)
        .where(Team.build_id == build.id)
        .options(selectinload(Team.members).selectinload(TeamMember.user), selectinload(Team.visit))
        .order_by(Team.id)
    )
    for team in teams:
        visit = team.visit
        head = [
            build.name,
            team.id,
            visit.title,
            visit.host_institution,
            visit.starts_on,
            visit.ends_on,
            team.status,
        ]
        if not team.members:
            rows.append([*head, "", "", "", "", "", ""])
        for member in team.members:
            rows.append(
                [
                    *head,
                    member.user.name,
                    member.user.email,
                    member.role,
                    member.status,
                    member.reply_by or "",
                    " ".join(member.reasons.get("covers", [])),
                ]
            )
    return rows


@dataclass(frozen=True)
class TeamCounts:
    teams: int  # not cancelled
    formed: int  # every role at its minimum, with someone in it
    approved: int
    confirmed: int
    needs: int  # over the teams counted in `teams`
    needs_covered: int
    members_accepted: int
    offers_waiting: int


def counts(session: Session) -> TeamCounts:
    """The coordinator dashboard's counts of teams formed and needs covered."""
    teams = session.scalars(
        select(Team)
        .where(Team.status != TeamStatus.CANCELLED)
        .options(
            selectinload(Team.slots),
            selectinload(Team.members),
            selectinload(Team.visit)
            .selectinload(Opportunity.teaching_request)
            .selectinload(TeachingRequest.procedures),
        )
    ).all()
    formed = needs = covered = 0
    for team in teams:
        if team.holding and all(s.filled >= s.minimum for s in team.slots):
            formed += 1
        request = team.visit.teaching_request
        codes = {p.code for p in request.procedures} if request else set()
        have = {c for m in team.holding for c in m.reasons.get("covers", [])}
        needs += len(codes)
        covered += len(codes & have)
    by_status = dict(session.execute(select(Team.status, func.count(Team.id)).group_by(Team.status)).all())
    member_counts = dict(
        session.execute(
            select(TeamMember.status, func.count(TeamMember.id))
            .where(TeamMember.status.in_([MemberStatus.ACCEPTED, MemberStatus.OFFERED]))
            .group_by(TeamMember.status)
        ).all()
    )
    return TeamCounts(
        teams=len(teams),
        formed=formed,
        approved=by_status.get(TeamStatus.APPROVED, 0),
        confirmed=by_status.get(TeamStatus.CONFIRMED, 0),
        needs=needs,
        needs_covered=covered,
        members_accepted=member_counts.get(MemberStatus.ACCEPTED, 0),
        offers_waiting=member_counts.get(MemberStatus.OFFERED, 0),
    )


def my_places(session: Session, user: User) -> list[TeamMember]:
    """The volunteer's places in teams once offered (proposals are not theirs to see yet)."""
    return list(
        session.scalars(
            select(TeamMember)
            .join(Team, TeamMember.team_id == Team.id)
            .join(Opportunity, Team.visit_id == Opportunity.id)
            .where(
                TeamMember.user_id == user.id,
                TeamMember.status.in_([MemberStatus.OFFERED, MemberStatus.ACCEPTED, MemberStatus.DECLINED]),
            )
            .order_by(Opportunity.starts_on)
        )
    )


def my_applications(session: Session, user: User) -> list[VisitApplication]:
    return list(
        session.scalars(
            select(VisitApplication)
            .where(VisitApplication.user_id == user.id)
            .options(selectinload(VisitApplication.visit))
            .order_by(VisitApplication.rank, VisitApplication.id)
        )
    )


def open_visits(session: Session) -> list[Opportunity]:
    """Published teaching visits still to come, soonest first (what a volunteer may apply to)."""
    return list(
        session.scalars(
            select(Opportunity)
            .where(
                Opportunity.type == "teaching_visit",
                Opportunity.teaching_request_id.is_not(None),
                Opportunity.status == "published",
                Opportunity.starts_on > date.today(),
            )
            .order_by(Opportunity.starts_on, Opportunity.id)
        )
    )
