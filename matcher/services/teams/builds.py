"""Team builds: a set of visits built together, run by the team builder as a background job.

`create_build` makes a team (with its places per role, from the request) for each chosen visit;
`start_run` queues a run; `run_build` (what the job does) gives the builder the volunteers who
applied to the visits or wished for them, with the people already placed fixed, stores the plan
and its explanations (`TeamBuildRun`), and adds the plan's new members as proposals. A run never
moves anyone already holding a place: the members of approved or confirmed teams, those a
coordinator placed by hand, and (re-running for open places) every current member stay.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from matcher.engine import TeamPlan, form_teams
from matcher.engine.team_input import misfit, read_teams, read_volunteers
from matcher.jobs import lifecycle, words
from matcher.models import (
    BackgroundJob,
    MemberStatus,
    Opportunity,
    OpportunityType,
    RunKind,
    Team,
    TeamBuild,
    TeamBuildRun,
    TeamMember,
    TeamSlot,
    TeamStatus,
    User,
)
from matcher.services.errors import Conflict, DomainError, NotFound, PermissionDenied
from matcher.services.permissions import is_staff
from matcher.services.teams import events, inputs, places
from matcher.translate import gettext as _

BUILD_JOB_KIND = "team_build"
Progress = Callable[[int, int, str], None]

# The English the job's record stores (matcher.jobs.words shows them in the reader's language).
READING, SOLVING, SAVING = words.READING_TEAMS, words.SOLVING_TEAMS, words.SAVING_TEAMS


def require_coordinator(actor: User) -> None:
    if not is_staff(actor):
        raise PermissionDenied(_("Only coordinators build teams."))


def open_visits_without_team(session: Session) -> list[Opportunity]:
    """Published teaching visits with no team yet, soonest first: what a build can take."""
    return list(
        session.scalars(
            select(Opportunity)
            .outerjoin(Team, Team.visit_id == Opportunity.id)
            .where(
                Opportunity.type == OpportunityType.TEACHING_VISIT,
                Opportunity.teaching_request_id.is_not(None),
                Opportunity.status == "published",
                Team.id.is_(None),
            )
            .order_by(Opportunity.starts_on, Opportunity.id)
        )
    )


def create_build(session: Session, actor: User, name: str, visit_ids: list[int]) -> TeamBuild:
    """A build over these visits: one team for each, with the request's places per role."""
    require_coordinator(actor)
    name = (name or "").strip()
    if not name:
        raise DomainError(_("Give the build a name."), field="name")
    available = {v.id: v for v in open_visits_without_team(session)}
    chosen = [available[i] for i in dict.fromkeys(visit_ids) if i in available]
    if not chosen or len(chosen) != len(set(visit_ids)):
        raise DomainError(_("Choose one or more open teaching visits that have no team yet."), field="visits")
    build = TeamBuild(name=name[:160], created_by_id=actor.id)
    session.add(build)
    session.flush()
    for visit in chosen:
        request = visit.teaching_request
        if request is None or not request.roles:
            raise DomainError(
                _(
                    "%(visit)s asks for no roles: its request must say which roles it wants.",
                    visit=visit.title,
                ),
                field="visits",
            )
        team = Team(visit=visit, build=build, status=TeamStatus.PROPOSED)
        team.slots = [
            TeamSlot(role=r.profession_code, minimum=r.minimum, maximum=r.maximum, filled=0)
            for r in request.roles
        ]
        session.add(team)
        session.flush()
        events.record(session, team, actor, "created", build=build.name)
    return build


def build_key(build_id: int) -> str:
    return f"team-build:{build_id}"


def start_run(
    session: Session, actor: User, build: TeamBuild, kind: RunKind = RunKind.BUILD
) -> BackgroundJob:
    """Queue a run of the builder over the build (one at a time per build)."""
    require_coordinator(actor)
    if not any(team.status != TeamStatus.CANCELLED for team in build.teams):
        raise Conflict(_("This build has no team left to form."))
    return lifecycle.start(
        session,
        actor,
        kind=BUILD_JOB_KIND,
        title=words.BUILD_TITLE.format(name=build.name),
        parameters={"build_id": build.id, "kind": str(kind)},
        dedupe_key=build_key(build.id),
    )


