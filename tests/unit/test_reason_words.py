"""The engine's reasons in the reader's language (matcher/reason_words.py): the same English as the
engine's own words, and whole sentences in French, Portuguese and Spanish for either reader."""

from __future__ import annotations

import json
import re
from datetime import date

import pytest
from flask import Flask
from flask_babel import Babel, force_locale

from matcher import reason_words
from matcher.engine.allocation import RefusalReason
from matcher.engine.profiles import LanguageReq, Proficiency, Window
from matcher.engine.reasons import YOU, Voice
from matcher.i18n import TRANSLATIONS, compile_catalogues
from matcher.models.matching import OutcomeLetter
from tests.unit.engine.test_reasons import PAIRS, reasons
from tests.unit.engine.test_scoring import applicant

ENGLISH_WORDS = re.compile(r"\b(you|your|the|of|is|has|in an area|needs|runs|accepts|chose)\b", re.IGNORECASE)


@pytest.fixture(scope="module")
def request_context():
    """A request in English with the app's catalogues, without the app's database."""
    compile_catalogues()
    app = Flask(__name__)
    Babel(app, default_translation_directories=str(TRANSLATIONS))
    with app.test_request_context("/"):
        yield


@pytest.mark.parametrize(("who", "where"), PAIRS)
def test_every_reason_reads_as_the_engine_words_it_in_english_and_is_translated_otherwise(
    request_context, who, where
):
    for reason in reasons(who, where)[1]:
        params = json.loads(json.dumps(reason.params))  # as stored in a Match's breakdown
        assert reason_words.say(reason.code, params) == reason.text(YOU) == reason.reason
        assert reason_words.say(reason.code, params, "Amara Okafor") == reason.text(
            Voice.named("Amara Okafor")
        )
        assert reason_words.say(reason.code, params, None) == reason.text(Voice.named(None))
        for code in ("fr", "pt", "es"):
            with force_locale(code):
                for about in (False, "Amara Okafor"):
                    words = reason_words.say(reason.code, params, about)
                    assert words and words != reason.reason, (code, reason.code, words)
                    assert not ENGLISH_WORDS.search(words.replace("Amara Okafor", "")), (code, words)
                    if about:
                        assert "Amara Okafor" in words or reason.code in _SAME_FOR_EVERYONE, (code, words)


_SAME_FOR_EVERYONE = {
    "closed",
    "full",
    "interests.no_focus",
    "interests.overlap",
    "level.fit",
    "teaching.none_asked",
    "procedures.none_asked",
    "role.fit",
}


def test_french_words_the_dates_language_and_country_in_french(request_context):
    short = applicant(availability=(Window(date(2026, 3, 20), date(2026, 3, 24)),))
    languages = (LanguageReq("pt", Proficiency.CONVERSATIONAL),)
    result = reasons({"availability": short.availability}, {"min_days": 14, "languages": languages})[0]
    with force_locale("fr"):
        words = reason_words.explain(result)
        outside = reason_words.say("region.outside", {"place": "Tanzania", "place_code": "TZ"})
    assert "demande 14 jours du 1 mars 2026 au 28 mars 2026" in words[0]
    assert "plus longue disponibilité sur cette période est de 5 jours" in words[0]
    assert "demande un niveau courant en portugais" in words[1]
    assert outside == "Lieu\u00a0: Tanzanie, hors des régions que vous avez choisies"


def test_a_stored_reason_without_the_new_parameters_keeps_its_english_words(request_context):
    old = {"level": "Resident, year 2", "where": "outside the accepted range (Medical student, year 5 only)"}
    with force_locale("fr"):
        assert reason_words.say("level.fit", old) == (
            "Resident, year 2 is outside the accepted range (Medical student, year 5 only)"
        )
        assert reason_words.say("no.such.code", {}) == ""


def test_unmatched_reasons_read_in_portuguese_for_staff_and_in_spanish_for_the_applicant(request_context):
    full = [
        7,
        "Muhimbili elective was full with 2 applicants it ranked higher",
        {"refusal": "full", "preferred": 2, "title": "Muhimbili elective"},
    ]
    not_ranked = [
        8,
        "Kenyatta elective did not rank you",
        {"refusal": RefusalReason.NOT_RANKED.value, "title": "Kenyatta elective"},
    ]
    legacy = [9, "Old words, stored before reasons had codes"]
    with force_locale("pt"):
        assert reason_words.refusal(full, "Amina") == (
            "Muhimbili elective ficou completa com 2 candidatos mais bem classificados"
        )
        assert reason_words.refusal(not_ranked, "Amina") == "Kenyatta elective não classificou Amina"
        assert reason_words.refusal(legacy, "Amina") == "Old words, stored before reasons had codes"
    with force_locale("es"):
        assert reason_words.refusal(not_ranked) == "Kenyatta elective no clasificó su solicitud"


def test_the_system_s_audit_reasons_are_translated_and_a_person_s_are_not(request_context):
    def status(value: str) -> str:
        return {"declined": "recusada"}.get(value, value)

    with force_locale("pt"):
        assert reason_words.event_reason("run 3", status) == "cálculo 3"
        assert reason_words.event_reason("run 2 was published instead", status) == "foi publicado o cálculo 2"
        assert (
            reason_words.event_reason("place freed by match 12 (declined); next on the waitlist", status)
            == "vaga libertada pela proposta de colocação 12 (recusada); seguinte na lista de espera"
        )
        assert reason_words.event_reason("no reply by the deadline", status) == "sem resposta dentro do prazo"
        assert reason_words.event_reason("the applicant accepted a place at Beira IR", status) == (
            "o candidato aceitou uma vaga em Beira IR"
        )
        assert reason_words.event_reason("run 3, as the host asked", status) == "run 3, as the host asked"
        assert reason_words.event_reason(None, status) == ""


def test_an_outcome_letter_is_worded_in_the_reader_s_language_from_what_it_stores(request_context):
    failure = reasons({"level": 9}, {})[0].failures[0]
    letter = OutcomeLetter(
        run_id=1,
        applicant_id=1,
        choices=[
            {
                "opportunity_id": 1,
                "title": "A",
                "kind": "rule",
                "reason": f"It {failure.reason}.",
                "code": failure.code,
                "params": dict(failure.params),
            },
            {"opportunity_id": 2, "title": "B", "kind": "ranked_higher", "reason": "Its places went to..."},
            {
                "opportunity_id": 3,
                "title": "C",
                "kind": "rule",
                "reason": "It needs a visa.",
            },  # stored before codes
        ],
    )
    assert letter.stored_choices[0]["reason"].startswith("It accepts")
    with force_locale("pt"):
        first, second, third = (c["reason"] for c in letter.choices)
    assert first.startswith("Esta oportunidade aceita ") and "o seu perfil indica" in first
    assert (
        second == "As vagas foram para candidatos que a instituição de acolhimento classificou acima de si."
    )
    assert third == "It needs a visa."
    assert [c["reason"] for c in letter.choices][
        1
    ] == "Its places went to applicants the host ranked higher than you."
