"""A local learner answers through a link with no account: once per link, anonymous, in the
visit's teaching language, refused at its field when incomplete, gone once used or expired."""

from __future__ import annotations

from datetime import datetime, time, timedelta

import pytest
from sqlalchemy import func, inspect, select

from matcher.extensions import db
from matcher.models.impact import LearnerLink, LearnerResponse
from matcher.services.errors import DomainError
from matcher.services.impact import learner_links
from matcher.services.impact.learner_links import Answers, LinkClosed
from tests.support.impact import impact_scene


@pytest.fixture
def scene(users):
    return impact_scene(db.session, users)


@pytest.fixture
def token(scene) -> str:
    made = learner_links.make_links(db.session, scene.host, scene.teaching, 1, 60, scene.today)
    db.session.commit()
    return made[0].token


def _responses() -> list[LearnerResponse]:
    return list(db.session.scalars(select(LearnerResponse)))


def _link(token: str) -> LearnerLink:
    return db.session.scalar(
        select(LearnerLink).where(
            LearnerLink.token_hash == learner_links.token_hash(learner_links.normalise(token))
        )
    )


def test_the_form_needs_no_account_and_sends_no_referrer(client, scene, token):
    response = client.get(f"/f/{token}")
    assert response.status_code == 200
    assert response.headers["Referrer-Policy"] == "no-referrer"
    page = response.get_data(as_text=True)
    assert "Teaching visit to Mbeya" in page and "Mbeya Outreach" in page
    assert 'type="radio" name="usefulness"' in page.replace("  ", " ") or 'name="usefulness"' in page
    assert "<legend>How useful was the teaching for you?</legend>" in page
    assert "It is not linked to this link, to your name or to your device" in page
    assert "Log in" not in page  # no menu for an account the reader does not have
    with client.session_transaction() as session:
        assert "_user_id" not in session


def test_an_answer_is_saved_once_with_nothing_that_names_its_link(client, scene, token):
    data = {"usefulness": "4", "confidence": "5", "helped": "Hands-on drainage", "improve": "More time"}
    response = client.post(f"/f/{token}", data=data)
    assert response.status_code == 200, response.get_data(as_text=True)
    assert "Thank you" in response.get_data(as_text=True)
    assert response.headers["Referrer-Policy"] == "no-referrer"
    [saved] = _responses()
    assert (
        saved.visit_id,
        saved.usefulness,
        saved.confidence,
        saved.helped,
        saved.improve,
        saved.answered_on,
    ) == (
        scene.teaching.id,
        4,
        5,
        "Hands-on drainage",
        "More time",
        scene.today,
    )
    link = _link(token)
    assert link.used_at == datetime.combine(scene.today, time.min)  # the day only, not the moment
    with client.session_transaction() as session:
        assert "_user_id" not in session
    # A second answer through the same link is refused and saves nothing.
    again = client.post(f"/f/{token}", data={"usefulness": "1", "helped": "second"})
    assert again.status_code == 410
    assert "used already" in again.get_data(as_text=True)
    assert len(_responses()) == 1
    assert client.get(f"/f/{token}").status_code == 410
    with pytest.raises(LinkClosed):
        learner_links.answer(db.session, token, Answers(3, None, "", ""), scene.today)
    db.session.rollback()
    assert len(_responses()) == 1


def test_the_answers_table_holds_no_link_and_no_person(app):
    schema = inspect(db.session.connection())  # the tables as the database has them
    columns = {c["name"] for c in schema.get_columns("learner_feedback")}
    assert columns == {"id", "visit_id", "usefulness", "confidence", "helped", "improve", "answered_on"}
    assert {fk["referred_table"] for fk in schema.get_foreign_keys("learner_feedback")} == {"opportunities"}


def test_a_signed_in_person_answering_leaves_no_trace_of_who(client, auth, scene, token):
    auth.login_as(scene.physician)
    assert client.post(f"/f/{token}", data={"usefulness": "5"}).status_code == 200
    [saved] = _responses()
    assert saved.visit_id == scene.teaching.id and saved.usefulness == 5 and saved.confidence is None


