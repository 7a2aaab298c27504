"""The team builder on hand-made cases: each rule, each level of the optimum, each explanation code."""

from __future__ import annotations

import dataclasses
from datetime import date, datetime, timedelta

import pytest

from matcher.engine import (
    LeftOutReason,
    MemberReason,
    PlanObjective,
    Reason,
    RoleFill,
    TeamReason,
    form_teams,
)

START = date(2027, 3, 1)  # a Monday
TWO_WEEKS = (START, START + timedelta(days=13))


def team(slots, needs=(), starts=START, days=14, **extra):
    return {
        "starts": starts,
        "ends": starts + timedelta(days=days - 1),
        "needs": set(needs),
        "slots": slots,
        **extra,
    }


def volunteer(role="md", skills=(), windows=(TWO_WEEKS,), **extra):
    return {"role": role, "skills": set(skills), "available": list(windows), **extra}


# The fit rules.


def test_a_window_that_holds_the_team_exactly_fits_and_one_day_short_does_not():
    volunteers = {
        "exact": volunteer(),
        "late": volunteer(windows=[(START + timedelta(days=1), START + timedelta(days=30))]),
        "early": volunteer(windows=[(START - timedelta(days=30), START + timedelta(days=12))]),
    }
    plan = form_teams(volunteers, {"t": team({"md": (1, 3)})})

    assert plan.members == {"t": ["exact"]}
    assert plan.left_out["late"] == Reason(LeftOutReason.DATES, {"role": "md", "teams": ["t"]})
    assert plan.left_out["early"].code is LeftOutReason.DATES


def test_any_one_of_several_windows_is_enough():
    windows = [(START - timedelta(days=40), START - timedelta(days=20)), (START, START + timedelta(days=20))]
    plan = form_teams({"v": volunteer(windows=windows)}, {"t": team({"md": (1, 1)})})
    assert plan.members == {"t": ["v"]}


def test_a_role_without_places_does_not_fit_even_when_listed_with_max_zero():
    volunteers = {"nurse": volunteer("rn"), "md": volunteer("md")}
    plan = form_teams(volunteers, {"t": team({"md": (1, 1), "rn": (0, 0)})})

    assert plan.members == {"t": ["md"]}
    assert plan.left_out == {"nurse": Reason(LeftOutReason.NO_ROLE_SLOT, {"role": "rn"})}


def test_a_team_longer_than_the_weeks_budget_does_not_fit_and_weeks_round_up():
    window = [(START, START + timedelta(days=30))]
    volunteers = {
        "two": volunteer(windows=window, weeks=2),
        "three": volunteer(windows=window, weeks=3),
    }
    two_weeks = form_teams(volunteers, {"t": team({"md": (0, 2)}, days=14)})
    assert two_weeks.members == {"t": ["three", "two"]}

    fifteen_days = form_teams(volunteers, {"t": team({"md": (0, 2)}, days=15)})
    assert fifteen_days.members == {"t": ["three"]}
    assert fifteen_days.left_out["two"] == Reason(
        LeftOutReason.WEEKS, {"weeks": 2, "shortest": 3, "teams": ["t"]}
    )


def test_a_team_with_a_language_takes_only_those_who_speak_it():
    volunteers = {
        "fr": volunteer(languages={"fr", "en"}),
        "pt": volunteer(languages={"pt"}),
        "unsaid": volunteer(),
    }
    plan = form_teams(volunteers, {"t": team({"md": (1, 3)}, language="fr")})

    assert plan.members == {"t": ["fr"]}
    assert plan.left_out["pt"] == Reason(
        LeftOutReason.LANGUAGE, {"languages": ["pt"], "wanted": ["fr"], "teams": ["t"]}
    )
    assert plan.left_out["unsaid"] == Reason(
        LeftOutReason.LANGUAGE, {"languages": [], "wanted": ["fr"], "teams": ["t"]}
    )


def test_volunteers_who_say_which_teams_they_applied_to_join_only_those():
    volunteers = {
        "a_only": volunteer(applied={"a"}),
        "neither": volunteer(applied=["elsewhere"]),
        "any": volunteer(),
        "a_nurse": volunteer("rn", applied=("a",)),
    }
    teams = {"a": team({"md": (1, 1)}), "b": team({"md": (1, 1)})}
    plan = form_teams(volunteers, teams)

    assert plan.members == {"a": ["a_only"], "b": ["any"]}
    assert plan.left_out["neither"] == Reason(LeftOutReason.NOT_APPLIED)
    # Among the teams they applied to, none has a place for their role.
    assert plan.left_out["a_nurse"] == Reason(LeftOutReason.NO_ROLE_SLOT, {"role": "rn"})


