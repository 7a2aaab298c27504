"""Security headers on every response (cache headers are in matcher.web.caching)."""

from __future__ import annotations

from flask import current_app
from werkzeug.wrappers import Response

# No 'unsafe-inline' anywhere: templates carry no <script>, no <style> and no style="" attribute
# (tests/security/test_headers.py reads every template to keep it so).
CSP = (
    "default-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'self'; "
    "form-action 'self'; frame-ancestors 'none'"
)
HSTS = "max-age=31536000; includeSubDomains"
HSTS_HEADER = "Strict-Transport-Security"


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
    return response
