"""Scoring: each hard constraint with its words, each soft part's direction, weights, explanations."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from matcher.engine.profiles import (
    ApplicantProfile,
    LanguageReq,
    OpportunitySpec,
    Proficiency,
    Taxonomy,
    Window,
)
from matcher.engine.scoring import (
    DEFAULT_WEIGHTS,
    NO_LEVEL,
    Weights,
    failures,
    interest_overlap,
    score,
)

TAXONOMY = Taxonomy(
    interest_groups={
        "pph-embolisation": "Haemorrhage control",
        "trauma-embolisation": "Haemorrhage control",
        "gi-bleeding": "Haemorrhage control",
        "tace": "Interventional oncology",
        "tumour-ablation": "Interventional oncology",
        "biliary-drainage": "Drainage",
    },
    labels={
        "KE": "Kenya",
        "TZ": "Tanzania",
        "NP": "Nepal",
        "Eastern Africa": "East Africa",
        "pph-embolisation": "PPH embolisation",
        "tace": "TACE",
    },
    level_names={
        5: "Medical student, year 5",
        6: "Medical student, year 6",
        8: "Resident, year 1",
        9: "Resident, year 2",
    },
)

MARCH = Window(date(2026, 3, 1), date(2026, 3, 28))


def applicant(**changes) -> ApplicantProfile:
    base = ApplicantProfile(
        id="ana",
        level=6,
        interests=frozenset({"pph-embolisation", "tace"}),
        languages=(LanguageReq("en", Proficiency.PROFESSIONAL), LanguageReq("fr", Proficiency.BASIC)),
        availability=(Window(date(2026, 2, 15), date(2026, 4, 30)),),
        countries_of_interest=frozenset({"KE"}),
    )
    return replace(base, **changes)


def opportunity(**changes) -> OpportunitySpec:
    base = OpportunitySpec(
        id="nairobi-ir",
        title="IR elective, Nairobi",
        country="KE",
        subregion="Eastern Africa",
        region="Africa",
        min_level=5,
        max_level=7,
        dates=MARCH,
        interests=frozenset({"pph-embolisation", "gi-bleeding", "tace"}),
        languages=(LanguageReq("en", Proficiency.CONVERSATIONAL),),
    )
    return replace(base, **changes)


def test_good_pair_is_eligible_with_a_high_total_and_named_parts():
    result = score(applicant(), opportunity(), TAXONOMY)
    assert result.eligible and result.failures == ()
    assert 0.8 < result.total <= 1.0
    assert [p.name for p in result.parts] == ["region", "interests", "level", "dates"]
    assert result.part("region").reason == "In Kenya, a country you chose"
    assert result.part("interests").reason.startswith("2 of 3 interests match: PPH embolisation, TACE")


@pytest.mark.parametrize(
    ("who", "where", "constraint", "words"),
    [
        (
            {"level": 9},
            {},
            "level",
            "accepts Medical student, year 5 to level 7; your profile says Resident, year 2",
        ),
        ({}, {"min_level": 8, "max_level": 8}, "level", "accepts Resident, year 1 only; your profile says"),
        (
            {"availability": ()},
            {},
            "dates",
            "runs 1 March 2026 to 28 March 2026; your profile gives no availability",
        ),
        (
            {"availability": (Window(date(2026, 5, 1), date(2026, 5, 9)),)},
            {},
            "dates",
            "none of your availability overlaps it",
        ),
        (
            {"availability": (Window(date(2026, 3, 20), date(2026, 5, 1)),)},
            {"min_days": 14},
            "dates",
            "needs 14 days between 1 March 2026 to 28 March 2026; "
            "your longest availability in that period is 9 days",
        ),
        (
            {},
            {"languages": (LanguageReq("fr", Proficiency.CONVERSATIONAL),)},
            "language",
            "needs conversational French; your profile says basic",
        ),
        (
            {},
            {"languages": (LanguageReq("sw", Proficiency.BASIC),)},
            "language",
            "needs basic Swahili; your profile does not list Swahili",
        ),
        ({}, {"is_open": False}, "closed", "IR elective, Nairobi is not open for applications"),
        ({}, {"places_left": 0}, "full", "IR elective, Nairobi has no places left"),
    ],
)
def test_each_hard_constraint_fails_with_plain_words(who, where, constraint, words):
    result = score(applicant(**who), opportunity(**where), TAXONOMY)
    assert not result.eligible
    assert result.total == 0.0
    assert [f.constraint for f in result.failures] == [constraint]
    assert words in result.failures[0].reason
    assert result.explain() == [result.failures[0].reason]


def test_every_failed_constraint_is_reported_not_only_the_first():
    result = score(applicant(level=1, availability=()), opportunity(is_open=False), TAXONOMY)
    assert {f.constraint for f in result.failures} == {"closed", "level", "dates"}


def test_a_profile_without_a_level_is_told_so_not_given_a_made_up_level():
    result = score(applicant(level=NO_LEVEL), opportunity(), TAXONOMY)
    assert [f.reason for f in result.failures] == [
        "accepts Medical student, year 5 to level 7; your profile gives no training level"
    ]


def test_failures_are_the_scores_failures_without_the_soft_parts():
    cases = [
        (applicant(), opportunity()),
        (applicant(level=1, availability=()), opportunity(is_open=False)),
        (applicant(languages=()), opportunity(languages=(LanguageReq("am", Proficiency.BASIC),))),
    ]
    for who, where in cases:
        assert failures(who, where, TAXONOMY) == score(who, where, TAXONOMY).failures
    assert [f.reason for f in failures(*cases[2], TAXONOMY)] == [
        "needs basic Amharic; your profile does not list Amharic"
    ]


def test_higher_language_level_meets_a_lower_requirement():
    result = score(applicant(), opportunity(languages=(LanguageReq("en", Proficiency.BASIC),)), TAXONOMY)
    assert result.eligible


def test_flexible_opportunity_needs_only_its_minimum_length_inside_the_window():
    free_ten_days = (Window(date(2026, 3, 10), date(2026, 3, 19)),)
    assert score(applicant(availability=free_ten_days), opportunity(min_days=10), TAXONOMY).eligible
    assert not score(applicant(availability=free_ten_days), opportunity(min_days=11), TAXONOMY).eligible


def part_value(name: str, who: dict | None = None, where: dict | None = None) -> float:
    return score(applicant(**(who or {})), opportunity(**(where or {})), TAXONOMY).part(name).value


def test_region_prefers_country_then_subregion_then_region():
    country = part_value("region", {"countries_of_interest": frozenset({"KE"})})
    subregion = part_value(
        "region",
        {"countries_of_interest": frozenset(), "subregions_of_interest": frozenset({"Eastern Africa"})},
    )
    region = part_value(
        "region", {"countries_of_interest": frozenset(), "regions_of_interest": frozenset({"Africa"})}
    )
    elsewhere = part_value("region", {"countries_of_interest": frozenset({"NP"})})
    no_preference = part_value("region", {"countries_of_interest": frozenset()})
    assert country > subregion > region > elsewhere == 0.0
    assert elsewhere < no_preference < country


def test_interests_count_exact_matches_fully_and_same_group_partly():
    exact = part_value(
        "interests", {"interests": frozenset({"gi-bleeding"})}, {"interests": frozenset({"gi-bleeding"})}
    )
    same_group = part_value(
        "interests",
        {"interests": frozenset({"trauma-embolisation"})},
        {"interests": frozenset({"gi-bleeding"})},
    )
    unrelated = part_value(
        "interests", {"interests": frozenset({"biliary-drainage"})}, {"interests": frozenset({"gi-bleeding"})}
    )
    assert exact == 1.0 > same_group > unrelated == 0.0


def test_interest_overlap_is_a_symmetric_weighted_jaccard():
    mine, theirs = (
        frozenset({"pph-embolisation", "tace"}),
        frozenset({"gi-bleeding", "tace", "biliary-drainage"}),
    )
    assert interest_overlap(mine, theirs, TAXONOMY) == interest_overlap(theirs, mine, TAXONOMY)
    # common: tace 1 + both groups 0.5 + 0.5; union: 4 interests + 3 groups at 0.5
    assert interest_overlap(mine, theirs, TAXONOMY) == pytest.approx(2.0 / 5.5)


def test_level_fit_prefers_the_middle_of_the_range_to_the_edge():
    middle = part_value("level", {"level": 6})
    edge = part_value("level", {"level": 5})
    assert middle == 1.0 and edge == 0.5
    assert "near the edge" in score(applicant(level=5), opportunity(), TAXONOMY).part("level").reason


def test_date_fit_grows_with_the_days_covered():
    half = (Window(date(2026, 3, 15), date(2026, 4, 30)),)
    assert part_value("dates") == 1.0
    assert part_value("dates", {"availability": half}) == pytest.approx(14 / 28)


def test_teaching_part_appears_only_for_teaching_visits_and_rewards_what_the_host_asks():
    teaching = {"kind": "teaching_visit", "teaching_needs": frozenset({"tace", "tumour-ablation"})}
    assert score(applicant(), opportunity(), TAXONOMY).part("teaching") is None
    full = part_value("teaching", {"can_teach": frozenset({"tace", "tumour-ablation"})}, teaching)
    partial = part_value("teaching", {"can_teach": frozenset({"tace"})}, teaching)
    nothing = part_value("teaching", {"can_teach": frozenset()}, teaching)
    assert full == 1.0 > partial > nothing == 0.0
    reason = (
        score(applicant(can_teach=frozenset({"tace"})), opportunity(**teaching), TAXONOMY)
        .part("teaching")
        .reason
    )
    assert reason == "You can teach 1 of the 2 topics the host asks for: TACE; 1 more in an area you teach"


def test_applicants_own_rank_counts_only_when_given_and_can_be_left_out():
    ranked = {"ranked_opportunities": ("other", "nairobi-ir")}
    assert score(applicant(), opportunity(), TAXONOMY).part("rank") is None
    assert part_value("rank", ranked) == 0.5
    assert part_value("rank", {"ranked_opportunities": ("nairobi-ir", "other")}) == 1.0
    assert part_value("rank", {"ranked_opportunities": ("other",)}) == 0.0
    assert score(applicant(**ranked), opportunity(), TAXONOMY, include_rank=False).part("rank") is None


def test_default_weights_sum_to_one_and_total_is_the_weighted_mean_of_parts():
    assert DEFAULT_WEIGHTS.total() == pytest.approx(1.0)
    result = score(applicant(), opportunity(), TAXONOMY)
    expected = sum(p.weight * p.value for p in result.parts) / sum(p.weight for p in result.parts)
    assert result.total == pytest.approx(expected)
    assert all(0.0 <= p.value <= 1.0 for p in result.parts)


def test_changing_a_weight_changes_the_ranking_it_should():
    near = opportunity(id="near", interests=frozenset({"biliary-drainage"}))  # right place, wrong focus
    far = opportunity(id="far", country="NP", subregion="Southern Asia", region="Asia")  # the reverse
    place_first = Weights(region=0.9, interests=0.02, level=0.02, dates=0.02, teaching=0.02, rank=0.02)
    focus_first = Weights(region=0.02, interests=0.9, level=0.02, dates=0.02, teaching=0.02, rank=0.02)
    assert (
        score(applicant(), near, TAXONOMY, place_first).total
        > score(applicant(), far, TAXONOMY, place_first).total
    )
    assert (
        score(applicant(), far, TAXONOMY, focus_first).total
        > score(applicant(), near, TAXONOMY, focus_first).total
    )


def test_explain_lists_reasons_most_important_first():
    lines = score(applicant(), opportunity(), TAXONOMY).explain()
    assert lines[0].startswith("In Kenya") or lines[0].startswith("2 of 3 interests")
    assert len(lines) == 4


def test_window_rejects_an_end_before_its_start():
    with pytest.raises(ValueError, match="ends"):
        Window(date(2026, 3, 2), date(2026, 3, 1))
