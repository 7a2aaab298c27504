"""Password reset by email, and changes of password or email that need a fresh login."""

import re

from sqlalchemy import select

from matcher.auth.views import RESET_SENT
from matcher.extensions import db
from matcher.models import OutboxMessage, User


def _last_link(kind: str) -> str:
    body = db.session.scalars(select(OutboxMessage).order_by(OutboxMessage.id.desc())).first().body_text
    return re.search(rf"https?://matcher\.test(/\S*{kind}\S+)", body).group(1)


def test_reset_answer_is_the_same_for_known_and_unknown_emails(client, users):
    users.create(email="known@example.org")
    known = client.post("/forgot", data={"email": "known@example.org"}, follow_redirects=True)
    unknown = client.post("/forgot", data={"email": "unknown@example.org"}, follow_redirects=True)
    assert str(RESET_SENT) in known.get_data(as_text=True)
    assert str(RESET_SENT) in unknown.get_data(as_text=True)
    assert known.status_code == unknown.status_code == 200
    sent_to = db.session.scalars(select(OutboxMessage.to_address)).all()
    assert sent_to == ["known@example.org"]


def test_reset_link_sets_a_new_password_once_and_logs_out_other_sessions(app, client, users):
    user = users.create(email="known@example.org")
    other_device = app.test_client()
    other_device.post("/login", data={"email": "known@example.org", "password": users.PASSWORD})

    client.post("/forgot", data={"email": "known@example.org"})
    path = _last_link("reset/")
    response = client.post(
        path, data={"password": "a brand new passphrase", "confirm": "a brand new passphrase"}
    )
    assert response.status_code == 302

    assert (
        client.post("/login", data={"email": user.email, "password": "a brand new passphrase"}).status_code
        == 302
    )
    assert other_device.get("/dashboard").status_code == 302  # its session died with the change
    again = client.get(path)
    assert again.status_code == 400 and "already been used" in again.get_data(as_text=True)


def test_reset_refuses_a_short_password_with_a_field_error(client, users):
    users.create(email="known@example.org")
    client.post("/forgot", data={"email": "known@example.org"})
    response = client.post(_last_link("reset/"), data={"password": "short", "confirm": "short"})
    assert response.status_code == 422
    assert 'id="password-error"' in response.get_data(as_text=True)


def test_changing_password_needs_the_current_one(auth, client, users):
    user = auth.login("student")
    response = client.post(
        "/account/password",
        data={
            "pw-current_password": "not it at all",
            "pw-password": "another passphrase",
            "pw-confirm": "another passphrase",
        },
    )
    assert response.status_code == 422
    assert "That is not your current password." in response.get_data(as_text=True)
    response = client.post(
        "/account/password",
        data={
            "pw-current_password": users.PASSWORD,
            "pw-password": "another passphrase",
            "pw-confirm": "another passphrase",
        },
    )
    assert response.status_code == 302
    assert client.get("/dashboard").status_code == 200  # this session continues
    client.post("/logout")
    assert (
        client.post("/login", data={"email": user.email, "password": "another passphrase"}).status_code == 302
    )


def test_password_change_needs_a_fresh_login_not_a_remembered_one(app, users):
    users.create(email="amina@example.org")
    browser = app.test_client()
    browser.post("/login", data={"email": "amina@example.org", "password": users.PASSWORD, "remember": "y"})
    remembered = app.test_client()
    remembered.set_cookie(
        "remember_token",
        browser.get_cookie("remember_token", domain="matcher.test").value,
        domain="matcher.test",
    )
    response = remembered.post(
        "/account/password",
        data={
            "pw-current_password": users.PASSWORD,
            "pw-password": "another passphrase",
            "pw-confirm": "another passphrase",
        },
    )
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_email_change_applies_only_after_the_new_address_confirms(auth, client, users):
    user = auth.login("trainee", email="old@example.org")
    response = client.post(
        "/account/email", data={"em-new_email": "New@Example.org", "em-password": users.PASSWORD}
    )
    assert response.status_code == 302
    assert db.session.get(User, user.id).email == "old@example.org"
    confirm = _last_link("confirm/")
    assert client.get(confirm).status_code == 302
    assert db.session.get(User, user.id).email == "new@example.org"
    notice = db.session.scalars(select(OutboxMessage).where(OutboxMessage.template == "email_changed")).one()
    assert notice.to_address == "old@example.org"
    assert client.get(confirm).status_code == 400  # single use


def test_remembered_session_logs_in_again_before_changing_the_password(app, users):
    users.create(email="amina@example.org")
    browser = app.test_client()
    browser.post("/login", data={"email": "amina@example.org", "password": users.PASSWORD, "remember": "y"})
    remembered = app.test_client()
    remembered.set_cookie(
        "remember_token",
        browser.get_cookie("remember_token", domain="matcher.test").value,
        domain="matcher.test",
    )
    data = {
        "pw-current_password": users.PASSWORD,
        "pw-password": "another passphrase",
        "pw-confirm": "another passphrase",
    }
    response = remembered.post("/account/password", data=data)
    assert response.headers["Location"].endswith("/login?next=/account")
    page = remembered.get("/login?next=/account")
    assert page.status_code == 200 and 'value="amina@example.org"' in page.get_data(as_text=True)
    again = remembered.post(
        "/login", data={"email": "amina@example.org", "password": users.PASSWORD, "next": "/account"}
    )
    assert again.headers["Location"] == "/account"
    assert remembered.post("/account/password", data=data).status_code == 302
    assert remembered.get("/account").status_code == 200
