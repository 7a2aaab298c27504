"""The email verification link: valid, expired, reused and tampered."""

import re

from freezegun import freeze_time
from sqlalchemy import select

from matcher.extensions import db
from matcher.models import OutboxMessage, User


def _sign_up(client, email="neema@example.org"):
    client.post(
        "/signup",
        data={
            "role": "trainee",
            "name": "Neema",
            "email": email,
            "password": "a long passphrase",
            "confirm": "a long passphrase",
        },
    )
    client.post("/login", data={"email": email, "password": "a long passphrase"})
    body = db.session.scalars(select(OutboxMessage).order_by(OutboxMessage.id.desc())).first().body_text
    link = re.search(r"https?://\S+/verify/\S+", body).group(0)
    return link.split("matcher.test", 1)[1]


def test_valid_link_confirms_the_address(client):
    path = _sign_up(client)
    response = client.get(path, follow_redirects=True)
    assert "your email address is confirmed" in response.get_data(as_text=True)
    assert db.session.scalar(select(User)).email_verified_at is not None


def test_reused_link_says_the_address_is_already_confirmed(client):
    path = _sign_up(client)
    client.get(path)
    response = client.get(path, follow_redirects=True)
    assert response.status_code == 200
    assert "already used: your email address is confirmed" in response.get_data(as_text=True)


def test_expired_link_is_refused(client):
    with freeze_time("2026-01-01 10:00:00"):
        path = _sign_up(client)
    with freeze_time("2026-01-03 10:00:01"):  # 48 hours and a second later
        response = client.get(path)
    assert response.status_code == 400
    assert "expired" in response.get_data(as_text=True)
    assert db.session.scalar(select(User)).email_verified_at is None


def test_tampered_link_is_refused(client):
    path = _sign_up(client)
    tampered = path[:-3] + ("AAA" if not path.endswith("AAA") else "BBB")
    response = client.get(tampered)
    assert response.status_code == 400
    assert "not valid" in response.get_data(as_text=True)
    assert db.session.scalar(select(User)).email_verified_at is None


def test_link_for_a_changed_address_no_longer_works(client):
    path = _sign_up(client)
    user = db.session.scalar(select(User))
    user.email = "other@example.org"
    db.session.commit()
    assert client.get(path).status_code == 400


def test_resend_queues_a_new_link(client):
    _sign_up(client)
    client.post("/verify/resend")
    assert db.session.query(OutboxMessage).filter_by(template="verify_email").count() == 2
