"""Reasons for every reader: the applicant's second person, staff's third person naming them."""

from __future__ import annotations

import json
import re
from datetime import date

import pytest

from matcher.engine.profiles import LanguageReq, Proficiency, Window
from matcher.engine.reasons import PHRASES, YOU, Voice, render
from matcher.engine.scoring import score
from tests.unit.engine.test_scoring import TAXONOMY, applicant, opportunity

AMARA = Voice.named("Amara Okafor")
SECOND_PERSON = re.compile(r"\b(you|your|yours)\b", re.IGNORECASE)

TEACHING = {"kind": "teaching_visit", "teaching_needs": frozenset({"tace", "tumour-ablation"})}
# A teaching visit answering a host's request: four weeks in March 2026, taught in English.
REQUEST = {
    "kind": "teaching_visit",
    "from_request": True,
    "procedures": frozenset({"pph-embolisation", "nephrostomy"}),
    "instruction_language": "en",
}
VOLUNTEER = {"instructs": frozenset({"en"}), "teaching_weeks": 8}
# The same request taking an IR physician and an IR nurse: people by profession, not level.
ROLES = {**REQUEST, "roles": frozenset({"ir-physician", "ir-nurse"})}
# (applicant changes, opportunity changes) that, between them, reach every code of PHRASES.
PAIRS = [
    ({}, {}),
    ({"ranked_opportunities": ("other", "nairobi-ir")}, {}),
    ({"ranked_opportunities": ("other",)}, {}),
    ({"countries_of_interest": frozenset()}, {}),
    ({"countries_of_interest": frozenset(), "subregions_of_interest": frozenset({"Eastern Africa"})}, {}),
    ({"countries_of_interest": frozenset(), "regions_of_interest": frozenset({"Africa"})}, {}),
    ({"countries_of_interest": frozenset({"NP"})}, {}),
    ({"interests": frozenset()}, {}),
    ({"interests": frozenset({"trauma-embolisation"})}, {}),
    ({}, {"interests": frozenset()}),
    ({"can_teach": frozenset({"tace"})}, TEACHING),
    ({"can_teach": frozenset()}, TEACHING),
    ({}, {"kind": "teaching_visit", "teaching_needs": frozenset()}),
    ({}, {"min_days": 14}),
    (
        {**VOLUNTEER, "teaches": frozenset({"pph-embolisation"}), "assists": frozenset({"nephrostomy"})},
        REQUEST,
    ),
    (VOLUNTEER, REQUEST),
    (VOLUNTEER, {**REQUEST, "procedures": frozenset()}),
    ({}, REQUEST),
    ({**VOLUNTEER, "profession": "ir-nurse", "level": 0}, ROLES),
    ({**VOLUNTEER, "profession": "radiographer"}, ROLES),
    (VOLUNTEER, ROLES),  # a profile that names no profession
    ({**VOLUNTEER, "teaching_weeks": 6, "committed_weeks": ((2026, 3),)}, REQUEST),
    ({"level": 9, "availability": ()}, {"is_open": False}),
    ({"level": 0}, {}),  # a profile that gives no training level
    ({"availability": (Window(date(2026, 5, 1), date(2026, 5, 9)),)}, {"places_left": 0}),
    ({"availability": (Window(date(2026, 3, 20), date(2026, 5, 1)),)}, {"min_days": 14}),
    (
        {},
        {
            "languages": (
                LanguageReq("fr", Proficiency.CONVERSATIONAL),
                LanguageReq("sw", Proficiency.BASIC),
            )
        },
    ),
]


def reasons(who: dict, where: dict):
    result = score(applicant(**who), opportunity(**where), TAXONOMY)
    return result, [*result.parts, *result.failures]


def test_every_reason_code_is_reached_by_the_cases_below():
    reached = {r.code for who, where in PAIRS for r in reasons(who, where)[1]}
    assert reached == set(PHRASES)


@pytest.mark.parametrize(("who", "where"), PAIRS)
def test_the_stored_words_are_the_applicant_s_and_text_gives_them_again(who, where):
    for reason in reasons(who, where)[1]:
        assert reason.code in PHRASES
        assert reason.text() == reason.text(YOU) == reason.reason
        assert render(reason.code, json.loads(json.dumps(reason.params))) == reason.reason  # as stored


@pytest.mark.parametrize(("who", "where"), PAIRS)
def test_staff_read_each_reason_about_the_applicant_by_name_never_as_you(who, where):
    result, every = reasons(who, where)
    for reason in every:
        words = reason.text(AMARA)
        assert not SECOND_PERSON.search(words), words
        if SECOND_PERSON.search(reason.reason):
            assert "Amara Okafor" in words, words
    assert result.explain(AMARA) == [
        r.text(AMARA) for r in (result.failures or sorted(result.parts, key=lambda p: -p.weight * p.value))
    ]


@pytest.mark.parametrize(
    ("who", "where", "code", "yours", "theirs"),
    [
        ({}, {}, "region.country", "In Kenya, a country you chose", "In Kenya, a country Amara Okafor chose"),
        (
            {},
            {},
            "dates.free",
            "You are free for 28 of its 28 days",
            "Amara Okafor is free for 28 of its 28 days",
        ),
        (
            {"interests": frozenset()},
            {},
            "interests.none_chosen",
            "You have not chosen interests",
            "Amara Okafor has not chosen interests",
        ),
        (
            {"ranked_opportunities": ("other", "nairobi-ir")},
            {},
            "rank.position",
            "Your choice 2 of 2",
            "Amara Okafor's choice 2 of 2",
        ),
        (
            {"can_teach": frozenset({"tace"})},
            TEACHING,
            "teaching.overlap",
            "You can teach 1 of the 2 topics the host asks for: TACE; 1 more in an area you teach",
            "Amara Okafor can teach 1 of the 2 topics the host asks for: TACE; "
            "1 more in an area Amara Okafor teaches",
        ),
        (
            {"level": 9},
            {},
            "level",
            "accepts Medical student, year 5 to level 7; your profile says Resident, year 2",
            "accepts Medical student, year 5 to level 7; Amara Okafor's profile says Resident, year 2",
        ),
        (
            {"level": 0},
            {},
            "level.none",
            "accepts Medical student, year 5 to level 7; your profile gives no training level",
            "accepts Medical student, year 5 to level 7; Amara Okafor's profile gives no training level",
        ),
        (
            {},
            {"languages": (LanguageReq("sw", Proficiency.BASIC),)},
            "language.missing",
            "needs basic Swahili; your profile does not list Swahili",
            "needs basic Swahili; Amara Okafor's profile does not list Swahili",
        ),
    ],
)
def test_the_two_voices_say_the_same_thing(who, where, code, yours, theirs):
    found = [r for r in reasons(who, where)[1] if r.code == code]
    assert [(r.text(), r.text(AMARA)) for r in found] == [(yours, theirs)]


def test_without_a_name_staff_read_about_the_applicant():
    result = score(applicant(level=9), opportunity(), TAXONOMY)
    assert result.explain(Voice.named(None)) == [
        "accepts Medical student, year 5 to level 7; the applicant's profile says Resident, year 2"
    ]


def test_scoring_without_explanations_records_no_codes_to_word():
    result = score(applicant(), opportunity(), TAXONOMY, explain=False)
    worded = [p for p in result.parts if p.code]
    assert all(p.reason for p in worded)  # the neutral parts, worded at no cost, as before
    assert [p.reason for p in result.parts if not p.code] == [""] * (len(result.parts) - len(worded))