def test_the_first_failing_check_is_the_reason_given():
    # Dates fit one team, which is too long for the budget; the other is in the wrong weeks.
    volunteers = {"v": volunteer(windows=[(START, START + timedelta(days=20))], weeks=1)}
    teams = {
        "long": team({"md": (1, 1)}, days=14),
        "later": team({"md": (1, 1)}, starts=START + timedelta(days=60)),
    }
    plan = form_teams(volunteers, teams)
    assert plan.left_out["v"] == Reason(LeftOutReason.WEEKS, {"weeks": 1, "shortest": 2, "teams": ["long"]})


# Forming teams.


def test_a_volunteer_joins_at_most_one_team_and_the_other_team_says_who_took_them():
    plan = form_teams({"v": volunteer()}, {"a": team({"md": (1, 1)}), "b": team({"md": (1, 1)})})

    assert sorted(len(m) for m in plan.members.values()) == [0, 1]
    formed = next(t for t, m in plan.members.items() if m)
    other = "b" if formed == "a" else "a"
    assert plan.teams[other].why_not == (
        Reason(
            TeamReason.ROLE_TAKEN,
            {"role": "md", "minimum": 1, "fitting": 1, "free": 0, "elsewhere": [formed]},
        ),
    )
    assert plan.objective == PlanObjective(0, 1, 0, 1, 0)


def test_a_team_short_of_a_minimum_is_not_formed_and_gets_nobody():
    volunteers = {"md": volunteer("md"), "rn": volunteer("rn")}
    plan = form_teams(volunteers, {"t": team({"md": (1, 1), "rn": (2, 2)}, needs={"tips"})})

    assert plan.members == {"t": []}
    report = plan.teams["t"]
    assert not report.formed
    assert report.why_not == (Reason(TeamReason.ROLE_SHORT, {"role": "rn", "minimum": 2, "fitting": 1}),)
    assert report.roles == (RoleFill("md", 1, 1, 0, 1), RoleFill("rn", 2, 2, 0, 1))
    assert report.missing == ("tips",)
    assert plan.left_out == {
        "md": Reason(LeftOutReason.NOT_FORMED, {"teams": ["t"]}),
        "rn": Reason(LeftOutReason.NOT_FORMED, {"teams": ["t"]}),
    }
    assert plan.objective.teams_formed == 0


def test_a_team_whose_minimums_are_all_zero_is_formed_even_with_nobody():
    plan = form_teams({}, {"t": team({"md": (0, 2)}, needs={"tips"})})
    assert plan.members == {"t": []}
    assert plan.teams["t"].formed
    assert plan.teams["t"].unreachable == ("tips",)
    assert plan.objective == PlanObjective(0, 1, 0, 0, 0)


def test_the_maximum_of_a_role_is_respected_and_the_one_left_out_is_told_the_team_was_full():
    volunteers = {f"v{i}": volunteer() for i in range(3)}
    plan = form_teams(volunteers, {"t": team({"md": (1, 2)})})

    assert len(plan.members["t"]) == 2
    (left,) = plan.left_out
    assert plan.left_out[left] == Reason(
        LeftOutReason.TEAMS_FULL, {"role": "md", "full": ["t"], "not_formed": []}
    )
    assert plan.teams["t"].roles == (RoleFill("md", 1, 2, 2, 3),)


# The lexicographic order.


def test_more_teams_formed_beats_more_needs_covered():
    volunteers = {
        "expert": volunteer(skills={"tips", "pae"}),  # fits both
        "generalist": volunteer(windows=[TWO_WEEKS]),
    }
    teams = {
        "a": team({"md": (1, 1)}, needs={"tips", "pae"}),
        "b": team({"md": (1, 1)}, needs={"ablation"}, starts=START + timedelta(days=20)),
    }
    volunteers["expert"]["available"] = [(START, START + timedelta(days=40))]
    plan = form_teams(volunteers, teams)

    assert plan.members == {"a": ["generalist"], "b": ["expert"]}
    assert plan.objective == PlanObjective(0, 2, 0, 2, 0)


