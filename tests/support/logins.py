"""The login form as a client outside the browser sees it: shared by the tests and the benchmarks.

`csrf_token` reads a form's token from a page, `login_form` is what the login form posts, and
`log_in` does both through Flask's test client. The benchmarks' own HTTP client (bench/web/client.py)
posts the same fields over a socket. The demo accounts' password and the failed-login limit are
the app's own defaults, read from `matcher.config`, not copied.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from matcher.config import defaults

if TYPE_CHECKING:
    from flask.testing import FlaskClient
    from werkzeug.test import TestResponse

_DEFAULTS = defaults(instance_path="")
DEMO_PASSWORD: str = _DEFAULTS["DEMO_PASSWORD"]  # every account `flask seed-demo` / `seed-bulk` makes
LOGIN_RATE_LIMIT: str = _DEFAULTS["LOGIN_RATE_LIMIT"]  # failed logins per account and address
DEMO_COORDINATOR = "coordinator@demo.irmatch.org"  # seeded by `flask seed-demo`
WRONG_CREDENTIALS = "The email or the password is not right."  # the login form's own message

_CSRF_INPUT = re.compile(r'<input[^>]*name="csrf_token"[^>]*>')
_VALUE = re.compile(r'value="([^"]+)"')


def csrf_token(page: str | bytes) -> str:
    """The CSRF token of the first form on `page`, or "" when it has none (the POST is then refused)."""
    html = page.decode("utf-8", "replace") if isinstance(page, bytes) else page
    field = _CSRF_INPUT.search(html)
    value = _VALUE.search(field.group(0)) if field else None
    return value.group(1) if value else ""


def login_form(
    email: str, password: str, token: str = "", *, remember: bool = False, next_url: str = ""
) -> dict[str, str]:
    """The fields the login form posts."""
    form = {"csrf_token": token, "next": next_url, "email": email, "password": password}
    if remember:
        form["remember"] = "y"
    return form


def log_in(
    client: FlaskClient, email: str, password: str, *, remember: bool = False, base_url: str | None = None
) -> TestResponse:
    """GET /login (session cookie and CSRF token), then POST the form as a browser would.

    The POST carries the login page as its Referer: over HTTPS, Flask-WTF refuses a form whose
    Referer is missing or from another site. Returns the POST's response (302 on success).
    """
    options = {"base_url": base_url} if base_url else {}
    page = client.get("/login", **options)
    return client.post(
        "/login",
        data=login_form(email, password, csrf_token(page.get_data()), remember=remember),
        headers={"Referer": page.request.url},
        **options,
    )
