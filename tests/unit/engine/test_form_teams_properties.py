"""The team builder against brute force on random small instances (Hypothesis).

The brute force tries every assignment of each volunteer to nothing or to a team they fit, keeps
those that obey the rules, and takes the best value of the same lexicographic objective, written
here again from the contract rather than borrowed from the engine.
"""

from __future__ import annotations

import itertools
import math
from datetime import date, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from matcher.engine import LeftOutReason, TeamReason, form_teams

# No example database: the suite writes no files, and every run draws fresh examples.
FAST = settings(max_examples=50, deadline=None, database=None)

DAY0 = date(2027, 1, 4)
ROLES = ("md", "rn")
SKILLS = ("tips", "pae", "care")


def day(n: int) -> date:
    return DAY0 + timedelta(days=n)


@st.composite
def instances(draw):
    """Up to 6 volunteers and 3 teams, 2 roles, 3 skills, dates within six weeks; some fixed.

    Dates are drawn from a few starts and lengths, so most pairs nearly fit and the interesting
    cases (competition for the same people, teams short of a role, budgets, languages) are common.
    """
    teams = {}
    for t in range(draw(st.integers(1, 3))):
        start = draw(st.sampled_from((0, 0, 7)))
        slots = {}
        for role in draw(st.sampled_from((ROLES, ROLES, ROLES[:1], ROLES[1:]))):
            low = draw(st.sampled_from((1, 0, 1, 2)))
            slots[role] = (low, draw(st.integers(max(low, 1), 3)))
        teams[f"t{t}"] = {
            "starts": day(start),
            "ends": day(start + draw(st.sampled_from((4, 6, 13)))),
            "needs": draw(st.sets(st.sampled_from(SKILLS))),
            "slots": slots,
            "language": draw(st.sampled_from((None, None, None, None, None, "fr"))),
            "id": f"t{t}",  # an extra key (allowed), for the checks below
        }
    volunteers = {}
    for v in range(draw(st.integers(1, 6))):
        windows = []
        for _ in range(draw(st.sampled_from((1, 2, 1, 0)))):
            start = draw(st.sampled_from((0, 7, 0, 0)))
            windows.append((day(start), day(start + draw(st.sampled_from((27, 20, 13, 6))))))
        ranked = draw(st.permutations([*teams, "elsewhere"]))  # "elsewhere": a team of another call
        volunteer = {
            "role": draw(st.sampled_from(ROLES)),
            "skills": draw(st.sets(st.sampled_from(SKILLS))),
            "available": windows,
            "preferences": ranked[: draw(st.integers(0, len(ranked)))],
        }
        if draw(st.integers(0, 3)) == 3:
            volunteer["weeks"] = draw(st.sampled_from((3, 2, 1, 0)))
        if draw(st.integers(0, 3)) == 3:
            volunteer["applied"] = draw(st.sets(st.sampled_from([*teams, "elsewhere"])))
        if draw(st.integers(0, 2)) == 2:
            volunteer["languages"] = draw(st.sets(st.sampled_from(("fr", "en"))))
        volunteers[f"v{v}"] = volunteer
    # Fix some volunteers in a team they fit, within the role's maximum.
    for vid, volunteer in volunteers.items():
        fitting = [tid for tid, team in teams.items() if fits(volunteer, team)]
        if fitting and draw(st.integers(0, 3)) == 1:
            tid = draw(st.sampled_from(fitting))
            team = teams[tid]
            same_role = [f for f in team.get("fixed", []) if volunteers[f]["role"] == volunteer["role"]]
            if len(same_role) < team["slots"][volunteer["role"]][1]:
                team.setdefault("fixed", []).append(vid)
    return volunteers, teams


def fits(volunteer, team) -> bool:
    if "applied" in volunteer and team["id"] not in volunteer["applied"]:
        return False
    if team["slots"].get(volunteer["role"], (0, 0))[1] < 1:
        return False
    if not any(start <= team["starts"] and team["ends"] <= end for start, end in volunteer["available"]):
        return False
    weeks = math.ceil(((team["ends"] - team["starts"]).days + 1) / 7)
    if volunteer.get("weeks") is not None and weeks > volunteer["weeks"]:
        return False
    return team["language"] is None or team["language"] in volunteer.get("languages", set())


def mins_reached(members, team, volunteers) -> bool:
    return all(
        sum(volunteers[v]["role"] == role for v in members) >= low for role, (low, _) in team["slots"].items()
    )


def objective(assignment, volunteers, teams, dropped=frozenset()):
    """The value of {volunteer: team or None}, or None when it breaks a rule. A team in `dropped`
    (empty) is not formed: an empty team whose minimums are all 0 may be formed or not, as in the
    engine's model, where `y[t]` is a choice (and not forming it frees its fixed volunteers)."""
    members = {tid: [v for v, t in assignment.items() if t == tid] for tid in teams}
    formed = {}
    for tid, team in teams.items():
        if any(
            sum(volunteers[v]["role"] == r for v in members[tid]) > high
            for r, (_, high) in team["slots"].items()
        ):
            return None
        formed[tid] = mins_reached(members[tid], team, volunteers) and tid not in dropped
        if members[tid] and not formed[tid]:
            return None
        # Fixed volunteers are in their team whenever it is formed (and free when it is not).
        if formed[tid] and any(assignment[v] != tid for v in team.get("fixed", [])):
            return None
    ranks = {v: [t for t in vol["preferences"] if t in teams] for v, vol in volunteers.items()}
    longest = max((len(r) for r in ranks.values()), default=0)
    return (
        sum(assignment[v] == tid for tid, team in teams.items() for v in team.get("fixed", [])),
        sum(formed.values()),
        sum(
            len(team["needs"] & set().union(*(volunteers[v]["skills"] for v in members[tid])))
            for tid, team in teams.items()
            if formed[tid]
        ),
        sum(t is not None for t in assignment.values()),
        sum(longest - ranks[v].index(t) for v, t in assignment.items() if t in ranks[v]),
    )


