"""Login, logout, remember me, sessions that die on logout, and safe `next` redirects."""

from sqlalchemy import select

from matcher.extensions import db
from matcher.models import User


def test_login_with_email_and_password_then_logout(client, users):
    user = users.create(role="student", email="lucas@example.org")
    response = client.post("/login", data={"email": "LUCAS@example.org", "password": users.PASSWORD})
    assert response.status_code == 302 and response.headers["Location"].endswith("/dashboard")
    assert user.name in client.get("/dashboard").get_data(as_text=True)
    client.post("/logout")
    assert client.get("/dashboard").status_code == 302


def test_wrong_password_shows_one_message_and_keeps_the_email(client, users):
    users.create(email="lucas@example.org")
    response = client.post("/login", data={"email": "lucas@example.org", "password": "wrong password"})
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "The email or the password is not right." in page
    assert 'value="lucas@example.org"' in page


def test_unknown_email_gets_the_same_message_as_a_wrong_password(client):
    response = client.post("/login", data={"email": "nobody@example.org", "password": "whatever123"})
    assert "The email or the password is not right." in response.get_data(as_text=True)


def _session_cookie(client):
    return client.get_cookie("session", domain="matcher.test").value


def test_old_session_cookie_replayed_after_logout_is_refused(client, users):
    users.create(email="amina@example.org")
    client.post("/login", data={"email": "amina@example.org", "password": users.PASSWORD})
    stolen = _session_cookie(client)
    client.post("/logout")
    client.set_cookie("session", stolen, domain="matcher.test")
    response = client.get("/dashboard")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_remember_me_cookie_restores_the_login_until_logout(app, users):
    users.create(email="amina@example.org")
    browser = app.test_client()
    browser.post("/login", data={"email": "amina@example.org", "password": users.PASSWORD, "remember": "y"})
    remember = browser.get_cookie("remember_token", domain="matcher.test")
    assert remember is not None and remember.http_only

    fresh = app.test_client()  # a new browser session holding only the remember-me cookie
    fresh.set_cookie("remember_token", remember.value, domain="matcher.test")
    assert fresh.get("/dashboard").status_code == 200

    browser.post("/logout")
    again = app.test_client()
    again.set_cookie("remember_token", remember.value, domain="matcher.test")
    assert again.get("/dashboard").status_code == 302


def test_login_starts_a_new_session_without_carried_over_data(client, users):
    users.create(email="amina@example.org")
    with client.session_transaction() as session:
        session["planted"] = "by an attacker"
    client.post("/login", data={"email": "amina@example.org", "password": users.PASSWORD})
    with client.session_transaction() as session:
        assert "planted" not in session


def test_next_parameter_redirects_only_to_local_paths(client, users):
    users.create(email="amina@example.org")
    data = {"email": "amina@example.org", "password": users.PASSWORD}
    response = client.post("/login", data={**data, "next": "/account"})
    assert response.headers["Location"] == "/account"
    client.post("/logout")
    for evil in ("https://evil.example/", "//evil.example/", "/\\evil.example", "javascript:alert(1)"):
        response = client.post("/login", data={**data, "next": evil})
        assert response.headers["Location"].endswith("/dashboard"), evil
        client.post("/logout")


def test_anonymous_visitor_is_sent_to_login_with_next(client):
    response = client.get("/account")
    assert response.status_code == 302
    assert "/login?next=%2Faccount" in response.headers["Location"]


def test_login_upgrades_a_hash_made_with_old_parameters(app, client, users):
    from argon2 import PasswordHasher

    user = users.create(email="old@example.org")
    user.password_hash = PasswordHasher(time_cost=1, memory_cost=512, parallelism=1).hash(users.PASSWORD)
    db.session.commit()
    client.post("/login", data={"email": "old@example.org", "password": users.PASSWORD})
    stored = db.session.scalar(select(User.password_hash).where(User.id == user.id))
    assert f"m={app.config['ARGON2_MEMORY_COST']}" in stored
