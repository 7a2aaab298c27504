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


def set_security_headers(response: Response) -> Response:
    headers = response.headers
    headers.setdefault("Content-Security-Policy", CSP)
    headers.setdefault("X-Content-Type-Options", "nosniff")
    headers.setdefault("Referrer-Policy", "same-origin")
    headers.setdefault("X-Frame-Options", "DENY")
    app = current_app
    if not (app.debug or app.testing or app.config["ENV"] != "production"):
        headers.setdefault("Strict-Transport-Security", HSTS)
    if _personal(response):
        headers["Cache-Control"] = "no-store"
    return response
