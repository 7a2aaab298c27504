"""Security headers on every response."""

from __future__ import annotations

from flask import current_app, request
from flask_login import current_user
from werkzeug.wrappers import Response

# No 'unsafe-inline' anywhere: templates carry no <script>, no <style> and no style="" attribute
# (tests/security/test_headers.py reads every template to keep it so).
CSP = (
    "default-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'self'; "
    "form-action 'self'; frame-ancestors 'none'"
)
HSTS = "max-age=31536000; includeSubDomains"
HSTS_HEADER = "Strict-Transport-Security"


def _personal(response: Response) -> bool:
    """Whether the answer may hold personal data, so no cache may keep a copy.

    Pages for a signed-in person, and pages opened with a token from an email (a reset form, an
    invitation, an unsubscribe page, a calendar feed of someone's placements) are personal.
    """
    if request.endpoint == "static":
        return False
    if "token" in (request.view_args or {}):
        return True
    return bool(current_user and current_user.is_authenticated)


EVERY_RESPONSE = (
    ("Content-Security-Policy", CSP),
    ("X-Content-Type-Options", "nosniff"),
    ("Referrer-Policy", "same-origin"),
    ("X-Frame-Options", "DENY"),
)


def set_security_headers(response: Response) -> Response:
    headers = response.headers
    # A response may set its own (a stricter CSP, say): those are kept. This runs on every response,
    # so the names present are read in one pass (a lookup of a missing name raises and catches).
    present = {name.lower() for name, _ in headers.items()}
    for name, value in EVERY_RESPONSE:
        if name.lower() not in present:
            headers.add(name, value)
    app = current_app
    if (
        not (app.debug or app.testing or app.config["ENV"] != "production")
        and "strict-transport-security" not in present
    ):
        headers.add(HSTS_HEADER, HSTS)
    if _personal(response):
        headers["Cache-Control"] = "no-store"
    return response
