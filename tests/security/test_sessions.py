"""Sessions: a fresh one at login, none left after logout or a password change, and safe cookies.

tests/web/test_login.py already proves that login starts a clean session and that the logged-out
browser's own cookie is refused afterwards; these tests add the other devices and the cookie flags.
"""

from __future__ import annotations

from http.cookies import SimpleCookie

from matcher.config import defaults
from tests.support.logins import log_in

PASSWORD = "correct horse battery"
NEW_PASSWORD = "another long passphrase"


def _login(app, email: str, password: str = PASSWORD, remember: bool = False):
    browser = app.test_client()
    data = {"email": email, "password": password, "remember": "y" if remember else ""}
    assert browser.post("/login", data=data).status_code == 302
    return browser


def _cookie(browser, name: str = "session") -> str:
    return browser.get_cookie(name, domain="matcher.test").value


def _replay(app, name: str, value: str):
    """A new browser holding nothing but a copied cookie, asking for a private page."""
    stranger = app.test_client()
    stranger.set_cookie(name, value, domain="matcher.test")
    return stranger.get("/dashboard")


def _is_login_page(response) -> bool:
    return response.status_code == 302 and "/login" in response.headers["Location"]


def test_a_password_change_ends_every_other_session_and_remembered_login(app, users):
    user = users.create(email="amina@example.org")
    laptop = _login(app, user.email)
    phone = _login(app, user.email, remember=True)
    old_laptop_cookie, phone_session, phone_remember = (
        _cookie(laptop),
        _cookie(phone),
        _cookie(phone, "remember_token"),
    )

    response = laptop.post(
        "/account/password",
        data={"pw-current_password": PASSWORD, "pw-password": NEW_PASSWORD, "pw-confirm": NEW_PASSWORD},
    )
    assert response.status_code == 302

    assert laptop.get("/dashboard").status_code == 200  # the browser that changed it stays in
    assert _is_login_page(phone.get("/dashboard"))
    assert _is_login_page(_replay(app, "session", old_laptop_cookie))
    assert _is_login_page(_replay(app, "session", phone_session))
    assert _is_login_page(_replay(app, "remember_token", phone_remember))


def test_logout_ends_the_sessions_on_every_device(app, users):
    user = users.create(email="amina@example.org")
    laptop = _login(app, user.email)
    phone = _login(app, user.email)
    phone_cookie = _cookie(phone)
    laptop.post("/logout")
    assert _is_login_page(phone.get("/dashboard"))
    assert _is_login_page(_replay(app, "session", phone_cookie))


def test_logout_leaves_no_session_data_behind(app, users):
    user = users.create(email="amina@example.org")
    browser = _login(app, user.email)
    with browser.session_transaction() as session:
        session["left-over"] = "private"
    browser.post("/logout")
    with browser.session_transaction() as session:
        assert "left-over" not in session and "_user_id" not in session


def test_the_session_id_after_login_is_not_the_one_before(app, users):
    """Session fixation: the cookie a visitor had before logging in gives no access afterwards."""
    user = users.create(email="amina@example.org")
    browser = app.test_client()
    with browser.session_transaction() as session:
        session["visitor"] = True
    before = _cookie(browser)
    browser.post("/login", data={"email": user.email, "password": PASSWORD})
    assert _cookie(browser) != before
    assert _is_login_page(_replay(app, "session", before))


def _set_cookies(response) -> dict[str, str]:
    found = {}
    for header in response.headers.getlist("Set-Cookie"):
        name = header.split("=", 1)[0]
        found[name] = header
    return found


def _flags(header: str) -> dict[str, str | bool]:
    cookie = SimpleCookie()
    cookie.load(header)
    morsel = next(iter(cookie.values()))
    return {
        "secure": bool(morsel["secure"]),
        "httponly": bool(morsel["httponly"]),
        "samesite": morsel["samesite"],
    }


def test_production_cookies_are_secure_httponly_and_samesite_lax(production_app, users):
    user = users.create(email="amina@example.org")
    app = production_app()
    browser = app.test_client()
    response = log_in(browser, user.email, PASSWORD, remember=True, base_url="https://matcher.test")
    assert response.status_code == 302
    cookies = _set_cookies(response)
    assert {"session", "remember_token"} <= set(cookies)
    for name in ("session", "remember_token"):
        assert _flags(cookies[name]) == {"secure": True, "httponly": True, "samesite": "Lax"}, name


def test_cookies_outside_production_are_httponly_and_lax_but_not_secure_for_plain_http(app, users):
    user = users.create(email="amina@example.org")
    response = app.test_client().post(
        "/login", data={"email": user.email, "password": PASSWORD, "remember": "y"}
    )
    cookies = _set_cookies(response)
    assert {"session", "remember_token"} <= set(cookies)
    for name, header in cookies.items():
        assert _flags(header) == {"secure": False, "httponly": True, "samesite": "Lax"}, name


def test_the_built_in_defaults_are_the_safe_ones(tmp_path):
    settings = defaults(str(tmp_path))
    assert settings["SESSION_COOKIE_SECURE"] and settings["REMEMBER_COOKIE_SECURE"]
    assert settings["SESSION_COOKIE_HTTPONLY"] and settings["REMEMBER_COOKIE_HTTPONLY"]
    assert settings["SESSION_COOKIE_SAMESITE"] == settings["REMEMBER_COOKIE_SAMESITE"] == "Lax"
