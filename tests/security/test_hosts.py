"""Links in emails come from BASE_URL, never from the request's Host; unknown hosts are refused.

Before: `POST /forgot` with `Host: evil.example` queued the victim's genuine reset email with a
link to `http://evil.example/reset/<valid token>`. Here the test app's BASE_URL is
http://matcher.test; `www.matcher.test` is a second name the site answers to, so that a request
under another (accepted) host can show where links come from.
"""

from __future__ import annotations

import re

import pytest
from flask import url_for
from sqlalchemy import func, select

from matcher.app import create_app
from matcher.db import utcnow
from matcher.extensions import db
from matcher.mail.delivery import deliver_due
from matcher.models import OutboxMessage, Role, User
from matcher.services import accounts
from tests.support.apps import BASE_TEST_CONFIG

ALIAS = "http://www.matcher.test"
LINK = re.compile(r"https?://[^\s\"'<>]+")


@pytest.fixture
def app_config(smtp_sink):
    # No SERVER_NAME, as in production (the other tests set one, which Flask also builds links from).
    return {**smtp_sink.config(), "SERVER_NAME": None, "TRUSTED_HOSTS": ["matcher.test", "www.matcher.test"]}


def _links_in_everything_sent(smtp_sink) -> list[str]:
    assert smtp_sink.received, "no email arrived"
    links = []
    for received in smtp_sink.received:
        links += LINK.findall(received.text) + LINK.findall(received.html)
        links += LINK.findall(received.message.get("List-Unsubscribe", ""))
    return links


def _assert_all_links_use_the_base_url(smtp_sink) -> None:
    links = _links_in_everything_sent(smtp_sink)
    assert links
    assert [link for link in links if not link.startswith("http://matcher.test/")] == []


def _log_in(client, user, users) -> None:
    response = client.post("/login", data={"email": user.email, "password": users.PASSWORD}, base_url=ALIAS)
    assert response.status_code == 302


def test_a_reset_requested_under_a_foreign_host_is_refused_and_queues_nothing(client, users):
    users.create(email="victim@example.org")
    response = client.post("/forgot", data={"email": "victim@example.org"}, base_url="http://evil.example")
    assert response.status_code == 400
    assert "Unknown host" in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(OutboxMessage)) == 0


def test_every_page_under_a_foreign_host_is_refused(client):
    for path in ("/", "/login", "/opportunities", "/healthz", "/static/css/site.css"):
        assert client.get(path, base_url="http://evil.example").status_code == 400, path


def test_a_reset_link_uses_the_base_url_whatever_host_the_request_named(client, users, smtp_sink):
    users.create(email="victim@example.org")
    assert client.post("/forgot", data={"email": "victim@example.org"}, base_url=ALIAS).status_code == 302
    assert deliver_due(db.session).sent == 1
    _assert_all_links_use_the_base_url(smtp_sink)
    assert "http://matcher.test/reset/" in smtp_sink.received[0].text


def test_a_reset_made_in_a_request_for_a_foreign_host_still_links_to_the_base_url(app, users):
    """Whatever context an email is written in, even one Flask was made to accept, its links are ours."""
    user = users.create(email="victim@example.org")
    with app.test_request_context("/forgot", base_url="http://evil.example"):
        accounts.request_password_reset(db.session, user.email)
        row = db.session.scalars(select(OutboxMessage)).one()
    assert (
        "http://matcher.test/reset/" in row.body_text and "evil.example" not in row.body_text + row.body_html
    )


def test_sign_up_links_for_the_person_and_the_coordinators_use_the_base_url(app, client, users, smtp_sink):
    users.create(role=Role.COORDINATOR)
    data = {
        "role": "org_member",
        "name": "Amina Mushi",
        "email": "amina@example.org",
        "organisation_name": "Hospital of Somewhere New",
        "password": "a long passphrase",
        "confirm": "a long passphrase",
    }
    assert client.post("/signup", data=data, base_url=ALIAS).status_code == 302
    assert deliver_due(db.session).sent == 1  # the verification
    # Once the address is confirmed, the coordinators' batched alert (written by cron) names it.
    db.session.scalars(
        select(User).where(User.email == "amina@example.org")
    ).one().email_verified_at = utcnow()
    db.session.commit()
    assert app.test_cli_runner().invoke(args=["notify", "digests"]).exit_code == 0
    assert deliver_due(db.session).sent == 1  # the coordinator's alert
    _assert_all_links_use_the_base_url(smtp_sink)