def _load_teams(session: Session, build: TeamBuild, team_ids: set[int] | None) -> list[Team]:
    teams = session.scalars(
        select(Team)
        .where(Team.build_id == build.id, Team.status != TeamStatus.CANCELLED)
        .options(selectinload(Team.slots), selectinload(Team.members), selectinload(Team.visit))
        .order_by(Team.id)
    ).all()
    return [t for t in teams if team_ids is None or t.id in team_ids]


def _kept(team: Team, kind: RunKind) -> list[TeamMember]:
    """The members a run keeps: all of them, except the builder's own proposals of a proposed team
    on a full build (those are proposed again, or not, by this run)."""
    holding = team.holding
    if kind == RunKind.BUILD and team.status == TeamStatus.PROPOSED:
        return [m for m in holding if m.fixed or m.status != MemberStatus.PROPOSED]
    return holding


def run_build(
    session: Session,
    actor: User,
    build: TeamBuild,
    *,
    kind: RunKind = RunKind.BUILD,
    team_ids: set[int] | None = None,
    progress: Progress | None = None,
) -> TeamBuildRun:
    """Run the builder over the build's teams (or `team_ids`), store the plan, add its proposals."""
    if kind != RunKind.REPLACE:
        require_coordinator(actor)
    report = progress or (lambda done, total, note: None)
    report(0, 3, READING)
    teams = _load_teams(session, build, team_ids)
    if not teams:
        raise NotFound(_("This build has no team left to form."))
    # The builder's own earlier proposals in proposed teams are proposed afresh.
    for team in teams:
        kept = {m.id for m in _kept(team, kind)}
        for member in team.holding:
            if member.id not in kept:
                places.free(session, team, member.role)
                session.delete(member)
    session.flush()
    for team in teams:
        session.refresh(team)
    holders = inputs.holders_elsewhere(session, build.id)
    refused = inputs.refused_in_build(session, build.id)
    visits = [t.visit for t in teams]
    pool = [u for u in inputs.candidates(session, visits) if u.id not in holders and u.id not in refused]
    kept_users = {m.user_id: m for t in teams for m in t.holding}
    people = pool + [session.get(User, uid) for uid in kept_users if uid not in {u.id for u in pool}]
    volunteers = inputs.volunteer_specs(session, people, teams)
    for uid, member in kept_users.items():  # kept in their team, whether they applied to it or not
        volunteers[uid]["applied"] = sorted({*volunteers[uid].get("applied", []), member.team_id})
    team_specs = {team.id: _spec_with_kept(team, volunteers) for team in teams}
    report(1, 3, SOLVING)
    plan = form_teams(volunteers, team_specs)
    report(2, 3, SAVING)
    run = TeamBuildRun(
        build=build,
        kind=kind,
        ran_by_id=actor.id,
        visit_ids=[t.visit_id for t in teams],
        volunteer_ids=sorted(volunteers),
        inputs_hash=_hash(volunteers, team_specs),
        plan=plan_as_json(plan, {t.id: t.visit_id for t in teams}),
        objective=plan.objective._asdict(),
        optimal=plan.optimal,
    )
    session.add(run)
    added = _apply(session, actor, teams, plan, kept_users, build)
    session.flush()
    for team in teams:
        events.record(session, team, actor, f"run_{kind}", added=added.get(team.id, []), run=run.id)
    return run


def _spec_with_kept(team: Team, volunteers: dict[int, dict[str, Any]]) -> dict[str, Any]:
    """The team for the builder: members kept are fixed when they still fit by its rules; the
    others (whose availability changed since) keep their place and take it off the team's slots."""
    spec = inputs.team_spec(team)
    fixed: list[int] = []
    slots = dict(spec["slots"])
    for member in team.holding:
        shape = dict(spec, fixed=[])
        fits = (
            member.user_id in volunteers
            and volunteers[member.user_id]["role"] == member.role
            and misfit(
                read_volunteers({member.user_id: volunteers[member.user_id]})[0],
                read_teams({team.id: shape}, [member.user_id])[0],
            )
            is None
        )
        if fits:
            fixed.append(member.user_id)
        else:
            low, high = slots.get(member.role, (0, 0))
            slots[member.role] = (max(low - 1, 0), max(high - 1, 0))
    spec["slots"] = {role: bounds for role, bounds in slots.items() if bounds[1] >= 1}
    spec["fixed"] = sorted(fixed)
    return spec


