"""Issue 16, "No limits on mail to arbitrary addresses".

The review queued 25 verification emails from 25 sign-ups, emailed every coordinator for each of
10 organisation sign-ups, let one member send 20 invitations and one mailbox receive 40 resets
from 4 addresses. Each limit refuses with 429 and a page that says why, keeping what was typed.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from matcher.config import defaults
from matcher.db import utcnow
from matcher.extensions import db
from matcher.models import OrganisationInvite, OutboxMessage, User
from tests.support.factories import UserFactory

ENABLED = {"RATELIMIT_ENABLED": True}
PASSWORD = "a long passphrase for sign-up"


def _count(template: str) -> int:
    return db.session.scalar(select(func.count(OutboxMessage.id)).where(OutboxMessage.template == template))


def _sign_up(client, n: int, address: str = "192.0.2.1", role: str = "student", **extra):
    return client.post(
        "/signup",
        data={
            "role": role,
            "name": f"Person {n}",
            "email": f"person{n}@example.org",
            "password": PASSWORD,
            "confirm": PASSWORD,
            **extra,
        },
        environ_base={"REMOTE_ADDR": address},
    )


def test_the_default_limits(tmp_path):
    settings = defaults(str(tmp_path))
    assert settings["SIGNUP_RATE_LIMIT"] == "5 per hour;20 per day"
    assert settings["RESET_RATE_LIMIT"] == "3 per hour;6 per day"
    assert settings["INVITES_PER_MEMBER_PER_DAY"] == 10
    assert settings["INVITES_PER_ORGANISATION_PER_DAY"] == 25


@pytest.mark.parametrize("app_config", [ENABLED])
def test_sign_ups_are_limited_per_client_address_with_a_clear_429(client):
    for n in range(5):
        assert _sign_up(client, n).status_code == 302, n
    refused = _sign_up(client, 5)
    page = refused.get_data(as_text=True)
    assert refused.status_code == 429
    assert "Too many accounts were created from your network" in page and "site.css" in page
    assert 'value="Person 5"' in page and 'value="person5@example.org"' in page  # nothing lost
    assert db.session.scalar(select(User).where(User.email == "person5@example.org")) is None
    assert _count("verify_email") == 5
    assert _sign_up(client, 6, address="198.51.100.7").status_code == 302  # another network


@pytest.mark.parametrize("app_config", [ENABLED])
def test_a_form_with_mistakes_does_not_use_up_the_sign_up_limit(client):
    for n in range(8):
        assert _sign_up(client, n, role="org_member", organisation_name=" ").status_code == 422
    assert _sign_up(client, 9).status_code == 302


@pytest.mark.parametrize("app_config", [ENABLED])
def test_reset_links_are_limited_per_address_asked_for_whoever_asks(client, users):
    users.create(email="victim@example.org")
    for n in range(3):
        response = client.post(
            "/forgot", data={"email": "victim@example.org"}, environ_base={"REMOTE_ADDR": f"192.0.2.{n + 1}"}
        )
        assert response.status_code == 302, n
    refused = client.post(
        "/forgot", data={"email": "Victim@example.org"}, environ_base={"REMOTE_ADDR": "203.0.113.9"}
    )
    page = refused.get_data(as_text=True)
    assert refused.status_code == 429 and "already sent several reset links" in page
    assert 'value="Victim@example.org"' in page
    assert _count("reset_password") == 3
    # An address without an account is counted and refused alike: the refusal tells nothing.
    for _ in range(3):
        client.post(
            "/forgot", data={"email": "nobody@example.org"}, environ_base={"REMOTE_ADDR": "192.0.2.50"}
        )
    stranger = client.post(
        "/forgot", data={"email": "nobody@example.org"}, environ_base={"REMOTE_ADDR": "192.0.2.51"}
    )
    assert stranger.status_code == 429 and "already sent several reset links" in stranger.get_data(
        as_text=True
    )


def _invite(client, organisation, email: str):
    return client.post(f"/organisations/{organisation.slug}/invite", data={"email": email})


def test_invitations_are_limited_per_member_with_a_clear_429(app, users):
    organisation = users.organisation(name="Road2IR", slug="road2ir")
    member = users.create("org_member", organisation=organisation)
    client = app.test_client()
    client.post("/login", data={"email": member.email, "password": UserFactory.PASSWORD})
    for n in range(10):
        assert _invite(client, organisation, f"colleague{n}@example.org").status_code == 302, n
    refused = _invite(client, organisation, "one-more@example.org")
    page = refused.get_data(as_text=True)
    assert refused.status_code == 429
    assert "You have sent 10 invitations in the last 24 hours" in page
    assert 'value="one-more@example.org"' in page and "Road2IR" in page
    assert _count("organisation_invite") == 10
    # A day later the member may invite again.
    for record in db.session.scalars(select(OrganisationInvite)):
        record.created_at = utcnow() - timedelta(hours=25)
    db.session.commit()
    assert _invite(client, organisation, "one-more@example.org").status_code == 302


@pytest.mark.parametrize(
    "app_config", [{"INVITES_PER_MEMBER_PER_DAY": 3, "INVITES_PER_ORGANISATION_PER_DAY": 5}]
)
def test_invitations_are_limited_per_organisation_across_its_members(app, users):
    organisation = users.organisation(name="Road2IR", slug="road2ir")
    members = [users.create("org_member", organisation=organisation) for _ in range(2)]
    clients = []
    for member in members:
        client = app.test_client()
        client.post("/login", data={"email": member.email, "password": UserFactory.PASSWORD})
        clients.append(client)
    sent = [_invite(clients[n % 2], organisation, f"c{n}@example.org").status_code for n in range(5)]
    assert sent == [302] * 5
    refused = _invite(clients[1], organisation, "c5@example.org")
    assert refused.status_code == 429
    assert "Road2IR has sent 5 invitations in the last 24 hours" in refused.get_data(as_text=True)
    assert _count("organisation_invite") == 5


def test_coordinators_get_one_email_for_many_organisation_sign_ups(app, client, users):
    coordinators = [users.create(role="coordinator") for _ in range(2)]
    for n in range(4):
        assert (
            _sign_up(client, n, role="org_member", organisation_name=f"Organisation number {n}").status_code
            == 302
        )
    assert not [
        m for m in db.session.scalars(select(OutboxMessage)) if m.user_id in {c.id for c in coordinators}
    ]
    for user in db.session.scalars(select(User).where(User.email.like("person%"))):
        user.email_verified_at = utcnow()  # each followed the link
    db.session.commit()

    runner = app.test_cli_runner()
    result = runner.invoke(args=["notify", "digests"])
    assert result.exit_code == 0 and "told of 4" in result.output, result.output
    alerts = list(
        db.session.scalars(select(OutboxMessage).where(OutboxMessage.template == "organisations_awaiting"))
    )
    assert sorted(m.to_address for m in alerts) == sorted(c.email for c in coordinators)
    for alert in alerts:
        assert alert.subject == "Waiting for you: 4 organisations to verify"
        assert all(f"Organisation number {n}" in alert.body_text for n in range(4))
    assert runner.invoke(args=["notify", "digests"]).exit_code == 0
    assert _count("organisations_awaiting") == 2  # nothing new: nobody is told twice