def test_more_needs_covered_beats_more_volunteers_placed():
    wide = [(START, START + timedelta(days=40))]
    later = START + timedelta(days=20)
    volunteers = {
        "coverer": volunteer(skills={"tips"}, windows=wide),  # fits a and b
        "only_a": volunteer(),
        "only_b": volunteer(windows=[(later, later + timedelta(days=13))]),
    }
    teams = {"a": team({"md": (1, 1)}, needs={"tips"}), "b": team({"md": (1, 2)}, starts=later)}
    plan = form_teams(volunteers, teams)

    # Placing all three needs the coverer in b, which leaves tips uncovered in a.
    assert plan.members == {"a": ["coverer"], "b": ["only_b"]}
    assert plan.objective == PlanObjective(0, 2, 1, 2, 0)
    assert plan.left_out == {
        "only_a": Reason(LeftOutReason.TEAMS_FULL, {"role": "md", "full": ["a"], "not_formed": []})
    }


def test_more_volunteers_placed_beats_their_preferences():
    wide = [(START, START + timedelta(days=40))]
    later = START + timedelta(days=20)
    volunteers = {
        "flexible": volunteer(windows=wide, preferences=["a", "b"]),
        "only_a": volunteer(),
    }
    teams = {"a": team({"md": (0, 1)}), "b": team({"md": (0, 1)}, starts=later)}
    plan = form_teams(volunteers, teams)

    assert plan.members == {"a": ["only_a"], "b": ["flexible"]}
    assert plan.teams["b"].members == (MemberReason("flexible", "md", (), 2, False),)
    # Two ranked teams: the first choice would score 2, the second scores 1.
    assert plan.objective == PlanObjective(0, 2, 0, 2, 1)


@pytest.mark.parametrize(("first_choice", "second_choice"), [("a", "b"), ("b", "a")])
def test_preferences_decide_between_otherwise_equal_plans(first_choice, second_choice):
    volunteers = {
        "x": volunteer(preferences=[first_choice, second_choice]),
        "y": volunteer(preferences=[second_choice]),
    }
    plan = form_teams(volunteers, {"a": team({"md": (1, 1)}), "b": team({"md": (1, 1)})})

    assert plan.members == {first_choice: ["x"], second_choice: ["y"]}
    assert plan.teams[first_choice].members[0].rank == 1
    assert plan.teams[second_choice].members[0].rank == 1
    assert plan.objective.preference == 4  # both placed in their first choice, 2 points each


def test_ranks_count_only_the_teams_of_this_call():
    volunteers = {"x": volunteer(preferences=["elsewhere", "b", "a"])}
    plan = form_teams(volunteers, {"a": team({"md": (0, 1)}), "b": team({"md": (0, 1)})})

    assert plan.members == {"a": [], "b": ["x"]}
    assert plan.teams["b"].members[0].rank == 1
    assert plan.objective.preference == 2


# Fixed volunteers.


def test_fixed_volunteers_stay_even_when_someone_else_would_cover_more():
    volunteers = {"kept": volunteer(), "expert": volunteer(skills={"tips"})}
    plan = form_teams(volunteers, {"t": team({"md": (1, 1)}, needs={"tips"}, fixed=["kept"])})

    assert plan.members == {"t": ["kept"]}
    assert plan.teams["t"].members == (MemberReason("kept", "md", (), None, True),)
    assert plan.teams["t"].missing == ("tips",)
    assert plan.objective == PlanObjective(1, 1, 0, 1, 0)


def test_open_slots_are_filled_around_the_fixed_members():
    volunteers = {
        "kept": volunteer("md"),
        "nurse": volunteer("rn", skills={"care"}),
        "other": volunteer("md"),
    }
    plan = form_teams(volunteers, {"t": team({"md": (1, 1), "rn": (1, 1)}, needs={"care"}, fixed=["kept"])})
    assert plan.members == {"t": ["kept", "nurse"]}
    assert plan.left_out["other"].code is LeftOutReason.TEAMS_FULL


def test_a_team_that_cannot_form_releases_its_fixed_members_to_other_teams():
    volunteers = {"kept": volunteer("md")}
    teams = {"short": team({"md": (1, 1), "rn": (1, 1)}, fixed=["kept"]), "open": team({"md": (1, 1)})}
    plan = form_teams(volunteers, teams)

    assert plan.members == {"open": ["kept"], "short": []}
    assert plan.teams["short"].why_not == (
        Reason(TeamReason.ROLE_SHORT, {"role": "rn", "minimum": 1, "fitting": 0}),
        Reason(TeamReason.FIXED_RELEASED, {"volunteers": ["kept"]}),
    )
    assert plan.objective.fixed_kept == 0


