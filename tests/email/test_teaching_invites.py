"""Invite to apply: an email through the app that hides both addresses, kept, not sent twice, limited."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from matcher.extensions import db
from matcher.mail.delivery import deliver_due
from matcher.models import NotificationPreference, OutboxMessage, Role
from matcher.models.teaching_invite import TeachingInvite
from tests.support.teaching import site, teaching_request, volunteer


@pytest.fixture
def app_config(smtp_sink):
    return {**smtp_sink.config(), "TEACHING_INVITES_PER_SENDER_PER_DAY": 3}


@pytest.fixture
def host(users):
    """A member of a verified organisation with an open teaching request at its site."""
    organisation = users.organisation(name="Kilimanjaro Teaching Trust")
    member = users.create(Role.ORG_MEMBER, organisation=organisation, name="Neema Host")
    request = teaching_request(db.session, site(db.session, organisation), title="PPH embolisation course")
    return {"member": member, "organisation": organisation, "request": request}


def invites() -> list[TeachingInvite]:
    return db.session.scalars(select(TeachingInvite).order_by(TeachingInvite.id)).all()


def send(client, to, request=None, message="We would love you to teach with us."):
    data = {"request": str(request.id) if request else "", "message": message}
    return client.post(f"/volunteers/{to.id}/invite", data=data)


def test_the_invitation_arrives_without_either_address_and_links_to_the_request(
    auth, client, users, host, smtp_sink
):
    physician = volunteer(users, name="Dr Amara Okafor")
    auth.login_as(host["member"])
    page = client.get(f"/volunteers/{physician.id}/invite").get_data(as_text=True)
    assert physician.email not in page and "PPH embolisation course" in page
    response = send(client, physician, host["request"], message="Come & teach <PPH> with us.")
    assert response.status_code == 302
    (record,) = invites()
    assert (record.volunteer_id, record.sender_id, record.request_id) == (
        physician.id,
        host["member"].id,
        host["request"].id,
    )
    assert record.message == "Come & teach <PPH> with us."

    deliver_due(db.session)
    (mail,) = [m for m in smtp_sink.received if physician.email in m.rcpt_tos]
    assert mail.rcpt_tos == [physician.email]
    assert "PPH embolisation course" in mail.message["Subject"]
    for body in (mail.text, mail.html):
        assert host["member"].email not in body
        assert host["member"].email not in str(mail.message["Reply-To"] or "")
        assert "Neema Host" in body and "Kilimanjaro Teaching Trust" in body
        assert f"http://matcher.test/teaching-requests/{host['request'].id}" in body
    assert "Come & teach <PPH> with us." in mail.text
    assert "Come &amp; teach &lt;PPH&gt; with us." in mail.html
    assert host["member"].email not in mail.raw.decode(errors="replace")


def test_the_same_sender_cannot_invite_the_same_volunteer_twice_for_one_request(auth, client, users, host):
    physician = volunteer(users)
    auth.login_as(host["member"])
    assert send(client, physician, host["request"]).status_code == 302
    again = send(client, physician, host["request"], message="Second try")
    assert again.status_code == 422
    assert "already invited" in again.get_data(as_text=True)
    assert "Second try" in again.get_data(as_text=True)  # the message is kept
    assert len(invites()) == 1
    # Another request, or an invitation naming none, is a new invitation.
    other = teaching_request(db.session, host["request"].site, title="Nephrostomy week")
    assert send(client, physician, other).status_code == 302
    assert send(client, physician).status_code == 302
    assert send(client, physician).status_code == 422
    assert len(invites()) == 3


def test_invitations_are_limited_per_sender_with_a_429_that_keeps_the_message(auth, client, users, host):
    auth.login_as(host["member"])
    people = [volunteer(users) for _ in range(4)]
    for person in people[:3]:
        assert send(client, person).status_code == 302
    refused = send(client, people[3], message="Kept words")
    page = refused.get_data(as_text=True)
    assert refused.status_code == 429
    assert "the most one person may send" in page and "Kept words" in page
    assert len(invites()) == 3
    assert db.session.scalar(select(func.count(OutboxMessage.id))) == 3


def test_a_volunteer_is_not_flooded_by_many_senders(auth, client, users, app):
    physician = volunteer(users)
    app.config["TEACHING_INVITES_PER_VOLUNTEER_PER_WEEK"] = 2
    for _ in range(2):
        auth.login_as(users.create(Role.ORG_MEMBER))
        assert send(client, physician).status_code == 302
        auth.logout()
    auth.login_as(users.create(Role.ORG_MEMBER))
    refused = send(client, physician)
    assert refused.status_code == 429
    assert len(invites()) == 2


def test_a_member_may_name_only_their_organisation_s_open_requests(auth, client, users, host):
    physician = volunteer(users)
    other_org = users.organisation()
    elsewhere = teaching_request(db.session, site(db.session, other_org, name="Elsewhere Hospital"))
    draft = teaching_request(db.session, host["request"].site, title="Draft", status="draft")
    auth.login_as(host["member"])
    for request in (elsewhere, draft):
        response = send(client, physician, request)
        assert response.status_code == 422
        assert "Choose one of the options in the list." in response.get_data(as_text=True)
    assert invites() == []


def test_coordinators_may_name_any_open_request(auth, client, users, host):
    physician = volunteer(users)
    auth.login("coordinator")
    assert send(client, physician, host["request"]).status_code == 302
    assert invites()[0].request_id == host["request"].id


def test_only_listed_volunteers_can_be_invited(auth, client, users, host):
    hidden = volunteer(users, listed=False)
    auth.login_as(host["member"])
    assert client.get(f"/volunteers/{hidden.id}/invite").status_code == 404
    assert send(client, hidden, host["request"]).status_code == 404
    assert invites() == []


def test_a_message_too_long_is_refused_at_the_field_and_nothing_is_sent(auth, client, users, host):
    physician = volunteer(users)
    auth.login_as(host["member"])
    response = send(client, physician, host["request"], message="x" * 1001)
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "There is a problem" in page and "Keep the message to 1000 characters." in page
    assert invites() == [] and db.session.scalar(select(func.count(OutboxMessage.id))) == 0


def test_the_invitation_follows_the_volunteer_s_notification_choices_and_language(auth, client, users, host):
    physician = volunteer(users, name="Dr Off")
    francophone = volunteer(users, name="Dr Fr")
    francophone.locale = "fr"
    db.session.add(NotificationPreference(user_id=physician.id, category="matching", frequency="off"))
    db.session.commit()
    auth.login_as(host["member"])
    assert send(client, physician, host["request"]).status_code == 302
    assert send(client, francophone, host["request"]).status_code == 302
    assert len(invites()) == 2  # recorded either way
    (mail,) = db.session.scalars(select(OutboxMessage)).all()  # none for the one who turned it off
    assert mail.to_address == francophone.email
    assert "Bonjour" in mail.body_text
