"""Outbox delivery to a real SMTP server (aiosmtpd) on loopback."""

import re

import pytest
from sqlalchemy import select

from matcher.extensions import db
from matcher.mail.delivery import deliver_due
from matcher.models import OutboxMessage, User


@pytest.fixture
def app_config(smtp_sink):
    return smtp_sink.config()


def test_verification_email_arrives_and_its_link_works(client, smtp_sink):
    client.post(
        "/signup",
        data={
            "role": "student",
            "name": "Amina Mushi",
            "email": "amina@example.org",
            "password": "a long passphrase",
            "confirm": "a long passphrase",
        },
    )
    report = deliver_due(db.session)
    assert report.sent == 1
    (received,) = smtp_sink.received
    assert received.rcpt_tos == ["amina@example.org"]
    assert received.message["Subject"] == "Confirm your email address"
    assert received.message["To"] == "Amina Mushi <amina@example.org>"
    row = db.session.scalars(select(OutboxMessage)).one()
    assert received.message["Message-ID"] == row.message_id
    assert row.status == "sent" and row.sent_at is not None and row.attempts == 1
    assert "Hello Amina Mushi" in received.text and "Confirm my email address" in received.html

    link = re.search(r"http://matcher\.test(/verify/\S+)", received.text).group(1)
    client.get(link)
    assert db.session.scalar(select(User)).email_verified_at is not None


def test_mail_send_command_delivers_pending_rows(runner, client, smtp_sink):
    client.post("/forgot", data={"email": "nobody@example.org"})  # nothing queued for unknown
    assert smtp_sink.received == []
    from tests.support.factories import UserFactory

    UserFactory(db.session).create(email="known@example.org")
    client.post("/forgot", data={"email": "known@example.org"})
    result = runner.invoke(args=["mail", "send"])
    assert "1 sent" in result.output
    assert [r.rcpt_tos for r in smtp_sink.received] == [["known@example.org"]]


def test_temporary_failure_is_retried_later_and_delivered_once(client, smtp_sink, users):
    users.create(email="known@example.org")
    client.post("/forgot", data={"email": "known@example.org"})
    smtp_sink.scripted_replies = ["451 Try again later"]
    report = deliver_due(db.session)
    row = db.session.scalars(select(OutboxMessage)).one()
    assert report.failed == 1 and row.status == "failed" and row.attempts == 1
    assert "451" in row.last_error and row.next_attempt_at > row.created_at
    assert deliver_due(db.session).attempted == 0  # not due yet
    row.next_attempt_at = row.created_at
    db.session.commit()
    assert deliver_due(db.session).sent == 1
    assert len(smtp_sink.received) == 1


def test_permanent_failure_marks_the_row_dead(client, smtp_sink, users):
    users.create(email="known@example.org")
    client.post("/forgot", data={"email": "known@example.org"})
    smtp_sink.scripted_replies = ["550 No such user here"]
    report = deliver_due(db.session)
    row = db.session.scalars(select(OutboxMessage)).one()
    assert report.dead == 1 and row.status == "dead" and "550" in row.last_error
    assert smtp_sink.received == []


def test_unreachable_server_keeps_the_mail_for_later(app, client, users):
    from tests.support.smtp import free_port

    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=free_port())
    users.create(email="known@example.org")
    client.post("/forgot", data={"email": "known@example.org"})
    report = deliver_due(db.session)
    row = db.session.scalars(select(OutboxMessage)).one()
    assert report.failed == 1 and row.status == "failed" and "ConnectionRefused" in row.last_error


def test_without_a_mail_server_messages_are_logged_and_marked_sent(app, client, users, caplog):
    app.config["MAIL_SERVER"] = None
    users.create(email="known@example.org")
    client.post("/forgot", data={"email": "known@example.org"})
    with caplog.at_level("INFO", logger="matcher.mail"):
        assert deliver_due(db.session).sent == 1
    assert "/reset/" in caplog.text and "known@example.org" in caplog.text


@pytest.mark.parametrize("name", ["Ann <admin@evil.example>", 'Zoë "Z" Ngata, MD', "<>"])
def test_a_name_with_angle_brackets_or_quotes_stays_one_address(client, smtp_sink, users, name):
    users.create(email="known@example.org", name=name)
    client.post("/forgot", data={"email": "known@example.org"})
    assert deliver_due(db.session).sent == 1
    (received,) = smtp_sink.received
    (address,) = received.message["To"].addresses
    assert (address.display_name, address.addr_spec) == (name, "known@example.org")
    assert received.rcpt_tos == ["known@example.org"]


def test_the_logged_recipient_quotes_a_name_with_angle_brackets(app, client, users, caplog):
    app.config["MAIL_SERVER"] = None
    users.create(email="known@example.org", name="Ann <admin@evil.example>")
    client.post("/forgot", data={"email": "known@example.org"})
    with caplog.at_level("INFO", logger="matcher.mail"):
        assert deliver_due(db.session).sent == 1
    assert 'To: "Ann <admin@evil.example>" <known@example.org>\n' in caplog.text


def test_a_rolled_back_change_leaves_no_email(client, users):
    users.organisation(name="Road2IR", slug="road2ir")
    # Sign-up fails on the password after the organisation was looked up: nothing survives.
    client.post(
        "/signup",
        data={
            "role": "org_member",
            "name": "X",
            "email": "new@example.org",
            "organisation_name": "A new organisation",
            "password": "Password123",
            "confirm": "Password123",
        },
    )
    assert db.session.scalars(select(OutboxMessage)).all() == []


def test_a_line_break_in_a_name_is_folded_so_no_header_can_be_injected(app, smtp_sink):
    from matcher.mail.outbox import queue_email

    with app.test_request_context():
        row = queue_email(
            db.session,
            to=("victim@example.org", "Eve\r\nBcc: everyone@example.org"),
            template="email_changed",
            subject="Hello\u2028there",
            category="account",
            context={"new_email": "x@example.org"},
        )
    assert (row.to_name, row.subject) == ("Eve Bcc: everyone@example.org", "Hello there")
    db.session.commit()
    assert deliver_due(db.session).sent == 1
    (received,) = smtp_sink.received
    assert received.rcpt_tos == ["victim@example.org"] and received.message["Bcc"] is None