def test_a_run_over_one_team_proposes_a_replacement_around_those_who_stay():
    volunteers = {"stays": volunteer("md"), "declined": volunteer("rn"), "spare": volunteer("rn")}
    teams = {"t": team({"md": (1, 1), "rn": (1, 1)}, fixed=["stays"])}
    available = {vid: v for vid, v in volunteers.items() if vid != "declined"}
    assert form_teams(available, teams).members == {"t": ["spare", "stays"]}


# What each team says about itself.


def test_a_formed_team_lists_its_needs_covered_missing_and_unreachable_and_why_each_member():
    volunteers = {
        "md": volunteer("md", skills={"tips", "pae"}, preferences=["t"]),
        "rn": volunteer("rn", skills={"care", "pae"}),
        "far": volunteer(
            "rn", skills={"ablation"}, windows=[(START + timedelta(days=1), START + timedelta(days=20))]
        ),
        "spare": volunteer("rn", skills={"biopsy"}),
    }
    plan = form_teams(
        volunteers,
        {"t": team({"md": (1, 1), "rn": (1, 1)}, needs={"tips", "pae", "ablation", "biopsy", "drainage"})},
    )

    report = plan.teams["t"]
    assert report.formed and report.why_not == ()
    # The nurse with biopsy covers a need the other nurse does not: one new need beats pae twice.
    assert plan.members == {"t": ["md", "spare"]}
    assert report.covered == {"biopsy": ("spare",), "pae": ("md",), "tips": ("md",)}
    assert report.missing == ("ablation", "drainage")
    assert report.unreachable == ("ablation", "drainage")  # far does not fit; nobody teaches drainage
    assert report.members == (
        MemberReason("md", "md", ("pae", "tips"), 1, False),
        MemberReason("spare", "rn", ("biopsy",), None, False),
    )
    assert plan.objective == PlanObjective(0, 1, 3, 2, 1)


def test_plan_is_frozen_and_lists_every_volunteer_once():
    plan = form_teams({"a": volunteer(), "b": volunteer("rn")}, {"t": team({"md": (1, 1)})})
    with pytest.raises(dataclasses.FrozenInstanceError):
        plan.members = {}
    assert plan.assignments == {"a": "t", "b": None}


def test_same_input_in_another_order_gives_the_same_plan():
    volunteers = {f"v{i}": volunteer(skills={"tips"} if i % 2 else set()) for i in range(6)}
    teams = {"a": team({"md": (1, 2)}, needs={"tips"}), "b": team({"md": (1, 2)}), "c": team({"md": (2, 2)})}
    forward = form_teams(volunteers, teams)
    backward = form_teams(dict(reversed(volunteers.items())), dict(reversed(teams.items())))
    assert forward.members == backward.members
    assert forward.teams == backward.teams
    assert forward.left_out == backward.left_out


def test_integer_ids_are_accepted_and_sorted():
    plan = form_teams({2: volunteer(), 10: volunteer()}, {7: team({"md": (0, 5)})})
    assert plan.members == {7: [2, 10]}


def test_nothing_to_do_gives_an_empty_plan():
    plan = form_teams({}, {})
    assert plan.members == {} and plan.left_out == {} and plan.objective == PlanObjective(0, 0, 0, 0, 0)
    assert plan.optimal
    assert form_teams({"v": volunteer()}, {}).left_out == {
        "v": Reason(LeftOutReason.NO_ROLE_SLOT, {"role": "md"})
    }


def test_a_zero_time_limit_gives_an_empty_plan_marked_not_optimal():
    plan = form_teams({"v": volunteer()}, {"t": team({"md": (1, 1)})}, time_limit=0)
    assert not plan.optimal
    assert plan.members == {"t": []}
    assert plan.teams["t"].why_not == (Reason(TeamReason.NOT_CHOSEN),)


# Bad input.


