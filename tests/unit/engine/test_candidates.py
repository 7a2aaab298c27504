"""Candidate generation: index-based top results equal scoring every pair, without scoring every pair."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from matcher.engine import RefusalReason, allocate_from_scores, candidates
from matcher.engine.candidates import (
    ApplicantIndex,
    OpportunityIndex,
    rank_applicants,
    recommend,
    round_scores,
)
from matcher.engine.profiles import (
    ApplicantProfile,
    LanguageReq,
    OpportunitySpec,
    Proficiency,
    Window,
)
from matcher.engine.scoring import score
from tests.unit.engine.profile_strategies import TAXONOMY, market


def brute_force(pairs):
    eligible = [s for s in pairs if s.eligible]
    return sorted(eligible, key=lambda s: (-s.total, s.opportunity_id, s.applicant_id))


@settings(max_examples=30, deadline=None, database=None)
@given(market(10, 4), st.integers(1, 5))
def test_recommend_equals_scoring_every_opportunity(case, n):
    opportunities, applicants = case
    index = OpportunityIndex(opportunities, TAXONOMY)
    for applicant in applicants:
        expected = brute_force(score(applicant, o, TAXONOMY) for o in opportunities)[:n]
        assert recommend(applicant, index, n) == expected


@settings(max_examples=30, deadline=None, database=None)
@given(market(3, 12), st.integers(1, 5))
def test_rank_applicants_equals_scoring_every_applicant(case, n):
    opportunities, applicants = case
    index = ApplicantIndex(applicants, TAXONOMY)
    for opportunity in opportunities:
        every = brute_force(score(a, opportunity, TAXONOMY, include_rank=False) for a in applicants)
        assert rank_applicants(opportunity, index, n) == every[:n]
        assert rank_applicants(opportunity, index) == every


def kenya(i: int, **changes) -> OpportunitySpec:
    fields = {
        "id": f"o{i}",
        "country": "KE",
        "subregion": "Eastern Africa",
        "region": "Africa",
        "min_level": 5,
        "max_level": 7,
        "dates": Window(date(2026, 3, 1), date(2026, 3, 28)),
        "interests": frozenset({"pph"}),
    }
    return OpportunitySpec(**{**fields, **changes})


def test_recommend_scores_only_the_focused_candidates_when_they_are_good_enough(monkeypatch):
    good = [kenya(i) for i in range(5)]
    elsewhere = [
        kenya(100 + i, country="NP", subregion="Southern Asia", region="Asia", interests=frozenset())
        for i in range(50)
    ]
    wrong_level = [kenya(200 + i, min_level=10, max_level=12) for i in range(50)]
    index = OpportunityIndex(good + elsewhere + wrong_level, TAXONOMY)
    ana = ApplicantProfile(
        "ana",
        6,
        frozenset({"pph"}),
        availability=(Window(date(2026, 2, 1), date(2026, 4, 1)),),
        countries_of_interest=frozenset({"KE"}),
    )
    scored = []
    monkeypatch.setattr(candidates, "score", lambda *a, **k: scored.append(a[1].id) or score(*a, **k))

    top = recommend(ana, index, 3)

    assert [s.opportunity_id for s in top] == ["o0", "o1", "o2"]
    assert sorted(scored) == [f"o{i}" for i in range(5)]
    assert top[0].part("region").reason == "In KE, a country you chose"


def test_closed_full_and_ineligible_opportunities_are_never_recommended():
    ana = ApplicantProfile("ana", 6, availability=(Window(date(2026, 2, 1), date(2026, 4, 1)),))
    options = [
        kenya(0, is_open=False),
        kenya(1, places_left=0),
        kenya(2, languages=(LanguageReq("fr", Proficiency.BASIC),)),
        kenya(3),
    ]
    assert [s.opportunity_id for s in recommend(ana, options, 10, taxonomy=TAXONOMY)] == ["o3"]


@pytest.mark.parametrize("n", [0, 1])
def test_recommend_with_nothing_to_offer_returns_an_empty_list(n):
    assert recommend(ApplicantProfile("ana", 6), [], n) == []


def test_round_scores_feed_a_stable_allocation_with_explanations():
    spring = (Window(date(2026, 2, 1), date(2026, 4, 1)),)
    opportunities = [kenya(0), kenya(1, interests=frozenset({"tace"})), kenya(2, is_open=False)]
    applicants = [
        ApplicantProfile("ana", 6, frozenset({"pph"}), availability=spring),
        ApplicantProfile(
            "ben", 6, frozenset({"tace"}), availability=spring, ranked_opportunities=("o2", "o0")
        ),
        ApplicantProfile("cai", 9, frozenset({"pph"}), availability=spring),  # no level fits
    ]
    pairs = round_scores(applicants, opportunities, k=5, taxonomy=TAXONOMY)

    assert sorted(pairs) == [("ana", "o0"), ("ana", "o1"), ("ben", "o0")]
    assert all(s.part("rank") is None for s in pairs.values())
    result = allocate_from_scores(
        {pair: s.total for pair, s in pairs.items()},
        {"o0": 1, "o1": 1, "o2": 1},
        seed=5,
        applicants=[a.id for a in applicants],
        applicant_ranks={a.id: list(a.ranked_opportunities) for a in applicants if a.ranked_opportunities},
    )
    assert result.assignments == {"ana": "o0", "ben": None, "cai": None}
    assert [(r.opportunity, r.reason) for r in result.why_unmatched("ben")] == [
        ("o2", RefusalReason.NOT_ELIGIBLE),
        ("o0", RefusalReason.FULL),
    ]
