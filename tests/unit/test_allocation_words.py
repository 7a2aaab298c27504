"""Reserved places in the reader's language (matcher/allocation_words.py): the engine's English
words, and whole sentences in French, Portuguese and Spanish for the applicant and for staff."""

from __future__ import annotations

import pytest
from flask_babel import force_locale

from matcher import allocation_words, reason_words
from matcher.engine import YOU, Refusal, RefusalReason, Voice, allocate
from tests.unit.test_reason_words import request_context  # noqa: F401 - the fixture

AMINA = "Amina Njoroge"
# Muhimbili elective: two places, one reserved; the host ranks a1 > a2 > a3, and only a3 is eligible.
ROUND = {
    "applicants": {"a1": ["Muhimbili elective"], "a2": ["Muhimbili elective"], "a3": ["Muhimbili elective"]},
    "opportunities": {"Muhimbili elective": ["a1", "a2", "a3"]},
    "capacities": {"Muhimbili elective": 2},
    "reserved": {"Muhimbili elective": 1},
    "reserve_eligible": {"a3"},
}


@pytest.fixture(scope="module")
def outcome():
    return allocate(**ROUND)


def test_in_english_the_words_are_the_engine_s_for_either_reader(request_context, outcome):  # noqa: F811
    (lost,) = outcome.why_unmatched("a2")
    assert lost.reason is RefusalReason.RESERVED
    stored = {"refusal": lost.reason.value, "reserved": len(lost.reserve_holders), "title": lost.opportunity}
    entry = [1, lost.message, stored]
    assert reason_words.refusal(entry) == lost.message
    assert reason_words.refusal(entry, AMINA) == lost.text(Voice.named(AMINA))
    assert reason_words.refusal(entry, None) == lost.text(Voice.named(None))
    for applicant, on_reserve in (("a3", True), ("a1", False)):
        assert outcome.on_reserved_place(applicant) is on_reserve
        title = outcome.assignments[applicant]
        assert allocation_words.placed(title, on_reserve) == outcome.how_placed(applicant)
        assert allocation_words.placed(title, on_reserve, AMINA) == outcome.how_placed(
            applicant, Voice.named(AMINA)
        )


@pytest.mark.parametrize("reason", list(RefusalReason))
def test_every_refusal_reads_in_english_as_the_engine_words_it_for_either_reader(
    request_context,  # noqa: F811
    reason,
):
    holders = ("a9",) if reason is RefusalReason.RESERVED else ()
    refusal = Refusal("Beira IR", reason, ("a1", "a2"), holders)
    stored = {"refusal": reason.value, "preferred": 2, "reserved": len(holders), "title": "Beira IR"}
    entry = [1, refusal.message, stored]
    assert reason_words.refusal(entry) == refusal.message == refusal.text(YOU)
    assert reason_words.refusal(entry, AMINA) == refusal.text(Voice.named(AMINA))


def test_two_reserve_holders_are_counted_in_the_plural(request_context):  # noqa: F811
    assert allocation_words.lost_to_reserve("Beira IR", 2) == (
        "Beira IR ranked you above 2 applicants it placed on reserved places, which you are not eligible for"
    )


@pytest.mark.parametrize(
    ("code", "yours", "theirs", "placed_yours", "placed_theirs"),
    [
        (
            "fr",
            "Muhimbili elective a classé votre candidature devant 1 candidat placé sur une place réservée, "
            "à laquelle vous n’êtes pas admissible",
            f"Muhimbili elective a classé {AMINA} devant 2 candidats placés sur des places réservées, "
            f"auxquelles {AMINA} n’est pas admissible",
            "Vous avez obtenu une place réservée pour Muhimbili elective",
            f"{AMINA} a obtenu une place pour Muhimbili elective",
        ),
        (
            "pt",
            "Muhimbili elective classificou a sua candidatura acima de 1 candidato colocado numa vaga "
            "reservada, à qual não é elegível",
            f"Muhimbili elective classificou {AMINA} acima de 2 candidatos colocados em vagas reservadas, "
            f"às quais {AMINA} não é elegível",
            "Obteve uma vaga reservada em Muhimbili elective",
            f"{AMINA} obteve uma vaga em Muhimbili elective",
        ),
        (
            "es",
            "Muhimbili elective clasificó su solicitud por encima de 1 solicitante asignado a una plaza "
            "reservada, para la que usted no cumple los requisitos",
            f"Muhimbili elective clasificó a {AMINA} por encima de 2 solicitantes asignados a plazas "
            f"reservadas, para las que {AMINA} no cumple los requisitos",
            "Obtuvo una plaza reservada en Muhimbili elective",
            f"{AMINA} obtuvo una plaza en Muhimbili elective",
        ),
    ],
)
def test_reserve_words_are_whole_sentences_in_each_language(
    request_context,  # noqa: F811
    code,
    yours,
    theirs,
    placed_yours,
    placed_theirs,
):
    one = [1, "", {"refusal": "reserved", "reserved": 1, "title": "Muhimbili elective"}]
    two = [1, "", {"refusal": "reserved", "reserved": 2, "title": "Muhimbili elective"}]
    with force_locale(code):
        assert reason_words.refusal(one) == yours
        assert reason_words.refusal(two, AMINA) == theirs
        assert allocation_words.placed("Muhimbili elective", True) == placed_yours
        assert allocation_words.placed("Muhimbili elective", False, AMINA) == placed_theirs
