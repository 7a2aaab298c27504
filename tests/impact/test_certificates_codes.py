"""Certificate codes (issue 22, QA): new ones are easy to type from paper (lower case, no
look-alikes, printed in groups), and the public check finds a code typed in capitals or with
dashes and spaces, while the older, case-sensitive codes of migration 0030 still verify."""

from __future__ import annotations

import re

import pytest

from matcher.extensions import db
from matcher.services.errors import NotFound
from matcher.services.impact import completions
from matcher.services.impact.learner_links import TOKEN_ALPHABET
from tests.support.impact import impact_scene


@pytest.fixture
def scene(users):
    return impact_scene(db.session, users)


def test_new_codes_are_twenty_characters_without_look_alikes():
    codes = {completions.new_code() for _ in range(200)}
    assert len(codes) == 200
    for code in codes:
        assert len(code) == 20 and set(code) <= set(TOKEN_ALPHABET)
        assert not set(code) & set("0o1liIO_-")
    code = next(iter(codes))
    assert re.fullmatch(r"([a-z2-9]{4}-){4}[a-z2-9]{4}", completions.printed(code))
    assert completions.normalise(completions.printed(code).upper()) == code


def test_a_confirmed_visit_gets_a_new_code(scene):
    completion = completions.confirm(db.session, scene.host, scene.teaching.id, scene.physician.id)
    db.session.commit()
    assert len(completion.certificate_code) == 20
    assert set(completion.certificate_code) <= set(TOKEN_ALPHABET)


def test_printed_keeps_codes_that_would_not_be_found_again_grouped():
    assert completions.printed("AbC-dEf_ghij") == "AbC-dEf_ghij"  # migration 0030's: as it is
    assert completions.printed("0123456789abcdef") == "0123-4567-89ab-cdef"  # the demo's hex


@pytest.mark.parametrize(
    "typed",
    [
        "abcdefghjkmnpqrstuvw",
        "ABCD-EFGH-JKMN-PQRS-TUVW",
        "abcd efgh jkmn pqrs tuvw",
        " Abcd-efgh-JKMN-pqrs-tuvw ",
    ],
)
def test_a_new_code_is_found_however_it_is_typed(scene, typed):
    completion = scene.complete(scene.elective, scene.student, code="abcdefghjkmnpqrstuvw")
    assert completions.verify(db.session, typed).id == completion.id


def test_a_demo_hex_code_is_found_in_capitals(scene):
    completion = scene.complete(scene.elective, scene.student, code="0a1b2c3d4e5f6789")
    assert completions.verify(db.session, "0A1B-2C3D-4E5F-6789").id == completion.id


def test_old_case_sensitive_codes_still_verify_and_the_exact_one_wins(scene):
    # Two codes of migration 0030 (secrets.token_urlsafe) whose normalised forms meet.
    mixed = scene.complete(scene.elective, scene.student, code="Xy-Zab_CdEfGhIjKlMnOpQrS")
    lower = scene.complete(scene.teaching, scene.physician, code="xyzab_cdefghijklmnopqrs")
    assert completions.verify(db.session, "Xy-Zab_CdEfGhIjKlMnOpQrS").id == mixed.id
    assert completions.verify(db.session, "xyzab_cdefghijklmnopqrs").id == lower.id
    assert completions.verify(db.session, "XYZAB_CDEFGHIJKLMNOPQRS").id == lower.id  # normalised
    for wrong in ("Xy-Zab_CdEfGhIjKlMnOpQr", "", "-- --", "x" * 33, "a" * 70):
        with pytest.raises(NotFound):
            completions.verify(db.session, wrong)


def test_the_certificate_prints_the_grouped_code_and_the_check_finds_it_in_capitals(scene, auth, client):
    scene.complete(scene.elective, scene.student, code="abcdefghjkmnpqrstuvw")
    auth.login_as(scene.student)
    text = client.get(f"/visits/{scene.elective.id}/certificate").get_data(as_text=True)
    assert "/certificates/abcd-efgh-jkmn-pqrs-tuvw</span>" in text
    auth.logout()
    for typed in ("abcd-efgh-jkmn-pqrs-tuvw", "ABCD-EFGH-JKMN-PQRS-TUVW", "ABCD%20EFGH%20JKMN%20PQRS%20TUVW"):
        page = client.get(f"/certificates/{typed}")
        assert page.status_code == 200, typed
        assert "This certificate is genuine" in page.get_data(as_text=True)
    assert client.get("/certificates/ABCD-EFGH-JKMN-PQRS-TUVX").status_code == 404