def test_invitation_email_change_and_application_links_use_the_base_url(client, users, smtp_sink):
    member = users.create(role=Role.ORG_MEMBER)
    organisation = member.memberships[0].organisation
    opportunity = users.opportunity(organisation)
    _log_in(client, member, users)
    invite = {"email": "colleague@example.org"}
    assert (
        client.post(f"/organisations/{organisation.slug}/invite", data=invite, base_url=ALIAS).status_code
        == 302
    )
    change = {"em-new_email": "member@example.net", "em-password": users.PASSWORD}
    assert client.post("/account/email", data=change, base_url=ALIAS).status_code == 302
    applicant = users.create(role=Role.STUDENT)
    users.profile(applicant)
    client.post("/logout", base_url=ALIAS)
    _log_in(client, applicant, users)
    apply = {"motivation": "I want to learn."}
    assert (
        client.post(f"/opportunities/{opportunity.id}/apply", data=apply, base_url=ALIAS).status_code == 302
    )

    assert deliver_due(db.session).sent == 4
    recipients = sorted(received.rcpt_tos[0] for received in smtp_sink.received)
    # The invitation, the email change's confirmation, the host's news and the applicant's receipt.
    assert recipients == sorted(
        ["colleague@example.org", "member@example.net", member.email, applicant.email]
    )
    _assert_all_links_use_the_base_url(smtp_sink)
    # A non-essential email carries an unsubscribe link, from the base URL too.
    assert any(received.message["List-Unsubscribe"] for received in smtp_sink.received)


def _sample(converter) -> str:
    """A value the converter accepts: the first of an `any(...)`, else a number (fine for strings too)."""
    return sorted(converter.items)[0] if hasattr(converter, "items") else "1"


def test_every_absolute_url_is_built_from_the_base_url_in_any_request(app):
    app.config["TRUSTED_HOSTS"] = [*app.config["TRUSTED_HOSTS"], "evil.example"]  # a misconfiguration
    with app.test_request_context("/", base_url="https://evil.example:8443/prefix"):
        for rule in app.url_map.iter_rules():
            values = {name: _sample(converter) for name, converter in rule._converters.items()}
            url = url_for(rule.endpoint, _external=True, **values)
            assert url.startswith("http://matcher.test/"), (rule.endpoint, url)
        assert url_for("main.index") == "/prefix/"  # relative links still follow the request


def test_forwarded_host_is_believed_only_when_configured(database, users, tmp_path):
    users.create(email="victim@example.org")
    config = {
        **BASE_TEST_CONFIG,
        "SQLALCHEMY_DATABASE_URI": database.url,
        "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True, **database.engine_options},
        "PROXY_FIX_X_FOR": 1,
    }
    behind_proxy = create_app(config).test_client()
    forged = {"X-Forwarded-For": "203.0.113.9", "X-Forwarded-Host": "evil.example"}
    # X-Forwarded-For is trusted (one proxy), X-Forwarded-Host is not: the Host header stands.
    assert behind_proxy.get("/login", headers=forged).status_code == 200
    told = create_app({**config, "PROXY_FIX_X_HOST": 1}).test_client()
    assert told.get("/login", headers=forged).status_code == 400


@pytest.mark.parametrize(
    ("env", "base_url", "setting", "expected"),
    [
        ("production", "https://matcher.example.org", None, ["matcher.example.org"]),
        ("development", "http://127.0.0.1:5000", None, ["127.0.0.1", "localhost"]),
        ("production", "https://a.example", "a.example, www.a.example", ["a.example", "www.a.example"]),
        ("production", "https://a.example", ["a.example", ".a.example"], ["a.example", ".a.example"]),
        ("production", "https://a.example", "", ["a.example"]),  # empty never means "any host"
    ],
)
def test_trusted_hosts_default_to_the_base_url_host(database, env, base_url, setting, expected):
    config = {
        **BASE_TEST_CONFIG,
        "ENV": env,
        "BASE_URL": base_url,
        "TRUSTED_HOSTS": setting,
        "SQLALCHEMY_DATABASE_URI": database.url,
    }
    assert sorted(create_app(config).config["TRUSTED_HOSTS"]) == sorted(expected)