@pytest.mark.parametrize(
    ("volunteers", "teams", "message"),
    [
        ([], {}, "volunteers must be a mapping of id to fields, not list"),
        ({}, None, "teams must be a mapping of id to fields, not NoneType"),
        ({1.5: volunteer()}, {}, "volunteer ids must be strings or integers; got 1.5 (float)"),
        ({"v": volunteer()}, {True: team({})}, "team ids must be strings or integers; got True (bool)"),
        ({"v": "md"}, {}, "volunteer 'v' must be a mapping of fields, not str"),
        ({"v": {"role": "md"}}, {}, "volunteer 'v' lacks 'skills', 'available'"),
        ({"v": volunteer(role="")}, {}, "volunteer 'v': 'role' must be a non-empty string, not ''"),
        ({"v": volunteer(role=3)}, {}, "volunteer 'v': 'role' must be a non-empty string, not 3"),
        (
            {"v": {**volunteer(), "skills": "tips"}},
            {},
            "volunteer 'v': 'skills' must be a set of strings, not str",
        ),
        ({"v": volunteer(skills=[1])}, {}, "volunteer 'v': 'skills' must be a non-empty string, not 1"),
        (
            {"v": volunteer(windows=[(START, START - timedelta(days=1))])},
            {},
            "volunteer 'v': the window 2027-03-01 to 2027-02-28 ends before it starts",
        ),
        (
            {"v": volunteer(windows=[("2027-03-01", "2027-03-14")])},
            {},
            "volunteer 'v': a window's start must be a date, not str",
        ),
        (
            {"v": volunteer(windows=[(datetime(2027, 3, 1), START)])},
            {},
            "volunteer 'v': a window's start must be a date, not datetime",
        ),
        (
            {"v": volunteer(windows=[(START,)])},
            {},
            "volunteer 'v': 'available' must hold (start, end) date pairs; got (datetime.date(2027, 3, 1),)",
        ),
        ({"v": volunteer(preferences=["a", "a"])}, {}, "volunteer 'v': 'preferences' lists a team twice"),
        (
            {"v": volunteer(preferences="a")},
            {},
            "volunteer 'v': 'preferences' must be a list of team ids, not str",
        ),
        (
            {"v": volunteer(weeks=-1)},
            {},
            "volunteer 'v': 'weeks' must be a whole number of weeks (0 or more), not -1",
        ),
        (
            {"v": volunteer(weeks=1.5)},
            {},
            "volunteer 'v': 'weeks' must be a whole number of weeks (0 or more), not 1.5",
        ),
        ({"v": volunteer(applied="a")}, {}, "volunteer 'v': 'applied' must be a set of team ids, not str"),
        (
            {"v": volunteer(applied=[["a"]])},
            {},
            "volunteer 'v': 'applied' must hold team ids (strings or integers); got ['a']",
        ),
        ({}, {"t": team({"md": (2, 1)})}, "team 't': the slots of 'md' have min 2 above max 1"),
        (
            {},
            {"t": team({"md": (-1, 1)})},
            "team 't': the slots of 'md' must be whole numbers (0 or more); got (-1, 1)",
        ),
        (
            {},
            {"t": team({"md": (True, 1)})},
            "team 't': the slots of 'md' must be whole numbers (0 or more); got (True, 1)",
        ),
        ({}, {"t": team({"md": 1})}, "team 't': the slots of 'md' must be (min, max); got 1"),
        ({}, {"t": team({"md": (1, 1)}, days=0)}, "team 't' ends (2027-02-28) before it starts (2027-03-01)"),
        (
            {},
            {"t": {**team({"md": (1, 1)}), "starts": "2027-03-01"}},
            "team 't': 'starts' must be a date, not str",
        ),
        ({}, {"t": {"starts": START}}, "team 't' lacks 'ends', 'needs', 'slots'"),
        ({}, {"t": team([("md", 1, 1)])}, "team 't': 'slots' must map each role to (min, max), not list"),
        (
            {},
            {"t": {**team({"md": (1, 1)}), "needs": "tips"}},
            "team 't': 'needs' must be a set of strings, not str",
        ),
        (
            {},
            {"t": team({"md": (1, 1)}, language=["fr"])},
            "team 't': 'language' must be a non-empty string, not ['fr']",
        ),
        (
            {},
            {"t": team({"md": (1, 1)}, fixed=["ghost"])},
            "team 't': 'fixed' names 'ghost', who is not among the volunteers",
        ),
        (
            {"v": volunteer()},
            {"a": team({"md": (1, 1)}, fixed=["v"]), "b": team({"md": (1, 1)}, fixed=["v"])},
            "volunteer 'v' is fixed in two teams: 'a' and 'b'",
        ),
        (
            {"v": volunteer("rn")},
            {"t": team({"md": (1, 1)}, fixed=["v"])},
            "volunteer 'v' is fixed in team 't' but does not fit it (role)",
        ),
        (
            {"v": volunteer(), "w": volunteer()},
            {"t": team({"md": (1, 1)}, fixed=["v", "w"])},
            "team 't' has 2 fixed 'md' volunteers but at most 1 places for that role",
        ),
    ],
)
def test_bad_input_raises_a_value_error_that_names_the_problem(volunteers, teams, message):
    with pytest.raises(ValueError) as raised:
        form_teams(volunteers, teams)
    assert str(raised.value) == message
