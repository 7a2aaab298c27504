"""A teaching visit answering a host's request: procedures, language of instruction, weeks budget."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from matcher.engine.profiles import Window
from matcher.engine.scoring import ASSIST_CREDIT, DEFAULT_WEIGHTS, score
from tests.unit.engine.test_scoring import TAXONOMY, applicant, opportunity

# Two weeks in March 2026, taught in English, asking for two procedures.
REQUEST = {
    "kind": "teaching_visit",
    "from_request": True,
    "dates": Window(date(2026, 3, 2), date(2026, 3, 15)),
    "procedures": frozenset({"pph-embolisation", "nephrostomy"}),
    "instruction_language": "en",
}
VOLUNTEER = {"instructs": frozenset({"en"}), "teaching_weeks": 4, "teaches": frozenset({"pph-embolisation"})}


def test_the_visit_s_weeks_and_year():
    spec = opportunity(**REQUEST)
    assert (spec.weeks, spec.year) == (2, 2026)
    assert opportunity(**{**REQUEST, "min_days": 10}).weeks == 2  # a flexible stay: its shortest, rounded up


@given(
    offered=st.integers(1, 52),
    committed=st.lists(st.tuples(st.sampled_from([2025, 2026, 2027]), st.integers(1, 8)), max_size=4),
)
def test_never_eligible_for_more_weeks_than_are_left_that_year(offered, committed):
    person = applicant(**{**VOLUNTEER, "teaching_weeks": offered, "committed_weeks": tuple(committed)})
    left = offered - sum(w for y, w in committed if y == 2026)
    result = score(person, opportunity(**REQUEST), TAXONOMY)
    assert result.eligible == (left >= 2)
    if not result.eligible:
        assert [f.constraint for f in result.failures] == ["weeks"]


def test_weeks_left_exactly_enough_is_eligible_and_other_years_do_not_count():
    person = applicant(**{**VOLUNTEER, "committed_weeks": ((2026, 2), (2025, 4), (2027, 4))})
    assert person.weeks_left(2026) == 2
    assert score(person, opportunity(**REQUEST), TAXONOMY).eligible


def test_the_weeks_reason_names_what_was_offered_committed_and_left():
    person = applicant(**{**VOLUNTEER, "committed_weeks": ((2026, 3),)})
    (failure,) = score(person, opportunity(**REQUEST), TAXONOMY).failures
    assert failure.code == "weeks.over"
    assert failure.reason == (
        "takes 2 weeks in 2026; you have 1 week left of the 4 weeks a year you offered "
        "(3 weeks already committed)"
    )


def test_the_language_of_instruction_is_a_hard_rule_speaking_it_is_not_enough():
    person = applicant(**{**VOLUNTEER, "instructs": frozenset({"fr"})})  # speaks English, teaches in French
    (failure,) = score(person, opportunity(**REQUEST), TAXONOMY).failures
    assert failure.constraint == "instruction" and failure.code == "instruction.missing"
    assert "English" in failure.reason


def test_procedures_score_teach_above_assist():
    spec = opportunity(**REQUEST)

    def value(**skills):
        return score(applicant(**{**VOLUNTEER, **skills}), spec, TAXONOMY).part("teaching").value

    both = value(teaches=frozenset({"pph-embolisation", "nephrostomy"}))
    one = value(teaches=frozenset({"pph-embolisation"}))
    half = value(teaches=frozenset({"pph-embolisation"}), assists=frozenset({"nephrostomy"}))
    assisted = value(teaches=frozenset(), assists=frozenset({"pph-embolisation"}))
    assert both == 1.0 and one == 0.5 and half == pytest.approx(0.5 + ASSIST_CREDIT / 2)
    assert assisted == pytest.approx(ASSIST_CREDIT / 2) and assisted < one
    assert value(teaches=frozenset()) == 0.0


def test_the_teaching_part_keeps_its_weight():
    part = score(applicant(**VOLUNTEER), opportunity(**REQUEST), TAXONOMY).part("teaching")
    assert part.weight == DEFAULT_WEIGHTS.teaching and part.code == "procedures.cover"


def test_a_teaching_visit_without_a_request_keeps_the_interest_based_fit_and_no_budget():
    old = {"kind": "teaching_visit", "teaching_needs": frozenset({"tace"})}
    result = score(applicant(can_teach=frozenset({"tace"})), opportunity(**old), TAXONOMY)
    assert result.eligible and result.part("teaching").code == "teaching.overlap"


# The same visit taking one IR physician and up to two IR nurses (its request's roles).
ROLES = {**REQUEST, "roles": frozenset({"ir-physician", "ir-nurse"})}


@pytest.mark.parametrize("level", [0, 1, 9, 12])
def test_a_visit_with_roles_takes_a_nurse_whatever_her_level_or_none(level):
    nurse = applicant(**VOLUNTEER, profession="ir-nurse", level=level)
    result = score(nurse, opportunity(**ROLES), TAXONOMY)
    assert result.eligible
    assert (result.part("level").value, result.part("level").code) == (1.0, "role.fit")
    # The same nurse on a visit that takes people by training level (5 to 7) is refused by level.
    by_level = score(nurse, opportunity(**REQUEST), TAXONOMY)
    assert (not 5 <= level <= 7) == (not by_level.eligible)


def test_a_visit_with_roles_refuses_other_professions_and_says_which_it_takes():
    radiographer = applicant(**VOLUNTEER, profession="radiographer", level=6)  # a level in 5-7
    (failure,) = score(radiographer, opportunity(**ROLES), TAXONOMY).failures
    assert (failure.constraint, failure.code) == ("level", "role")
    assert (
        failure.reason
        == "is for these professions: ir-nurse and ir-physician; your profile says radiographer"
    )
    (failure,) = score(applicant(**VOLUNTEER), opportunity(**ROLES), TAXONOMY).failures
    assert failure.code == "role.none"
