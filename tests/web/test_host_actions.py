"""A host's actions on a placement: the match is checked (404, 403) before the form is read."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from matcher.extensions import db
from matcher.models.matching import Match


@pytest.fixture
def hosted(users):
    organisation = users.organisation()
    host = users.create("org_member", organisation=organisation)
    student = users.create("student")
    opportunity = users.opportunity(organisation, starts_on=date.today() - timedelta(days=3))
    match = users.match(student, opportunity, "accepted")
    return host, match


def test_cancelling_a_match_that_is_not_there_is_a_plain_404_without_a_flash(auth, client, hosted):
    auth.login_as(hosted[0])
    response = client.post("/placements/987654/cancel", data={"reason": ""})
    assert response.status_code == 404
    assert "Give the reason" not in response.get_data(as_text=True)


def test_another_organisation_s_contact_gets_403_whatever_the_form_says(auth, client, users, hosted):
    auth.login("org_member")
    for data in ({"reason": ""}, {"reason": "Closed."}):
        response = client.post(f"/placements/{hosted[1].id}/cancel", data=data)
        assert response.status_code == 403
        assert "Give the reason" not in response.get_data(as_text=True)
    assert db.session.get(Match, hosted[1].id).status == "accepted"


def test_the_host_is_told_what_each_action_did(auth, client, hosted):
    host, match = hosted
    auth.login_as(host)
    page = client.post(f"/placements/{match.id}/confirm", follow_redirects=True).get_data(as_text=True)
    assert "Attendance is confirmed: the placement is completed." in page
    assert db.session.get(Match, match.id).status == "completed"


def test_a_refused_host_action_says_why_and_changes_nothing(auth, client, hosted):
    host, match = hosted
    auth.login_as(host)
    page = client.post(f"/placements/{match.id}/cancel", data={"reason": " "}, follow_redirects=True)
    assert "Give the reason; the applicant will read it." in page.get_data(as_text=True)
    assert db.session.get(Match, match.id).status == "accepted"


def test_a_refused_cancellation_keeps_the_reason_typed_at_its_row(auth, client, hosted):
    host, match = hosted
    auth.login_as(host)
    typed = "The department closes for renovation. " * 60  # over 2000 characters
    response = client.post(f"/placements/{match.id}/cancel", data={"reason": typed})
    page = response.get_data(as_text=True)
    assert response.status_code == 422 and "There is a problem" in page
    assert f'<a href="#reason-{match.id}">' in page and f'id="reason-{match.id}-error"' in page
    assert typed.strip() in page
    assert db.session.get(Match, match.id).status == "accepted"
