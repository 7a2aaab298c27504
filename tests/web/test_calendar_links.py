"""The calendar link of an applicant's placements: a random token of its own, revoked only on request."""

import re

from sqlalchemy import select

from matcher.extensions import db
from matcher.models import User
from tests.support.rounds import RoundBuilder

NEW_PASSWORD = "Kilimanjaro sunrise over the Moshi valley"


def _accepted_placement(users, applicant):
    builder = RoundBuilder(db.session)
    opportunity = users.opportunity(title="Moshi elective")
    return builder.match(builder.run(builder.round()), applicant, opportunity, "accepted")


def _calendar_path(client) -> str:
    page = client.get("/placements").get_data(as_text=True)
    return re.search(r'href="http://matcher\.test(/placements/calendar/([^"/]+)\.ics)"', page).group(1)


def test_the_token_is_random_and_says_nothing_about_the_account(client, auth, users):
    student = auth.login("student")
    _accepted_placement(users, student)
    path = _calendar_path(client)
    token = path.removeprefix("/placements/calendar/").removesuffix(".ics")
    assert re.fullmatch(r"[A-Za-z0-9_-]{43}", token)  # 32 random bytes, no signed payload
    assert token == db.session.get(User, student.id).calendar_token
    assert token != users.create(role="student").calendar_token


def test_the_link_keeps_working_after_a_password_change(client, auth, users):
    student = auth.login("student")
    _accepted_placement(users, student)
    path = _calendar_path(client)
    response = client.post(
        "/account/password",
        data={
            "pw-current_password": users.PASSWORD,
            "pw-password": NEW_PASSWORD,
            "pw-confirm": NEW_PASSWORD,
        },
        follow_redirects=True,
    )
    assert "Your password is changed" in response.get_data(as_text=True)
    auth.logout()
    feed = client.get(path)
    assert feed.status_code == 200 and "SUMMARY:Moshi elective" in feed.get_data(as_text=True)


def test_making_a_new_link_revokes_the_old_one(client, auth, users):
    student = auth.login("student")
    _accepted_placement(users, student)
    old = _calendar_path(client)
    response = client.post("/placements/calendar/new", follow_redirects=True)
    page = response.get_data(as_text=True)
    assert "Here is your new calendar link. The old one no longer works." in page
    new = _calendar_path(client)
    assert new != old and new in page
    auth.logout()
    assert client.get(old).status_code == 404
    assert "BEGIN:VEVENT" in client.get(new).get_data(as_text=True)


def test_only_applicants_make_calendar_links(client, auth):
    auth.login("org_member")
    assert client.post("/placements/calendar/new").status_code == 403


def test_an_unknown_token_is_not_found(client, users):
    users.create(role="student")
    assert client.get("/placements/calendar/" + "A" * 43 + ".ics").status_code == 404
    assert db.session.scalar(select(User.calendar_token)) is not None
