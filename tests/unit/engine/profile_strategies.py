"""Hypothesis strategies for the engine's profiles: random opportunities and applicants on a small map."""

from __future__ import annotations

from datetime import date, timedelta

from hypothesis import strategies as st

from matcher.engine import ApplicantProfile, LanguageReq, OpportunitySpec, Proficiency, Taxonomy, Window

PLACES = {
    "KE": ("Eastern Africa", "Africa"),
    "TZ": ("Eastern Africa", "Africa"),
    "GH": ("Western Africa", "Africa"),
    "NP": ("Southern Asia", "Asia"),
}
GROUPS = {
    "pph": "bleeding",
    "trauma": "bleeding",
    "tace": "oncology",
    "ablation": "oncology",
    "biliary": "drainage",
}
TAXONOMY = Taxonomy(interest_groups=GROUPS)
DAY0 = date(2026, 1, 1)

windows = st.tuples(st.integers(0, 200), st.integers(0, 60)).map(
    lambda t: Window(DAY0 + timedelta(t[0]), DAY0 + timedelta(t[0] + t[1]))
)
interest_sets = st.frozensets(st.sampled_from(sorted(GROUPS)), max_size=3)
# Professions; a visit with roles takes people by profession instead of by training level.
PROFESSIONS = ["", "medical-student", "ir-physician", "ir-nurse", "radiographer"]
role_sets = st.sampled_from([frozenset(), frozenset(), frozenset({"ir-nurse"}), frozenset(PROFESSIONS[2:])])


@st.composite
def opportunity_specs(draw, i: int) -> OpportunitySpec:
    country = draw(st.sampled_from(sorted(PLACES)))
    low = draw(st.integers(1, 8))
    return OpportunitySpec(
        id=f"o{i}",
        country=country,
        subregion=PLACES[country][0],
        region=PLACES[country][1],
        min_level=low,
        max_level=low + draw(st.integers(0, 4)),
        dates=draw(windows),
        min_days=draw(st.none() | st.integers(1, 20)),
        kind=draw(st.sampled_from(["elective", "teaching_visit"])),
        interests=draw(interest_sets),
        teaching_needs=draw(interest_sets),
        languages=draw(st.sampled_from([(), (LanguageReq("fr", Proficiency.CONVERSATIONAL),)])),
        is_open=draw(st.booleans() | st.just(True)),
        places_left=draw(st.integers(0, 3)),
        roles=draw(role_sets),
    )


@st.composite
def applicant_profiles(draw, i: int) -> ApplicantProfile:
    return ApplicantProfile(
        id=f"a{i}",
        level=draw(st.integers(0, 12)),
        profession=draw(st.sampled_from(PROFESSIONS)),
        interests=draw(interest_sets),
        languages=draw(st.sampled_from([(), (LanguageReq("fr", Proficiency.PROFESSIONAL),)])),
        availability=tuple(draw(st.lists(windows, max_size=2))),
        countries_of_interest=draw(st.frozensets(st.sampled_from(sorted(PLACES)), max_size=1)),
        subregions_of_interest=draw(
            st.frozensets(st.sampled_from(["Eastern Africa", "Southern Asia"]), max_size=1)
        ),
        can_teach=draw(interest_sets),
        ranked_opportunities=tuple(
            draw(st.lists(st.sampled_from([f"o{j}" for j in range(6)]), max_size=3, unique=True))
        ),
    )


def market(n_opp: int, n_app: int):
    opps = st.tuples(*(opportunity_specs(i) for i in range(n_opp)))
    apps = st.tuples(*(applicant_profiles(i) for i in range(n_app)))
    return st.tuples(opps, apps)