def test_an_expired_link_is_gone(client, scene, token):
    _link(token).expires_on = scene.today - timedelta(days=1)
    db.session.commit()
    page = client.get(f"/f/{token}")
    assert page.status_code == 410
    assert "its time to answer is over" in page.get_data(as_text=True)  # not "withdrew"
    assert client.post(f"/f/{token}", data={"usefulness": "4"}).status_code == 410
    assert _responses() == []
    assert _link(token).used_at is None


def test_a_link_works_on_its_last_day(client, scene, token):
    _link(token).expires_on = scene.today
    db.session.commit()
    assert client.post(f"/f/{token}", data={"usefulness": "2"}).status_code == 200
    assert len(_responses()) == 1


def test_an_unknown_link_is_not_found(client, scene, token):
    response = client.get("/f/aaaa-bbbb-cccc")
    assert response.status_code == 404
    assert response.headers["Referrer-Policy"] == "no-referrer"
    assert "There is no such feedback link" in response.get_data(as_text=True)
    assert client.post("/f/aaaa-bbbb-cccc", data={"usefulness": "4"}).status_code == 404
    assert _responses() == []


def test_an_unknown_link_speaks_the_asked_language_and_offers_the_others(client, scene, token):
    response = client.get("/f/aaaa-bbbb-cccc?lang=fr", headers={"Accept-Language": "en"})
    page = response.get_data(as_text=True)
    assert response.status_code == 404
    assert '<html lang="fr">' in page
    assert "Ce lien d’avis n’existe pas." in page and "There is no such feedback link" not in page
    for code in ("en", "pt", "es"):
        assert f'href="/f/aaaa-bbbb-cccc?lang={code}"' in page
    assert '<html lang="en">' in client.get("/f/aaaa-bbbb-cccc").get_data(as_text=True)


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"helped": "kept words"}, "usefulness", "Choose how useful the teaching was, from 1 to 5."),
        ({"usefulness": "9", "helped": "kept words"}, "usefulness", "Choose one of the options in the list."),
        (
            {"usefulness": "3", "confidence": "0", "helped": "kept words"},
            "confidence",
            "Choose one of the options in the list.",
        ),
        (
            {"usefulness": "3", "helped": "kept words", "improve": "x" * 2001},
            "improve",
            "Keep it to 2000 characters.",
        ),
    ],
)
def test_incomplete_answers_are_refused_at_their_field(client, scene, token, data, field, message):
    response = client.post(f"/f/{token}", data=data)
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "There is a problem" in page
    assert f'id="{field}-error"' in page and message in page
    assert "kept words" in page  # nothing typed is lost
    assert _responses() == []
    assert _link(token).used_at is None