def _apply(
    session: Session,
    actor: User,
    teams: list[Team],
    plan: TeamPlan,
    kept: dict[int, TeamMember],
    build: TeamBuild,
) -> dict[int, list[int]]:
    """Add the plan's new members as proposals (places taken by the database's count)."""
    added: dict[int, list[int]] = {}
    by_id = {t.id: t for t in teams}
    for team_id, member_ids in plan.members.items():
        team = by_id[team_id]
        report = plan.teams[team_id]
        why = {m.volunteer: m for m in report.members}
        for user_id in member_ids:
            if user_id in kept:
                continue
            reason = why[user_id]
            places.take(session, team, reason.role)
            earlier = session.scalar(
                select(TeamMember).where(TeamMember.team_id == team.id, TeamMember.user_id == user_id)
            )
            member = earlier or TeamMember(team=team, user_id=user_id, build_id=build.id)
            member.role, member.status, member.fixed = reason.role, MemberStatus.PROPOSED, False
            member.reasons = {"covers": list(reason.covers), "rank": reason.rank, "by": "builder"}
            member.reply_by = member.offered_at = member.answered_at = None
            session.add(member)
            added.setdefault(team.id, []).append(user_id)
    return added


def plan_as_json(plan: TeamPlan, visit_of: dict[int, int]) -> dict[str, Any]:
    """The plan's explanations as JSON (keys are strings; each team also names its visit)."""
    teams = {}
    for team_id, report in plan.teams.items():
        teams[str(team_id)] = {
            "visit_id": visit_of.get(team_id),
            "formed": report.formed,
            "roles": [r.__dict__ for r in report.roles],
            "covered": {need: list(ids) for need, ids in report.covered.items()},
            "missing": list(report.missing),
            "unreachable": list(report.unreachable),
            "members": [
                {
                    "volunteer": m.volunteer,
                    "role": m.role,
                    "covers": list(m.covers),
                    "rank": m.rank,
                    "fixed": m.fixed,
                }
                for m in report.members
            ],
            "why_not": [{"code": str(r.code), "params": dict(r.params)} for r in report.why_not],
        }
    left_out = {str(uid): {"code": str(r.code), "params": dict(r.params)} for uid, r in plan.left_out.items()}
    return {"teams": teams, "left_out": left_out}


def _hash(volunteers: dict[int, dict[str, Any]], teams: dict[int, dict[str, Any]]) -> str:
    def plain(value: Any) -> Any:
        if isinstance(value, set | frozenset):
            return sorted(value)
        if isinstance(value, tuple | list):
            return [plain(v) for v in value]
        if isinstance(value, dict):
            return {str(k): plain(v) for k, v in sorted(value.items(), key=lambda kv: str(kv[0]))}
        return value if isinstance(value, int | str | float | bool) or value is None else str(value)

    text = json.dumps({"volunteers": plain(volunteers), "teams": plain(teams)}, sort_keys=True)
    return hashlib.sha256(text.encode()).hexdigest()


def latest_run(session: Session, build_id: int) -> TeamBuildRun | None:
    return session.scalar(
        select(TeamBuildRun).where(TeamBuildRun.build_id == build_id).order_by(TeamBuildRun.id.desc())
    )


def team_explanation(session: Session, team: Team) -> dict[str, Any] | None:
    """The latest run's explanation of this team (None before any run that covered it)."""
    return explanation_in(runs_of(session, {team.build_id}), team)


def runs_of(session: Session, build_ids: set[int]) -> list[TeamBuildRun]:
    """The runs of these builds, latest first."""
    return list(
        session.scalars(
            select(TeamBuildRun).where(TeamBuildRun.build_id.in_(build_ids)).order_by(TeamBuildRun.id.desc())
        )
    )


def explanation_in(runs: list[TeamBuildRun], team: Team) -> dict[str, Any] | None:
    """The explanation of this team in the latest of `runs` (of its build) that covered it."""
    for run in runs:
        if run.build_id != team.build_id:
            continue
        found = run.plan.get("teams", {}).get(str(team.id))
        if found is not None:
            return found
    return None
