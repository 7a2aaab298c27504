"""Roles: the right role gets in, another role gets 403, an anonymous visitor goes to login."""

import pytest
from sqlalchemy import select

from matcher.extensions import db
from matcher.models import User


@pytest.mark.parametrize("role", ["student", "trainee", "org_member", "coordinator"])
def test_admin_pages_are_forbidden_to_other_roles(auth, client, role):
    auth.login(role)
    assert client.get("/admin/users").status_code == 403


def test_admin_pages_send_anonymous_visitors_to_login(client):
    response = client.get("/admin/users")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_admin_lists_users_and_changes_a_role(auth, client, users):
    auth.login("admin")
    target = users.create(role="student", email="future.coordinator@example.org")
    assert "future.coordinator@example.org" in client.get("/admin/users?q=future").get_data(as_text=True)
    response = client.post(
        f"/admin/users/{target.id}/role", data={"role": "coordinator"}, follow_redirects=True
    )
    assert "is now coordinator" in response.get_data(as_text=True)
    assert db.session.get(User, target.id).role == "coordinator"


def test_role_change_logs_the_user_out_everywhere(app, auth, client, users):
    target = users.create(role="student", email="s@example.org")
    their_browser = app.test_client()
    their_browser.post("/login", data={"email": "s@example.org", "password": users.PASSWORD})
    auth.login("admin")
    client.post(f"/admin/users/{target.id}/role", data={"role": "trainee"})
    assert their_browser.get("/dashboard").status_code == 302


def test_last_admin_cannot_demote_themself(auth, client):
    admin = auth.login("admin")
    response = client.post(f"/admin/users/{admin.id}/role", data={"role": "student"}, follow_redirects=True)
    assert "last administrator" in response.get_data(as_text=True)
    assert db.session.scalar(select(User.role).where(User.id == admin.id)) == "admin"


def test_unknown_role_is_refused(auth, client, users):
    auth.login("admin")
    target = users.create(role="student")
    response = client.post(
        f"/admin/users/{target.id}/role", data={"role": "superuser"}, follow_redirects=True
    )
    assert "Choose one of the listed roles." in response.get_data(as_text=True)
    assert db.session.get(User, target.id).role == "student"


def test_role_change_for_missing_user_is_404(auth, client):
    auth.login("admin")
    assert client.post("/admin/users/999999/role", data={"role": "student"}).status_code == 404


def test_navigation_shows_what_each_role_may_use(auth, client):
    auth.login("admin")
    assert 'href="/admin/users"' in client.get("/dashboard").get_data(as_text=True)
    client.post("/logout")
    auth.login("student")
    assert 'href="/admin/users"' not in client.get("/dashboard").get_data(as_text=True)