def test_the_form_speaks_the_sites_teaching_language(client, scene, token):
    scene.site.instruction_language = "fr"
    db.session.commit()
    page = client.get(f"/f/{token}", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert '<html lang="fr">' in page
    # The reader switches without script: ?lang=, kept when the form is sent.
    spanish = client.get(f"/f/{token}?lang=es").get_data(as_text=True)
    assert '<html lang="es">' in spanish
    assert f'action="/f/{token}?lang=es"' in spanish
    refused = client.post(f"/f/{token}?lang=es", data={}).get_data(as_text=True)
    assert '<html lang="es">' in refused


def test_a_language_the_reader_chose_before_wins_over_the_sites(client, users, scene, token):
    scene.site.instruction_language = "fr"
    db.session.commit()
    client.set_cookie("lang", "pt", domain="matcher.test")  # the language switcher's cookie
    assert '<html lang="pt">' in client.get(f"/f/{token}").get_data(as_text=True)
    client.delete_cookie("lang", domain="matcher.test")
    reader = users.create("student", locale="es")
    client.post("/login", data={"email": reader.email, "password": users.PASSWORD})
    assert '<html lang="es">' in client.get(f"/f/{token}").get_data(as_text=True)
    assert '<html lang="en">' in client.get(f"/f/{token}?lang=en").get_data(as_text=True)


def test_a_site_language_we_do_not_have_gives_the_readers(client, scene, token):
    scene.site.instruction_language = "sw"
    db.session.commit()
    page = client.get(f"/f/{token}", headers={"Accept-Language": "pt"}).get_data(as_text=True)
    assert '<html lang="pt">' in page


@pytest.mark.parametrize("app_config", [{"WTF_CSRF_ENABLED": True}])
def test_csrf_works_without_an_account(client, users, app_config):
    scene = impact_scene(db.session, users)
    token = learner_links.make_links(db.session, scene.host, scene.elective, 1, 60, scene.today)[0].token
    db.session.commit()
    assert client.post(f"/f/{token}", data={"usefulness": "4"}).status_code == 400  # no token: refused
    page = client.get(f"/f/{token}").get_data(as_text=True)
    csrf = page.split('name="csrf_token" type="hidden" value="')[1].split('"')[0]
    assert client.post(f"/f/{token}", data={"usefulness": "4", "csrf_token": csrf}).status_code == 200
    with client.session_transaction() as session:
        assert "_user_id" not in session
    assert db.session.scalar(select(func.count()).select_from(LearnerResponse)) == 1


@pytest.mark.parametrize("app_config", [{"RATELIMIT_ENABLED": True}])
def test_the_form_is_rate_limited_per_address(client, app_config):
    from matcher.impact.link_views import FORM_POST_LIMIT

    allowed = int(FORM_POST_LIMIT.split()[0])
    for _ in range(allowed):
        assert client.post("/f/aaaa-bbbb-cccc", data={"usefulness": "4"}).status_code == 404
    assert client.post("/f/aaaa-bbbb-cccc", data={"usefulness": "4"}).status_code == 429
    other = client.post(
        "/f/aaaa-bbbb-cccc", data={"usefulness": "4"}, environ_base={"REMOTE_ADDR": "192.0.2.9"}
    )
    assert other.status_code == 404


def test_a_closed_link_says_why_and_whether_it_was_used(scene, token):
    link = _link(token)
    closed = []
    for change in (
        lambda: setattr(link, "expires_on", scene.today - timedelta(days=1)),  # expired
        lambda: setattr(link, "withdrawn_on", scene.today),  # and withdrawn
        lambda: setattr(link, "used_at", datetime.combine(scene.today, time.min)),  # and used
    ):
        change()
        with pytest.raises(LinkClosed) as refused:
            learner_links.check_open(link, scene.today)
        closed.append((refused.value.message, refused.value.used))
    assert closed == [
        ("This link no longer works: its time to answer is over.", False),
        ("This link no longer works: the hosts of the visit withdrew it.", False),
        ("This link has been used already: each link takes one answer.", True),
    ]
    assert all(type(used) is bool for _, used in closed)


@pytest.mark.parametrize(
    ("usefulness", "confidence", "field"), [(0, None, "usefulness"), (4, 6, "confidence")]
)
def test_an_answer_off_the_scale_is_refused_at_its_field(scene, token, usefulness, confidence, field):
    with pytest.raises(DomainError) as refused:
        learner_links.answer(db.session, token, Answers(usefulness, confidence, "", ""), scene.today)
    assert (refused.value.field, refused.value.message) == (field, "Choose a number from 1 to 5.")
    db.session.rollback()
    assert _responses() == [] and _link(token).used_at is None


def test_an_answer_naming_a_patient_is_refused_with_the_reason(scene, token):
    with pytest.raises(DomainError) as refused:
        learner_links.answer(db.session, token, Answers(4, None, "", "Mrs Achieng's drain"), scene.today)
    assert refused.value.field == "improve"
    assert refused.value.message == (
        "This looks like a patient's name or number (a hospital or file number, a date of birth)."
        " Patients' details must stay private: please take it out and write only about the teaching."
    )
    db.session.rollback()
    assert _responses() == [] and _link(token).used_at is None
