"""Each user picks a time zone on the account page; timestamps are shown in it, calendar dates are not."""

import re
from datetime import date, datetime

import pytest

from matcher.extensions import db
from matcher.models import MatchRound, MatchRun, User
from matcher.services.matching.rounds import Scope

UPLOADED = datetime(2027, 3, 12, 21, 30)  # stored naive, in UTC


def _cv_line(client) -> str:
    page = client.get("/profile").get_data(as_text=True)
    return re.search(r"uploaded ([^)]*)\)", page).group(1)


def _with_cv(users, student) -> None:
    users.profile(
        student, cv_filename="stored.pdf", cv_original_name="cv.pdf", cv_size=2048, cv_uploaded_at=UPLOADED
    )


def test_a_user_in_nairobi_sees_a_utc_timestamp_three_hours_later(auth, client, users):
    student = auth.login("student", timezone="Africa/Nairobi")
    _with_cv(users, student)
    assert _cv_line(client) == "13 Mar 2027, 00:30 EAT"


def test_a_new_account_sees_utc(auth, client, users):
    student = auth.login("student")
    assert student.timezone == "UTC"
    _with_cv(users, student)
    assert _cv_line(client) == "12 Mar 2027, 21:30 UTC"


def test_choosing_a_zone_on_the_account_page_changes_the_times_shown(auth, client, users):
    student = auth.login("student")
    _with_cv(users, student)
    page = client.get("/account").get_data(as_text=True)
    assert '<option selected value="UTC">UTC</option>' in page
    assert (
        '<optgroup label="Africa">' in page
        and '<option value="Africa/Dar_es_Salaam">Dar es Salaam</option>' in page
    )

    response = client.post(
        "/account/timezone", data={"tz-timezone": "Africa/Dar_es_Salaam"}, follow_redirects=True
    )
    page = response.get_data(as_text=True)
    assert "Dates and times are now shown in the Africa/Dar_es_Salaam time zone." in page
    assert '<option selected value="Africa/Dar_es_Salaam">Dar es Salaam</option>' in page
    assert db.session.get(User, student.id).timezone == "Africa/Dar_es_Salaam"
    assert _cv_line(client) == "13 Mar 2027, 00:30 EAT"


def test_summer_time_shows_with_its_own_abbreviation(auth, client, users):
    student = auth.login("student", timezone="Europe/London")
    users.profile(
        student,
        cv_filename="stored.pdf",
        cv_original_name="cv.pdf",
        cv_size=2048,
        cv_uploaded_at=datetime(2027, 7, 1, 8, 0),
    )
    assert _cv_line(client) == "1 Jul 2027, 09:00 BST"


@pytest.mark.parametrize("zone", ["Mars/Olympus_Mons", "localtime", "", "UTC; DROP TABLE users", "x" * 300])
def test_an_unknown_zone_is_a_form_error_not_a_crash(auth, client, zone):
    student = auth.login("student")
    response = client.post("/account/timezone", data={"tz-timezone": zone})
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert '<p class="error" id="tz-timezone-error">Choose a time zone from the list.</p>' in page
    assert re.search(r'<select[^>]*aria-describedby="tz-timezone-hint tz-timezone-error"', page)
    assert db.session.get(User, student.id).timezone == "UTC"


def test_a_zone_this_machine_no_longer_knows_falls_back_to_utc(auth, client, users):
    student = auth.login("student")
    _with_cv(users, student)
    student.timezone = "Atlantis/Capital"  # say, renamed in a later tzdata release
    db.session.commit()
    assert _cv_line(client) == "12 Mar 2027, 21:30 UTC"


def test_a_coordinator_sees_when_a_run_ran_in_their_zone_while_dates_stay_dates(auth, client, users):
    auth.login("coordinator", timezone="America/Sao_Paulo")
    match_round = MatchRound(
        name="Spring",
        mode="ranked",
        scope=Scope().as_json(),
        status="open",
        response_deadline=date(2027, 4, 1),
    )
    run = MatchRun(
        round=match_round,
        number=1,
        algorithm_version="test",
        seed=1,
        inputs_hash="0" * 64,
        ran_at=datetime(2027, 3, 12, 1, 15),
    )
    db.session.add_all([match_round, run])
    db.session.commit()
    page = client.get(f"/coordination/rounds/{match_round.id}").get_data(as_text=True)
    assert "11 Mar 2027, 22:15 -03" in page  # UTC-3, the evening before
    assert "1 Apr 2027" in page  # the reply-by date is a calendar date: not shifted