def brute_force(volunteers, teams):
    options = [
        [None, *(tid for tid, team in teams.items() if fits(vol, team))] for vol in volunteers.values()
    ]
    values = []
    for choice in itertools.product(*options):
        assignment = dict(zip(volunteers, choice, strict=True))
        empty = [tid for tid in teams if tid not in choice]
        for k in range(len(empty) + 1):
            for dropped in itertools.combinations(empty, k):
                values.append(objective(assignment, volunteers, teams, frozenset(dropped)))
    return max(value for value in values if value is not None)


@FAST
@given(instances())
def test_the_plan_reaches_the_brute_force_optimum_obeys_every_rule_and_explains_itself(instance):
    volunteers, teams = instance
    plan = form_teams(volunteers, teams)

    assert plan.optimal
    assert set(plan.members) == set(teams)
    placed = [v for members in plan.members.values() for v in members]
    assert len(placed) == len(set(placed)), "a volunteer is in two teams"
    assert set(placed) | set(plan.left_out) == set(volunteers)
    assert not set(placed) & set(plan.left_out)
    assignment = {v: plan.assignments[v] for v in volunteers}
    for tid, team in teams.items():
        members = plan.members[tid]
        assert all(fits(volunteers[v], team) for v in members)
        assert members == sorted(members)
        if members:
            assert plan.teams[tid].formed == mins_reached(members, team, volunteers)
        else:  # an empty team is formed only when it needs nobody (every minimum 0), and need not be
            assert not plan.teams[tid].formed or mins_reached(members, team, volunteers)
        assert plan.teams[tid].formed or members == []
        for role, (_, high) in team["slots"].items():
            assert sum(volunteers[v]["role"] == role for v in members) <= high
        fixed_kept = set(team.get("fixed", [])) <= set(members)
        assert fixed_kept or not plan.teams[tid].formed, "a fixed volunteer was moved"
    # The brute force's value, and the plan's own value counted from its members, agree.
    best = brute_force(volunteers, teams)
    unformed = frozenset(tid for tid, report in plan.teams.items() if not report.formed)
    assert objective(assignment, volunteers, teams, unformed) == best
    assert tuple(plan.objective) == best
    assert_explained(plan, volunteers, teams)


def assert_explained(plan, volunteers, teams):
    """Every team not formed and everyone left out is explained, and the explanation holds."""
    for tid, report in plan.teams.items():
        assert bool(report.why_not) != report.formed, tid
        assert TeamReason.NOT_CHOSEN not in {reason.code for reason in report.why_not}
        assert report.formed or report.missing == tuple(sorted(teams[tid]["needs"]))
        assert set(report.covered) | set(report.missing) == teams[tid]["needs"]
    for vid, reason in plan.left_out.items():
        volunteer = volunteers[vid]
        fitting = [tid for tid, team in teams.items() if fits(volunteer, team)]
        formed = [tid for tid in fitting if plan.teams[tid].formed]
        expected = (
            misfit_code(volunteer, teams)
            if not fitting
            else LeftOutReason.TEAMS_FULL
            if formed
            else LeftOutReason.NOT_FORMED
        )
        assert reason.code is expected, vid
        assert reason.code is not LeftOutReason.NOT_FORMED or reason.params == {"teams": fitting}
        # Others covered more: every formed team they fit has all its places for their role taken.
        assert reason.params.get("full", []) == (formed if fitting else [])
        role = volunteer["role"]
        assert all(
            sum(volunteers[v]["role"] == role for v in plan.members[tid]) == teams[tid]["slots"][role][1]
            for tid in formed
        )


def misfit_code(volunteer, teams):
    """The first check that leaves no team: applied, role slot, dates, weeks, language."""
    applied = [t for t in teams.values() if "applied" not in volunteer or t["id"] in volunteer["applied"]]
    if not applied:
        return LeftOutReason.NOT_APPLIED
    with_slot = [t for t in applied if t["slots"].get(volunteer["role"], (0, 0))[1] >= 1]
    in_dates = [
        t for t in with_slot if any(s <= t["starts"] and t["ends"] <= e for s, e in volunteer["available"])
    ]
    budget = volunteer.get("weeks")
    in_weeks = [
        t for t in in_dates if budget is None or math.ceil(((t["ends"] - t["starts"]).days + 1) / 7) <= budget
    ]
    if not with_slot:
        return LeftOutReason.NO_ROLE_SLOT
    if not in_dates:
        return LeftOutReason.DATES
    return LeftOutReason.WEEKS if not in_weeks else LeftOutReason.LANGUAGE
